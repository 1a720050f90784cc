"""Edition → HTML → PDF. Pure: no database, no storage; the caller passes a resolved edition."""

import hashlib
import logging
import subprocess
import time
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pydyf
import weasyprint
import weasyprint.draw.text
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from fontTools.ttLib import TTFont
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

PDF_TEMPLATE = "exports/pdf/manual.html"
RUNNING_TEMPLATE = "exports/pdf/running.html"
PDF_STYLESHEET = "css/pdf.css"
# Tagged, accessible PDF (structure tree, document language, title shown): measured in
# bench/pdf_ua.py at no more than +9% render time on the demo manual (+5% in the design
# notes), so it is the default. Files are about 50% larger.
DEFAULT_PDF_VARIANT = "pdf/ua-1"
# Bump when the layout changes in a way the template and CSS hashes cannot see.
LAYOUT_REVISION = "1"
FONT_DIRS = [Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/opentype/noto")]

logger = logging.getLogger(__name__)

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


class StaticOnlyURLFetcher(URLFetcher):
    """Deny by default: serve the app's own static files and data: URLs, refuse everything else.

    WeasyPrint's own fetcher would read file://, http(s):// and ftp:// URLs, so
    a partner's content could leak server files or reach internal hosts.
    """

    def __init__(self, allowed_dirs):
        super().__init__(timeout=2, allowed_protocols={"file", "data"}, allow_redirects=False)
        self.allowed_dirs = [Path(directory).resolve() for directory in allowed_dirs]
        self.refused = []

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file://"):
            path = Path(url.removeprefix("file://").split("?")[0].split("#")[0]).resolve()
            if any(path.is_relative_to(directory) for directory in self.allowed_dirs) and path.is_file():
                return super().fetch(path.as_uri(), headers)
        self.refused.append(url[:200])
        raise ValueError(f"refused by the export URL policy: {url[:200]}")


class _WarningCollector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage()[:500])


@dataclass
class RenderResult:
    pdf: bytes
    page_count: int
    layout_seconds: float
    write_seconds: float
    warnings: list = field(default_factory=list)
    refused_urls: list = field(default_factory=list)


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
        missing = {
            char
            for char in unicodedata.normalize("NFC", piece.text)
            if ord(char) not in covered
            and unicodedata.category(char) not in INVISIBLE_CATEGORIES
            # HarfBuzz draws a precomposed letter the font lacks from its base and marks.
            and not all(ord(part) in covered for part in unicodedata.normalize("NFD", char))
        }
        if missing:
            problems.append(MissingGlyphs(piece.where, piece.language, tuple(sorted(missing))))
    return problems


# Scripts whose shaped glyphs do not map back to their text one by one (conjuncts and
# reordered vowel signs). WeasyPrint's ToUnicode map keeps one text per glyph for the
# whole font, so a glyph first seen inside a conjunct reads back as that conjunct
# everywhere (संख्या → सिंख्या). Lines in these scripts are wrapped in a marked-content span
# whose /ActualText is the line's own text, which PDF readers and pdftotext prefer to the
# glyph map. Not for right-to-left lines: poppler lays ActualText out left to right and
# then reverses the line, so Arabic came back backwards (recall fell from 88% to 2%).
ACTUAL_TEXT_RANGES = ((0x0900, 0x0DFF),)  # Devanagari, Bengali and the other Indic scripts
actual_text_enabled = True
_draw_first_line = weasyprint.draw.text.draw_first_line


def needs_actual_text(text):
    return any(low <= ord(char) <= high for char in text for low, high in ACTUAL_TEXT_RANGES)


def _draw_first_line_with_actual_text(stream, textbox, *args, **kwargs):
    text = textbox.text
    if not (actual_text_enabled and text and needs_actual_text(text)):
        return _draw_first_line(stream, textbox, *args, **kwargs)
    stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
    try:
        return _draw_first_line(stream, textbox, *args, **kwargs)
    finally:
        stream.end_marked_content()


weasyprint.draw.text.draw_first_line = _draw_first_line_with_actual_text


def static_dirs():
    return [Path(directory) for directory in settings.STATICFILES_DIRS]


def renderer_fingerprint():
    """Hash of everything besides content that changes the PDF: template, CSS, WeasyPrint, fonts."""
    digest = hashlib.sha256()
    digest.update(f"weasyprint={weasyprint.__version__};layout={LAYOUT_REVISION}".encode())
    for directory in [settings.BASE_DIR / "templates" / "exports" / "pdf", *static_dirs()]:
        for path in sorted(Path(directory).rglob("*")):
            if path.is_file() and path.suffix in {".html", ".css"} and ("pdf" in path.parts or path.name == "pdf.css"):
                digest.update(path.name.encode() + path.read_bytes())
    for font_dir in FONT_DIRS:
        if font_dir.is_dir():
            for path in sorted(font_dir.iterdir()):
                stat = path.stat()
                digest.update(f"{path.name}:{stat.st_size}".encode())
    digest.update(repr([sorted(FONT_STACKS.items()), ACTUAL_TEXT_RANGES, DEFAULT_PDF_VARIANT]).encode())
    return digest.hexdigest()


def catalog_fingerprint(language):
    """Hash of the compiled interface catalogs of a language: a published label changes the PDF."""
    digest = hashlib.sha256(language.encode())
    for directory in settings.LOCALE_PATHS:
        path = Path(directory) / language / "LC_MESSAGES" / "django.mo"
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


