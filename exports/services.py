"""Services of the export pipeline: ask for a document's PDF, render a claimed job, find the last good file.

The job's life after its request is in exports/lifecycle.py, manuals in parts in
exports/parts.py, stored files in exports/storage.py and the queue in exports/queue.py.
Callers outside the app import what they need from here.
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from curriculum.resolution import edition_resolve

from . import documents, parts, queue, rendering, storage
from .errors import EditionNotAvailable, ExportError, MissingGlyphsError, RenderDeferred
from .fingerprints import export_fingerprint
from .glyphs import glyphs_check, notdef_check
from .lifecycle import export_job_fail, export_job_lost, export_jobs_recover, failures_settled
from .models import MAX_ATTEMPTS, ExportJob
from .parts import export_part_render, in_parts
from .spec import ExportSpec

__all__ = [
    "MAX_ATTEMPTS",
    "EditionNotAvailable",
    "ExportError",
    "ExportSpec",
    "MissingGlyphsError",
    "RenderDeferred",
    "export_fingerprint",
    "export_job_fail",
    "export_job_for",
    "export_job_lost",
    "export_job_render",
    "export_jobs_recover",
    "export_part_render",
    "export_request",
    "in_parts",
    "previous_done_job",
]
logger = logging.getLogger(__name__)


def export_request(
    *,
    curriculum,
    language,
    partner=None,
    profile=ExportJob.Profile.A4,
    kind=ExportJob.Kind.MANUAL,
    params=None,
    enqueue=True,
    edition=None,
    admit=None,
):
    """The job for this edition's PDF: an existing one if the same content was asked for before, else a new queued one.

    `kind` is the whole manual, one module (`params={"module": slug}`) or the participant
    handout pack; `params={"grayscale": True}` asks for the photocopier variant.
    With `enqueue=False` the caller renders the job itself (the CLI's --inline). A caller
    asking for several documents of one edition passes `edition`, resolved once.
    `admit`, when given, is asked before a render starts (a new job, or one queued
    again) and returns the seconds to wait when it may not: RenderDeferred, nothing made.
    """
    if not curriculum.is_published:
        raise EditionNotAvailable(_("This curriculum is not published yet."))
    if language not in settings.LANGUAGE_CODES:
        raise EditionNotAvailable(_("This language is not offered."))
    spec = ExportSpec(
        curriculum=curriculum, partner=partner, language=language, profile=profile, kind=kind, params=params or {}
    )
    if edition is None:
        edition = edition_resolve(curriculum=curriculum, language=language, partner=partner)
    elif (edition.curriculum, edition.partner, edition.language) != (curriculum, partner, language):
        raise ValueError("the edition passed is not the one asked for")
    if not edition.modules:
        raise EditionNotAvailable(_("This edition has no published modules yet."))
    edition = documents.edition_select(spec=spec, edition=edition)
    if not edition.modules:
        raise EditionNotAvailable(_("This edition has nothing to print in this document."))
    return export_job_for(
        spec=spec,
        fingerprint=export_fingerprint(spec=spec, content_digest=edition.content_digest()),
        enqueue=enqueue,
        module_versions=edition.version_ids,
        edition_versions=edition.edition_version_ids,
        admit=admit,
    )


def _admitted(admit):
    retry_after = admit() if admit else None
    if retry_after:
        raise RenderDeferred(retry_after)


def export_job_for(*, spec, fingerprint, enqueue=True, module_versions=(), edition_versions=(), admit=None):
    """The job with this fingerprint, created and queued if new, queued again if it failed or lost its file."""
    job = ExportJob.objects.filter(fingerprint=fingerprint).first()
    if job is None:
        _admitted(admit)
        try:
            with transaction.atomic():
                job = ExportJob.objects.create(
                    fingerprint=fingerprint,
                    module_versions=list(module_versions),
                    edition_versions=list(edition_versions),
                    **spec.job_fields(),
                )
        except IntegrityError:
            # Someone asked for the same document at the same moment: share their job.
            return ExportJob.objects.get(fingerprint=fingerprint)
        if enqueue:
            queue.job_enqueue(job=job)
        return job
    ExportJob.objects.filter(pk=job.pk).asked_again()
    retry = job.status == ExportJob.Status.FAILED and job.attempts < MAX_ATTEMPTS
    # A file that went missing (storage wiped) is rendered again rather than served as a 404.
    lost = job.status == ExportJob.Status.DONE and not storage.stored(job.file.name)
    if retry or lost:
        _admitted(admit)
        ExportJob.objects.filter(pk=job.pk).requeue(status=job.status)
        job.refresh_from_db()
        if enqueue:
            queue.job_enqueue(job=job)
    return job


def previous_done_job(job):
    """The newest finished render of the same document before this one: what to serve while this one cannot be."""
    return (
        ExportJob.objects.filter(**ExportSpec.of_job(job).job_fields(), status=ExportJob.Status.DONE)
        .exclude(pk=job.pk)
        .order_by("-finished_at")
        .first()
    )


def export_job_render(*, job_id, dispatch=False):
    """Render a queued job's PDF and store it; the job row records every step and the outcome.

    A long manual is printed in parts (exports/parts.py): with `dispatch` its missing parts
    go to the queue for any worker to lay out and the last one to finish joins them; without,
    this call does it all.
    """
    if not ExportJob.objects.filter(pk=job_id).claim():
        logger.info("export %s is not queued any more; nothing to do", job_id)
        return None
    job = ExportJob.objects.select_related("curriculum", "partner").get(pk=job_id)
    spec = ExportSpec.of_job(job)
    with failures_settled(job):
        if in_parts(job):
            return parts.parts_start(job, spec=spec, dispatch=dispatch)
        # A document of a curriculum prints the edition the job pinned, resolved here once.
        edition = documents.job_edition(spec) if spec.curriculum is not None else None
        source = documents.build(spec, edition)
        glyphs_check(source.texts)
        rows = ExportJob.objects.filter(pk=job.pk)
        rows.progress(ExportJob.Stage.LAYOUT, 15)
        result = rendering.html_to_pdf(
            source.html,
            title=source.title,
            stylesheets=source.stylesheets,
            on_stage=lambda stage, progress: rows.progress(ExportJob.Stage.WRITING, progress),
        )
        notdef_check(result.warnings)
        name = storage.store_file(job.storage_name(), result.pdf)
        report = {
            **source.report,
            "warnings": result.warnings,
            "refused_urls": result.refused_urls,
            "pdf_variant": rendering.DEFAULT_PDF_VARIANT,
            "layout_seconds": round(result.layout_seconds, 3),
            "write_seconds": round(result.write_seconds, 3),
        }
        rows.done(
            name=name,
            file_size=len(result.pdf),
            page_count=result.page_count,
            report=report,
            started_at=job.started_at,
        )
        return name
