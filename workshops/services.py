"""Services of the workshops app: recording workshops, bulk import, reach figures."""

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from curriculum.models import Curriculum, EditionVersion, Module, ModuleVersion, Partner

from .csvsafe import looks_like_formula
from .models import Person, Resource, Tag, Workshop, is_secretariat
from .uploads import upload_check

# --- Recording -------------------------------------------------------------------


def partners_editable_by(user):
    """The partners whose workshops the user may record: all for the secretariat, else her memberships."""
    if is_secretariat(user):
        return Partner.objects.all()
    return Partner.objects.filter(memberships__user=user)


def _people_for(partner, names, trained_at=None):
    """Existing people of the partner by name, created when new (trained at the ToT the workshop replicates)."""
    people = []
    for name in names:
        person, _created = Person.objects.get_or_create(partner=partner, name=name, defaults={"trained_at": trained_at})
        people.append(person)
    return people


@transaction.atomic
def workshop_record(*, user, data, workshop=None, module_versions=(), facilitators=(), new_facilitators=()):
    """Create or update a workshop with its modules and facilitators (new names become people of the partner)."""
    workshop = workshop or Workshop(created_by=user)
    for name, value in data.items():
        setattr(workshop, name, value)
    workshop.full_clean()
    workshop.save()
    workshop.module_versions.set(module_versions)
    new_people = _people_for(workshop.partner, new_facilitators, trained_at=workshop.parent_tot)
    workshop.facilitators.set([*facilitators, *new_people])
    return workshop


# --- Bulk import -----------------------------------------------------------------

IMPORT_COLUMNS = [
    "type",
    "partner",
    "country",
    "place",
    "start_date",
    "end_date",
    "language",
    "curriculum",
    "edition",
    "modules",
    "women",
    "men",
    "total",
    "pre_score",
    "post_score",
    "replication_of",
    "facilitators",
]
# Files made before the column existed still import: an empty edition is the core curriculum.
OPTIONAL_COLUMNS = {"edition"}
IMPORT_EXAMPLE = [
    "workshop",
    "jasmine-bridge-collective",
    "JO",
    "Zarqa community centre",
    "2025-03-04",
    "2025-03-06",
    "ar",
    "leading-to-choices",
    "",
    "facilitation-guide;session-1@1",
    "18",
    "2",
    "21",
    "2.8",
    "4.1",
    "",
    "Rania Haddad;Lina Odeh",
]


class ImportFileError(Exception):
    """The file as a whole cannot be read: size, encoding, header."""


@dataclass
class ImportRow:
    line: int
    values: dict
    errors: list = field(default_factory=list)
    data: dict = field(default_factory=dict)
    module_versions: list = field(default_factory=list)
    facilitator_names: list = field(default_factory=list)


@dataclass
class ImportResult:
    rows: list
    created: int = 0

    @property
    def bad_rows(self):
        return [row for row in self.rows if row.errors]

    @property
    def is_valid(self):
        return bool(self.rows) and not self.bad_rows


def _read_csv(raw):
    if len(raw) > settings.WORKSHOP_IMPORT_MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than %(limit)d KB.") % {"limit": settings.WORKSHOP_IMPORT_MAX_BYTES // 1024}
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(_("The file is not UTF-8 text: save it as “CSV UTF-8”.")) from None
    if "\x00" in text:
        raise ImportFileError(_("The file is not a CSV file."))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [column.strip().lower() for column in next(reader)]
    except StopIteration:
        raise ImportFileError(_("The file is empty.")) from None
    except csv.Error:
        raise ImportFileError(_("The file is not a CSV file.")) from None
    missing = [column for column in IMPORT_COLUMNS if column not in header and column not in OPTIONAL_COLUMNS]
    unknown = [column for column in header if column not in IMPORT_COLUMNS]
    if missing or unknown or len(header) != len(set(header)):
        raise ImportFileError(
            _("The header does not match the template. Missing: %(missing)s. Unknown: %(unknown)s.")
            % {"missing": ", ".join(missing) or "—", "unknown": ", ".join(unknown[:10]) or "—"}
        )
    rows = []
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= settings.WORKSHOP_IMPORT_MAX_ROWS:
                raise ImportFileError(
                    _("The file has more than %(limit)d rows.") % {"limit": settings.WORKSHOP_IMPORT_MAX_ROWS}
                )
            row = ImportRow(line=number, values=dict(zip(header, (cell.strip() for cell in cells), strict=False)))
            if len(cells) != len(header):
                row.errors.append(
                    _("%(found)d cells where the header has %(expected)d.")
                    % {"found": len(cells), "expected": len(header)}
                )
            rows.append(row)
    except csv.Error as error:
        raise ImportFileError(_("The file is not a CSV file: %(error)s") % {"error": error}) from None
    return rows


