"""Content exchange files: a module's or a curriculum's text for one language as PO or XLIFF 1.2, and back.

Each unit carries the translation's hash at export time, so an import can tell
"the translator changed this" from "someone changed it in the platform since"
(a conflict, reported, never overwritten). The file carries the curriculum,
scope, language and a source version; an import refuses a file whose source
text is not the current one. A partner edition's own text travels the same way,
its file naming the edition (`X-Edition`, or `<curriculum>@<partner>/…` in XLIFF).

An untranslated unit the translation memory can fill whole goes out pre-filled: as it
is for a 100% match (leaving it unchanged accepts it on import), marked for review
below (PO `#, fuzzy`, XLIFF state="needs-review-translation", which an import skips
until the translator clears it), with the match percentage in the unit's notes.
"""

import hashlib
import re
from dataclasses import dataclass, field

import polib
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from .memory import memory_pretranslations
from .models import ReviewState
from .services import (
    TranslationConflict,
    text_hash,
    translation_check_allowed,
    translation_save,
    translation_validate,
)
from .units import scope_units

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
# translate-toolkit's po2xliff writes XLIFF 1.1, which reads the same for our purpose.
XLIFF_READ_NS = {XLIFF_NS, "urn:oasis:names:tc:xliff:document:1.1"}
HASH_NOTE_RE = re.compile(r"translation-hash:\s*([0-9a-f]{64})")  # PO editors may wrap the line
# The unit's key travels in msgctxt (PO) or resname (XLIFF) and again in a comment:
# translate-toolkit's po2xliff and xliff2po keep comments but drop msgctxt.
KEY_NOTE_RE = re.compile(r"^key:\s*(\S+)$", re.M)
MAX_FILE_BYTES = 5 * 1024 * 1024


class ExchangeFileError(Exception):
    """A file that cannot be imported; nothing was changed."""


@dataclass
class ImportReport:
    updated: list = field(default_factory=list)
    unchanged: int = 0
    conflicts: list = field(default_factory=list)
    needs_review: list = field(default_factory=list)
    invalid: list = field(default_factory=list)


def _scope_units(curriculum, module, language, edition=None):
    units = scope_units(curriculum=curriculum, module=module, edition=edition, languages=[language])[language]
    if module is None:
        return units
    return [unit for unit in units if not unit.key.startswith("curriculum:")]


def _edition_name(edition):
    return edition.partner.slug if edition is not None else ""


def _source_language(curriculum, edition):
    return edition.source_language if edition is not None else curriculum.source_language


def source_version(units):
    """A hash of the source text of every unit in the file: the version the translation is based on."""
    digest = hashlib.sha256()
    for unit in sorted(units, key=lambda unit: unit.key):
        digest.update(f"{unit.key}={unit.source_hash};".encode())
    return digest.hexdigest()


def _scope_name(module):
    return module.slug if module is not None else "*"


def _unit_note(unit, prefill=None):
    note = f"key: {unit.key}\ntranslation-hash: {unit.translation_hash}"
    return note + (f"\ntranslation-memory: {prefill[1]}%" if prefill else "")


def exchange_po(*, curriculum, language, module=None, edition=None, user=None):
    """The PO file of a curriculum (or one module, or an edition's own text) in one language; stale ones are fuzzy.

    Fuzzy memory pre-fills are fuzzy too. `user` is who downloads it: memory from private
    editions they may not see is not used.
    """
    units = _scope_units(curriculum, module, language, edition)
    prefills = memory_pretranslations(units=units, language=language, user=user)
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": f"{curriculum.slug} {_scope_name(module)}",
        "POT-Creation-Date": timezone.now().strftime("%Y-%m-%d %H:%M%z"),
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Curriculum": curriculum.slug,
        "X-Scope": _scope_name(module),
        "X-Source-Language": _source_language(curriculum, edition),
        "X-Source-Version": source_version(units),
    }
    if edition is not None:
        po.metadata["X-Edition"] = _edition_name(edition)
    for unit in units:
        prefill = prefills.get(unit.key)
        po.append(
            polib.POEntry(
                msgctxt=unit.key,
                msgid=unit.source,
                msgstr=prefill[0] if prefill else unit.translation,
                comment=_unit_note(unit, prefill),
                flags=["fuzzy"] if unit.is_stale or (prefill and prefill[1] < 100) else [],
            )
        )
    return str(po)


