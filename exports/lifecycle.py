"""The life of an export job after its request: failures settled, lost workers and lost messages recovered.

The state changes themselves are conditional updates on ExportJob's queryset (models.py);
these services decide which one applies.
"""

import logging
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from . import queue, storage
from .errors import ExportError, failure_message
from .models import MAX_ATTEMPTS, ExportJob, RenderedPart

logger = logging.getLogger(__name__)


def export_job_fail(*, job_id, message):
    """Mark a job failed with a message for the person who asked for it."""
    ExportJob.objects.filter(pk=job_id).fail(message)


@contextmanager
def failures_settled(job):
    """Expected failures mark the job failed with their message and end there; others are marked too and go on up."""
    try:
        yield
    except ExportError as error:
        # Expected: the content cannot be printed as it is; the person who asked is told why.
        logger.warning("export %s refused: %s", job.pk, error)
        export_job_fail(job_id=job.pk, message=str(error))
    except Exception as error:
        logger.exception("export %s failed", job.pk)
        export_job_fail(job_id=job.pk, message=failure_message(error))
        raise


def parts_prune(*, unused_since):
    """Forget parts no render has used since then (their modules changed or their editions are gone)."""
    stale = RenderedPart.objects.filter(used_at__lt=unused_since)
    for name in stale.values_list("file", flat=True):
        storage.remove(name)
    return stale.delete()[0]


def export_jobs_recover(*, now=None):
    """Re-send jobs the queue lost (Redis was down) and settle jobs whose worker died mid-render."""
    now = now or timezone.now()
    requeue_before = now - timedelta(seconds=settings.EXPORT_REQUEUE_AFTER_SECONDS)
    lost = ExportJob.objects.filter(status=ExportJob.Status.QUEUED).filter(
        enqueued_at__isnull=True, created_at__lt=now - timedelta(seconds=5)
    ) | ExportJob.objects.filter(status=ExportJob.Status.QUEUED, enqueued_at__lt=requeue_before)
    resent = sum(1 for job_id in lost.values_list("pk", flat=True) if queue.job_send(job_id=job_id))
    # A running job older than the hard time limit lost its worker (killed, out of memory).
    dead_before = now - timedelta(seconds=settings.PDF_TIME_LIMIT + 30)
    dead = ExportJob.objects.filter(status=ExportJob.Status.RUNNING, started_at__lt=dead_before).exclude(
        touched_at__gte=dead_before
    )
    retried = dead.lost()
    failed = dead.fail(_("The renderer stopped several times on this edition; the secretariat has been told."), now=now)
    try:
        storage.partial_files_remove(older_than=now - timedelta(seconds=settings.PDF_TIME_LIMIT + 30))
        pruned = parts_prune(unused_since=now - timedelta(days=settings.PDF_PARTS_KEEP_DAYS))
    except storage.StorageUnavailable as error:
        # The jobs above are settled all the same; the files wait for the next sweep.
        logger.warning("storage unavailable, temporary files and old parts kept for now: %s", error)
        pruned = 0
    return {"resent": resent, "retried": retried, "failed": failed, "parts_pruned": pruned}


def export_job_lost(*, job_id, reason):
    """A render whose worker died (killed, out of memory, hard time limit): try again, a bounded number of times."""
    job = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.RUNNING).first()
    if job is None:
        return None
    if job.attempts < MAX_ATTEMPTS:
        ExportJob.objects.filter(pk=job.pk).lost()
        queue.job_send(job_id=job.pk)
        return ExportJob.Status.QUEUED
    export_job_fail(
        job_id=job.pk,
        message=_("The renderer stopped %(count)s times on this document (%(reason)s); the secretariat has been told.")
        % {"count": job.attempts, "reason": reason},
    )
    logger.error("export %s failed for good after %s lost workers: %s", job.pk, job.attempts, reason)
    return ExportJob.Status.FAILED
