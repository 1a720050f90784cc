"""Reads of the workshops app: reach figures, the partner map, the resource library's search."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Avg, Count, F, Q, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.urls import reverse

from curriculum.models import Curriculum, Module, ModuleVersion, Partner
from curriculum.roles import private_editions_hidden_from

from .models import Person, Resource, Workshop

# --- Reach -----------------------------------------------------------------------

REACH_DIMENSIONS = ["year", "country", "partner", "language", "module", "kind"]


@dataclass
class ReachFilters:
    year: int | None = None
    country: str = ""
    partner: str = ""  # slug
    language: str = ""
    kind: str = ""
    module: str = ""  # slug

    def apply(self, workshops):
        if self.year:
            workshops = workshops.filter(start_date__year=self.year)
        if self.country:
            workshops = workshops.filter(country=self.country)
        if self.partner:
            workshops = workshops.filter(partner__slug=self.partner)
        if self.language:
            workshops = workshops.filter(language=self.language)
        if self.kind:
            workshops = workshops.filter(kind=self.kind)
        if self.module:
            # A subquery, not a join: a join would count a workshop once per module it used.
            used = ModuleVersion.objects.filter(module__slug=self.module).values("workshops")
            workshops = workshops.filter(pk__in=used)
        return workshops


@dataclass
class ReachRow:
    key: str
    label: str
    workshops: int
    participants: int
    women: int
    men: int


def _totals():
    return {
        "workshops": Count("id"),
        "participants": Coalesce(Sum("participants_total"), 0),
        "women": Coalesce(Sum("participants_women"), 0),
        "men": Coalesce(Sum("participants_men"), 0),
    }


def reach_table(*, workshops, dimension):
    """Workshops and participants grouped by one dimension, aggregated by the database."""
    if dimension == "module":
        return _module_table(workshops)
    if dimension == "year":
        grouped = workshops.annotate(group=ExtractYear("start_date")).values("group")
    elif dimension == "partner":
        grouped = workshops.values(group=F("partner__slug"), name=F("partner__name"))
    else:
        grouped = workshops.values(group=F(dimension))
    rows = grouped.annotate(**_totals()).order_by("group")
    labels = _labels(dimension)
    return [
        ReachRow(
            key=str(row["group"]),
            label=row.get("name") or labels.get(row["group"], str(row["group"])),
            workshops=row["workshops"],
            participants=row["participants"],
            women=row["women"],
            men=row["men"],
        )
        for row in rows
    ]


def _labels(dimension):
    if dimension == "language":
        return dict(settings.LANGUAGES)
    if dimension == "kind":
        return dict(Workshop.Kind.choices)
    return {}


def _module_table(workshops):
    through = Workshop.module_versions.through.objects.filter(workshop__in=workshops.values("pk"))
    rows = (
        through.values(group=F("moduleversion__module_id"))
        .annotate(
            workshops=Count("workshop", distinct=True),
            participants=Coalesce(Sum("workshop__participants_total"), 0),
            women=Coalesce(Sum("workshop__participants_women"), 0),
            men=Coalesce(Sum("workshop__participants_men"), 0),
        )
        .order_by("group")
    )
    rows = list(rows)
    # One query for the titles, in the page's language (modeltranslation picks it).
    modules = Module.objects.in_bulk([row["group"] for row in rows])
    table = [
        ReachRow(
            key=modules[row["group"]].slug,
            label=modules[row["group"]].title or modules[row["group"]].slug,
            workshops=row["workshops"],
            participants=row["participants"],
            women=row["women"],
            men=row["men"],
        )
        for row in rows
    ]
    position = {module.slug: (module.curriculum_id, module.position) for module in modules.values()}
    table.sort(key=lambda row: (position[row.key], row.key))
    return table


@dataclass
class Cascade:
    levels: list  # ReachRow per kind: regional ToT, national ToT, workshop
    flows: list  # (from kind, to kind, replications, participants)
    top_tots: list


def reach_cascade(*, workshops):
    """The cascade as numbers: each level's size and the replications flowing from ToTs down the tree."""
    by_kind = {row.key: row for row in reach_table(workshops=workshops, dimension="kind")}
    order = [Workshop.Kind.REGIONAL_TOT, Workshop.Kind.NATIONAL_TOT, Workshop.Kind.WORKSHOP]
    labels = dict(Workshop.Kind.choices)
    levels = [by_kind.get(kind) or ReachRow(kind, labels[kind], 0, 0, 0, 0) for kind in order]
    flows = [
        (row["parent_tot__kind"], row["kind"], row["replications"], row["participants"])
        for row in workshops.filter(parent_tot__isnull=False)
        .values("parent_tot__kind", "kind")
        .annotate(replications=Count("id"), participants=Coalesce(Sum("participants_total"), 0))
        .order_by("parent_tot__kind", "kind")
    ]
    top_tots = list(
        workshops.filter(kind__in=Workshop.TOT_KINDS)
        .select_related("partner")
        .annotate(
            replication_count=Count("replications", distinct=True),
            reached=Coalesce(Sum("replications__participants_total"), 0),
        )
        .filter(replication_count__gt=0)
        .order_by("-reached", "-start_date")[:15]
    )
    return Cascade(levels=levels, flows=flows, top_tots=top_tots)


