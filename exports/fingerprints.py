"""What makes two exports the same document: content, language, paper, kind, and what the rendering reads.

The renderer's part of a fingerprint hashes only the files a document's rendering reads:
its templates (with the templates they include or extend), its stylesheets (with what they
import), the fonts, WeasyPrint's version and the ActualText patch. Restyling the yearly review
therefore leaves every stored manual and module part valid.
"""

import hashlib
import json
import re
from functools import cache
from pathlib import Path

import weasyprint
from django.conf import settings
from django.template.loader import get_template
from django.utils.translation import to_locale

from translations.catalogs import catalog_digest, published_directory

from . import documents, rendering, weasyprint_actualtext
from .glyphs import FONT_STACKS

# Bump when the layout changes in a way the template and CSS hashes cannot see.
LAYOUT_REVISION = (
    "3"  # 2: structure trees slimmed (exports/structure_tree.py); 3: marked content merged (exports/marked_content.py)
)
FONT_DIRS = [Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/opentype/noto")]
TEMPLATE_REFERENCE = re.compile(r"""{%\s*(?:include|extends)\s+["']([^"']+)["']""")
# A stylesheet a print template links by its static name (href="css/pdf/review.css").
TEMPLATE_STYLESHEET = re.compile(r"""href=["']([^"'{}]+\.css)["']""")
CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*["']?([^"')\s;]+)""")


def _with_references(names, locate, references):
    """{name: path} of these files and of every file they reference, followed to the end."""
    files, pending = {}, list(names)
    while pending:
        name = pending.pop()
        if name not in files:
            files[name] = locate(name)
            pending += references(name, files[name].read_text(encoding="utf-8"))
    return files


def template_files(names):
    """The files of these templates and of every template they include or extend, by name."""
    return _with_references(
        names, lambda name: Path(get_template(name).origin.name), lambda _name, text: TEMPLATE_REFERENCE.findall(text)
    )


def stylesheet_files(names):
    """The static files of these stylesheets and of what they import, by name."""
    return _with_references(
        names,
        rendering.static_file,
        lambda name, text: [
            str(Path(name).parent / imported) for imported in CSS_IMPORT.findall(text) if "//" not in imported
        ],
    )


def document_files(*, templates, stylesheets):
    """Every file a document's rendering reads, by name: templates, then stylesheets (linked ones included)."""
    templates = template_files(templates)
    linked = [name for path in templates.values() for name in TEMPLATE_STYLESHEET.findall(path.read_text("utf-8"))]
    return {**templates, **stylesheet_files([*stylesheets, *linked])}


@cache
def _fonts_fingerprint():
    # Font files are many: their names and sizes stand for them, read once per process.
    digest = hashlib.sha256()
    for font_dir in FONT_DIRS:
        if font_dir.is_dir():
            for path in sorted(font_dir.iterdir()):
                digest.update(f"{path.name}:{path.stat().st_size}".encode())
    return digest.hexdigest()


@cache
def renderer_fingerprint(*, templates, stylesheets):
    """Hash of everything besides content that changes a document's PDF: its templates and CSS, WeasyPrint, fonts.

    Computed once per process and document (a deploy restarts processes).
    """
    digest = hashlib.sha256()
    digest.update(f"weasyprint={weasyprint.__version__};layout={LAYOUT_REVISION}".encode())
    for name, path in sorted(document_files(templates=templates, stylesheets=stylesheets).items()):
        digest.update(name.encode() + b"\0" + path.read_bytes())
    digest.update(_fonts_fingerprint().encode())
    digest.update(
        repr([sorted(FONT_STACKS.items()), weasyprint_actualtext.FINGERPRINT, rendering.DEFAULT_PDF_VARIANT]).encode()
    )
    return digest.hexdigest()


def kind_fingerprint(kind):
    """The renderer fingerprint of a document kind, from what its registration says it reads."""
    reads = documents.reads(kind)
    return renderer_fingerprint(templates=reads.templates, stylesheets=reads.stylesheets)


def catalog_fingerprint(language):
    """Hash of a language's interface catalogs: the published one and the ones in the image; a new label changes the PDF.

    The published catalog counts by its digest in the database, not by the .mo this host
    loaded from it, so every host computes the same fingerprint at once.
    """
    digest = hashlib.sha256(language.encode())
    loaded = str(published_directory(create=False))
    for directory in settings.LOCALE_PATHS:
        path = Path(directory) / to_locale(language) / "LC_MESSAGES" / "django.mo"
        if str(directory) != loaded and path.is_file():
            digest.update(path.read_bytes())
    digest.update(catalog_digest(language).encode())
    return digest.hexdigest()


def export_fingerprint(*, spec, content_digest):
    """One job per distinct document: content, language, paper, kind, parameters and renderer versions."""
    payload = [
        content_digest,
        spec.language,
        spec.profile,
        spec.kind,
        dict(spec.params),
        kind_fingerprint(spec.kind),
        # Read per request, not cached: translators publish labels while processes run (locale/README.md).
        catalog_fingerprint(spec.language),
    ]
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def part_fingerprint(html):
    """A module part is the same part wherever its print HTML is the same (any edition, paper or language)."""
    reads = documents.reads("part")
    renderer = renderer_fingerprint(templates=reads.templates, stylesheets=reads.stylesheets)
    return hashlib.sha256(json.dumps([html, renderer, rendering.DEFAULT_PDF_VARIANT]).encode()).hexdigest()
