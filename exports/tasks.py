from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils.translation import gettext as _

from . import services


@shared_task(
    acks_late=True,
    reject_on_worker_lost=False,
    soft_time_limit=settings.PDF_SOFT_TIME_LIMIT,
    time_limit=settings.PDF_TIME_LIMIT,
    ignore_result=True,
)
def render_export(job_id):
    """Render one export job's PDF."""
    try:
        services.export_job_render(job_id=job_id)
    except SoftTimeLimitExceeded:
        services.export_job_fail(job_id=job_id, message=_("Rendering took longer than the time limit."))


@shared_task(ignore_result=True)
def recover_exports():
    """Re-send lost jobs and settle jobs whose worker died."""
    return services.export_jobs_recover()
