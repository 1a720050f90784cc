from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from curriculum.models import Curriculum
from curriculum.translated import language_direction

from .exchange import MAX_FILE_BYTES, ExchangeFileError, exchange_filename, exchange_import, exchange_po, exchange_xliff
from .memory import memory_matches
from .services import (
    TranslationConflict,
    TranslationRefused,
    curriculum_progress,
    is_translator,
    scope_units,
    text_hash,
    translation_check_allowed,
    translation_save,
    translator_languages,
)


def translator_required(view):
    """Signed-in translators only: anonymous visitors go to the login page, everyone else is refused."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_translator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _languages_for(user, curriculum):
    granted = translator_languages(user)
    return [code for code in settings.LANGUAGE_CODES if code in granted and code != curriculum.source_language]


def _scope(request, slug, language, module_slug=None):
    """The curriculum (and module) a translator asked for, after checking the language is theirs."""
    curriculum = get_object_or_404(Curriculum, slug=slug)
    if language not in settings.LANGUAGE_CODES:
        raise Http404
    try:
        translation_check_allowed(user=request.user, language=language, source_language=curriculum.source_language)
    except TranslationRefused as refusal:
        raise PermissionDenied(str(refusal)) from None
    module = get_object_or_404(curriculum.modules, slug=module_slug) if module_slug else None
    return curriculum, module


@translator_required
def workspace(request):
    curricula = Curriculum.objects.order_by("slug")
    if len(curricula) == 1:
        return redirect("translations:matrix", slug=curricula[0].slug)
    return render(request, "translations/workspace.html", {"curricula": curricula})


@translator_required
def matrix(request, slug):
    curriculum = get_object_or_404(Curriculum, slug=slug)
    languages = _languages_for(request.user, curriculum)
    rows, totals = curriculum_progress(curriculum=curriculum, languages=languages)
    return render(
        request,
        "translations/matrix.html",
        {"curriculum": curriculum, "languages": languages, "rows": rows, "totals": totals},
    )


@translator_required
def editor(request, slug, language, module_slug=None):
    curriculum, module = _scope(request, slug, language, module_slug)
    units = scope_units(curriculum=curriculum, module=module, languages=[language])[language]
    if module is None:
        units = [unit for unit in units if unit.key.startswith("curriculum:")]
    conflicts, errors, saved = {}, {}, 0
    if request.method == "POST":
        for unit in units:
            text = request.POST.get(f"t:{unit.key}")
            if text is None:
                continue
            mark_current = request.POST.get(f"c:{unit.key}") == "on"
            base_translation = request.POST.get(f"b:{unit.key}", "")
            if text_hash(text) == base_translation and not mark_current:
                continue  # untouched on the page
            try:
                saved += translation_save(
                    user=request.user,
                    obj=unit.obj,
                    field=unit.field,
                    language=language,
                    text=text,
                    base_translation_hash=base_translation,
                    base_source_hash=request.POST.get(f"s:{unit.key}", ""),
                    mark_current=mark_current,
                )
            except TranslationRefused as refusal:
                raise PermissionDenied(str(refusal)) from None
            except TranslationConflict as conflict:
                conflicts[unit.key] = {"text": text, "theirs": conflict.current_translation}
            except ValueError as error:
                errors[unit.key] = {"text": text, "message": str(error)}
        if not conflicts and not errors:
            messages.success(
                request,
                ngettext("%(count)d translation saved.", "%(count)d translations saved.", saved) % {"count": saved},
            )
            return redirect(request.path)
        # Show the page again with the current texts and the translator's own versions: nothing is lost.
        units = scope_units(curriculum=curriculum, module=module, languages=[language])[language]
        if module is None:
            units = [unit for unit in units if unit.key.startswith("curriculum:")]
        if conflicts:
            messages.error(
                request,
                _("Some translations changed since you opened this page and were not saved; compare and save again."),
            )
    memory = memory_matches(units=units, language=language, user=request.user)
    rows = [
        {"unit": unit, "conflict": conflicts.get(unit.key), "error": errors.get(unit.key), "memory": memory[unit.key]}
        for unit in units
    ]
    return render(
        request,
        "translations/editor.html",
        {
            "curriculum": curriculum,
            "module": module,
            "language": language,
            "direction": language_direction(language),
            "rows": rows,
            "matrix_url": reverse("translations:matrix", kwargs={"slug": curriculum.slug}),
        },
        status=409 if conflicts else 400 if errors else 200,
    )


EXCHANGE_FORMATS = {
    "po": ("po", "text/x-gettext-translation; charset=utf-8", exchange_po),
    "xliff": ("xlf", "application/x-xliff+xml; charset=utf-8", exchange_xliff),
}


@translator_required
def exchange_download(request, slug, language, file_format):
    """A PO or XLIFF file of the curriculum (or `?module=<slug>`) in one language."""
    if file_format not in EXCHANGE_FORMATS:
        raise Http404
    curriculum, module = _scope(request, slug, language, request.GET.get("module") or None)
    extension, content_type, build = EXCHANGE_FORMATS[file_format]
    content = build(curriculum=curriculum, language=language, module=module, user=request.user)
    response = HttpResponse(content, content_type=content_type)
    filename = exchange_filename(curriculum=curriculum, language=language, module=module, extension=extension)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@translator_required
def exchange_upload(request, slug, language):
    """Apply an uploaded PO or XLIFF file and say what it did."""
    curriculum, _module = _scope(request, slug, language)
    upload = request.FILES.get("file")
    back = reverse("translations:matrix", kwargs={"slug": curriculum.slug})
    if upload is None:
        messages.error(request, _("Choose a PO or XLIFF file to upload."))
        return redirect(back)
    try:
        report = exchange_import(
            user=request.user,
            curriculum=curriculum,
            language=language,
            content=upload.read(MAX_FILE_BYTES + 1),
            filename=upload.name,
        )
    except ExchangeFileError as error:
        messages.error(request, _("The file was not imported: %(reason)s") % {"reason": error})
        return redirect(back)
    except TranslationRefused as refusal:
        raise PermissionDenied(str(refusal)) from None
    messages.success(
        request,
        _("%(updated)d translations updated, %(unchanged)d unchanged.")
        % {"updated": len(report.updated), "unchanged": report.unchanged},
    )
    if report.conflicts:
        messages.error(
            request,
            _("Not imported, because they changed here since the file was downloaded: %(keys)s")
            % {"keys": ", ".join(report.conflicts)},
        )
    if report.needs_review:
        messages.warning(
            request,
            _("Not imported, still marked as needing review (fuzzy): %(keys)s")
            % {"keys": ", ".join(report.needs_review)},
        )
    for problem in report.invalid:
        messages.error(request, _("Not imported: %(problem)s") % {"problem": problem})
    return redirect(back)
