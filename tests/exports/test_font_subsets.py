"""One font per face in a joined PDF: the subsets the parts embed are merged, and the text reads and draws the same."""

import io
import subprocess

import pikepdf
import pytest
from PIL import Image, ImageChops

from exports import font_subsets, rendering
from tests.pdf import pdf_text

from .test_print_profiles import qpdf_check

PAGE = """<html lang="{lang}" dir="{dir}"><body><p>{text}</p><p><b>{text}</b></p></body></html>"""
# A missing mark or accent changes pixels from ink to paper (255 levels); anti-aliasing a few.
GRAY_LEVELS = 16
TEXTS = {
    # The second page's accented letters are composite glyphs, and lower glyph ids than the first page's Cyrillic.
    "en": ["Amina asks the group who decides. Жизнь.", "Women lead when they speak: café, señora, façade, fjord."],
    "ar": ["تقود النساء حين يتكلمن.", "ويصغين معاً، لا إكراه."],
}


def _font_programs(pdf):
    return {
        descriptor.FontFile2.objgen
        for descriptor in pdf.objects
        if isinstance(descriptor, pikepdf.Dictionary) and descriptor.get("/Type") == pikepdf.Name.FontDescriptor
    }


def _joined(language):
    """Two documents laid out on their own and put one after the other, as the assembly does."""
    direction = "rtl" if language == "ar" else "ltr"
    documents = [
        rendering.html_to_pdf(PAGE.format(lang=language, dir=direction, text=text)).pdf for text in TEXTS[language]
    ]
    joined = pikepdf.new()
    for data in documents:
        joined.pages.extend(pikepdf.open(io.BytesIO(data)).pages)
    buffer = io.BytesIO()
    joined.save(buffer)
    return buffer.getvalue()


def _pages_drawn(path, tmp_path, name):
    subprocess.run(["pdftoppm", "-r", "100", "-gray", str(path), str(tmp_path / name)], check=True)
    return [Image.open(image) for image in sorted(tmp_path.glob(f"{name}-*.pgm"))]


def _drawn_alike(before, after):
    """Page for page the same drawing: a decomposed composite glyph may shade an edge pixel a few levels apart."""
    return len(before) == len(after) and all(
        ImageChops.difference(one, other).getextrema()[1] <= GRAY_LEVELS
        for one, other in zip(before, after, strict=True)
    )


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_subsets_of_a_face_become_one_font_and_the_pages_read_and_draw_the_same(language, tmp_path):
    before = tmp_path / "before.pdf"
    before.write_bytes(_joined(language))
    pdf = pikepdf.open(before)
    faces = {str(font.BaseFont) for font in font_subsets._resource_fonts(pdf)}
    assert len(_font_programs(pdf)) == 2 * len(faces)  # each document brought its own subset of each face

    assert font_subsets.fonts_merge(pdf) == len(faces)
    after = tmp_path / "after.pdf"
    pdf.save(after)

    merged = pikepdf.open(after)
    assert len(_font_programs(merged)) == len(faces)
    assert {str(font.BaseFont) for font in font_subsets._resource_fonts(merged)} == faces
    qpdf_check(after)
    for page in (1, 2):
        assert pdf_text(after, first=page, last=page) == pdf_text(before, first=page, last=page)
    assert _drawn_alike(_pages_drawn(before, tmp_path, "before"), _pages_drawn(after, tmp_path, "after"))


def test_a_face_whose_subsets_cannot_be_merged_keeps_them():
    pdf = pikepdf.open(io.BytesIO(_joined("en")))
    fonts = font_subsets._resource_fonts(pdf)
    # A CMap with ranges is not one WeasyPrint writes: that face is left alone, the others merge.
    fonts[0].ToUnicode = pdf.make_stream(b"1 beginbfrange\n<0003> <0004> <0020>\nendbfrange")
    programs = len(_font_programs(pdf))
    merged = font_subsets.fonts_merge(pdf)
    faces = len({str(font.BaseFont) for font in fonts})
    assert merged == faces - 1
    buffer = io.BytesIO()
    pdf.save(buffer)
    assert len(_font_programs(pikepdf.open(buffer))) == programs - merged


def test_a_glyph_that_stands_for_different_text_in_two_parts_keeps_each_parts_text(tmp_path):
    # As in Arabic or Nastaliq, where one contextual glyph is the text of whichever cluster drew it.
    pdf = pikepdf.open(io.BytesIO(_joined("en")))
    first, second = (font for font in font_subsets._resource_fonts(pdf) if str(font.BaseFont).endswith("Noto-Serif"))
    shared = sorted(
        set(font_subsets._to_unicode(first.ToUnicode.read_bytes()))
        & set(font_subsets._to_unicode(second.ToUnicode.read_bytes()))
    )
    texts = font_subsets._to_unicode(second.ToUnicode.read_bytes())
    texts[shared[-1]] = "X".encode("utf-16-be").hex().encode()
    second.ToUnicode = pdf.make_stream(font_subsets._to_unicode_cmap(texts))
    before, after = tmp_path / "before.pdf", tmp_path / "after.pdf"
    pdf.save(before)

    font_subsets.fonts_merge(pdf)
    pdf.save(after)
    assert len(_font_programs(pikepdf.open(after))) == len(
        {str(font.BaseFont) for font in font_subsets._resource_fonts(pdf)}
    )
    for page in (1, 2):
        assert pdf_text(after, first=page, last=page) == pdf_text(before, first=page, last=page)
    assert "X" in pdf_text(after)


def test_a_second_join_of_the_same_parts_merges_no_font_again_and_writes_the_same_fonts(monkeypatch):
    joined = _joined("en")
    first = pikepdf.open(io.BytesIO(joined))
    assert font_subsets.fonts_merge(first) > 0
    programs = sorted(_program_bytes(first))
    calls = []
    monkeypatch.setattr(font_subsets, "_program_merge", lambda *args: calls.append(args))
    second = pikepdf.open(io.BytesIO(joined))
    assert font_subsets.fonts_merge(second) > 0
    assert calls == [] and sorted(_program_bytes(second)) == programs


def _program_bytes(pdf):
    return [
        descriptor.FontFile2.read_bytes()
        for descriptor in pdf.objects
        if isinstance(descriptor, pikepdf.Dictionary) and descriptor.get("/Type") == pikepdf.Name.FontDescriptor
    ]