def exchange_xliff(*, curriculum, language, module=None, edition=None, user=None):
    """The XLIFF 1.2 file of a curriculum (or one module, or an edition's own text) in one language.

    Memory matches go in <alt-trans> too.
    """
    units = _scope_units(curriculum, module, language, edition)
    scope = f"{curriculum.slug}@{_edition_name(edition)}" if edition is not None else curriculum.slug
    prefills = memory_pretranslations(units=units, language=language, user=user)
    root = etree.Element(f"{{{XLIFF_NS}}}xliff", nsmap={None: XLIFF_NS}, version="1.2")
    file_element = etree.SubElement(
        root,
        f"{{{XLIFF_NS}}}file",
        original=f"{scope}/{_scope_name(module)}",
        datatype="plaintext",
        attrib={"source-language": _source_language(curriculum, edition), "target-language": language},
    )
    header = etree.SubElement(file_element, f"{{{XLIFF_NS}}}header")
    note = etree.SubElement(header, f"{{{XLIFF_NS}}}note", attrib={"from": "curriculum-commons"})
    note.text = f"source-version: {source_version(units)}"
    body = etree.SubElement(file_element, f"{{{XLIFF_NS}}}body")
    states = {"current": "translated", "stale": "needs-review-translation", "missing": "new"}
    for unit in units:
        trans_unit = etree.SubElement(body, f"{{{XLIFF_NS}}}trans-unit", id=unit.key, resname=unit.key)
        # A reviewer's approval travels as XLIFF's own: approved="yes" and state "signed-off". Importing a
        # file never approves anything (translations/review.py): a changed target needs review again.
        approved = unit.review_state == ReviewState.APPROVED
        if approved:
            trans_unit.set("approved", "yes")
        trans_unit.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        etree.SubElement(trans_unit, f"{{{XLIFF_NS}}}source").text = unit.source
        state = "signed-off" if approved else states[unit.status]
        prefill = prefills.get(unit.key)
        target = etree.SubElement(trans_unit, f"{{{XLIFF_NS}}}target", state=state)
        target.text = unit.translation
        if prefill:
            exact = prefill[1] == 100
            target.text = prefill[0]
            target.set("state", "translated" if exact else "needs-review-translation")
            target.set("state-qualifier", "leveraged-tm" if exact else "fuzzy-match")
        group = etree.SubElement(
            trans_unit, f"{{{XLIFF_NS}}}context-group", attrib={"name": "po-entry", "purpose": "information"}
        )
        etree.SubElement(
            group, f"{{{XLIFF_NS}}}context", attrib={"context-type": "x-po-autocomment"}
        ).text = _unit_note(unit, prefill)
        # "developer" notes become PO extracted comments in translate-toolkit's xliff2po.
        note = etree.SubElement(trans_unit, f"{{{XLIFF_NS}}}note", attrib={"from": "developer"})
        note.text = _unit_note(unit, prefill)
        if prefill:
            alternative = etree.SubElement(
                trans_unit,
                f"{{{XLIFF_NS}}}alt-trans",
                attrib={"match-quality": f"{prefill[1]}%", "origin": "translation-memory"},
            )
            etree.SubElement(alternative, f"{{{XLIFF_NS}}}target").text = prefill[0]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode()


@dataclass
class FileUnit:
    key: str
    source: str
    target: str
    exported_translation_hash: str | None
    needs_review: bool


@dataclass
class ExchangeFile:
    language: str
    curriculum: str | None
    units: list
    edition: str = ""  # the partner's slug: a file of an edition's own text


def _parse_po(content):
    try:
        po = polib.pofile(content)
    except (OSError, ValueError, UnicodeError) as error:
        raise ExchangeFileError(_("This is not a readable PO file: %(error)s") % {"error": str(error)[:200]}) from None
    units = []
    for entry in po:
        if entry.obsolete:
            continue
        comments = f"{entry.comment}\n{entry.tcomment}"
        match, key = HASH_NOTE_RE.search(comments), KEY_NOTE_RE.search(comments)
        units.append(
            FileUnit(
                key=entry.msgctxt or (key.group(1) if key else ""),
                source=entry.msgid,
                target=entry.msgstr,
                exported_translation_hash=match.group(1) if match else None,
                needs_review="fuzzy" in entry.flags,
            )
        )
    return ExchangeFile(
        language=po.metadata.get("Language", "").strip(),
        curriculum=po.metadata.get("X-Curriculum"),
        units=units,
        edition=po.metadata.get("X-Edition", "").strip(),
    )


