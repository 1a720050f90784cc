"""No tofu: which characters of the content the fonts of its language can draw, checked before a PDF is stored.

A missing glyph renders as a box and WeasyPrint only logs a warning, so the content is
checked against the fonts fontconfig has for each language's stack, and the renderer's own
".notdef" warnings stop the PDF too.
"""

import subprocess
import unicodedata
from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext as _
from fontTools.ttLib import TTFont

from .errors import ExportError, MissingGlyphsError

# The families pdf.css names for each language, in the same order (the generic family at
# the end of each CSS stack is left out: what fontconfig picks for it varies by machine, so
# a glyph only it has is not one we can count on). tests/exports check the CSS agrees.
FONT_STACKS = {
    "default": ("Noto Serif", "Noto Sans"),
    "ar": ("Noto Naskh Arabic", "Noto Sans Arabic", "Noto Serif"),
    "fa": ("Noto Naskh Arabic", "Noto Sans Arabic", "Noto Serif"),
    "ur": ("Noto Nastaliq Urdu", "Noto Naskh Arabic", "Noto Serif"),
    "hi": ("Noto Serif Devanagari", "Noto Sans Devanagari", "Noto Serif"),
    "bn": ("Noto Serif Bengali", "Noto Sans Bengali", "Noto Serif"),
}
# Characters that are never drawn: controls, joiners and direction marks (shaping consumes
# them), and spaces. Everything else must have a glyph.
INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp"}


@dataclass(frozen=True)
class ContentText:
    """A piece of resolved content, where it comes from (module/key) and the language it is printed in."""

    where: str
    language: str
    text: str


@dataclass(frozen=True)
class MissingGlyphs:
    where: str
    language: str
    characters: tuple

    def describe(self):
        return " ".join(f"{char} (U+{ord(char):04X})" for char in self.characters)


def font_stack(language):
    return FONT_STACKS.get(language, FONT_STACKS["default"])


@cache
def family_files(family):
    """The font files fontconfig has for exactly this family (every style), as (path, index)."""
    out = subprocess.run(
        ["fc-list", f":family={family}", "file", "index"], check=True, capture_output=True, text=True
    ).stdout
    files = []
    for line in out.splitlines():
        path, _sep, rest = line.partition(": ")
        index = rest.partition(":index=")[2] or "0"
        files.append((path.rstrip(":"), int(index)))
    return tuple(sorted(files))


@cache
def family_codepoints(family):
    """Characters every style of the family has a glyph for; a heading in bold must not fall back."""
    covered = None
    for path, index in family_files(family):
        font = TTFont(path, fontNumber=index, lazy=True)
        cmap = set(font.getBestCmap() or {})
        font.close()
        covered = cmap if covered is None else covered & cmap
    return frozenset(covered or ())


@cache
def language_codepoints(language):
    covered = set()
    for family in font_stack(language):
        covered |= family_codepoints(family)
    return frozenset(covered)


def missing_glyphs(texts):
    """The characters of each content text that no font of its language's stack can draw."""
    problems = []
    for piece in texts:
        covered = language_codepoints(piece.language)
        # Each distinct character once: a block's text is thousands of characters, a few dozen distinct.
        missing = {
            char
            for char in set(unicodedata.normalize("NFC", piece.text))
            if ord(char) not in covered
            and unicodedata.category(char) not in INVISIBLE_CATEGORIES
            # HarfBuzz draws a precomposed letter the font lacks from its base and marks.
            and not all(ord(part) in covered for part in unicodedata.normalize("NFD", char))
        }
        if missing:
            problems.append(MissingGlyphs(piece.where, piece.language, tuple(sorted(missing))))
    return problems


def glyphs_check(texts):
    """Refuse content that would print boxes, naming the characters, where they are and their language."""
    problems = missing_glyphs(texts)
    if problems:
        raise MissingGlyphsError(problems)


def notdef_check(warnings):
    """Refuse a PDF the renderer drew a box in: the glyph check is stricter, this catches what it cannot see."""
    notdef = [warning for warning in warnings if warning.startswith(".notdef glyph")]
    if notdef:
        raise ExportError(
            _("The PDF was not made: the renderer would have printed empty boxes (%(detail)s).")
            % {"detail": "; ".join(notdef[:5])}
        )
