import hashlib
import json

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models.functions import ExtractYear
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from curriculum.roles import is_secretariat
from curriculum.translated import language_direction
from exports.models import ExportJob
from exports.services import ExportError
from exports.serving import stored_file_response

from . import charts
from .csv_import import IMPORT_COLUMNS, IMPORT_EXAMPLE, ImportFileError, workshops_import
from .csvsafe import csv_response
from .forms import (
    ReachFilterForm,
    ResourceFilterForm,
    ResourceForm,
    ReviewRequestForm,
    WorkshopForm,
    WorkshopImportForm,
)
from .models import Person, Resource, Workshop
from .permissions import editor_required, is_workshop_editor, partners_editable_by, secretariat_required
from .review import review_request
from .selectors import (
    REACH_DIMENSIONS,
    SCORE_DIMENSIONS,
    SCORE_MIN_SAMPLE,
    partner_map_entries,
    partner_personal_data,
    reach_cascade,
    reach_table,
    reach_totals,
    resources_search,
    self_assessment_table,
)
from .services import people_delete as people_delete_service
from .services import resource_create, workshop_record
from .uploads import UploadRefused

IMPORT_SESSION_KEY = "workshops-import"


@require_GET
def partner_map(request):
    """Public: every partner and affiliate as a list, on a plain outline map, and on Leaflet when scripts run."""
    partners = partner_map_entries()
    return render(
        request,
        "workshops/partner_map.html",
        {
            "partners": partners,
            "heads": [partner for partner in partners if not partner["affiliate_of"]],
            "tile_url": settings.PARTNER_MAP_TILE_URL,
            "tile_attribution": settings.PARTNER_MAP_TILE_ATTRIBUTION,
        },
    )


@editor_required
@require_GET
def workshop_list(request):
    workshops = Workshop.objects.editable_by(request.user).select_related("partner", "curriculum")
    return render(request, "workshops/workshop_list.html", {"workshops": workshops[:200]})


@editor_required
@require_http_methods(["GET", "POST"])
def workshop_edit(request, pk=None):
    workshop = get_object_or_404(Workshop.objects.editable_by(request.user), pk=pk) if pk else None
    form = WorkshopForm(request.POST or None, instance=workshop, user=request.user)
    if request.method == "POST" and form.is_valid():
        workshop = workshop_record(
            user=request.user,
            data=form.model_data(),
            workshop=workshop,
            module_versions=form.cleaned_data["module_versions"],
            facilitators=form.cleaned_data["facilitators"],
            new_facilitators=form.new_facilitator_names,
        )
        messages.success(request, _("The workshop is recorded."))
        return redirect("workshops:list")
    return render(request, "workshops/workshop_form.html", {"form": form, "workshop": workshop})


@editor_required
@require_GET
def import_template(request):
    return csv_response("workshops-template.csv", IMPORT_COLUMNS, [IMPORT_EXAMPLE])


@editor_required
@require_http_methods(["GET", "POST"])
def workshop_import(request):
    """Upload → dry run listing every bad row → confirm: all rows are created, or none."""
    form = WorkshopImportForm(request.POST or None, request.FILES or None)
    result, error, token = None, None, None
    if request.method == "POST" and "confirm" in request.POST:
        pending = request.session.get(IMPORT_SESSION_KEY)
        if not pending or pending["token"] != request.POST.get("confirm"):
            messages.error(request, _("The upload has expired; choose the file again."))
            return redirect("workshops:import")
        try:
            result = workshops_import(user=request.user, raw=pending["text"].encode(), commit=True)
        except ImportFileError as problem:
            error = str(problem)
        else:
            if result.created:
                del request.session[IMPORT_SESSION_KEY]
                messages.success(request, _("%(count)d workshops imported.") % {"count": result.created})
                return redirect("workshops:list")
    elif request.method == "POST" and form.is_valid():
        raw = form.cleaned_data["file"].read(settings.WORKSHOP_IMPORT_MAX_BYTES + 1)
        try:
            result = workshops_import(user=request.user, raw=raw)
        except ImportFileError as problem:
            error = str(problem)
        else:
            if result.is_valid:
                token = hashlib.sha256(raw).hexdigest()
                request.session[IMPORT_SESSION_KEY] = {"token": token, "text": raw.decode("utf-8-sig")}
    return render(
        request,
        "workshops/import.html",
        {"form": form, "result": result, "error": error, "token": token, "columns": IMPORT_COLUMNS},
    )