def _parse_xliff(content):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(content.encode() if isinstance(content, str) else content, parser)
    except etree.XMLSyntaxError as error:
        raise ExchangeFileError(
            _("This is not a readable XLIFF file: %(error)s") % {"error": str(error)[:200]}
        ) from None
    namespace = etree.QName(root).namespace
    ns = {"x": namespace or ""}
    files = root.findall("x:file", ns)
    if namespace not in XLIFF_READ_NS or etree.QName(root).localname != "xliff" or len(files) != 1:
        raise ExchangeFileError(_("This is not an XLIFF 1.2 file with one <file> element."))
    file_element = files[0]
    units = []
    for trans_unit in file_element.iterfind(".//x:trans-unit", ns):
        if trans_unit.get("restype") == "x-gettext-domain-header":
            continue  # po2xliff's copy of the PO header
        source, target = trans_unit.find("x:source", ns), trans_unit.find("x:target", ns)
        notes = "\n".join(
            "".join(note.itertext())
            for note in trans_unit.findall("x:note", ns) + trans_unit.findall(".//x:context", ns)
        )
        match, key = HASH_NOTE_RE.search(notes), KEY_NOTE_RE.search(notes)
        units.append(
            FileUnit(
                key=(key.group(1) if key else "") or trans_unit.get("resname") or trans_unit.get("id") or "",
                source="".join(source.itertext()) if source is not None else "",
                target="".join(target.itertext()) if target is not None else "",
                exported_translation_hash=match.group(1) if match else None,
                needs_review=target is not None and (target.get("state") or "").startswith("needs-review"),
            )
        )
    original, _at, edition = (file_element.get("original") or "").split("/", 1)[0].partition("@")
    return ExchangeFile(
        language=file_element.get("target-language") or "", curriculum=original or None, units=units, edition=edition
    )


def exchange_parse(*, content, filename=""):
    if len(content) > MAX_FILE_BYTES:
        raise ExchangeFileError(_("The file is larger than 5 MB."))
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8")
        except UnicodeDecodeError:
            raise ExchangeFileError(_("The file is not in UTF-8.")) from None
    if filename.endswith((".xlf", ".xliff")) or content.lstrip().startswith("<"):
        return _parse_xliff(content)
    return _parse_po(content)


@transaction.atomic
def exchange_import(*, user, curriculum, language, content, filename="", module=None, edition=None):
    """Apply a translated PO or XLIFF file: only entries the translator changed, never over a newer translation.

    The whole file is refused (nothing changes) if it is for another curriculum, edition or
    language, if its source text is not the current one, or if it is malformed.
    """
    partner = edition.partner if edition is not None else None
    translation_check_allowed(
        user=user,
        language=language,
        # An edition's blocks each have their own source language: translation_save refuses each source.
        source_language=curriculum.source_language if edition is None else None,
        partner=partner,
    )
    parsed = exchange_parse(content=content, filename=filename)
    if parsed.language.replace("_", "-").lower() != language:
        raise ExchangeFileError(
            _("This file is for the language '%(file)s', not '%(expected)s'.")
            % {"file": parsed.language or "?", "expected": language}
        )
    if parsed.curriculum and parsed.curriculum != curriculum.slug:
        raise ExchangeFileError(_("This file is for another curriculum (%(slug)s).") % {"slug": parsed.curriculum})
    if parsed.edition != _edition_name(edition):
        raise ExchangeFileError(
            _("This file is for the edition '%(file)s', not '%(expected)s'.")
            % {"file": parsed.edition or _("core"), "expected": _edition_name(edition) or _("core")}
        )
    units = {
        unit.key: unit for unit in scope_units(curriculum=curriculum, edition=edition, languages=[language])[language]
    }
    outdated = [
        item.key
        for item in parsed.units
        if item.key not in units or text_hash(item.source) != units[item.key].source_hash
    ]
    if outdated:
        raise ExchangeFileError(
            _(
                "The source text changed since this file was downloaded (%(keys)s): download the file again and "
                "carry your translations over."
            )
            % {"keys": ", ".join(outdated[:5]) + (" …" if len(outdated) > 5 else "")}
        )
    if not parsed.units:
        raise ExchangeFileError(_("The file contains no translations."))
    report = ImportReport()
    for item in parsed.units:
        unit = units[item.key]
        target = item.target.replace("\r\n", "\n").strip()
        exported = item.exported_translation_hash
        if (
            not target
            or (exported is not None and text_hash(target) == exported)
            or text_hash(target) == (unit.translation_hash)
        ):
            report.unchanged += 1
            continue
        if item.needs_review:
            report.needs_review.append(item.key)
            continue
        problems = translation_validate(field=unit.field, text=target)
        if problems:
            report.invalid.append(f"{item.key}: {'; '.join(problems)}")
            continue
        try:
            translation_save(
                user=user,
                obj=unit.obj,
                field=unit.field,
                language=language,
                text=target,
                # Without the hash (a file from elsewhere) only an untranslated field is filled in.
                base_translation_hash=exported or text_hash(""),
                base_source_hash=unit.source_hash,
                partner=partner,
            )
        except TranslationConflict:
            report.conflicts.append(item.key)
            continue
        report.updated.append(item.key)
    return report


def exchange_filename(*, curriculum, language, module=None, extension="po", edition=None):
    scope = f"{curriculum.slug}-{edition.partner.slug}" if edition is not None else curriculum.slug
    return f"{scope}-{module.slug if module else 'all'}-{language}.{extension}"
