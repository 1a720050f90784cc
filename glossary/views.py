from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from curriculum.models import Partner, PartnerMembership
from curriculum.translated import language_direction

from .exchange import GlossaryFileError, glossary_csv, glossary_import, glossary_tbx
from .forms import GlossaryFilterForm, GlossaryImportForm, RenderingsForm, TermForm
from .models import Rendering, Term
from .services import (
    GlossaryError,
    can_manage_partner_renderings,
    can_manage_terms,
    can_read_glossary,
    partner_renderings_save,
    renderings_closest,
    renderings_effective,
    term_delete,
    term_save,
)


def _requires(check):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _partner_required(view):
    """The partner's own members (and the secretariat); anonymous visitors go to the login page."""

    @wraps(view)
    @login_required
    def wrapped(request, partner_slug, *args, **kwargs):
        partner = get_object_or_404(Partner, slug=partner_slug)
        if not can_manage_partner_renderings(request.user, partner):
            raise PermissionDenied
        return view(request, partner, *args, **kwargs)

    return wrapped


def _filters(request):
    form = GlossaryFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["language"] or None, form.cleaned_data["partner"], form.cleaned_data["q"]
    return GlossaryFilterForm(), None, None, ""


@_requires(can_read_glossary)
def glossary_list(request):
    form, language, partner, query = _filters(request)
    renderings = Rendering.objects.for_edition(partner) if partner else Rendering.objects.network()
    if language:
        renderings = renderings.filter(language=language)
    terms = Term.objects.order_by("key").prefetch_related(
        Prefetch("renderings", queryset=renderings.select_related("partner").order_by("language"), to_attr="shown")
    )
    if query:
        terms = terms.filter(key__contains=query.casefold())
    rows = []
    for term in terms:
        # Where the partner has its own rendering, it replaces the network's in the partner's editions.
        closest = renderings_closest(term.shown, partner)
        rows.append({"term": term, "renderings": [closest[key] for key in sorted(closest)]})
    own_partners = Partner.objects.filter(pk__in=PartnerMembership.objects.filter(user=request.user).values("partner"))
    return render(
        request,
        "glossary/list.html",
        {
            "form": form,
            "rows": rows,
            "language": language,
            "partner": partner,
            "can_manage": can_manage_terms(request.user),
            "own_partners": own_partners,
            "export_query": request.GET.urlencode(),
        },
    )


def _term_page(request, term):
    term_language = term.language if term else settings.LANGUAGE_CODE
    initial = {"language": term_language}
    if term is not None:
        initial |= {"text": term.text, "note": term.note, **TermForm.initial_from(term.renderings.network())}
    form = TermForm(request.POST or None, initial=initial, term_language=term_language)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = term_save(
                    term=term,
                    text=form.cleaned_data["text"],
                    language=form.cleaned_data["language"],
                    note=form.cleaned_data["note"],
                    renderings=form.renderings(),
                    user=request.user,
                )
            except GlossaryError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("“%(term)s” saved.") % {"term": saved.text})
                return redirect(reverse("glossary:list") + f"#term-{saved.pk}")
        status = 400
    return render(
        request,
        "glossary/term_form.html",
        {"form": form, "term": term, "rows": _direction_rows(form)},
        status=status,
    )


def _direction_rows(form):
    return [{"code": code, "dir": language_direction(code), "fields": fields} for code, *fields in form.language_rows()]


@_requires(can_manage_terms)
def term_create(request):
    return _term_page(request, None)


@_requires(can_manage_terms)
def term_edit(request, pk):
    return _term_page(request, get_object_or_404(Term, pk=pk))


@require_POST
@_requires(can_manage_terms)
def term_remove(request, pk):
    term = get_object_or_404(Term, pk=pk)
    term_delete(term=term)
    messages.success(request, _("“%(term)s” removed from the glossary.") % {"term": term.text})
    return redirect("glossary:list")


@_partner_required
def partner_renderings(request, partner, pk):
    term = get_object_or_404(Term, pk=pk)
    # The partner's languages first; any other language it already has a rendering in after them.
    own = {rendering.language: rendering for rendering in term.renderings.filter(partner=partner)}
    codes = [code for code in [*partner.languages, *sorted(own)] if code in settings.LANGUAGE_CODES]
    languages = [code for index, code in enumerate(codes) if code not in codes[:index] and code != term.language]
    form = RenderingsForm(request.POST or None, initial=RenderingsForm.initial_from(own.values()), languages=languages)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                partner_renderings_save(term=term, partner=partner, renderings=form.renderings(), user=request.user)
            except GlossaryError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("%(partner)s's renderings of “%(term)s” saved.") % {"partner": partner.name, "term": term},
                )
                return redirect(reverse("glossary:list") + f"?partner={partner.slug}#term-{term.pk}")
        status = 400
    network = {code: renderings_effective(language=code, terms=[term]).get(term.pk) for code in languages}
    rows = [{**row, "network": network[row["code"]]} for row in _direction_rows(form)]
    return render(
        request,
        "glossary/partner_renderings.html",
        {"form": form, "term": term, "partner": partner, "rows": rows},
        status=status,
    )


EXPORT_FORMATS = {
    "csv": ("text/csv; charset=utf-8", glossary_csv),
    "tbx": ("application/x-tbx+xml; charset=utf-8", glossary_tbx),
}


@_requires(can_read_glossary)
def glossary_export(request, file_format):
    """The glossary (the network's renderings and every partner's, or one partner's edition) as TBX or CSV."""
    if file_format not in EXPORT_FORMATS:
        raise Http404
    _form, language, partner, _query = _filters(request)
    content_type, build = EXPORT_FORMATS[file_format]
    response = HttpResponse(build(language=language, partner=partner), content_type=content_type)
    name = "-".join(filter(None, ["glossary", partner.slug if partner else None, language]))
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response


def _import_page(request, partner):
    form = GlossaryImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = glossary_import(
                    content=upload.read(), filename=upload.name, user=request.user, partner=partner
                )
            except GlossaryFileError as error:
                form.add_error("file", _("Nothing was imported: %(reason)s") % {"reason": error})
            else:
                messages.success(
                    request,
                    _(
                        "Imported: %(terms)d new terms, %(changed)d renderings and notes changed, %(skipped)d rows skipped."
                    )
                    % {"terms": report.terms_created, "changed": report.renderings_changed, "skipped": report.skipped},
                )
                return redirect(reverse("glossary:list") + (f"?partner={partner.slug}" if partner else ""))
        status = 400
    return render(request, "glossary/import.html", {"form": form, "partner": partner}, status=status)


@_requires(can_manage_terms)
def glossary_import_network(request):
    return _import_page(request, None)


@_partner_required
def glossary_import_partner(request, partner):
    return _import_page(request, partner)