class _Lookups:
    """Everything rows refer to, loaded in a few queries instead of one per row."""

    def __init__(self, user, rows):
        self.partners = {partner.slug: partner for partner in partners_editable_by(user)}
        self.curricula = {curriculum.slug: curriculum for curriculum in Curriculum.objects.filter(is_published=True)}
        self.versions = {}
        self.latest = {}
        for version in ModuleVersion.objects.filter(module__curriculum__is_published=True).select_related("module"):
            key = (version.module.curriculum_id, version.module.slug)
            self.versions[(*key, version.number)] = version
            if version.number > self.latest.get(key, (0, None))[0]:
                self.latest[key] = (version.number, version)
        self.editions = {
            (version.edition.curriculum_id, version.edition.partner_id, version.number): version
            for version in EditionVersion.objects.filter(
                Q(edition__partner__in=self.partners.values())
                | Q(edition__partner__affiliates__in=self.partners.values())
            ).select_related("edition")
        }
        ids = {row.values.get("replication_of", "") for row in rows}
        ids = [int(value) for value in ids if value.isdigit()]
        self.tots = {tot.pk: tot for tot in Workshop.objects.filter(pk__in=ids, kind__in=Workshop.TOT_KINDS)}


def _parse_date(value, label):
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            _("%(column)s: “%(value)s” is not a date (YYYY-MM-DD).") % {"column": label, "value": value[:40]}
        ) from None


def _parse_count(value, label, required=True):
    if value == "" and not required:
        return 0
    if not value.isdigit() or len(value) > 7:
        raise ValidationError(
            _("%(column)s: “%(value)s” is not a whole number.") % {"column": label, "value": value[:40]}
        )
    return int(value)


def _parse_score(value, label):
    if value == "":
        return None
    try:
        score = Decimal(value)
    except InvalidOperation:
        score = None
    if score is None or not score.is_finite() or not 1 <= score <= 5:
        raise ValidationError(
            _("%(column)s: “%(value)s” is not a score from 1 to 5.") % {"column": label, "value": value[:40]}
        )
    return score.quantize(Decimal("0.01"))


def _check_row(row, lookups):
    values = row.values
    errors = row.errors
    hostile = [name for name, value in values.items() if looks_like_formula(value) or "\x00" in value]
    if hostile:
        errors.append(
            _("These cells begin with a formula character (= + - @) or hold control characters: %(columns)s.")
            % {"columns": ", ".join(hostile)}
        )
        return
    data = {}
    checks = [
        ("kind", lambda: _choice(values["type"], Workshop.Kind.values, "type")),
        ("partner", lambda: _lookup(lookups.partners, values["partner"], _("partner “%(value)s” is unknown or not yours."))),
        ("country", lambda: _country(values["country"])),
        ("place", lambda: _required(values["place"], "place", 200)),
        ("start_date", lambda: _parse_date(values["start_date"], "start_date")),
        ("end_date", lambda: _parse_date(values["end_date"], "end_date")),
        ("language", lambda: _choice(values["language"], settings.LANGUAGE_CODES, "language")),
        ("curriculum", lambda: _lookup(lookups.curricula, values["curriculum"], _("curriculum “%(value)s” is unknown or not published."))),
        ("participants_women", lambda: _parse_count(values["women"], "women", required=False)),
        ("participants_men", lambda: _parse_count(values["men"], "men", required=False)),
        ("participants_total", lambda: _parse_count(values["total"], "total")),
        ("pre_score", lambda: _parse_score(values["pre_score"], "pre_score")),
        ("post_score", lambda: _parse_score(values["post_score"], "post_score")),
        ("parent_tot", lambda: _tot(values["replication_of"], lookups)),
    ]  # fmt: skip
    for name, check in checks:
        try:
            data[name] = check()
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        return
    data["edition_version"] = _edition(values.get("edition", ""), data, lookups, errors)
    row.data = data
    row.module_versions = _modules(values["modules"], data["curriculum"], lookups, errors)
    row.facilitator_names = [name.strip() for name in values["facilitators"].split(";") if name.strip()]
    if any(len(name) > 200 for name in row.facilitator_names):
        errors.append(_("facilitators: a name is longer than 200 characters."))
    try:
        Workshop(**data).clean()
    except ValidationError as error:
        errors.extend(error.messages)


def _required(value, label, max_length):
    if not value:
        raise ValidationError(_("%(column)s is empty.") % {"column": label})
    if len(value) > max_length:
        raise ValidationError(
            _("%(column)s is longer than %(limit)d characters.") % {"column": label, "limit": max_length}
        )
    return value


def _choice(value, choices, label):
    if value not in choices:
        raise ValidationError(
            _("%(column)s: “%(value)s” is not one of %(choices)s.")
            % {"column": label, "value": value[:40], "choices": ", ".join(choices)}
        )
    return value


def _country(value):
    if len(value) != 2 or not value.isascii() or not value.isalpha():
        raise ValidationError(_("country: “%(value)s” is not a two-letter ISO code.") % {"value": value[:40]})
    return value.upper()


