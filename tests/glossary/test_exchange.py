"""The glossary as TBX and CSV: exported, imported all or nothing, hostile XML refused."""

import csv
import io

import pytest
from defusedxml.ElementTree import fromstring

from glossary.exchange import GlossaryFileError, glossary_csv, glossary_import, glossary_tbx
from glossary.models import Rendering, Term
from glossary.services import RenderingInput, partner_renderings_save

pytestmark = pytest.mark.django_db
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture
def partner_glossary(glossary, partner):
    partner_renderings_save(
        term=glossary["leadership"],
        partner=partner,
        renderings={"ar": RenderingInput("ريادة", "الريادة", "Ours.", "زعامة")},
        user=None,
    )
    return glossary


def _snapshot():
    terms = sorted((term.text, term.language, term.note) for term in Term.objects.all())
    renderings = sorted(
        (r.term.text, r.language, r.partner.slug if r.partner else "", r.text, r.variants, r.note, r.avoid)
        for r in Rendering.objects.select_related("term", "partner")
    )
    return terms, renderings


def _csv_rows(text):
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


# --- Export ------------------------------------------------------------------------------------


def test_the_csv_starts_with_a_byte_order_mark_and_the_header_row(partner_glossary):
    text = glossary_csv()
    assert text.startswith("\ufeff")
    rows = _csv_rows(text)
    assert rows[0] == ["term", "language", "rendering", "partner", "note", "variants", "avoid"]
    assert ["leadership", "en", "leadership", "", "A shared practice, not a rank.", "", ""] in rows
    assert ["leadership", "ar", "ريادة", "tamkeen", "Ours.", "الريادة", "زعامة"] in rows
    assert ["consensus", "ar", "توافق", "", "", "توافقي", ""] in rows


def test_the_csv_of_one_language_and_partner_carries_what_its_editions_use(partner_glossary, other_partner):
    rows = _csv_rows(glossary_csv(language="ar", partner=other_partner))
    assert {(row[0], row[2], row[3]) for row in rows[1:] if row[1] == "ar"} == {
        ("leadership", "قيادة", ""),
        ("consensus", "توافق", ""),
    }


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_written_as_text_and_read_back(secretariat):
    Term.objects.create(text="=HYPERLINK(1)", note="-bad")
    rows = _csv_rows(glossary_csv())
    assert rows[1][0] == "'=HYPERLINK(1)" and rows[1][4] == "'-bad"
    content = glossary_csv().encode()
    Term.objects.all().delete()
    glossary_import(content=content, filename="g.csv", user=secretariat)
    assert Term.objects.get().text == "=HYPERLINK(1)"


def test_the_tbx_has_the_tbx_basic_structure(partner_glossary):
    root = fromstring(glossary_tbx())
    assert root.tag == "martif" and root.get("type") == "TBX-Basic" and root.get(XML_LANG) == "en"
    entries = root.findall("./text/body/termEntry")
    assert len(entries) == 2
    leadership = next(entry for entry in entries if entry.find("langSet/tig/term").text == "leadership")
    arabic = next(lang_set for lang_set in leadership.findall("langSet") if lang_set.get(XML_LANG) == "ar")
    tigs = [
        (tig.findtext("term"), tig.findtext("termNote[@type='administrativeStatus']"), tig.findtext("admin"))
        for tig in arabic.findall("tig")
    ]
    assert tigs == [
        ("قيادة", "preferredTerm-admn-sts", None),
        ("ريادة", "preferredTerm-admn-sts", "tamkeen"),
        ("الريادة", "admittedTerm-admn-sts", "tamkeen"),
        ("زعامة", "deprecatedTerm-admn-sts", "tamkeen"),
    ]
    assert leadership.findtext("langSet/tig/note") == "A shared practice, not a rank."


# --- Import ------------------------------------------------------------------------------------


@pytest.mark.parametrize("build, filename", [(glossary_tbx, "glossary.tbx"), (glossary_csv, "glossary.csv")])
def test_an_exported_glossary_imports_back_the_same(partner_glossary, secretariat, build, filename):
    before = _snapshot()
    content = build()
    content = content if isinstance(content, bytes) else content.encode()
    Term.objects.all().delete()
    report = glossary_import(content=content, filename=filename, user=secretariat)
    assert _snapshot() == before
    assert (report.terms_created, report.renderings_changed) == (2, 4)
    again = glossary_import(content=content, filename=filename, user=secretariat)
    assert (again.terms_created, again.renderings_changed) == (0, 0)


def test_a_tbx_v3_file_is_read(secretariat):
    content = """<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
  <tbxHeader><fileDesc><sourceDesc><p>x</p></sourceDesc></fileDesc></tbxHeader>
  <text><body>
    <conceptEntry id="c1">
      <langSec xml:lang="en"><termSec><term>empowerment</term><note>Power women hold.</note></termSec></langSec>
      <langSec xml:lang="fa">
        <termSec><term>توانمندسازی</term><termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec>
        <termSec><term>قدرت‌بخشی</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec>
      </langSec>
    </conceptEntry>
  </body></text>
</tbx>""".encode()
    glossary_import(content=content, filename="terms.tbx", user=secretariat)
    term = Term.objects.get()
    assert (term.text, term.note) == ("empowerment", "Power women hold.")
    assert [(r.language, r.text, r.variants, r.avoid) for r in term.renderings.all()] == [
        ("fa", "توانمندسازی", "", "قدرت‌بخشی")
    ]


