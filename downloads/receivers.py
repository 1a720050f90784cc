import logging

from django.db import transaction
from django.dispatch import receiver
from kombu.exceptions import OperationalError

from curriculum.signals import content_published

logger = logging.getLogger(__name__)


@receiver(content_published)
def queue_subscriber_notifications(sender, curriculum, partner, **kwargs):
    def send():
        from .tasks import notify_subscribers

        try:
            notify_subscribers.delay(curriculum.pk)
        except (OperationalError, OSError) as error:
            # The periodic catch-up task sends them once the queue is back.
            logger.warning("subscriber notifications not queued: %s", error)

    transaction.on_commit(send)