def _lookup(table, value, message):
    if value not in table:
        raise ValidationError(message % {"value": value[:80]})
    return table[value]


def _edition(value, data, lookups, errors):
    """The partner's (or, for an affiliate, its parent's) published edition version `value`; None for the core."""
    if value == "":
        return None
    if value.isdigit():
        for partner_id in data["partner"].lineage_ids or [data["partner"].pk]:
            version = lookups.editions.get((data["curriculum"].pk, partner_id, int(value)))
            if version is not None:
                return version
    errors.append(_("edition: version “%(value)s” of this partner's edition is not published.") % {"value": value[:40]})
    return None


def _tot(value, lookups):
    if value == "":
        return None
    tot = lookups.tots.get(int(value)) if value.isdigit() else None
    if tot is None:
        raise ValidationError(_("replication_of: %(value)s is not a Training of Trainers.") % {"value": value[:40]})
    return tot


def _modules(value, curriculum, lookups, errors):
    versions, seen = [], set()
    for item in (part.strip() for part in value.split(";")):
        if not item:
            continue
        slug, _sep, number = item.partition("@")
        if number:
            version = lookups.versions.get((curriculum.pk, slug, int(number))) if number.isdigit() else None
        else:
            version = lookups.latest.get((curriculum.pk, slug), (0, None))[1]
        if version is None:
            errors.append(
                _("modules: “%(module)s” is not a published module version of this curriculum.") % {"module": item[:80]}
            )
        elif slug in seen:
            errors.append(_("modules: “%(module)s” is listed twice.") % {"module": slug[:80]})
        else:
            seen.add(slug)
            versions.append(version)
    return versions


def workshops_import(*, user, raw, commit=False):
    """Check every row of a CSV upload; with `commit`, create all its workshops or none of them."""
    rows = _read_csv(raw)
    lookups = _Lookups(user, rows)
    for row in rows:
        _check_row(row, lookups)
    result = ImportResult(rows=rows)
    if commit and result.is_valid:
        with transaction.atomic():
            for row in rows:
                workshop_record(
                    user=user,
                    data=row.data,
                    module_versions=row.module_versions,
                    new_facilitators=row.facilitator_names,
                )
        result.created = len(rows)
    return result


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


# --- Partner map -------------------------------------------------------------------


def _map_point(latitude, longitude):
    """Equirectangular position on the outline map (two units a degree; see scripts/world_outline.py)."""
    if latitude is None or longitude is None:
        return None
    return {"x": round((float(longitude) + 180) * 2, 1), "y": round((90 - float(latitude)) * 2, 1)}


def partner_map_entries():
    """Partners then their affiliates, with what a pin's popup shows, in the page's language."""
    curriculum = Curriculum.objects.filter(is_published=True).order_by("slug").first()
    languages = dict(settings.LANGUAGES)
    partners = Partner.objects.select_related("parent").order_by("name")
    entries = []
    for partner in partners:
        entries.append(
            {
                "slug": partner.slug,
                "name": partner.name,
                "country": partner.country,
                "city": partner.city,
                "latitude": float(partner.latitude) if partner.latitude is not None else None,
                "longitude": float(partner.longitude) if partner.longitude is not None else None,
                "point": _map_point(partner.latitude, partner.longitude),
                "languages": [str(languages.get(code, code)) for code in partner.languages],
                "description": partner.description or "",
                "affiliate_of": partner.parent.name if partner.parent_id else "",
                "parent_slug": partner.parent.slug if partner.parent_id else "",
                "url": reverse("curriculum:detail", kwargs={"slug": curriculum.slug}) + f"?partner={partner.slug}"
                if curriculum
                else "",
            }
        )
    return entries


# --- Resource centre ---------------------------------------------------------------


def _tags_for(names):
    tags = []
    for name in names:
        slug = slugify(name, allow_unicode=True)[:60]
        if slug:
            tag, _created = Tag.objects.get_or_create(slug=slug, defaults={"name": name[:80]})
            tags.append(tag)
    return tags


@transaction.atomic
def resource_create(*, user, data, upload=None, tag_names=()):
    """Add a document to the library: the upload is checked by content and stored under a content-addressed name."""
    resource = Resource(created_by=user, **data)
    if upload is not None:
        mime, extension = upload_check(upload, max_bytes=settings.RESOURCE_MAX_UPLOAD_BYTES)
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        stem = slugify(upload.name.rsplit(".", 1)[0])[:80] or "document"
        upload.seek(0)
        resource.file = default_storage.save(f"resources/{digest.hexdigest()[:16]}/{stem}.{extension}", upload)
        resource.file_type = mime
        resource.file_size = upload.size
    resource.full_clean()
    resource.save()
    resource.tags.set(_tags_for(tag_names))
    return resource


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
