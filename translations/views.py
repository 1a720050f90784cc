from contextlib import suppress
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from curriculum.models import Curriculum, Edition
from curriculum.roles import can_view_partner_edition
from curriculum.translated import language_direction
from glossary.services import glossary_units

from .exchange import MAX_FILE_BYTES, ExchangeFileError, exchange_filename, exchange_import, exchange_po, exchange_xliff
from .memory import memory_matches
from .review import (
    ReviewConflict,
    ReviewProblem,
    ReviewRefused,
    may_review_own_work,
    review_check_allowed,
    reviewer_languages,
    translation_approve,
    translation_save_draft,
    translation_send_back,
    translation_submit,
)
from .services import (
    TranslationConflict,
    TranslationRefused,
    is_translator,
    text_hash,
    translation_check_allowed,
    translation_save,
    translator_languages,
)
from .units import curriculum_progress, edition_languages_for, scope_units, translation_scopes

REVIEW_FILTERS = {
    "needs_review": gettext_lazy("Needs review"),
    "draft": gettext_lazy("Drafts"),
    "approved": gettext_lazy("Approved"),
}


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


def _edition(request, curriculum, partner_slug):
    """A partner's edition of the curriculum; a private one this person may not see does not exist for them."""
    edition = get_object_or_404(
        Edition.objects.select_related("partner", "curriculum"), curriculum=curriculum, partner__slug=partner_slug
    )
    if not can_view_partner_edition(request.user, curriculum, edition.partner):
        raise Http404
    return edition


def _scope(request, slug, language, module_slug=None, partner_slug=None):
    """The curriculum, module and edition (None: the core) a translator asked for, after checking the language is theirs."""
    curriculum = get_object_or_404(Curriculum, slug=slug)
    if language not in settings.LANGUAGE_CODES:
        raise Http404
    edition = _edition(request, curriculum, partner_slug) if partner_slug else None
    if edition is not None and language not in edition.languages:
        raise Http404
    _check(translation_check_allowed, TranslationRefused, request, curriculum, edition, language)
    module = get_object_or_404(curriculum.modules, slug=module_slug) if module_slug else None
    return curriculum, module, edition


def _check(check, refused, request, curriculum, edition, language):
    """A translating or reviewing right in this scope; refused, a 403 with the reason."""
    try:
        check(
            user=request.user,
            language=language,
            # An edition's blocks each have their own source language; each save or review refuses its own.
            source_language=curriculum.source_language if edition is None else None,
            partner=_partner(edition),
        )
    except refused as refusal:
        raise PermissionDenied(str(refusal)) from None


def _partner(edition):
    return edition.partner if edition is not None else None


def _edition_kwargs(curriculum, edition, **kwargs):
    if edition is None:
        return {"slug": curriculum.slug, **kwargs}
    return {"slug": curriculum.slug, "partner_slug": edition.partner.slug, **kwargs}


def _route(edition, name):
    return f"translations:edition_{name}" if edition is not None else f"translations:{name}"


@translator_required
def workspace(request):
    """The scopes a person may translate in: each curriculum's core and the partner editions open to them."""
    scopes = translation_scopes(request.user)
    if len(scopes) == 1:
        return redirect(scopes[0].url)
    return render(request, "translations/workspace.html", {"scopes": scopes})


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
def edition_matrix(request, slug, partner_slug):
    """A partner edition's own text (overrides, local blocks) per module × the languages this person may translate."""
    curriculum = get_object_or_404(Curriculum, slug=slug)
    edition = _edition(request, curriculum, partner_slug)
    languages = edition_languages_for(request.user, edition)
    rows, totals = curriculum_progress(curriculum=curriculum, languages=languages, edition=edition)
    # A language every block is written in has nothing to translate.
    languages = [language for language in languages if totals[language].total]
    return render(
        request,
        "translations/matrix.html",
        {"curriculum": curriculum, "edition": edition, "languages": languages, "rows": rows, "totals": totals},
    )


def _units(curriculum, module, language, edition=None):
    units = scope_units(curriculum=curriculum, module=module, edition=edition, languages=[language])[language]
    return units if module is not None else [unit for unit in units if unit.key.startswith("curriculum:")]


