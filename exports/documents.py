"""What an export job renders: one builder per document kind, all through the same pipeline.

A builder takes a job and returns the print HTML, the PDF title and facts for the
job's report. Apps add kinds with `register` (the workshops app adds the yearly review).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from curriculum.services import edition_resolve

from . import rendering


@dataclass
class DocumentSource:
    html: str
    title: str
    report: dict = field(default_factory=dict)


BUILDERS = {}


def register(kind, builder):
    BUILDERS[kind] = builder


def build(job):
    try:
        builder = BUILDERS[job.kind]
    except KeyError:
        raise LookupError(_("No document of the kind '%(kind)s' can be rendered.") % {"kind": job.kind}) from None
    return builder(job)


def build_manual(job):
    """The facilitator manual of an edition, from the module versions the job pinned."""
    edition = edition_resolve(
        curriculum=job.curriculum,
        language=job.language,
        partner=job.partner,
        version_ids=job.module_versions,
        edition_version_ids=job.edition_versions,
    )
    return DocumentSource(
        html=rendering.edition_html(edition, profile=job.profile),
        title=edition.title,
        report={
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
        },
    )


register("manual", build_manual)
