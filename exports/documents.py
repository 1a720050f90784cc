"""What an export job renders: one builder per document kind, all through the same pipeline.

A builder takes a job and returns the print HTML, the PDF title, the content texts to
check for missing glyphs and facts for the job's report. Apps add kinds with `register`
(the workshops app adds the yearly review).
"""

from dataclasses import dataclass, field, replace

from django.utils.translation import gettext as _

from curriculum.resolution import edition_resolve

from . import rendering


@dataclass
class DocumentSource:
    html: str
    title: str
    report: dict = field(default_factory=dict)
    # Every piece of content with its language, checked for glyphs before a PDF is stored.
    texts: list = field(default_factory=list)
    # Static stylesheets the renderer applies (parsed once per process); a template that links its own passes ().
    stylesheets: tuple = (rendering.PDF_STYLESHEET,)


BUILDERS = {}
# Which part of an edition a kind prints: (edition, params) -> edition.
SELECTIONS = {}


def register(kind, builder, select=None):
    BUILDERS[kind] = builder
    if select is not None:
        SELECTIONS[kind] = select


def build(job):
    try:
        builder = BUILDERS[job.kind]
    except KeyError:
        raise LookupError(_("No document of the kind '%(kind)s' can be rendered.") % {"kind": job.kind}) from None
    return builder(job)


def edition_select(*, kind, params, edition):
    """The part of the edition that a document of this kind prints (all of it by default)."""
    select = SELECTIONS.get(kind)
    return select(edition, params or {}) if select else edition


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
        rendering.ContentText("title", edition.title_language, edition.title),
        rendering.ContentText("description", edition.description_language, edition.description),
    ]
    if edition.partner:
        texts.append(rendering.ContentText("partner", edition.language, edition.partner.name))
    for module in edition.modules:
        texts.append(rendering.ContentText(f"{module.slug}/title", module.title_language, module.title))
        texts.append(rendering.ContentText(f"{module.slug}/summary", module.summary_language, module.summary))
        for block in module.blocks:
            texts.append(
                rendering.ContentText(f"{module.slug}/{block.key}", block.language, block.title + "\n" + block.body)
            )
    return [text for text in texts if text.text]


def _edition_document(job, document):
    edition = edition_resolve(
        curriculum=job.curriculum,
        language=job.language,
        partner=job.partner,
        version_ids=job.module_versions,
        edition_version_ids=job.edition_versions,
    )
    edition = edition_select(kind=job.kind, params=job.params, edition=edition)
    if not edition.modules:
        raise LookupError(_("This edition has nothing to print in this document."))
    title = edition.title
    if document == "module":
        title = f"{edition.modules[0].title} — {edition.title}"
    elif document == "handouts":
        title = _("Participant handouts") + f" — {edition.title}"
    return DocumentSource(
        html=rendering.edition_html(
            edition, profile=job.profile, document=document, grayscale=bool(job.params.get("grayscale"))
        ),
        title=title,
        texts=edition_texts(edition),
        report=edition_report(edition),
    )


def edition_report(edition):
    """Facts about the content for the job's report: which languages stood in, which blocks fell back or are stale."""
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
    }


def build_manual(job):
    """The facilitator manual of an edition, from the module versions the job pinned."""
    return _edition_document(job, "manual")


def build_module(job):
    """One module of an edition, as a PDF of its own."""
    return _edition_document(job, "module")


def build_handouts(job):
    """The participant handout pack: only the handouts, one per page, in large type."""
    return _edition_document(job, "handouts")


register("manual", build_manual)
register("module", build_module, select_module)
register("handouts", build_handouts, select_handouts)
