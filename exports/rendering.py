"""Edition → HTML → PDF. Pure: no database, no storage; the caller passes a resolved edition and its spec.

The glyph checks live in exports/glyphs.py, the ActualText patch of WeasyPrint in
exports/weasyprint_actualtext.py and what a document's fingerprint hashes in exports/fingerprints.py.
"""

import logging
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from . import structure_tree

PDF_TEMPLATE = "exports/pdf/manual.html"
RUNNING_TEMPLATE = "exports/pdf/running.html"
PDF_STYLESHEET = "css/pdf.css"
# Tagged, accessible PDF (structure tree, document language, title shown): measured in
# bench/pdf_ua.py at no more than +9% render time on the demo manual (+5% in the design
# notes), so it is the default. Files are about 50% larger.
DEFAULT_PDF_VARIANT = "pdf/ua-1"

logger = logging.getLogger(__name__)


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
    # True for a layout kept from an earlier render (exports/parts.py keeps the front matter as it keeps parts).
    kept: bool = False


def static_dirs():
    return [Path(directory) for directory in settings.STATICFILES_DIRS]


def static_file(name):
    """The file of a static name (css/pdf.css), from the first static directory that has it."""
    path = next((directory / name for directory in static_dirs() if (directory / name).is_file()), None)
    if path is None:
        raise FileNotFoundError(name)
    return path


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


def edition_html(edition, spec=None, *, document="manual", generated_at=None, toc_pages=None):
    """The print HTML of a resolved edition, with the interface strings in the edition's language.

    `spec` gives the paper and the grayscale variant (default: A4, in colour). `document` is
    "manual" (cover, contents, every module), "module" (one module, no cover) or "handouts"
    (only handout blocks, one per page, large type). A manual printed in parts
    (exports/assembly.py) uses "front" (cover and contents, with `toc_pages`: the first page
    of each module) and "part" (modules alone); neither draws running headers or footers,
    which the assembly stamps on every page afterwards.
    """
    profile = spec.profile if spec else "a4"
    context = _page_context(edition, profile=profile, generated_at=generated_at)
    toc_pages = toc_pages or [None] * len(edition.modules)
    with translation.override(edition.language):
        return render_to_string(
            PDF_TEMPLATE,
            {
                **context,
                "document": document,
                "grayscale": bool(spec and spec.grayscale),
                "toc": list(zip(edition.modules, toc_pages, strict=True)),
                # Parts and front matter leave the margins to the running layer; see RUNNING_TEMPLATE.
                "margins_drawn": document not in {"front", "part"},
            },
        )


def running_html(edition, spec=None, *, modules, numbers, generated_at=None):
    """The running layer of a manual printed in parts: the edition line, a header per module, every page number.

    exports/assembly.py cuts the laid-out layer into pieces and stamps them on each page.
    """
    profile = spec.profile if spec else "a4"
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
        path = static_file(name)
        sheets.append(_stylesheet(path, path.stat().st_mtime_ns))
    return sheets


@cache
def font_configuration():
    """One font configuration per process: WeasyPrint's font map is costly to build for every document."""
    return FontConfiguration()


# A line in each script the print stylesheet sets a font stack for, regular and bold (see renderer_warm).
WARM_UP_HTML = """<html lang="en"><body>
<h2>Aa</h2><p>Aa <strong>Aa</strong> <em>Aa</em> Лидер</p>
<p lang="ar" dir="rtl">القيادة <strong>القيادة</strong></p><p lang="fa" dir="rtl">رهبری</p>
<p lang="ur" dir="rtl">قیادت <strong>قیادت</strong></p>
<p lang="hi">नेतृत्व <strong>नेतृत्व</strong></p><p lang="bn">নেতৃত্ব <strong>নেতৃত্ব</strong></p>
</body></html>"""


def renderer_warm():
    """Build the font configuration, parse the print stylesheet and load every script's faces, once.

    Called in a Celery worker's main process before its pool forks (exports/tasks.py): every
    pool process, the first and each one that replaces a recycled process, starts with them
    ready instead of paying for them on its first part.
    """
    html_to_pdf(WARM_UP_HTML)


def html_to_pdf(
    html,
    *,
    title="",
    on_stage=None,
    pdf_variant=DEFAULT_PDF_VARIANT,
    stylesheets=(PDF_STYLESHEET,),
    piece=False,
    pages_expected=None,
):
    """Lay out and write the PDF with the deny-by-default fetcher, collecting WeasyPrint's warnings.

    `pdf_variant=None` writes a plain, untagged PDF. `stylesheets` are static files applied
    after the document's own (the review links its own and passes none). A `piece` of a
    manual in parts (a module part, the front matter) is not compressed at its hardest:
    the join compresses the manual again as a whole. With `pages_expected`, a layout of
    another length is not written: the result has its page count and no PDF (`pdf` None).
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
        if pages_expected is not None and len(document.pages) != pages_expected:
            return RenderResult(
                pdf=None,
                page_count=len(document.pages),
                layout_seconds=laid_out - started,
                write_seconds=0,
                warnings=collector.messages,
                refused_urls=fetcher.refused,
            )
        if on_stage:
            on_stage("writing", 80)
        options = {"pdf_variant": pdf_variant} if pdf_variant else {}
        if title:
            document.metadata.title = title
        pdf = document.write_pdf(**options)
        if pdf_variant:
            # A part is slimmed where it is laid out, in parallel and once: the join only grafts it.
            pdf = structure_tree.pdf_slim(pdf, smallest=not piece)
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
