"""The State of the Partnership: a yearly review PDF rendered by the export pipeline (document kind "review")."""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from curriculum.models import EditionVersion, Module, ModuleVersion, Partner
from curriculum.translated import language_direction
from exports.documents import DocumentSource
from exports.models import ExportJob
from exports.rendering import PDF_STYLESHEET
from exports.services import EditionNotAvailable, ExportSpec, export_fingerprint, export_job_for

from . import charts
from .models import Workshop
from .selectors import SCORE_MIN_SAMPLE, score_rows_labelled, self_assessment_rows

REVIEW_TEMPLATE = "exports/pdf/review.html"
_TOTALS = {
    "workshops": Count("id"),
    "participants": Coalesce(Sum("participants_total"), 0),
    "women": Coalesce(Sum("participants_women"), 0),
    "men": Coalesce(Sum("participants_men"), 0),
}


def review_figures(*, year):
    """The year's figures as plain, language-independent data: what the PDF shows and what its fingerprint hashes."""
    workshops = Workshop.objects.filter(start_date__year=year)
    totals = workshops.aggregate(**_TOTALS)
    partners = defaultdict(lambda: {"totals": None, "kinds": {}, "modules": {}, "languages": {}})
    for row in workshops.values("partner_id").annotate(**_TOTALS).order_by():
        partners[row.pop("partner_id")]["totals"] = row
    for row in workshops.values("partner_id", "kind").annotate(participants=_TOTALS["participants"]).order_by():
        partners[row["partner_id"]]["kinds"][row["kind"]] = row["participants"]
    for row in workshops.values("partner_id", "language").annotate(participants=_TOTALS["participants"]).order_by():
        partners[row["partner_id"]]["languages"][row["language"]] = row["participants"]
    through = Workshop.module_versions.through.objects.filter(workshop__in=workshops.values("pk"))
    for row in (
        through.values(partner_id=F("workshop__partner_id"), module_id=F("moduleversion__module_id"))
        .annotate(participants=Coalesce(Sum("workshop__participants_total"), 0))
        .order_by()
    ):
        partners[row["partner_id"]]["modules"][str(row["module_id"])] = row["participants"]
    # Facilitators are named only with their recorded consent; the others are counted.
    for partner_id, name, consent in (
        Workshop.facilitators.through.objects.filter(workshop__in=workshops.values("pk"))
        .values_list("workshop__partner_id", "person__name", "person__publish_consent")
        .distinct()
        .order_by("person__name")
    ):
        page = partners[partner_id]
        if consent:
            page.setdefault("named_facilitators", []).append(name)
        else:
            page["unnamed_facilitators"] = page.get("unnamed_facilitators", 0) + 1
    kind_rows = {
        row["kind"]: row
        for row in workshops.values("kind").annotate(count=Count("id"), participants=_TOTALS["participants"]).order_by()
    }
    by_kind = {kind: row["participants"] for kind, row in kind_rows.items()}
    # The cascade from the top: regional ToTs, national ToTs, workshops (count, participants).
    cascade = [
        [kind, kind_rows.get(kind, {}).get("count", 0), kind_rows.get(kind, {}).get("participants", 0)]
        for kind in [Workshop.Kind.REGIONAL_TOT, Workshop.Kind.NATIONAL_TOT, Workshop.Kind.WORKSHOP]
    ]
    replications = workshops.filter(parent_tot__isnull=False).count()
    new_versions = list(
        ModuleVersion.objects.filter(published_at__year=year)
        .order_by("module__curriculum_id", "module__position", "number")
        .values_list("pk", flat=True)
    )
    new_editions = list(
        # A private edition is not announced in a report that travels beyond its partner.
        EditionVersion.objects.filter(published_at__year=year, edition__is_private=False)
        .order_by("edition__partner__name", "number")
        .values_list("pk", flat=True)
    )
    return {
        "year": year,
        "new_edition_versions": new_editions,
        "totals": {**totals, "replications": replications},
        "by_kind": by_kind,
        "cascade": cascade,
        "partners": {str(partner_id): figures for partner_id, figures in sorted(partners.items())},
        "new_versions": new_versions,
        # The year is the review's: the change is shown by module, partner and language.
        "self_assessment": {
            dimension: self_assessment_rows(workshops=workshops, dimension=dimension)
            for dimension in ("module", "partner", "language")
        },
    }


def review_digest(figures):
    return hashlib.sha256(json.dumps(figures, sort_keys=True, default=str).encode()).hexdigest()


