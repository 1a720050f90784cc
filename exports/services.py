"""Services of the export pipeline: request an edition's PDF, render it, recover stalled jobs."""

import errno
import hashlib
import json
import logging
import os
import tempfile
import time
from contextlib import contextmanager
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from curriculum.resolution import edition_resolve

from . import assembly, documents, rendering
from .models import ExportJob, RenderedPart

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 3


class ExportError(Exception):
    """An expected failure of an export, shown to the user as it is."""


class EditionNotAvailable(ExportError):
    pass


class MissingGlyphsError(ExportError):
    """Some characters of the content have no glyph in the fonts: the PDF would print boxes."""

    def __init__(self, problems):
        self.problems = problems
        lines = [
            _(
                "%(characters)s in %(where)s (%(language)s) have no glyph in the fonts for that language "
                "and would print as empty boxes."
            )
            % {"characters": problem.describe(), "where": problem.where, "language": _language_name(problem.language)}
            for problem in problems
        ]
        super().__init__(" ".join([_("The PDF was not made:"), *lines]))


def _language_name(code):
    return str(dict(settings.LANGUAGES).get(code, code))


@lru_cache(maxsize=1)
def _renderer_fingerprint():
    # Computed once per process: a deploy restarts processes, and it hashes font files.
    return rendering.renderer_fingerprint()


def export_fingerprint(*, content_digest, language, profile, kind=ExportJob.Kind.MANUAL, params=None):
    """One job per distinct document: content, language, paper, kind, parameters and renderer versions."""
    payload = [
        content_digest,
        language,
        profile,
        kind,
        params or {},
        _renderer_fingerprint(),
        # Read per request, not cached: translators publish labels while processes run (locale/README.md).
        rendering.catalog_fingerprint(language),
    ]
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def export_request(
    *,
    curriculum,
    language,
    partner=None,
    profile=ExportJob.Profile.A4,
    kind=ExportJob.Kind.MANUAL,
    params=None,
    enqueue=True,
):
    """The job for this edition's PDF: an existing one if the same content was asked for before, else a new queued one.

    `kind` is the whole manual, one module (`params={"module": slug}`) or the participant
    handout pack; `params={"grayscale": True}` asks for the photocopier variant.
    With `enqueue=False` the caller renders the job itself (the CLI's --inline).
    """
    if not curriculum.is_published:
        raise EditionNotAvailable(_("This curriculum is not published yet."))
    if language not in settings.LANGUAGE_CODES:
        raise EditionNotAvailable(_("This language is not offered."))
    # Only what changes the document goes into the parameters, so equal requests share a job.
    params = {key: value for key, value in (params or {}).items() if value}
    edition = edition_resolve(curriculum=curriculum, language=language, partner=partner)
    if not edition.modules:
        raise EditionNotAvailable(_("This edition has no published modules yet."))
    edition = documents.edition_select(kind=kind, params=params, edition=edition)
    if not edition.modules:
        raise EditionNotAvailable(_("This edition has nothing to print in this document."))
    fingerprint = export_fingerprint(
        content_digest=edition.content_digest(), language=language, profile=profile, kind=kind, params=params
    )
    return export_job_for(
        fingerprint=fingerprint,
        enqueue=enqueue,
        curriculum=curriculum,
        partner=partner,
        language=language,
        profile=profile,
        kind=kind,
        params=params,
        module_versions=edition.version_ids,
        edition_versions=edition.edition_version_ids,
    )


def export_job_for(*, fingerprint, enqueue=True, **fields):
    """The job with this fingerprint, created and queued if new, queued again if it failed or lost its file."""
    job = ExportJob.objects.filter(fingerprint=fingerprint).first()
    if job is None:
        try:
            with transaction.atomic():
                job = ExportJob.objects.create(fingerprint=fingerprint, **fields)
        except IntegrityError:
            # Someone asked for the same document at the same moment: share their job.
            return ExportJob.objects.get(fingerprint=fingerprint)
        if enqueue:
            export_job_enqueue(job=job)
        return job
    ExportJob.objects.filter(pk=job.pk).update(requested_count=F("requested_count") + 1)
    retry = job.status == ExportJob.Status.FAILED and job.attempts < MAX_ATTEMPTS
    # A file that went missing (storage wiped) is rendered again rather than served as a 404.
    lost = job.status == ExportJob.Status.DONE and not default_storage.exists(job.file.name)
    if retry or lost:
        ExportJob.objects.filter(pk=job.pk, status=job.status).update(
            status=ExportJob.Status.QUEUED, stage=ExportJob.Stage.WAITING, progress=0, error=""
        )
        job.refresh_from_db()
        if enqueue:
            export_job_enqueue(job=job)
    return job


