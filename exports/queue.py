"""The one seam between the export services and Celery: jobs go to the PDF queue on commit, by task name.

Tasks are looked up by name (`send_task`), so the services never import exports/tasks.py,
which imports them. With the broker down the job is kept (stage "queue down") and the
sweeper (lifecycle.export_jobs_recover) sends it again when the queue is back.
"""

import logging

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

from .models import ExportJob

logger = logging.getLogger(__name__)
PDF_QUEUE = "pdf"
RENDER_TASK = "exports.tasks.render_export"
RENDER_PART_TASK = "exports.tasks.render_export_part"


def task_send(name, *, args):
    """Put a task on the PDF queue (raises when the broker cannot be reached)."""
    if current_app.conf.task_always_eager:
        # A run without workers (CELERY_TASK_ALWAYS_EAGER): send_task would only queue it, so run it here.
        current_app.loader.import_default_modules()
        current_app.tasks[name].apply(args=args)
        return
    current_app.send_task(name, args=args, queue=PDF_QUEUE)


def job_enqueue(*, job):
    """Send the job to the PDF queue once the transaction that created it commits."""
    transaction.on_commit(lambda: job_send(job_id=job.pk))


def job_send(*, job_id):
    """Send a queued job's render now; False (and the job marked "queue down") when the broker is unreachable."""
    try:
        task_send(RENDER_TASK, args=[str(job_id)])
    except (BrokerError, OSError) as error:
        # Redis is down: keep the job; the sweeper sends it again when the queue is back.
        logger.warning("export %s could not be queued: %s", job_id, error)
        ExportJob.objects.filter(pk=job_id).queue_down()
        return False
    ExportJob.objects.filter(pk=job_id).enqueued()
    return True


def part_help_send(*, job_id):
    """Send a helper for a manual's parts to any worker: it claims parts until none is left (the job is running: no commit to wait for)."""
    task_send(RENDER_PART_TASK, args=[str(job_id)])