def review_request(*, year, language):
    """The job for a year's review in a language: shared with an earlier identical request, else queued."""
    if language not in settings.LANGUAGE_CODES:
        raise EditionNotAvailable(_("This language is not offered."))
    figures = review_figures(year=year)
    spec = ExportSpec(kind=ExportJob.Kind.REVIEW, params={"year": year}, language=language)
    fingerprint = export_fingerprint(spec=spec, content_digest=review_digest(figures))
    return export_job_for(spec=spec, fingerprint=fingerprint)


@dataclass
class PartnerPage:
    partner: Partner
    location: dict | None  # what the partner chose to show (the PDF travels): None when hidden
    named_facilitators: list
    unnamed_facilitators: int
    totals: dict
    kind_chart: str
    module_chart: str
    language_chart: str


def review_html(*, figures, language, generated_at=None):
    """The print HTML of the review, every label and chart in the review's language."""
    with translation.override(language):
        kinds = dict(Workshop.Kind.choices)
        languages = dict(settings.LANGUAGES)
        partners = Partner.objects.in_bulk([int(pk) for pk in figures["partners"]])
        module_ids = {int(pk) for page in figures["partners"].values() for pk in page["modules"]}
        modules = Module.objects.in_bulk(module_ids)
        pages = []
        for partner_id, page in figures["partners"].items():
            partner = partners[int(partner_id)]
            pages.append(
                PartnerPage(
                    partner=partner,
                    location=partner.public_location(),
                    named_facilitators=page.get("named_facilitators", []),
                    unnamed_facilitators=page.get("unnamed_facilitators", 0),
                    totals=page["totals"],
                    kind_chart=charts.bar_list(
                        rows=[(kinds[kind], value) for kind, value in sorted(page["kinds"].items())],
                        title=_("Participants by type of workshop"),
                    ),
                    module_chart=charts.bar_list(
                        rows=[
                            (modules[int(pk)].title or modules[int(pk)].slug, value)
                            for pk, value in sorted(
                                page["modules"].items(), key=lambda item: modules[int(item[0])].position
                            )
                        ],
                        title=_("Participants by module"),
                    ),
                    language_chart=charts.bar_list(
                        rows=[(languages[code], value) for code, value in sorted(page["languages"].items())],
                        title=_("Participants by language"),
                    ),
                )
            )
        pages.sort(key=lambda page: page.partner.name)
        partner_chart = charts.bar_list(
            rows=[(page.partner.name, page.totals["participants"]) for page in pages],
            title=_("Participants by partner"),
        )
        kind_chart = charts.bar_list(
            rows=[(kinds[kind], value) for kind, value in sorted(figures["by_kind"].items())],
            title=_("Participants by type of workshop"),
        )
        new_versions = ModuleVersion.objects.filter(pk__in=figures["new_versions"]).select_related(
            "module", "module__curriculum"
        )
        cascade = [
            {"label": kinds[kind], "workshops": count, "participants": participants}
            for kind, count, participants in figures["cascade"]
        ]
        new_editions = EditionVersion.objects.filter(pk__in=figures["new_edition_versions"]).select_related(
            "edition__partner", "edition__curriculum"
        )
        score_titles = {
            "module": _("Self-assessment by module"),
            "partner": _("Self-assessment by partner"),
            "language": _("Self-assessment by language"),
        }
        headings = {"module": _("Module"), "partner": _("Partner"), "language": _("Language")}
        scores = [
            {
                "dimension": dimension,
                "title": title,
                "heading": headings[dimension],
                "rows": score_rows_labelled(figures.get("self_assessment", {}).get(dimension, []), dimension),
            }
            for dimension, title in score_titles.items()
        ]
        return render_to_string(
            REVIEW_TEMPLATE,
            {
                "scores": [table for table in scores if table["rows"]],
                "min_sample": SCORE_MIN_SAMPLE,
                "new_editions": sorted(new_editions, key=lambda v: (v.edition.partner.name, v.number)),
                "cascade": cascade,
                "figures": figures,
                "language": language,
                "direction": language_direction(language),
                "pages": pages,
                "partner_chart": partner_chart,
                "kind_chart": kind_chart,
                "new_versions": sorted(new_versions, key=lambda v: (v.module.curriculum_id, v.module.position)),
                "generated_at": generated_at or timezone.now(),
                "stylesheet": PDF_STYLESHEET,
            },
        )


def build_review(spec, edition=None):
    """Export-pipeline builder for the kind "review": the figures of the job's year, as they are now."""
    figures = review_figures(year=int(spec.params["year"]))
    with translation.override(spec.language):
        title = _("State of the Partnership %(year)d") % {"year": figures["year"]}
    return DocumentSource(
        html=review_html(figures=figures, language=spec.language),
        title=title,
        report={"figures_digest": review_digest(figures), "partners": len(figures["partners"])},
        stylesheets=(),  # the review template links pdf.css and its own review.css
    )
