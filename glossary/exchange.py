"""The glossary as a file: TBX (TBX-Basic, martif; TBX v3 read too) and CSV, exported and imported all or nothing."""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from curriculum.models import Partner

from .matching import term_key
from .models import TEXT_LENGTH, Rendering, Term
from .services import RenderingInput, renderings_save

MAX_FILE_BYTES = 2 * 1024 * 1024
CSV_COLUMNS = ["term", "language", "rendering", "partner", "note", "variants", "avoid"]
REQUIRED_CSV_COLUMNS = ["term", "language", "rendering"]
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PREFERRED, ADMITTED, DEPRECATED = "preferredTerm-admn-sts", "admittedTerm-admn-sts", "deprecatedTerm-admn-sts"
# Spreadsheets run a cell that starts with one of these as a formula: written with a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_ERRORS_SHOWN = 10


class GlossaryFileError(ValueError):
    """A glossary file that cannot be imported; nothing of it was."""


@dataclass
class Row:
    """One rendering (or, in the term's own language, the term and its note) read from a file."""

    line: int
    term: str
    language: str
    rendering: str = ""
    partner: str = ""
    note: str = ""
    variants: list[str] = field(default_factory=list)
    avoid: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    terms_created: int = 0
    renderings_changed: int = 0
    skipped: int = 0


# --- Export ------------------------------------------------------------------------------------


def _export_renderings(*, language=None, partner=None):
    renderings = Rendering.objects.for_edition(partner) if partner else Rendering.objects.all()
    if language:
        renderings = renderings.filter(language=language)
    # The network's rendering first: SQLite sorts NULL first, PostgreSQL last.
    return renderings.select_related("partner").order_by("language", F("partner__slug").asc(nulls_first=True))


def _export_terms(*, language=None, partner=None):
    by_term = defaultdict(list)
    for rendering in _export_renderings(language=language, partner=partner):
        by_term[rendering.term_id].append(rendering)
    return [(term, by_term.get(term.pk, [])) for term in Term.objects.order_by("key")]