# Paper sizes (CSS `size` values) and margins in mm (top, sides, bottom) of the print profiles.
PAGE_SIZES = {
    "a4": ("A4", (22, 18, 22)),
    "letter": ("letter", (20, 19, 22)),
    "a5": ("A5", (15, 12, 18)),
}


def _page_context(edition, *, profile, generated_at):
    """What every print template of an edition needs: paper, footer sides, and the edition line's facts."""
    size, margins = PAGE_SIZES.get(profile, PAGE_SIZES["a4"])
    versions = sorted({module.version_number for module in edition.modules if module.version_number})
    generated_at = generated_at or timezone.now()
    return {
        "edition": edition,
        "profile": profile,
        "page_size": size,
        "page_margin": " ".join(f"{value}mm" for value in margins),
        "footer_start": "right" if edition.direction == "rtl" else "left",
        "footer_end": "left" if edition.direction == "rtl" else "right",
        "edition_code": edition.content_digest()[:8],
        "single_version": versions[0] if len(versions) == 1 else None,
        "generated_at": generated_at,
        # Isolated left-to-right: in Arabic text the bidi rules turn 2026-11-28 into 28-11-2026.
        "printed_date": "\u2066" + generated_at.strftime("%Y-%m-%d") + "\u2069",
    }


def edition_html(edition, *, profile="a4", document="manual", grayscale=False, generated_at=None, toc_pages=None):
    """The print HTML of a resolved edition, with the interface strings in the edition's language.

    `document` is "manual" (cover, contents, every module), "module" (one module, no cover)
    or "handouts" (only handout blocks, one per page, large type). A manual printed in parts
    (exports/assembly.py) uses "front" (cover and contents, with `toc_pages`: the first page
    of each module) and "part" (modules alone); neither draws running headers or footers,
    which the assembly stamps on every page afterwards.
    """
    context = _page_context(edition, profile=profile, generated_at=generated_at)
    toc_pages = toc_pages or [None] * len(edition.modules)
    with translation.override(edition.language):
        return render_to_string(
            PDF_TEMPLATE,
            {
                **context,
                "document": document,
                "grayscale": grayscale,
                "toc": list(zip(edition.modules, toc_pages, strict=True)),
                # Parts and front matter leave the margins to the running layer; see RUNNING_TEMPLATE.
                "margins_drawn": document not in {"front", "part"},
            },
        )


def running_html(edition, *, modules, numbers, profile="a4", generated_at=None):
    """The running layer of a manual printed in parts: the edition line, a header per module, every page number.

    exports/assembly.py cuts the laid-out layer into pieces and stamps them on each page.
    """
    top, side, bottom = PAGE_SIZES.get(profile, PAGE_SIZES["a4"])[1]
    with translation.override(edition.language):
        return render_to_string(
            RUNNING_TEMPLATE,
            {
                **_page_context(edition, profile=profile, generated_at=generated_at),
                "modules": modules,
                "numbers": numbers,
                "side_margin": f"{side}mm",
                # The footers' line sits in the middle of the bottom margin, as a margin box's would.
                "footer_offset": f"{bottom / 2 - 1.3:.1f}mm",
                "header_offset": f"{top / 2 - 1.6:.1f}mm",
            },
        )


@cache
def _stylesheet(path, mtime):
    return weasyprint.CSS(
        filename=str(path), font_config=font_configuration(), url_fetcher=StaticOnlyURLFetcher(static_dirs())
    )


def stylesheets_parsed(names):
    """The static stylesheets, parsed once per process (a manual in parts lays out many documents)."""
    sheets = []
    for name in names:
        path = next((directory / name for directory in static_dirs() if (directory / name).is_file()), None)
        if path is None:
            raise FileNotFoundError(name)
        sheets.append(_stylesheet(path, path.stat().st_mtime_ns))
    return sheets


@cache
def font_configuration():
    """One font configuration per process: WeasyPrint's font map is costly to build for every document."""
    return FontConfiguration()


def html_to_pdf(html, *, title="", on_stage=None, pdf_variant=DEFAULT_PDF_VARIANT, stylesheets=(PDF_STYLESHEET,)):
    """Lay out and write the PDF with the deny-by-default fetcher, collecting WeasyPrint's warnings.

    `pdf_variant=None` writes a plain, untagged PDF. `stylesheets` are static files applied
    after the document's own (the review links its own and passes none).
    """
    fetcher = StaticOnlyURLFetcher(static_dirs())
    base_url = static_dirs()[0].resolve().as_uri() + "/"
    collector = _WarningCollector()
    weasy_logger = logging.getLogger("weasyprint")
    weasy_logger.addHandler(collector)
    try:
        started = time.perf_counter()
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
            stylesheets=stylesheets_parsed(stylesheets), font_config=font_configuration()
        )
        laid_out = time.perf_counter()
        if on_stage:
            on_stage("writing", 80)
        options = {"pdf_variant": pdf_variant} if pdf_variant else {}
        if title:
            document.metadata.title = title
        pdf = document.write_pdf(**options)
        written = time.perf_counter()
    finally:
        weasy_logger.removeHandler(collector)
    return RenderResult(
        pdf=pdf,
        page_count=len(document.pages),
        layout_seconds=laid_out - started,
        write_seconds=written - laid_out,
        warnings=collector.messages,
        refused_urls=fetcher.refused,
    )