def export_job_enqueue(*, job):
    """Send the job to the PDF queue once the transaction that created it commits."""
    transaction.on_commit(lambda: _send_to_queue(job.pk))


def _send_to_queue(job_id):
    from .tasks import render_export

    try:
        render_export.apply_async(args=[str(job_id)], queue="pdf")
    except (BrokerError, OSError) as error:
        # Redis is down: keep the job; the sweeper sends it again when the queue is back.
        logger.warning("export %s could not be queued: %s", job_id, error)
        ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
            stage=ExportJob.Stage.QUEUE_DOWN, enqueued_at=None
        )
        return False
    ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        stage=ExportJob.Stage.WAITING, enqueued_at=timezone.now()
    )
    return True


def _set_stage(job_id, stage, progress):
    ExportJob.objects.filter(pk=job_id).update(stage=stage, progress=progress, touched_at=timezone.now())


def store_file(name, data):
    """Write a file under its final name atomically: a reader never sees half a file."""
    if hasattr(default_storage, "path"):
        path = default_storage.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        handle, temp_path = tempfile.mkstemp(
            dir=os.path.dirname(path), prefix=".partial-", suffix=os.path.splitext(name)[1]
        )
        try:
            with os.fdopen(handle, "wb") as temp_file:
                temp_file.write(data)
                temp_file.flush()
                os.fsync(temp_file.fileno())
            os.replace(temp_path, path)
        except BaseException:
            if os.path.exists(temp_path):
                os.unlink(temp_path)
            raise
        return name
    from django.core.files.base import ContentFile

    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(data))


def _partial_files_remove(*, older_than):
    """Temporary files a killed worker left behind: never served (their names differ), removed here."""
    if not hasattr(default_storage, "path"):
        return
    root = default_storage.path(settings.EXPORTS_STORAGE_DIR)
    if not os.path.isdir(root):
        return
    cutoff = older_than.timestamp()
    for directory, _subdirs, files in os.walk(root):
        for name in files:
            path = os.path.join(directory, name)
            if name.startswith(".partial-") and os.path.getmtime(path) < cutoff:
                os.unlink(path)


def _failure_message(error):
    if isinstance(error, ExportError):
        return str(error)
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return _("The server's disk is full, so the new PDF could not be stored; earlier versions stay available.")
    return _("The PDF could not be rendered: %(error)s") % {"error": type(error).__name__}


def previous_done_job(job):
    """The newest finished render of the same document before this one: what to serve while this one cannot be."""
    return (
        ExportJob.objects.filter(
            curriculum=job.curriculum,
            partner=job.partner,
            language=job.language,
            profile=job.profile,
            kind=job.kind,
            params=job.params,
            status=ExportJob.Status.DONE,
        )
        .exclude(pk=job.pk)
        .order_by("-finished_at")
        .first()
    )


def export_job_render(*, job_id, dispatch=False):
    """Render a queued job's PDF and store it; the job row records every step and the outcome.

    A long manual is printed in parts (exports/assembly.py): with `dispatch` its missing parts
    go to the queue for any worker to lay out and the last one to finish joins them; without,
    this call does it all.
    """
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING,
        stage=ExportJob.Stage.RESOLVING,
        progress=5,
        started_at=timezone.now(),
        touched_at=timezone.now(),
        attempts=F("attempts") + 1,
    )
    if not claimed:
        logger.info("export %s is not queued any more; nothing to do", job_id)
        return None
    job = ExportJob.objects.select_related("curriculum", "partner").get(pk=job_id)
    with _failures_settled(job):
        if in_parts(job):
            return _parts_start(job, dispatch=dispatch)
        source = documents.build(job)
        _glyphs_check(source.texts)
        _set_stage(job.pk, ExportJob.Stage.LAYOUT, 15)
        result = rendering.html_to_pdf(
            source.html,
            title=source.title,
            stylesheets=source.stylesheets,
            on_stage=lambda stage, progress: _set_stage(job.pk, ExportJob.Stage.WRITING, progress),
        )
        _notdef_check(result.warnings)
        name = store_file(job.storage_name(), result.pdf)
        report = {
            **source.report,
            "warnings": result.warnings,
            "refused_urls": result.refused_urls,
            "pdf_variant": rendering.DEFAULT_PDF_VARIANT,
            "layout_seconds": round(result.layout_seconds, 3),
            "write_seconds": round(result.write_seconds, 3),
        }
        _job_done(job, name=name, pdf=result.pdf, page_count=result.page_count, report=report)
        return name