def _spreadsheet_safe(value):
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def glossary_csv(*, language=None, partner=None):
    """UTF-8 with a byte order mark: spreadsheet programs otherwise read Arabic and Hindi as mojibake."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for term, renderings in _export_terms(language=language, partner=partner):
        # The term's own row, in its language, carries its note.
        writer.writerow(
            [_spreadsheet_safe(value) for value in (term.text, term.language, term.text, "", term.note, "", "")]
        )
        for rendering in renderings:
            row = [
                term.text, rendering.language, rendering.text, rendering.partner.slug if rendering.partner else "",
                rendering.note, " | ".join(rendering.variant_list), " | ".join(rendering.avoid_list),
            ]  # fmt: skip
            writer.writerow([_spreadsheet_safe(value) for value in row])
    return "\ufeff" + out.getvalue()


def _tig(lang_set, text, status, partner=None, note=""):
    tig = SubElement(lang_set, "tig")
    SubElement(tig, "term").text = text
    SubElement(tig, "termNote", type="administrativeStatus").text = status
    if partner is not None:
        # TBX-Basic's subset category: the rendering applies to this partner's editions only.
        SubElement(tig, "admin", type="customerSubset").text = partner.slug
    if note:
        SubElement(tig, "note").text = note


def glossary_tbx(*, language=None, partner=None):
    """TBX-Basic (the martif structure most translation tools read), source language on the root."""
    root = Element("martif", {"type": "TBX-Basic", XML_LANG: settings.LANGUAGE_CODE})
    header = SubElement(SubElement(root, "martifHeader"), "fileDesc")
    SubElement(SubElement(header, "sourceDesc"), "p").text = "Curriculum Commons glossary"
    body = SubElement(SubElement(root, "text"), "body")
    for term, renderings in _export_terms(language=language, partner=partner):
        entry = SubElement(body, "termEntry", id=f"term-{term.pk}")
        source = SubElement(entry, "langSet", {XML_LANG: term.language})
        _tig(source, term.text, PREFERRED, note=term.note)
        lang_sets = {}
        for rendering in renderings:
            if rendering.language not in lang_sets:
                lang_sets[rendering.language] = SubElement(entry, "langSet", {XML_LANG: rendering.language})
            lang_set = lang_sets[rendering.language]
            _tig(lang_set, rendering.text, PREFERRED, rendering.partner, rendering.note)
            for variant in rendering.variant_list:
                _tig(lang_set, variant, ADMITTED, rendering.partner)
            for avoided in rendering.avoid_list:
                _tig(lang_set, avoided, DEPRECATED, rendering.partner)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="utf-8", xml_declaration=False)


# --- Reading files -----------------------------------------------------------------------------


def _decode(content):
    if len(content) > MAX_FILE_BYTES:
        raise GlossaryFileError(_("The file is larger than %(size)d MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)})
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise GlossaryFileError(_("The file is not UTF-8 text: save it as “CSV UTF-8” and try again.")) from None


def _unformula(value):
    value = (value or "").strip()
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


def rows_from_csv(content):
    text = _decode(content)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [name.strip().lower() for name in (reader.fieldnames or [])]
    except csv.Error as error:
        raise GlossaryFileError(_("The CSV file cannot be read: %(reason)s") % {"reason": error}) from None
    missing = [name for name in REQUIRED_CSV_COLUMNS if name not in header]
    if missing:
        raise GlossaryFileError(
            _("The first row must name the columns %(columns)s; missing: %(missing)s.")
            % {"columns": ", ".join(CSV_COLUMNS), "missing": ", ".join(missing)}
        )
    reader.fieldnames = header
    rows = []
    try:
        for record in reader:
            if None in record:
                raise GlossaryFileError(_("Line %(line)d has more cells than the header.") % {"line": reader.line_num})
            value = {name: _unformula(record.get(name)) for name in CSV_COLUMNS}
            if not any(value.values()):
                continue
            variants, avoid = (
                [part.strip() for part in value[name].split("|") if part.strip()] for name in ("variants", "avoid")
            )
            rows.append(Row(reader.line_num, value["term"], value["language"], value["rendering"], value["partner"],
                            value["note"], variants, avoid))  # fmt: skip
    except csv.Error as error:
        raise GlossaryFileError(
            _("Line %(line)d of the CSV file cannot be read: %(reason)s") % {"line": reader.line_num, "reason": error}
        ) from None
    return rows


def _local(tag):
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element, *names):
    return [child for child in element if _local(child.tag) in names]


def _text(element, name, **attributes):
    for child in element.iter():
        if _local(child.tag) == name and all(child.get(key) == value for key, value in attributes.items()):
            return " ".join("".join(child.itertext()).split())
    return ""


def _parse_xml(content):
    _decode(content)  # size and encoding first
    try:
        # defusedxml refuses entity declarations (billion laughs) and external entities (XXE);
        # a plain DOCTYPE naming the TBX DTD, as many tools write it, is allowed.
        return fromstring(content, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise GlossaryFileError(_("The TBX file declares XML entities, which are refused for safety.")) from None
    except ParseError as error:
        line = error.position[0] if getattr(error, "position", None) else 0
        raise GlossaryFileError(_("The TBX file is not well-formed XML (line %(line)d).") % {"line": line}) from None


def rows_from_tbx(content):
    """Rows of a TBX-Basic (martif, termEntry/langSet/tig) or TBX v3 (tbx, conceptEntry/langSec/termSec) file."""
    root = _parse_xml(content)
    if _local(root.tag) not in ("martif", "tbx"):
        raise GlossaryFileError(_("This is not a TBX file: its root element is <%(tag)s>.") % {"tag": _local(root.tag)})
    source_language = root.get(XML_LANG) or settings.LANGUAGE_CODE
    rows = []
    entries = [element for element in root.iter() if _local(element.tag) in ("termEntry", "conceptEntry")]
    for number, entry in enumerate(entries, start=1):
        lang_sets = _children(entry, "langSet", "langSec")
        source = [lang_set for lang_set in lang_sets if lang_set.get(XML_LANG) == source_language]
        tigs = _children(source[0], "tig", "ntig", "termSec") if source else []
        if not tigs or not _text(tigs[0], "term"):
            raise GlossaryFileError(
                _("Entry %(number)d has no term in the source language (%(language)s).")
                % {"number": number, "language": source_language}
            )
        term = _text(tigs[0], "term")
        entry_note = " ".join(_text(child, "note") for child in _children(entry, "note", "descrip")).strip()
        rows.append(Row(number, term, source_language, term, "", _text(tigs[0], "note") or entry_note))
        for lang_set in lang_sets:
            language = lang_set.get(XML_LANG) or ""
            if lang_set in source:
                continue
            by_partner = {}
            for tig in _children(lang_set, "tig", "ntig", "termSec"):
                status = _text(tig, "termNote", type="administrativeStatus") or PREFERRED
                partner = _text(tig, "admin", type="customerSubset")
                row = by_partner.setdefault(partner, Row(number, term, language, partner=partner))
                text = _text(tig, "term")
                if status in (DEPRECATED, "supersededTerm-admn-sts"):
                    row.avoid += [text] if text else []  # renderings advised against
                elif status not in (PREFERRED, ADMITTED):
                    continue
                elif status == PREFERRED and not row.rendering:
                    row.rendering, row.note = text, _text(tig, "note")
                elif text:
                    row.variants.append(text)
            for row in by_partner.values():
                if not row.rendering and row.variants:
                    row.rendering = row.variants.pop(0)
                if row.rendering:  # a language with only forms to avoid has no rendering to prefer
                    rows.append(row)
    return rows


# --- Import ------------------------------------------------------------------------------------


def _problems(rows, *, partner):
    """Every problem of the rows, by line, before anything is written."""
    problems, seen = [], set()
    known_partners = {item.slug: item for item in Partner.objects.filter(slug__in={row.partner for row in rows})}
    for row in rows:
        where = _("line %(line)d") % {"line": row.line}
        if not row.term:
            problems.append(_("%(where)s: the term is empty") % {"where": where})
        elif row.language not in settings.LANGUAGE_CODES:
            problems.append(
                _("%(where)s: unknown language “%(language)s”") % {"where": where, "language": row.language}
            )
        elif not row.rendering:
            problems.append(_("%(where)s: the rendering is empty") % {"where": where})
        elif max(len(row.term), len(row.rendering), *map(len, row.variants or [""])) > TEXT_LENGTH:
            problems.append(_("%(where)s: longer than %(max)d characters") % {"where": where, "max": TEXT_LENGTH})
        elif row.partner and row.partner not in known_partners:
            problems.append(_("%(where)s: unknown partner “%(partner)s”") % {"where": where, "partner": row.partner})
        elif partner is not None and row.partner and row.partner != partner.slug:
            problems.append(
                _("%(where)s: a rendering of another partner (%(partner)s)") % {"where": where, "partner": row.partner}
            )
        key = (term_key(row.term), row.language, row.partner)
        if key in seen:
            problems.append(
                _("%(where)s: “%(term)s” in %(language)s is in the file twice")
                % {"where": where, "term": row.term, "language": row.language}
            )
        seen.add(key)
    return problems, known_partners


def _source_rows(rows):
    """The term rows: a term's first row, when its rendering is the term itself and it names no partner."""
    sources = {}
    for row in rows:
        key = term_key(row.term)
        if key not in sources:
            sources[key] = row if not row.partner and term_key(row.rendering) == key else None
    return {key: row for key, row in sources.items() if row is not None}


