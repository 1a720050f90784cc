"""A slimmer structure tree: bare spans and groups fold into their parents, and a reader gets the same content in the same order."""

import io

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name

from exports import rendering, structure_tree
from tests.pdf import pdf_info, pdf_text

from .test_print_profiles import qpdf_check

PAGE = """<html lang="{lang}" dir="{dir}"><body>
<h2>{title}</h2>
<div><p>{text} <em>{text}</em> <strong>{text}</strong> <a href="#end">{text}</a></p></div>
<ul><li>{text}</li><li><strong>{text}</strong> {text}</li></ul>
<table><tr><th>{title}</th><td>{text}</td></tr></table>
{paragraphs}
<p id="end">{title}</p>
</body></html>"""
TEXTS = {
    "en": ("Who decides", "Amina asks the group who decides, and waits."),
    "ar": ("من يقرر", "تسأل أمينة المجموعة من يقرر، وتنتظر."),
}


@pytest.fixture(autouse=True)
def as_weasyprint_writes_it(monkeypatch):
    """The renderer's PDFs before they are slimmed: what this module slims."""
    monkeypatch.setattr(structure_tree, "pdf_slim", lambda data, **options: data)


def _tagged(language, paragraphs=40):
    """A tagged PDF of two pages or more, with inline spans, a group, a list, a table and a link, as WeasyPrint writes it."""
    title, text = TEXTS[language]
    html = PAGE.format(
        lang=language,
        dir="rtl" if language == "ar" else "ltr",
        title=title,
        text=text,
        paragraphs=f"<p>{text} <span>{text}</span></p>" * paragraphs,
    )
    return rendering.html_to_pdf(html, title=title).pdf


def _elements(pdf):
    return [element for element, _kids in structure_tree.structure_elements(pdf.Root.StructTreeRoot)]


def _content_in_reading_order(pdf):
    """(page number, marked-content id) of every piece of content, as a reader walks the tree, and the element holding it."""
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
    order = []

    def walk(element):
        for kid in structure_tree._kids(element):
            if isinstance(kid, int):
                order.append(((pages[element.Pg.objgen], kid), element.objgen))
            elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.MCR:
                order.append(((pages[kid.Pg.objgen], int(kid.MCID)), element.objgen))
            elif isinstance(kid, Dictionary) and "/S" in kid:
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return order


def _parent_tree_entries(pdf):
    """{(page number, marked-content id): objgen of the element the parent tree names for it}."""
    tree = pdf.Root.StructTreeRoot
    numbers = tree.ParentTree.Nums
    by_key = {int(numbers[index]): numbers[index + 1] for index in range(0, len(numbers), 2)}
    entries = {}
    for number, page in enumerate(pdf.pages):
        array = by_key.get(int(page.obj.get("/StructParents", -1)))
        for mcid, element in enumerate(array if isinstance(array, Array) else []):
            entries[(number, mcid)] = element.objgen
    return entries


def _saved(pdf, path):
    pdf.save(path, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return path


@pytest.mark.parametrize("language", ["en", "ar"])
def test_bare_spans_and_groups_fold_and_a_reader_gets_the_same_content_in_the_same_order(language, tmp_path):
    data = _tagged(language)
    before = pikepdf.open(io.BytesIO(data))
    order_before = [content for content, _element in _content_in_reading_order(before)]
    spans_before = sum(1 for element in _elements(before) if str(element.S) == "/Span")

    after = pikepdf.open(io.BytesIO(data))
    folded = structure_tree.structure_slim(after)

    assert len(after.pages) >= 2 and spans_before > 10 and folded >= spans_before
    assert not [element for element in _elements(after) if structure_tree.foldable(element)]
    # Only spans around a link's annotation stay (its parent-tree entry names them).
    for element in _elements(after):
        if str(element.S) in structure_tree.FOLDED_TYPES:
            assert any(
                isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR for kid in structure_tree._kids(element)
            )
    order_after = _content_in_reading_order(after)
    assert [content for content, _element in order_after] == order_before
    # Every marked-content id is named in the parent tree by the element that now holds it.
    assert _parent_tree_entries(after) == dict(order_after)
    # What readers and checkers see is the same document.
    path = _saved(after, tmp_path / "slim.pdf")
    qpdf_check(path)
    assert pdf_info(path)["Tagged"] == "yes"
    assert pdf_text(path).split() == pdf_text(_saved(before, tmp_path / "whole.pdf")).split()


def test_the_elements_that_carry_meaning_keep_their_place():
    pdf = pikepdf.open(io.BytesIO(_tagged("en", paragraphs=2)))
    kinds_before = sorted(str(element.S) for element in _elements(pdf))
    structure_tree.structure_slim(pdf)
    kinds_after = sorted(str(element.S) for element in _elements(pdf))
    kept = [kind for kind in kinds_before if kind not in structure_tree.FOLDED_TYPES]
    assert [kind for kind in kinds_after if kind not in structure_tree.FOLDED_TYPES] == kept
    assert {"/H2", "/P", "/L", "/LI", "/Lbl", "/LBody", "/Table", "/TH", "/TD", "/Link"} <= set(kinds_after)
    # The link's annotation still names its element, which still holds the annotation.
    link = next(element for element in _elements(pdf) if str(element.S) == "/Link")
    assert any(isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR for kid in structure_tree._kids(link))


def test_a_span_with_a_language_or_actual_text_is_kept():
    pdf = pikepdf.open(io.BytesIO(_tagged("en", paragraphs=2)))
    spans = [element for element in _elements(pdf) if str(element.S) == "/Span"]
    spans[0].Lang = pikepdf.String("ar")
    spans[1].ActualText = pikepdf.String("x")
    structure_tree.structure_slim(pdf)
    assert [element.objgen for element in _elements(pdf) if str(element.S) == "/Span"] == [
        spans[0].objgen,
        spans[1].objgen,
    ]


def test_a_page_reference_stays_only_where_the_element_holds_content_of_its_own():
    pdf = pikepdf.open(io.BytesIO(_tagged("en")))
    structure_tree.structure_slim(pdf)
    for element in _elements(pdf):
        holds_content = any(isinstance(kid, int) for kid in structure_tree._kids(element))
        assert ("/Pg" in element) == holds_content, element.S


def test_elements_are_written_without_their_optional_type():
    pdf = pikepdf.open(io.BytesIO(_tagged("en", paragraphs=2)))
    assert any("/Type" in element for element in _elements(pdf))
    structure_tree.structure_slim(pdf)
    assert not [element for element in _elements(pdf) if "/Type" in element]


def test_an_untagged_pdf_is_left_alone():
    data = rendering.html_to_pdf("<p>Plain</p>", pdf_variant=None).pdf
    pdf = pikepdf.open(io.BytesIO(data))
    assert structure_tree.structure_slim(pdf) == 0


def test_the_renderer_writes_every_tagged_pdf_slim(monkeypatch):
    monkeypatch.undo()
    pdf = pikepdf.open(io.BytesIO(_tagged("ar", paragraphs=2)))
    assert not [element for element in _elements(pdf) if structure_tree.foldable(element)]
    assert pdf.Root.MarkInfo.Marked and any(str(element.S) == "/P" for element in _elements(pdf))