@contextmanager
def _failures_settled(job):
    """Expected failures mark the job failed with their message and end there; others are marked too and go on up."""
    try:
        yield
    except ExportError as error:
        # Expected: the content cannot be printed as it is; the person who asked is told why.
        logger.warning("export %s refused: %s", job.pk, error)
        export_job_fail(job_id=job.pk, message=str(error))
    except Exception as error:
        logger.exception("export %s failed", job.pk)
        export_job_fail(job_id=job.pk, message=_failure_message(error))
        raise


def _glyphs_check(texts):
    problems = rendering.missing_glyphs(texts)
    if problems:
        raise MissingGlyphsError(problems)


def _notdef_check(warnings):
    # The glyph check is stricter than the renderer; this catches what it cannot see.
    notdef = [warning for warning in warnings if warning.startswith(".notdef glyph")]
    if notdef:
        raise ExportError(
            _("The PDF was not made: the renderer would have printed empty boxes (%(detail)s).")
            % {"detail": "; ".join(notdef[:5])}
        )


def _job_done(job, *, name, pdf, page_count, report):
    """Store the outcome; the render time counts from the claim, whichever workers took part."""
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE,
        stage=ExportJob.Stage.STORED,
        progress=100,
        file=name,
        file_size=len(pdf),
        page_count=page_count,
        report=report,
        error="",
        finished_at=timezone.now(),
        render_seconds=round((timezone.now() - job.started_at).total_seconds(), 3),
    )


# --- Manuals in parts ----------------------------------------------------------------


def in_parts(job):
    """Whether the job is a manual long enough to be laid out module by module."""
    return (
        settings.PDF_PARTS_MIN_MODULES > 0
        and job.kind == ExportJob.Kind.MANUAL
        and len(job.module_versions) >= settings.PDF_PARTS_MIN_MODULES
    )


def _job_edition(job):
    """The edition the job pinned, resolved once per process and attempt: a worker lays out many of its parts."""
    edition = _pinned_edition(
        job.pk,
        job.attempts,
        job.curriculum,
        job.partner,
        job.language,
        tuple(job.module_versions),
        tuple(job.edition_versions),
    )
    if not edition.modules:
        raise EditionNotAvailable(_("This edition has nothing to print in this document."))
    return edition


@lru_cache(maxsize=4)
def _pinned_edition(job_id, attempt, curriculum, partner, language, module_versions, edition_versions):
    # Pinned versions never change, so the cache cannot serve stale content; the key keeps jobs apart.
    return edition_resolve(
        curriculum=curriculum,
        language=language,
        partner=partner,
        version_ids=list(module_versions),
        edition_version_ids=list(edition_versions),
    )


def _part_sources(job, edition, only=None):
    """(module, print HTML, fingerprint) of each part of the job's manual, in order (or of the part `only`)."""
    grayscale = bool(job.params.get("grayscale"))
    sources = []
    for index, module in enumerate(edition.modules):
        if only is not None and index != only:
            continue
        html = assembly.part_html(edition, module, profile=job.profile, grayscale=grayscale)
        digest = hashlib.sha256(
            json.dumps([html, _renderer_fingerprint(), rendering.DEFAULT_PDF_VARIANT]).encode()
        ).hexdigest()
        sources.append((module, html, digest))
    return sources