def test_a_tbx_with_a_doctype_naming_its_dtd_is_accepted(secretariat):
    content = (
        b'<?xml version="1.0"?>\n<!DOCTYPE martif SYSTEM "TBXcoreStructV02.dtd">\n<martif type="TBX" xml:lang="en">'
        b'<text><body><termEntry><langSet xml:lang="en"><tig><term>power</term></tig></langSet>'
        b'<langSet xml:lang="hi"><tig><term>\xe0\xa4\xb6\xe0\xa4\x95\xe0\xa5\x8d\xe0\xa4\xa4\xe0\xa4\xbf</term></tig>'
        b"</langSet></termEntry></body></text></martif>"
    )
    glossary_import(content=content, filename="x.tbx", user=secretariat)
    assert Rendering.objects.get().text == "शक्ति"


@pytest.mark.parametrize(
    "content, message",
    [
        (b"<martif><text><body><termEntry>", "not well-formed"),
        (b"<html><body/></html>", "not a TBX file"),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            b'<martif xml:lang="en"><text><body><termEntry><langSet xml:lang="en"><tig><term>&lol2;</term></tig>'
            b"</langSet></termEntry></body></text></martif>",
            "entities",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            b'<martif xml:lang="en"><text><body><termEntry><langSet xml:lang="en"><tig><term>&xxe;</term></tig>'
            b"</langSet></termEntry></body></text></martif>",
            "entities",
        ),
        (b'<martif xml:lang="en"><text><body><termEntry><langSet xml:lang="ar"/></termEntry></body></text></martif>',
         "no term in the source language"),
    ],
    ids=["malformed", "not-tbx", "billion-laughs", "external-entity", "no-source-term"],
)  # fmt: skip
def test_a_bad_or_hostile_tbx_is_refused_with_a_reason_and_nothing_is_imported(glossary, secretariat, content, message):
    before = _snapshot()
    with pytest.raises(GlossaryFileError, match=message):
        glossary_import(content=content, filename="bad.tbx", user=secretariat)
    assert _snapshot() == before


def test_a_csv_with_one_bad_line_imports_nothing_and_names_every_bad_line(glossary, secretariat):
    before = _snapshot()
    content = (
        "term,language,rendering,partner,note\n"
        "agency,en,agency,,Acting for oneself.\n"
        "agency,ar,فاعلية,,\n"
        "agency,xx,something,,\n"
        "agency,fa,,,\n"
        "agency,es,agencia,nobody,\n"
    ).encode()
    with pytest.raises(GlossaryFileError) as refused:
        glossary_import(content=content, filename="g.csv", user=secretariat)
    message = str(refused.value)
    assert "line 4: unknown language “xx”" in message
    assert "line 5: the rendering is empty" in message
    assert "line 6: unknown partner “nobody”" in message
    assert _snapshot() == before


@pytest.mark.parametrize(
    "content, message",
    [
        (b"word;translation\nx;y\n", "must name the columns"),
        (b"\xff\xfeterm", "not UTF-8"),
        (b"term,language,rendering\n", "no terms"),
        (b"term,language,rendering\nleadership,ar,a,b,c,d,e\n", "more cells"),
        (b"term,language,rendering\nleadership,ar,a\nleadership,ar,b\n", "in the file twice"),
    ],
    ids=["no-header", "not-utf8", "empty", "too-many-cells", "twice"],
)
def test_a_malformed_csv_is_refused_with_a_reason(glossary, secretariat, content, message):
    before = _snapshot()
    with pytest.raises(GlossaryFileError, match=message):
        glossary_import(content=content, filename="g.csv", user=secretariat)
    assert _snapshot() == before


def test_a_csv_without_a_term_row_adds_the_term_in_english(secretariat):
    glossary_import(content=b"term,language,rendering\nagency,es,agencia\n", filename="g.csv", user=secretariat)
    term = Term.objects.get()
    assert (term.text, term.language, term.renderings.get().text) == ("agency", "en", "agencia")


def test_a_partners_import_sets_its_own_renderings_and_skips_the_networks(glossary, partner, partner_editor):
    content = (
        "term,language,rendering,partner,note\n"
        "leadership,en,leadership,,A new note the partner may not set.\n"
        "leadership,ar,قيادة,,\n"
        "leadership,ar,ريادة,tamkeen,Ours.\n"
    ).encode()
    report = glossary_import(content=content, filename="g.csv", user=partner_editor, partner=partner)
    assert (report.renderings_changed, report.skipped) == (1, 1)
    term = Term.objects.get(key="leadership")
    assert term.note == "A shared practice, not a rank."
    assert term.renderings.get(partner=partner).text == "ريادة"


@pytest.mark.parametrize(
    "row, message",
    [("leadership,ar,x,sauti,", "another partner"), ("agency,ar,x,tamkeen,", "not in the glossary")],
    ids=["other-partner", "new-term"],
)
def test_a_partners_import_may_not_touch_another_partner_or_add_terms(
    glossary, partner, other_partner, partner_editor, row, message
):
    before = _snapshot()
    content = f"term,language,rendering,partner,note\nleadership,ar,ريادة,tamkeen,\n{row}\n".encode()
    with pytest.raises(GlossaryFileError, match=message):
        glossary_import(content=content, filename="g.csv", user=partner_editor, partner=partner)
    assert _snapshot() == before
