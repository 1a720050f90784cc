import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("curriculum_commons")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_postrun.connect
def forget_queries(**kwargs):
    """With DEBUG on (a developer's worker), Django keeps every query's SQL; a worker never ends a request to drop it.

    Celery's Django fixup closes connections after a task, but the query log outlives them and
    grew a worker's memory render after render (up to 9,000 queries, megabytes of SQL).
    """
    from django.conf import settings
    from django.db import reset_queries

    if settings.DEBUG:
        reset_queries()