def _parts_start(job, *, dispatch):
    """Check the whole manual's glyphs, record its parts, and lay out those no earlier render left behind."""
    edition = _job_edition(job)
    _glyphs_check(documents.edition_texts(edition))
    sources = _part_sources(job, edition)
    fingerprints = [fingerprint for _module, _html, fingerprint in sources]
    ExportJob.objects.filter(pk=job.pk).update(
        parts=fingerprints, stage=ExportJob.Stage.PARTS, progress=10, touched_at=timezone.now()
    )
    job.parts = fingerprints
    missing = [source for source in sources if not _part_stored(source[2])]
    if dispatch and len(missing) > 1:
        from .tasks import render_export_part

        # The other workers take the rest of the parts; this one lays out the first itself.
        for _module, _html, fingerprint in missing[1:]:
            render_export_part.apply_async(args=[str(job.pk), fingerprint], queue="pdf")
        missing = missing[:1]
    for module, html, fingerprint in missing:
        _part_render(fingerprint=fingerprint, module=module, html=html)
    return _parts_assemble_when_complete(job)


def _part_stored(fingerprint):
    part = RenderedPart.objects.filter(fingerprint=fingerprint).first()
    return part is not None and default_storage.exists(part.file.name)


def _part_render(*, fingerprint, module, html):
    """Lay out one module as a part and keep it under its fingerprint."""
    started = time.perf_counter()
    result = rendering.html_to_pdf(html, title=module.title)
    _notdef_check(result.warnings)
    name = store_file(RenderedPart.storage_name(fingerprint), result.pdf)
    RenderedPart.objects.update_or_create(
        fingerprint=fingerprint,
        defaults={
            "module": module.slug,
            "file": name,
            "file_size": len(result.pdf),
            "page_count": result.page_count,
            "render_seconds": round(time.perf_counter() - started, 3),
            "warnings": result.warnings,
            "refused_urls": result.refused_urls,
        },
    )


def export_part_render(*, job_id, fingerprint):
    """A worker's share of a manual in parts: lay out one part, and join the manual if it was the last one missing."""
    job = (
        ExportJob.objects.select_related("curriculum", "partner")
        .filter(pk=job_id, status=ExportJob.Status.RUNNING, stage=ExportJob.Stage.PARTS)
        .first()
    )
    if job is None or fingerprint not in job.parts:
        logger.info("export %s does not wait for part %s any more", job_id, fingerprint[:8])
        return None
    with _failures_settled(job):
        if not _part_stored(fingerprint):
            edition = _job_edition(job)
            sources = _part_sources(job, edition, only=job.parts.index(fingerprint))
            if not sources or sources[0][2] != fingerprint:
                # The renderer or the interface labels changed since the job began: begin again.
                raise ExportError(_("The edition changed while its PDF was being made; please ask for it again."))
            _part_render(fingerprint=fingerprint, module=sources[0][0], html=sources[0][1])
        return _parts_assemble_when_complete(job)


def _parts_assemble_when_complete(job):
    """Join the manual if every part is there; of the workers that see it complete, one wins the join."""
    done = RenderedPart.objects.filter(fingerprint__in=job.parts).count()
    total = len(set(job.parts))
    _set_stage(job.pk, ExportJob.Stage.PARTS, 10 + int(75 * done / total))
    if done < total:
        return None
    if not ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING, stage=ExportJob.Stage.PARTS).update(
        stage=ExportJob.Stage.ASSEMBLING, progress=88, touched_at=timezone.now()
    ):
        return None
    return _parts_assemble(job, edition=_job_edition(job))


def _parts_assemble(job, *, edition):
    """Lay out the front matter and the running layer, join everything and store the manual."""
    started = time.perf_counter()
    parts_by_fingerprint = {part.fingerprint: part for part in RenderedPart.objects.filter(fingerprint__in=job.parts)}
    parts = [parts_by_fingerprint[fingerprint] for fingerprint in job.parts]
    RenderedPart.objects.filter(fingerprint__in=job.parts).update(used_at=timezone.now())
    grayscale = bool(job.params.get("grayscale"))
    generated_at = timezone.now()
    front, starts = assembly.front_render(
        edition,
        part_pages=[part.page_count for part in parts],
        profile=job.profile,
        grayscale=grayscale,
        generated_at=generated_at,
    )
    running, plan = assembly.running_render(
        edition,
        front_pages=front.page_count,
        modules_pages=[(module, part.page_count) for module, part in zip(edition.modules, parts, strict=True)],
        profile=job.profile,
        generated_at=generated_at,
    )
    _notdef_check(front.warnings + running.warnings)
    part_pdfs = []
    for part in parts:
        with default_storage.open(part.file.name, "rb") as part_file:
            part_pdfs.append(part_file.read())
    pdf = assembly.assemble(front=front.pdf, parts=part_pdfs, running=running.pdf, plan=plan)
    name = store_file(job.storage_name(), pdf)
    fresh = [part for part in parts if job.started_at and part.created_at >= job.started_at]
    report = {
        **documents.edition_report(edition),
        "warnings": [warning for part in parts for warning in part.warnings] + front.warnings + running.warnings,
        "refused_urls": [url for part in parts for url in part.refused_urls]
        + front.refused_urls
        + running.refused_urls,
        "pdf_variant": rendering.DEFAULT_PDF_VARIANT,
        "parts": len(parts),
        "parts_rendered": len(fresh),
        "parts_reused": len(parts) - len(fresh),
        "parts_seconds": round(sum(part.render_seconds for part in fresh), 3),
        "module_starts": dict(zip((module.slug for module in edition.modules), starts, strict=True)),
        "assemble_seconds": round(time.perf_counter() - started, 3),
    }
    _job_done(job, name=name, pdf=pdf, page_count=len(plan), report=report)
    return name