def _find_term(existing, key, source):
    if source is not None:
        return existing.get((source.language, key))
    matches = [term for (_language, term_k), term in existing.items() if term_k == key]
    return next((term for term in matches if term.language == settings.LANGUAGE_CODE), matches[0] if matches else None)


def _resolve_terms(rows, *, partner, user, report, problems):
    """The term of each row, by term key; the secretariat's import creates the missing ones and sets notes."""
    sources = _source_rows(rows)
    existing = {(term.language, term.key): term for term in Term.objects.all()}
    terms = {}
    for row in rows:
        key = term_key(row.term)
        if key in terms or not key:
            continue
        source = sources.get(key)
        term = _find_term(existing, key, source)
        if partner is not None:
            if term is None:
                problems.append(
                    _("line %(line)d: “%(term)s” is not in the glossary") % {"line": row.line, "term": row.term}
                )
            terms[key] = term
            continue
        if problems:
            continue  # nothing is written once a problem is known
        if term is None:
            term = Term.objects.create(
                text=row.term, language=source.language if source else settings.LANGUAGE_CODE,
                note=source.note if source else "", updated_by=user,
            )  # fmt: skip
            report.terms_created += 1
        elif source is not None and source.note != term.note:
            term.note, term.updated_by = source.note, user
            term.save(update_fields=["note", "updated_by", "updated_at"])
            report.renderings_changed += 1
        terms[key] = term
    return terms


def _raise_problems(problems):
    shown = problems[:MAX_ERRORS_SHOWN]
    more = len(problems) - len(shown)
    raise GlossaryFileError("; ".join(shown) + (_("; and %(count)d more") % {"count": more} if more else ""))


@transaction.atomic
def glossary_import(*, content, filename, user, partner=None):
    """Import a TBX or CSV file: terms, their notes and renderings; all or nothing.

    The secretariat's import (partner None) creates terms and sets the network's and
    any partner's renderings. A partner's import sets only its own renderings
    (rows naming it) of terms already in the glossary; the network's rows are skipped.
    """
    is_tbx = filename.lower().endswith((".tbx", ".xml")) or content.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"<")
    rows = rows_from_tbx(content) if is_tbx else rows_from_csv(content)
    if not rows:
        raise GlossaryFileError(_("The file has no terms."))
    problems, partners = _problems(rows, partner=partner)
    report = ImportReport()
    terms = _resolve_terms(rows, partner=partner, user=user, report=report, problems=problems)
    if problems:
        _raise_problems(problems)
    grouped = defaultdict(dict)
    for row in rows:
        term = terms[term_key(row.term)]
        if row.language == term.language or (partner is not None and not row.partner):
            report.skipped += row.language != term.language  # the term's own row is not a rendering
            continue
        owner = partner if partner is not None else partners.get(row.partner)
        grouped[(term, owner)][row.language] = RenderingInput(
            row.rendering, "\n".join(row.variants), row.note, "\n".join(row.avoid)
        )
    for (term, owner), renderings in grouped.items():
        report.renderings_changed += renderings_save(term=term, partner=owner, renderings=renderings, user=user)
    return report