@translator_required
def editor(request, slug, language, module_slug=None, partner_slug=None):
    curriculum, module, edition = _scope(request, slug, language, module_slug, partner_slug)
    units = _units(curriculum, module, language, edition)
    conflicts, errors, saved = {}, {}, 0
    if request.method == "POST":
        # "Save" asks for review; "Save as draft" keeps the translations from reviewers for now.
        save = translation_save_draft if request.POST.get("save") == "draft" else translation_save
        for unit in units:
            text = request.POST.get(f"t:{unit.key}")
            if text is None:
                continue
            mark_current = request.POST.get(f"c:{unit.key}") == "on"
            base_translation = request.POST.get(f"b:{unit.key}", "")
            if text_hash(text) == base_translation and not mark_current:
                if request.POST.get(f"r:{unit.key}") == "on" and unit.review_state == "draft":
                    # Changed meanwhile: not submitted, and the page shows the new text with its state.
                    with suppress(ReviewConflict, ReviewProblem):
                        saved += translation_submit(
                            user=request.user,
                            obj=unit.obj,
                            field=unit.field,
                            language=language,
                            reviewed_hash=base_translation,
                            partner=_partner(edition),
                        )
                continue  # untouched on the page
            try:
                saved += save(
                    user=request.user,
                    obj=unit.obj,
                    field=unit.field,
                    language=language,
                    text=text,
                    base_translation_hash=base_translation,
                    base_source_hash=request.POST.get(f"s:{unit.key}", ""),
                    mark_current=mark_current,
                    partner=_partner(edition),
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
            return redirect(request.get_full_path())
        if conflicts:
            messages.error(
                request,
                _("Some translations changed since you opened this page and were not saved; compare and save again."),
            )
    status = 409 if conflicts else 400 if errors else 200
    return editor_page(
        request, curriculum, module, language, edition=edition, conflicts=conflicts, errors=errors, status=status
    )


def editor_page(
    request, curriculum, module, language, *, edition=None, conflicts=None, errors=None, reviews=None, status=200
):
    """The editor with the current texts and, after a refused save or review, the person's own input beside them."""
    units = _units(curriculum, module, language, edition)
    review_filter = request.GET.get("review", "")
    if review_filter in REVIEW_FILTERS:
        units = [unit for unit in units if unit.review_state == review_filter]
    conflicts, errors, reviews = conflicts or {}, errors or {}, reviews or {}
    # Glossary terms in each source and a warning where the translation (or what was typed) misses their rendering.
    # An edition's own text is checked against the partner's renderings (its own over its parent's and the network's).
    glossary = glossary_units(
        units=units,
        language=language,
        partner=_partner(edition),
        texts={key: error["text"] for key, error in errors.items()},
    )
    memory = memory_matches(units=units, language=language, user=request.user)
    rows = [
        {
            "unit": unit,
            "memory": memory[unit.key],
            "conflict": conflicts.get(unit.key),
            "error": errors.get(unit.key),
            "glossary": glossary.get(unit.key),
            "review": reviews.get(unit.key),
        }
        for unit in units
    ]
    query = {"module": module.slug if module else "", "review": review_filter}
    review_url = reverse(_route(edition, "review"), kwargs=_edition_kwargs(curriculum, edition, language=language))
    review_url += "?" + urlencode({name: value for name, value in query.items() if value})
    return render(
        request,
        "translations/editor.html",
        {
            "curriculum": curriculum,
            "module": module,
            "edition": edition,
            "language": language,
            "direction": language_direction(language),
            "rows": rows,
            "matrix_url": reverse(_route(edition, "matrix"), kwargs=_edition_kwargs(curriculum, edition)),
            "download_url": reverse(
                _route(edition, "download"),
                kwargs=_edition_kwargs(curriculum, edition, language=language, file_format="po"),
            ),
            "download_xliff_url": reverse(
                _route(edition, "download"),
                kwargs=_edition_kwargs(curriculum, edition, language=language, file_format="xliff"),
            ),
            "review_filter": review_filter if review_filter in REVIEW_FILTERS else "",
            "review_filters": REVIEW_FILTERS.items(),
            "can_review": language in reviewer_languages(request.user, _partner(edition)),
            "may_review_own_work": may_review_own_work(),
            "review_url": review_url.rstrip("?"),
        },
        status=status,
    )


REVIEW_DECISIONS = {"approve": translation_approve, "send_back": translation_send_back}


@require_POST
@translator_required
def review(request, slug, language, partner_slug=None):
    """A reviewer approves the translation they read, or sends it back with a comment (`?module=<slug>`)."""
    curriculum, module, edition = _scope(request, slug, language, request.GET.get("module") or None, partner_slug)
    _check(review_check_allowed, ReviewRefused, request, curriculum, edition, language)
    decision, _sep, key = request.POST.get("review", "").partition(":")
    unit = next((unit for unit in _units(curriculum, module, language, edition) if unit.key == key), None)
    back = _editor_url(curriculum, module, language, request.GET.get("review", ""), edition)
    if decision not in REVIEW_DECISIONS or unit is None:
        messages.error(request, _("Choose a translation to approve or send back."))
        return redirect(back)
    comment = request.POST.get(f"rc:{key}", "")
    reviewed_hash = request.POST.get(f"b:{key}", "")
    extra = {"comment": comment} if decision == "send_back" else {}
    try:
        typed = request.POST.get(f"t:{key}")
        if typed is not None and text_hash(typed) != reviewed_hash:
            raise ReviewProblem(_("You changed the text: save it first, then review it."))
        REVIEW_DECISIONS[decision](
            user=request.user,
            obj=unit.obj,
            field=unit.field,
            language=language,
            reviewed_hash=reviewed_hash,
            partner=_partner(edition),
            **extra,
        )
    except ReviewRefused as refusal:
        found, status = {"message": str(refusal)}, 403
    except ReviewConflict as conflict:
        messages.error(request, _("A translation changed since you opened this page and was not reviewed."))
        found, status = {"message": str(conflict), "conflict": True}, 409
    except ReviewProblem as problem:
        found, status = {"message": str(problem)}, 400
    else:
        if decision == "approve":
            messages.success(request, _("Translation approved."))
        else:
            messages.success(request, _("Translation sent back to its translator with your comment."))
        return redirect(back)
    # Shown again with the current text; the reviewer's comment is kept in its box.
    reviews = {key: {"comment": comment, **found}}
    return editor_page(request, curriculum, module, language, edition=edition, reviews=reviews, status=status)


def _editor_url(curriculum, module, language, review_filter="", edition=None):
    if module is None:
        url = reverse("translations:curriculum_editor", args=[curriculum.slug, language])
    else:
        url = reverse(
            _route(edition, "editor"),
            kwargs=_edition_kwargs(curriculum, edition, language=language, module_slug=module.slug),
        )
    return f"{url}?{urlencode({'review': review_filter})}" if review_filter in REVIEW_FILTERS else url


EXCHANGE_FORMATS = {
    "po": ("po", "text/x-gettext-translation; charset=utf-8", exchange_po),
    "xliff": ("xlf", "application/x-xliff+xml; charset=utf-8", exchange_xliff),
}


@translator_required
def exchange_download(request, slug, language, file_format, partner_slug=None):
    """A PO or XLIFF file of the curriculum or an edition's own text (or `?module=<slug>`) in one language."""
    if file_format not in EXCHANGE_FORMATS:
        raise Http404
    curriculum, module, edition = _scope(request, slug, language, request.GET.get("module") or None, partner_slug)
    extension, content_type, build = EXCHANGE_FORMATS[file_format]
    content = build(curriculum=curriculum, language=language, module=module, edition=edition, user=request.user)
    response = HttpResponse(content, content_type=content_type)
    filename = exchange_filename(
        curriculum=curriculum, language=language, module=module, extension=extension, edition=edition
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@translator_required
def exchange_upload(request, slug, language, partner_slug=None):
    """Apply an uploaded PO or XLIFF file and say what it did."""
    curriculum, _module, edition = _scope(request, slug, language, partner_slug=partner_slug)
    upload = request.FILES.get("file")
    back = reverse(_route(edition, "matrix"), kwargs=_edition_kwargs(curriculum, edition))
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
            edition=edition,
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