def parts_prune(*, unused_since):
    """Forget parts no render has used since then (their modules changed or their editions are gone)."""
    stale = RenderedPart.objects.filter(used_at__lt=unused_since)
    for name in stale.values_list("file", flat=True):
        if default_storage.exists(name):
            default_storage.delete(name)
    return stale.delete()[0]


def export_job_fail(*, job_id, message):
    """Mark a job failed with a message for the person who asked for it."""
    ExportJob.objects.filter(pk=job_id).exclude(status=ExportJob.Status.DONE).update(
        status=ExportJob.Status.FAILED, stage=ExportJob.Stage.FAILED, error=message[:2000], finished_at=timezone.now()
    )


def export_jobs_recover(*, now=None):
    """Re-send jobs the queue lost (Redis was down) and settle jobs whose worker died mid-render."""
    now = now or timezone.now()
    requeue_before = now - timedelta(seconds=settings.EXPORT_REQUEUE_AFTER_SECONDS)
    lost = ExportJob.objects.filter(status=ExportJob.Status.QUEUED).filter(
        enqueued_at__isnull=True, created_at__lt=now - timedelta(seconds=5)
    ) | ExportJob.objects.filter(status=ExportJob.Status.QUEUED, enqueued_at__lt=requeue_before)
    resent = sum(1 for job_id in lost.values_list("pk", flat=True) if _send_to_queue(job_id))
    _partial_files_remove(older_than=now - timedelta(seconds=settings.PDF_TIME_LIMIT + 30))
    # A running job older than the hard time limit lost its worker (killed, out of memory).
    dead_before = now - timedelta(seconds=settings.PDF_TIME_LIMIT + 30)
    dead = ExportJob.objects.filter(status=ExportJob.Status.RUNNING, started_at__lt=dead_before).exclude(
        touched_at__gte=dead_before
    )
    retried = dead.filter(attempts__lt=MAX_ATTEMPTS).update(
        status=ExportJob.Status.QUEUED, stage=ExportJob.Stage.WAITING, progress=0, enqueued_at=None
    )
    failed = dead.update(
        status=ExportJob.Status.FAILED,
        stage=ExportJob.Stage.FAILED,
        error=_("The renderer stopped several times on this edition; the secretariat has been told."),
        finished_at=now,
    )
    pruned = parts_prune(unused_since=now - timedelta(days=settings.PDF_PARTS_KEEP_DAYS))
    return {"resent": resent, "retried": retried, "failed": failed, "parts_pruned": pruned}


def export_job_lost(*, job_id, reason):
    """A render whose worker died (killed, out of memory, hard time limit): try again, a bounded number of times."""
    job = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.RUNNING).first()
    if job is None:
        return None
    if job.attempts < MAX_ATTEMPTS:
        ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(
            status=ExportJob.Status.QUEUED, stage=ExportJob.Stage.WAITING, progress=0, enqueued_at=None
        )
        _send_to_queue(job.pk)
        return ExportJob.Status.QUEUED
    export_job_fail(
        job_id=job.pk,
        message=_("The renderer stopped %(count)s times on this document (%(reason)s); the secretariat has been told.")
        % {"count": job.attempts, "reason": reason},
    )
    logger.error("export %s failed for good after %s lost workers: %s", job.pk, job.attempts, reason)
    return ExportJob.Status.FAILED