def _reach_context(request):
    years = (
        Workshop.objects.annotate(year=ExtractYear("start_date"))
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
    form = ReachFilterForm(request.GET or None, years=years)
    filters = form.filters()
    return form, filters.apply(Workshop.objects.all())


def _table_titles():
    return {
        "year": _("By year"),
        "country": _("By country"),
        "partner": _("By partner"),
        "language": _("By language"),
        "module": _("By module"),
        "kind": _("By type of workshop"),
    }


def _score_headings():
    return {"module": _("Module"), "partner": _("Partner"), "year": _("Year"), "language": _("Language")}


@secretariat_required
@require_GET
def reach(request):
    form, workshops = _reach_context(request)
    rtl = language_direction(get_language()) == "rtl"
    lang = get_language()
    tables = []
    for dimension, title in _table_titles().items():
        rows = reach_table(workshops=workshops, dimension=dimension)
        chart = charts.bar_chart(
            rows=[(row.label, row.participants) for row in rows],
            title=_("Participants") + " · " + title,
            rtl=rtl,
            lang=lang,
        )
        tables.append({"dimension": dimension, "title": title, "rows": rows, "chart": chart})
    titles = _table_titles()
    scores = [
        {"dimension": dimension, "title": titles[dimension], "heading": _score_headings()[dimension],
         "rows": self_assessment_table(workshops=workshops, dimension=dimension)}
        for dimension in SCORE_DIMENSIONS
    ]  # fmt: skip
    cascade = reach_cascade(workshops=workshops)
    cascade_chart = charts.cascade_chart(
        levels=cascade.levels, flows=cascade.flows, title=_("The cascade"), rtl=rtl, lang=lang
    )
    return render(
        request,
        "workshops/reach.html",
        {
            "form": form,
            "tables": tables,
            "totals": reach_totals(workshops=workshops),
            "cascade": cascade,
            "cascade_chart": cascade_chart,
            "scores": [table for table in scores if table["rows"]],
            "min_sample": SCORE_MIN_SAMPLE,
            "query": request.GET.urlencode(),
        },
    )


@secretariat_required
@require_GET
def reach_csv(request, dimension):
    if dimension not in [*REACH_DIMENSIONS, "cascade"]:
        raise Http404
    _form, workshops = _reach_context(request)
    if dimension == "cascade":
        cascade = reach_cascade(workshops=workshops)
        header = [
            _("Training of Trainers"),
            _("Place"),
            _("Partner"),
            _("Start date"),
            _("Replications"),
            _("Participants reached"),
        ]
        rows = [
            [
                tot.get_kind_display(),
                tot.place,
                tot.partner.name,
                tot.start_date.isoformat(),
                tot.replication_count,
                tot.reached,
            ]
            for tot in cascade.top_tots
        ]
    else:
        header = [_("Key"), _("Name"), _("Workshops"), _("Participants"), _("Women"), _("Men")]
        rows = [
            [row.key, row.label, row.workshops, row.participants, row.women, row.men]
            for row in reach_table(workshops=workshops, dimension=dimension)
        ]
    return csv_response(f"reach-{dimension}.csv", header, rows)


@secretariat_required
@require_GET
def review(request):
    jobs = ExportJob.objects.filter(kind=ExportJob.Kind.REVIEW).order_by("-created_at")[:20]
    latest = Workshop.objects.dates("start_date", "year").last()
    form = ReviewRequestForm(initial={"language": get_language(), "year": latest.year if latest else None})
    pending = any(not job.is_finished for job in jobs)
    return render(request, "workshops/review.html", {"form": form, "jobs": jobs, "pending": pending})


@secretariat_required
@require_POST
def review_create(request):
    form = ReviewRequestForm(request.POST)
    if form.is_valid():
        try:
            review_request(year=form.cleaned_data["year"], language=form.cleaned_data["language"])
        except ExportError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The review is being prepared; this page shows when it is ready."))
    else:
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    return redirect(reverse("workshops:review"))


@secretariat_required
@require_http_methods(["GET", "HEAD"])
def review_download(request, job_id):
    job = get_object_or_404(ExportJob, pk=job_id, kind=ExportJob.Kind.REVIEW, status=ExportJob.Status.DONE)
    filename = f"state-of-the-partnership-{job.params.get('year')}-{job.language}.pdf"
    return stored_file_response(
        request,
        name=job.file.name,
        etag_value=job.fingerprint,
        last_modified=job.finished_at,
        filename=filename,
        content_type="application/pdf",
        # The secretariat's own document: never kept by a shared cache.
        cache_control="private, max-age=0, must-revalidate",
    )


@require_GET
def resource_list(request):
    """Public: the library, searchable in every language, with filters."""
    form = ResourceFilterForm(request.GET or None)
    resources = resources_search(**form.search_arguments())
    page = Paginator(resources, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workshops/resource_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_add": is_workshop_editor(request.user),
        },
    )


