"""A patch of WeasyPrint's text drawing: Indic lines carry their own text, so they copy out of the PDF as written.

Scripts whose shaped glyphs do not map back to their text one by one (conjuncts and
reordered vowel signs) read back wrong: WeasyPrint's ToUnicode map keeps one text per glyph
for the whole font, so a glyph first seen inside a conjunct reads back as that conjunct
everywhere (संख्या → सिंख्या). Lines in these scripts are wrapped in a marked-content span
whose /ActualText is the line's own text, which PDF readers and pdftotext prefer to the
glyph map. Not for right-to-left lines: poppler lays ActualText out left to right and then
reverses the line, so Arabic came back backwards (recall fell from 88% to 2%).

Installed once, from ExportsConfig.ready(); `enabled = False` turns the spans off (bench/word_recall.py).
"""

import pydyf
import weasyprint.draw.text

ACTUAL_TEXT_RANGES = ((0x0900, 0x0DFF),)  # Devanagari, Bengali and the other Indic scripts
enabled = True
_draw_first_line = weasyprint.draw.text.draw_first_line


def needs_actual_text(text):
    return any(low <= ord(char) <= high for char in text for low, high in ACTUAL_TEXT_RANGES)


def _draw_first_line_with_actual_text(stream, textbox, *args, **kwargs):
    text = textbox.text
    if not (enabled and text and needs_actual_text(text)):
        return _draw_first_line(stream, textbox, *args, **kwargs)
    stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
    try:
        return _draw_first_line(stream, textbox, *args, **kwargs)
    finally:
        stream.end_marked_content()


def install():
    """Patch WeasyPrint's line drawing (idempotent)."""
    weasyprint.draw.text.draw_first_line = _draw_first_line_with_actual_text


def installed():
    return weasyprint.draw.text.draw_first_line is _draw_first_line_with_actual_text
