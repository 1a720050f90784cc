"""What an export job renders: one builder per document kind, all through the same pipeline.

A builder takes the job's spec (exports/spec.py) and, for a document of a curriculum, the
edition resolved once for the job; it returns the print HTML, the PDF title, the content
texts to check for missing glyphs and facts for the job's report. Apps add kinds with
`register` (the workshops app adds the yearly review), saying which templates and
stylesheets the document's rendering reads: only those go into its fingerprint.
"""

from dataclasses import dataclass, field, replace

from django.conf import settings
from django.utils.translation import gettext as _

from curriculum.resolution import edition_resolve

from . import rendering
from .errors import EditionNotAvailable
from .glyphs import ContentText


@dataclass
class DocumentSource:
    html: str
    title: str
    report: dict = field(default_factory=dict)
    # Every piece of content with its language, checked for glyphs before a PDF is stored.
    texts: list = field(default_factory=list)
    # Static stylesheets the renderer applies (parsed once per process); a template that links its own passes ().
    stylesheets: tuple = (rendering.PDF_STYLESHEET,)


@dataclass(frozen=True)
class Reads:
    """The files a document's rendering reads: templates by name (includes followed) and static stylesheets."""

    templates: tuple
    stylesheets: tuple


@dataclass(frozen=True)
class Document:
    build: object
    select: object = None
    reads: Reads | None = None


DOCUMENTS = {}
EDITION_READS = Reads(templates=(rendering.PDF_TEMPLATE,), stylesheets=(rendering.PDF_STYLESHEET,))
# A manual may be printed in parts, whose running layer has a template of its own.
MANUAL_READS = Reads(
    templates=(rendering.PDF_TEMPLATE, rendering.RUNNING_TEMPLATE), stylesheets=(rendering.PDF_STYLESHEET,)
)
# Not a kind of job: one module laid out as a part of a manual (exports/parts.py).
PART_READS = EDITION_READS


def register(kind, builder, select=None, *, templates=(), stylesheets=()):
    """Add a document kind; `templates` and `stylesheets` are what its rendering reads (see `reads`)."""
    reads = Reads(tuple(templates), tuple(stylesheets)) if templates else None
    DOCUMENTS[kind] = Document(build=builder, select=select, reads=reads)


def reads(kind):
    """What the rendering of a kind reads; a kind that does not say is taken to read every print template and stylesheet."""
    if kind == "part":
        return PART_READS
    document = DOCUMENTS.get(kind)
    if document is not None and document.reads is not None:
        return document.reads
    templates = sorted(
        f"exports/pdf/{path.name}" for path in (settings.BASE_DIR / "templates" / "exports" / "pdf").glob("*.html")
    )
    stylesheets = sorted(
        str(path.relative_to(directory))
        for directory in rendering.static_dirs()
        for path in directory.rglob("*.css")
        if "pdf" in path.relative_to(directory).parts or path.name == "pdf.css"
    )
    return Reads(tuple(templates), tuple(stylesheets))


def build(spec, edition=None):
    """The document of a spec; `edition` is the job's edition, resolved once (None for a document of no curriculum)."""
    try:
        document = DOCUMENTS[spec.kind]
    except KeyError:
        raise LookupError(_("No document of the kind '%(kind)s' can be rendered.") % {"kind": spec.kind}) from None
    return document.build(spec, edition)


def edition_select(*, spec, edition):
    """The part of the edition that a document of this kind prints (all of it by default)."""
    document = DOCUMENTS.get(spec.kind)
    return document.select(edition, spec.params) if document and document.select else edition


def job_edition(spec):
    """The edition a job prints, from the versions it pinned, selected for its kind: resolved once per render."""
    edition = edition_resolve(
        curriculum=spec.curriculum,
        language=spec.language,
        partner=spec.partner,
        version_ids=list(spec.module_versions),
        edition_version_ids=list(spec.edition_versions),
    )
    edition = edition_select(spec=spec, edition=edition)
    if not edition.modules:
        raise EditionNotAvailable(_("This edition has nothing to print in this document."))
    return edition


def select_module(edition, params):
    return replace(edition, modules=[module for module in edition.modules if module.slug == params.get("module")])


def select_handouts(edition, params):
    modules = [
        replace(module, blocks=[block for block in module.blocks if block.kind == "handout"])
        for module in edition.modules
    ]
    return replace(edition, modules=[module for module in modules if module.blocks])


def edition_texts(edition):
    """The resolved content of an edition, piece by piece, each in the language it is printed in."""
    texts = [
        ContentText("title", edition.title_language, edition.title),
        ContentText("description", edition.description_language, edition.description),
    ]
    if edition.partner:
        texts.append(ContentText("partner", edition.language, edition.partner.name))
    for module in edition.modules:
        texts.append(ContentText(f"{module.slug}/title", module.title_language, module.title))
        texts.append(ContentText(f"{module.slug}/summary", module.summary_language, module.summary))
        for block in module.blocks:
            texts.append(ContentText(f"{module.slug}/{block.key}", block.language, block.title + "\n" + block.body))
    return [text for text in texts if text.text]


def _edition_document(spec, edition, document):
    title = edition.title
    if document == "module":
        title = f"{edition.modules[0].title} — {edition.title}"
    elif document == "handouts":
        title = _("Participant handouts") + f" — {edition.title}"
    return DocumentSource(
        html=rendering.edition_html(edition, spec, document=document),
        title=title,
        texts=edition_texts(edition),
        report=edition_report(edition),
    )


def edition_report(edition):
    """Facts about the content for the job's report: which languages stood in, which blocks fell back or are stale.

    An edition that prints approved translations only says so, with the translations left out for review.
    """
    return {
        "fallback_languages": edition.fallback_languages,
        "fallback_blocks": [
            f"{module.slug}/{block.key}:{block.language}"
            for module in edition.modules
            for block in module.blocks
            if block.is_fallback
        ],
        "stale_blocks": [
            f"{module.slug}/{block.key}:{block.language}"
            for module in edition.modules
            for block in module.blocks
            if block.is_stale
        ],
        **({"approved_only": True, "unapproved_blocks": edition.unapproved_blocks} if edition.approved_only else {}),
    }


def build_manual(spec, edition):
    """The facilitator manual of an edition, from the module versions the job pinned."""
    return _edition_document(spec, edition, "manual")


def build_module(spec, edition):
    """One module of an edition, as a PDF of its own."""
    return _edition_document(spec, edition, "module")


def build_handouts(spec, edition):
    """The participant handout pack: only the handouts, one per page, in large type."""
    return _edition_document(spec, edition, "handouts")


register("manual", build_manual, templates=MANUAL_READS.templates, stylesheets=MANUAL_READS.stylesheets)
register(
    "module", build_module, select_module, templates=EDITION_READS.templates, stylesheets=EDITION_READS.stylesheets
)
register(
    "handouts",
    build_handouts,
    select_handouts,
    templates=EDITION_READS.templates,
    stylesheets=EDITION_READS.stylesheets,
)