def reach_totals(*, workshops):
    return workshops.aggregate(**_totals(), tots=Count("id", filter=Q(kind__in=Workshop.TOT_KINDS)))


# --- Self-assessment ----------------------------------------------------------------

SCORE_DIMENSIONS = ["module", "partner", "year", "language"]
# Below this many workshops with both scores an average says more about one group than about the curriculum.
SCORE_MIN_SAMPLE = 5


def self_assessment_rows(*, workshops, dimension):
    """Workshops giving both scores (n) and their average before and after, by one dimension: plain data, by key."""
    if dimension == "module":
        grouped = Workshop.module_versions.through.objects.filter(workshop__in=workshops.values("pk")).values(
            group=F("moduleversion__module_id")
        )
        prefix = "workshop__"
    elif dimension == "year":
        grouped, prefix = workshops.annotate(group=ExtractYear("start_date")).values("group"), ""
    elif dimension == "partner":
        grouped, prefix = workshops.values(group=F("partner_id")), ""
    else:
        grouped, prefix = workshops.values(group=F(dimension)), ""
    both = Q(**{f"{prefix}pre_score__isnull": False, f"{prefix}post_score__isnull": False})
    rows = (
        grouped.annotate(
            n=Count("workshop" if prefix else "pk", filter=both, distinct=True),
            before=Avg(f"{prefix}pre_score", filter=both),
            after=Avg(f"{prefix}post_score", filter=both),
        )
        .filter(n__gt=0)
        .order_by("group")
    )
    return [
        {
            "group": row["group"],
            "n": row["n"],
            "before": round(float(row["before"]), 2),
            "after": round(float(row["after"]), 2),
        }
        for row in rows
    ]


@dataclass
class ScoreRow:
    key: str
    label: str
    n: int
    before: float
    after: float

    @property
    def shown(self):
        return self.n >= SCORE_MIN_SAMPLE

    @property
    def change(self):
        return round(self.after - self.before, 2)


def score_rows_labelled(rows, dimension):
    """Raw self-assessment rows with their labels in the active language, in the order of the curriculum."""
    groups = [row["group"] for row in rows]
    if dimension == "module":
        modules = Module.objects.in_bulk(groups)
        labels = {pk: module.title or module.slug for pk, module in modules.items()}
        order = {pk: (module.curriculum_id, module.position) for pk, module in modules.items()}
    elif dimension == "partner":
        labels = {pk: partner.name for pk, partner in Partner.objects.in_bulk(groups).items()}
        order = dict(labels)
    else:
        labels, order = _labels(dimension), {}
    table = [
        ScoreRow(
            key=str(row["group"]),
            label=str(labels.get(row["group"], row["group"])),
            n=row["n"],
            before=float(row["before"]),
            after=float(row["after"]),
        )
        for row in rows
    ]
    if order:
        table.sort(key=lambda row: order.get(int(row.key), ()))
    return table


