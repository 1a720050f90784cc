"""Bulk import of workshop records from a CSV file: reading, row checks, all-or-nothing commit."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from curriculum.models import Curriculum, EditionVersion, ModuleVersion

from .csvsafe import looks_like_formula
from .models import Workshop
from .permissions import partners_editable_by
from .services import workshop_record

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
