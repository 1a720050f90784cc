from celery import shared_task
from django.conf import settings

from curriculum.models import Curriculum

from . import services


@shared_task(ignore_result=True)
def notify_subscribers(curriculum_id):
    """E-mail subscribers of a curriculum's editions that changed."""
    return services.subscribers_notify(curriculum_id=curriculum_id, site_url=settings.SITE_URL)


@shared_task(ignore_result=True)
def notify_all_subscribers():
    """Catch up on notifications a publish could not queue (Redis was down)."""
    for curriculum_id in Curriculum.objects.filter(is_published=True).values_list("pk", flat=True):
        services.subscribers_notify(curriculum_id=curriculum_id, site_url=settings.SITE_URL)