def self_assessment_table(*, workshops, dimension):
    """The change in self-assessment by one dimension, with its sample size, labelled for the page."""
    return score_rows_labelled(self_assessment_rows(workshops=workshops, dimension=dimension), dimension)


# --- Partner map -------------------------------------------------------------------


def _map_point(latitude, longitude):
    """Equirectangular position on the outline map (two units a degree; see scripts/world_outline.py)."""
    if latitude is None or longitude is None:
        return None
    return {"x": round((float(longitude) + 180) * 2, 1), "y": round((90 - float(latitude)) * 2, 1)}


def _partners_with_a_public_edition(curriculum):
    """The partners whose published edition anyone may open: the map links only those."""
    if curriculum is None:
        return set()
    hidden = private_editions_hidden_from(AnonymousUser(), curriculum)
    published = Partner.objects.filter(editions__curriculum=curriculum, editions__versions__isnull=False)
    return {
        partner.pk for partner in published.distinct() if not hidden.intersection(partner.lineage_ids or [partner.pk])
    }


def partner_map_entries():
    """Partners then their affiliates, with what a pin's popup shows, in the page's language.

    Only what each partner chose to show: a hidden partner is not listed (its affiliates
    stand on their own), others carry the point their visibility allows, never their own.
    """
    curriculum = Curriculum.objects.filter(is_published=True).order_by("slug").first()
    linked = _partners_with_a_public_edition(curriculum)
    languages = dict(settings.LANGUAGES)
    partners = Partner.objects.select_related("parent").order_by("name")
    entries = []
    for partner in partners:
        location = partner.public_location()
        if location is None:
            continue
        parent = partner.parent if partner.parent_id and partner.parent.public_location() is not None else None
        entries.append(
            {
                "slug": partner.slug,
                "name": partner.name,
                "country": location["country"],
                "city": location["city"],
                "latitude": location["latitude"],
                "longitude": location["longitude"],
                "point": _map_point(location["latitude"], location["longitude"]),
                "precision": partner.location_visibility,
                "languages": [str(languages.get(code, code)) for code in partner.languages],
                "description": partner.description or "",
                "affiliate_of": parent.name if parent else "",
                "parent_slug": parent.slug if parent else "",
                "url": reverse("curriculum:detail", kwargs={"slug": curriculum.slug}) + f"?edition={partner.slug}"
                if partner.pk in linked
                else "",
            }
        )
    return entries


# --- Personal data -----------------------------------------------------------------


def partner_personal_data(*, partner):
    """Everything the platform holds about the partner's people, as plain data: what the partner may take away."""
    people = Person.objects.filter(partner=partner).select_related("trained_at").prefetch_related("facilitated")
    return {
        "partner": partner.slug,
        "people": [
            {
                "name": person.name,
                "trained_at": str(person.trained_at) if person.trained_at else None,
                "publish_consent": person.publish_consent,
                "consent_recorded_at": person.consent_recorded_at.isoformat() if person.consent_recorded_at else None,
                "facilitated": [str(workshop) for workshop in person.facilitated.all()],
                "recorded_at": person.created_at.isoformat(),
            }
            for person in people
        ],
    }


# --- Resource centre ---------------------------------------------------------------


def resources_search(*, query="", kind="", language="", year=None, partner="", tag=""):
    """Library entries matching the words in any language's title or description, and the filters."""
    resources = Resource.objects.select_related("partner").prefetch_related("tags")
    for word in query.split()[:8]:
        matches = Q()
        for code in settings.LANGUAGE_CODES:
            matches |= Q(**{f"title_{code}__icontains": word}) | Q(**{f"description_{code}__icontains": word})
        resources = resources.filter(matches)
    if kind:
        resources = resources.filter(kind=kind)
    if language:
        resources = resources.filter(language=language)
    if year:
        resources = resources.filter(year=year)
    if partner:
        resources = resources.filter(partner__slug=partner)
    if tag:
        resources = resources.filter(tags__slug=tag)
    return resources.distinct()
