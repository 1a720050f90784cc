"""Thin tasks of the PDF queue: each takes ids, calls one service and nothing more.

The services send them by name through exports/queue.py, so the dependency runs one way.
"""

import ctypes
import ctypes.util
import gc
from functools import cache

from billiard.exceptions import WorkerLostError
from celery import shared_task, signals
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.conf import settings
from django.utils.translation import gettext as _

from . import lifecycle, parts, rendering, services

# Both PDF tasks: acknowledged after the work, never redelivered when their process dies
# (task_failure below settles the job), and held to the render time limits.
PDF_TASK_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": False,
    "soft_time_limit": settings.PDF_SOFT_TIME_LIMIT,
    "time_limit": settings.PDF_TIME_LIMIT,
    "ignore_result": True,
}


@shared_task(**PDF_TASK_OPTIONS)
def render_export(job_id):
    """Render one export job's PDF."""
    try:
        if services.export_job_render(job_id=job_id, dispatch=True):
            memory_release()
    except SoftTimeLimitExceeded:
        lifecycle.export_job_fail(job_id=job_id, message=_("Rendering took longer than the time limit."))


@shared_task(**PDF_TASK_OPTIONS)
def render_export_part(job_id, fingerprint=None, more=()):
    """Help lay out a manual printed in parts: claim its parts until none is left; the last part to land joins it.

    `fingerprint` and `more`: the share an older worker sent, not looked at; such a message helps as the others do.
    """
    try:
        if parts.export_part_render(job_id=job_id, fingerprint=fingerprint, more=more):
            memory_release()
    except SoftTimeLimitExceeded:
        lifecycle.export_job_fail(job_id=job_id, message=_("Rendering took longer than the time limit."))


@cache
def _libc():
    name = ctypes.util.find_library("c")
    library = ctypes.CDLL(name) if name else None
    return library if library is not None and hasattr(library, "malloc_trim") else None


def memory_release():
    """After a finished document: collect the cycles a layout leaves and give the freed heap back to the system.

    A worker lives for many renders; without this its resident memory kept what the last
    join had freed (measured: 4 MB more after the second render, 0.16 MB a render after).
    Once a document, not once a part: a collection costs about 80 ms.
    """
    gc.collect()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


@shared_task(ignore_result=True)
def recover_exports():
    """Re-send lost jobs and settle jobs whose worker died."""
    return lifecycle.export_jobs_recover()


@signals.task_failure.connect
def settle_lost_render(sender=None, task_id=None, exception=None, args=None, **kwargs):
    """Runs in the worker's main process when a render's child process died or hit the hard time limit."""
    if getattr(sender, "name", None) not in {render_export.name, render_export_part.name} or not args:
        return
    if isinstance(exception, (WorkerLostError, TimeLimitExceeded)):
        lifecycle.export_job_lost(job_id=args[0], reason=type(exception).__name__)


@signals.worker_init.connect
def warm_renderer(**kwargs):
    """In the worker's main process, before the pool forks: pool processes inherit a renderer ready to lay out."""
    rendering.renderer_warm()
