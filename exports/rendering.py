"""Edition → HTML → PDF. Pure: no database, no storage; the caller passes a resolved edition."""

import hashlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint.urls import URLFetcher

PDF_TEMPLATE = "exports/pdf/manual.html"
PDF_STYLESHEET = "css/pdf.css"
# Bump when the layout changes in a way the template and CSS hashes cannot see.
LAYOUT_REVISION = "1"
FONT_DIRS = [Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/opentype/noto")]

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
    return digest.hexdigest()


def catalog_fingerprint(language):
    """Hash of the compiled interface catalogs of a language: a published label changes the PDF."""
    digest = hashlib.sha256(language.encode())
    for directory in settings.LOCALE_PATHS:
        path = Path(directory) / language / "LC_MESSAGES" / "django.mo"
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def edition_html(edition, *, profile="a4", generated_at=None):
    """The print HTML of a resolved edition, with the interface strings in the edition's language."""
    with translation.override(edition.language):
        return render_to_string(
            PDF_TEMPLATE,
            {
                "edition": edition,
                "profile": profile,
                "generated_at": generated_at or timezone.now(),
                "stylesheet": PDF_STYLESHEET,
            },
        )


def html_to_pdf(html, *, title="", on_stage=None, pdf_variant=None):
    """Lay out and write the PDF with the deny-by-default fetcher, collecting WeasyPrint's warnings."""
    fetcher = StaticOnlyURLFetcher(static_dirs())
    base_url = static_dirs()[0].resolve().as_uri() + "/"
    collector = _WarningCollector()
    weasy_logger = logging.getLogger("weasyprint")
    weasy_logger.addHandler(collector)
    try:
        started = time.perf_counter()
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render()
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
