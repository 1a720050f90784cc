"""Fewer marked-content sequences: one element's consecutive sequences become one, and a reader gets the same content in the same order."""

import io

import pikepdf
import pytest
from pikepdf import ContentStreamInstruction, Operator, String

from exports import marked_content, structure_tree
from tests.pdf import pdf_info, pdf_text

from .test_print_profiles import qpdf_check
from .test_structure_tree import _content_in_reading_order, _parent_tree_entries, _saved, _tagged


@pytest.fixture(autouse=True)
def as_weasyprint_writes_it(monkeypatch):
    """The renderer's PDFs before they are slimmed: what this module and the structure tree's change."""
    monkeypatch.setattr(structure_tree, "pdf_slim", lambda data, **options: data)


def _slimmed(data):
    """The PDF with its tree slimmed, as the renderer leaves it before the merge; and its parent-tree arrays."""
    pdf = pikepdf.open(io.BytesIO(data))
    structure_tree.structure_slim(pdf)
    return pdf, structure_tree._page_arrays(pdf, pdf.Root.StructTreeRoot)


def _sequences_count(pdf):
    return sum(
        1
        for page in pdf.pages
        for instruction in pikepdf.parse_content_stream(page)
        if marked_content._mcid(instruction) is not None
    )


@pytest.mark.parametrize("language", ["en", "ar"])
def test_an_elements_consecutive_sequences_merge_and_a_reader_gets_the_same_content_in_the_same_order(
    language, tmp_path
):
    before, _arrays = _slimmed(_tagged(language))
    after, arrays = _slimmed(_tagged(language))
    sequences_before = _sequences_count(after)

    saved = marked_content.marked_content_merge(after, arrays)

    assert saved > 0 and _sequences_count(after) == sequences_before - saved
    order = _content_in_reading_order(after)
    # Every page's MCIDs are numbered again from 0 in drawing order, each named by the element that holds it.
    assert _parent_tree_entries(after) == dict(order)
    for number in range(len(after.pages)):
        on_page = sorted(mcid for (page, mcid), _element in order if page == number)
        assert on_page == list(range(len(on_page)))
    # The elements are the ones they were, holding their content in the same order, with fewer pieces.
    elements_before = [element for _content, element in _content_in_reading_order(before)]
    elements_after = [element for _content, element in order]
    assert [e for i, e in enumerate(elements_after) if i == 0 or elements_after[i - 1] != e] == [
        e for i, e in enumerate(elements_before) if i == 0 or elements_before[i - 1] != e
    ]
    merged, whole = _saved(after, tmp_path / "merged.pdf"), _saved(before, tmp_path / "whole.pdf")
    qpdf_check(merged)
    assert pdf_info(merged)["Tagged"] == "yes"
    assert pdf_text(merged) == pdf_text(whole)


def test_an_element_with_its_own_language_or_actual_text_keeps_each_of_its_sequences():
    pdf, arrays = _slimmed(_tagged("en", paragraphs=2))
    # The heading and the first paragraph's several lines, each its own sequence as WeasyPrint writes them.
    owners = [element for array in arrays.values() for element in array]
    speaking = [element for element in {e.objgen: e for e in owners}.values() if owners.count(element) > 1]
    speaking[0].Lang = String("ar")
    kept = owners.count(speaking[0])

    marked_content.marked_content_merge(pdf, arrays)

    assert sum(1 for array in arrays.values() for element in array if element.objgen == speaking[0].objgen) == kept


def _instructions(*operators):
    return [ContentStreamInstruction([], Operator(operator)) for operator in operators]


def test_only_plain_drawing_may_fall_inside_a_merged_sequence():
    assert marked_content._plain_drawing(_instructions("q", "BT", "ET", "Q"))
    assert not marked_content._plain_drawing(_instructions("BMC", "EMC"))  # an artifact between: never inside content
    assert not marked_content._plain_drawing(_instructions("Q", "q"))
    assert not marked_content._plain_drawing(_instructions("BT"))


def test_a_page_with_an_mcid_the_pass_cannot_renumber_is_left_as_it_is():
    pdf, arrays = _slimmed(_tagged("en", paragraphs=2))
    page = pdf.pages[0]
    drawing = page.obj.Contents.read_bytes()
    # An MCID in a named property list (the page's resources): this pass does not rewrite those.
    page.obj.Contents = pikepdf.Stream(pdf, drawing + b"\n/Span /MC0 BDC EMC\n")
    marked_content.marked_content_merge(pdf, arrays)
    assert page.obj.Contents.read_bytes() == drawing + b"\n/Span /MC0 BDC EMC\n"


def test_the_renderer_writes_every_tagged_pdf_merged(monkeypatch):
    monkeypatch.undo()
    pdf = pikepdf.open(io.BytesIO(_tagged("ar", paragraphs=2)))
    arrays = structure_tree._page_arrays(pdf, pdf.Root.StructTreeRoot)
    assert marked_content.marked_content_merge(pdf, arrays) == 0
    assert pdf.Root.MarkInfo.Marked
