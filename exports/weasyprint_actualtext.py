"""A patch of WeasyPrint's text drawing: Indic and Arabic-script lines carry their own text, so they copy out of the PDF as written.

Scripts whose shaped glyphs do not map back to their text one by one read back wrong:
WeasyPrint's ToUnicode map keeps one text per glyph for the whole font, so a glyph first
seen inside a Devanagari conjunct reads back as that conjunct everywhere (संख्या → सिंख्या),
Noto Nastaliq's letter skeletons are shared by several letters (Urdu came back at 9–16% of
its words), and Arabic harakat and Nastaliq's stepped baseline are drawn with a text rise
that extractors read as separate words or lines. Lines in these scripts are wrapped in a
marked-content span whose /ActualText is the line's own text, which extractors prefer to
the glyph map; nothing is drawn differently (the visual references do not move).

Right-to-left lines need more care, because the extractors lay a span's text out as if it
were drawn in visual order and then reverse the right-to-left runs, as they do for glyphs:
- poppler (pdftotext, Evince) reads only /Span tags, takes the text as the line's
  *visual* order and reorders the whole line: it gets the line as laid out, each
  right-to-left run reversed (from Pango's own bidi levels, so it is exactly what is drawn);
- pdfium (Chromium's viewer, copy and search) takes the innermost ActualText of any tag
  and reverses each right-to-left or neutral segment in place, mirroring brackets, with
  segments as its CFX_BidiChar classes them: it gets `pdfium_order(text)`.
One string cannot satisfy both (poppler also reverses the order of the words), so a
right-to-left line has an outer /Span for poppler and an inner span under another tag
that only pdfium reads. Logical-order ActualText, as the PDF standard reads it, came back
backwards in both (Arabic recall fell from 88% to 2% in pdftotext).

Installed once, from ExportsConfig.ready(); `enabled = False` turns every span off and
`right_to_left = False` keeps only the Indic spans, as before issue 14 (bench/word_recall.py).
"""

import re
import unicodedata

import pydyf
import weasyprint.draw.text
from weasyprint.text.ffi import ffi

INDIC_RANGES = ((0x0900, 0x0DFF),)  # Devanagari, Bengali and the other Indic scripts
# Arabic, its supplement and extended-A blocks, and the presentation forms: Urdu, Persian, Arabic.
ARABIC_RANGES = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
# The tag of the inner span: any name but Span, so poppler leaves it to pdfium.
PDFIUM_TAG = "PdfiumText"
MIRRORED = dict(zip("()[]{}<>«»‹›", ")(][}{><»«›‹", strict=True))
# pdfium's CFX_BidiChar directions (core/fxcrt/fx_bidi.cpp) by Unicode bidi class.
_LEFT, _WEAK, _RIGHT, _NEUTRAL = "left", "weak", "right", "neutral"
_PDFIUM_DIRECTION = {
    "L": _LEFT,
    **dict.fromkeys(("NSM", "CS", "ES", "ET", "BN"), _WEAK),
    **dict.fromkeys(("R", "AL"), _RIGHT),
}
enabled = True
right_to_left = True
_draw_first_line = weasyprint.draw.text.draw_first_line
# What changes the PDFs this patch writes (exports/fingerprints.py hashes it).
FINGERPRINT = (INDIC_RANGES, ARABIC_RANGES, PDFIUM_TAG, "visual-order/pdfium-order")


def _character_class(ranges):
    # A compiled class: every line of every PDF is asked, and a per-character generator over the
    # ranges was 6% of a manual's CPU time under cProfile (English lines, which need no span).
    return re.compile("[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in ranges) + "]")


_INDIC = _character_class(INDIC_RANGES)
_ARABIC = _character_class(ARABIC_RANGES)


def _in(pattern, text):
    return pattern.search(text) is not None


def needs_actual_text(text):
    return _in(_INDIC, text) or (right_to_left and _in(_ARABIC, text))


def visual_order(textbox):
    """The first line of the textbox as drawn, left to right: each right-to-left run of Pango's layout reversed."""
    layout = textbox.pango_layout
    line, _index = layout.get_first_line()
    data = layout.text.encode()
    pieces = []
    run = line.runs[0]
    while run != ffi.NULL:
        item = run.data.item
        run = run.next
        piece = data[item.offset : item.offset + item.length].decode()
        pieces.append(piece[::-1] if item.analysis.level % 2 else piece)
    return "".join(pieces)


def pdfium_order(text):
    """The text pdfium's line closing (CPDF_TextPage::CloseTempLine) turns back into `text`.

    Its step is its own inverse: each right-to-left segment, and each neutral one after it,
    reversed with brackets mirrored; weak segments (marks, separators) kept. Digits are
    reversed too: measured in Chromium 156, "45" in an Arabic line came back "54" otherwise.
    """
    segments = []
    for char in text:
        klass = unicodedata.bidirectional(char)
        direction = "digits" if klass in ("EN", "AN") else _PDFIUM_DIRECTION.get(klass, _NEUTRAL)
        if segments and segments[-1][0] == direction:
            segments[-1][1].append(char)
        else:
            segments.append((direction, [char]))
    out, current = [], _RIGHT
    for direction, chars in segments:
        if direction == "digits":
            out += reversed(chars)
        elif direction == _RIGHT or (direction == _NEUTRAL and current == _RIGHT):
            current = _RIGHT
            out += (MIRRORED.get(char, char) for char in reversed(chars))
        else:
            current = _LEFT if direction == _LEFT else current
            out += chars
    return "".join(out)


def _draw_first_line_with_actual_text(stream, textbox, *args, **kwargs):
    text = textbox.text
    if not (enabled and text and needs_actual_text(text)):
        return _draw_first_line(stream, textbox, *args, **kwargs)
    if not _in(_ARABIC, text):
        spans = [("Span", text)]
    else:
        spans = [("Span", visual_order(textbox)), (PDFIUM_TAG, pdfium_order(text))]
    for tag, actual_text in spans:
        stream.begin_marked_content(tag, pydyf.Dictionary({"ActualText": pydyf.String(actual_text)}))
    try:
        return _draw_first_line(stream, textbox, *args, **kwargs)
    finally:
        for _span in spans:
            stream.end_marked_content()


def install():
    """Patch WeasyPrint's line drawing (idempotent)."""
    weasyprint.draw.text.draw_first_line = _draw_first_line_with_actual_text


def installed():
    return weasyprint.draw.text.draw_first_line is _draw_first_line_with_actual_text