@editor_required
@require_http_methods(["GET", "POST"])
def resource_add(request):
    form = ResourceForm(request.POST or None, request.FILES or None, user=request.user, language=get_language())
    if request.method == "POST" and form.is_valid():
        try:
            resource_create(
                user=request.user,
                data=form.model_data(),
                upload=form.cleaned_data["upload"],
                tag_names=form.tags(),
            )
        except UploadRefused as refusal:
            form.add_error("upload", str(refusal))
        else:
            messages.success(request, _("The document is in the library."))
            return redirect("workshops:resources")
    return render(request, "workshops/resource_form.html", {"form": form})


@require_http_methods(["GET", "HEAD"])
def resource_download(request, pk):
    """Public: a library document, resumable and revalidated like the platform's other stored files."""
    resource = get_object_or_404(Resource, pk=pk)
    if not resource.file:
        raise Http404
    return stored_file_response(
        request,
        name=resource.file.name,
        # The file is set once, under a name that holds its content's hash (resource_create).
        etag_value=hashlib.sha256(resource.file.name.encode()).hexdigest(),
        last_modified=resource.created_at,
        filename=resource.file.name.rsplit("/", 1)[-1],
        content_type=resource.file_type or "application/octet-stream",
        cache_control="public, max-age=0, must-revalidate",
    )


# --- Personal data: what a partner holds about people, to see, take away and delete ---------------


def _partner_for_people(request, partner_slug):
    return get_object_or_404(partners_editable_by(request.user), slug=partner_slug)


@editor_required
@require_GET
def people(request):
    """The people a partner recorded (names are seen by the partner and the secretariat only)."""
    partners = partners_editable_by(request.user).order_by("name")
    chosen = request.GET.get("partner")
    if chosen:
        partners = partners.filter(slug=chosen)
    elif is_secretariat(request.user):
        # Every partner's people on one page would be a list of names no one needs: choose a partner.
        return render(request, "workshops/people.html", {"choose": partners, "sections": []})
    sections = [
        {"partner": partner, "people": Person.objects.filter(partner=partner).select_related("trained_at")}
        for partner in partners
    ]
    return render(request, "workshops/people.html", {"sections": sections, "choose": None})


@editor_required
@require_GET
def people_export(request, partner_slug):
    partner = _partner_for_people(request, partner_slug)
    data = json.dumps(partner_personal_data(partner=partner), ensure_ascii=False, indent=2)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{partner.slug}-personal-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@editor_required
@require_POST
def people_delete(request, partner_slug):
    partner = _partner_for_people(request, partner_slug)
    if request.POST.get("confirm") != partner.slug:
        messages.error(request, _("Type the partner's short name to confirm; nothing was deleted."))
    else:
        count = people_delete_service(partner=partner)
        messages.success(
            request,
            ngettext(
                "The personal data of %(count)d person was deleted.",
                "The personal data of %(count)d people was deleted.",
                count,
            )
            % {"count": count},
        )
    return redirect(reverse("workshops:people") + f"?partner={partner.slug}")


@editor_required
@require_POST
def person_action(request, pk, action):
    person = get_object_or_404(Person.objects.filter(partner__in=partners_editable_by(request.user)), pk=pk)
    if action == "delete":
        people_delete_service(partner=person.partner, people=Person.objects.filter(pk=person.pk))
        messages.success(request, _("Deleted, with what the audit trail said about her."))
    elif action in ("consent", "withdraw"):
        person.publish_consent = action == "consent"
        person.save()
        messages.success(request, _("Saved."))
    else:
        raise Http404
    return redirect(reverse("workshops:people") + f"?partner={person.partner.slug}")
