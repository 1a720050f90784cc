"""The seam to Celery: a job goes to the PDF queue by task name once its request commits; a broker down keeps it."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from exports import queue, services, tasks
from exports.models import ExportJob

pytestmark = pytest.mark.django_db


def test_the_seam_sends_the_tasks_the_worker_knows_by_those_names():
    assert tasks.render_export.name == queue.RENDER_TASK
    assert tasks.render_export_part.name == queue.RENDER_PART_TASK


def test_the_services_do_not_import_the_tasks():
    # The dependency runs one way: tasks import services, services reach Celery through exports/queue.py.
    import ast
    from pathlib import Path

    import exports

    for path in Path(exports.__file__).parent.glob("*.py"):
        if path.name == "tasks.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [alias.name for alias in node.names]
                assert "tasks" not in names and "exports.tasks" not in names, path.name


def test_the_job_is_queued_only_after_the_request_commits(handbook, django_capture_on_commit_callbacks):
    with mock.patch("exports.queue.task_send") as send:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            job = services.export_request(curriculum=handbook, language="en")
        send.assert_not_called()
        for callback in callbacks:
            callback()
    send.assert_called_once_with(queue.RENDER_TASK, args=[str(job.pk)])
    job.refresh_from_db()
    assert job.enqueued_at is not None


def test_when_the_queue_is_down_the_request_is_kept_and_the_user_told(handbook, django_capture_on_commit_callbacks):
    down = mock.patch("exports.queue.task_send", side_effect=OperationalError("Connection refused"))
    with down, django_capture_on_commit_callbacks(execute=True):
        job = services.export_request(curriculum=handbook, language="en")
    job.refresh_from_db()
    assert job.status == ExportJob.Status.QUEUED
    assert job.stage == ExportJob.Stage.QUEUE_DOWN
    assert job.enqueued_at is None
    with mock.patch("exports.queue.task_send") as send:
        result = services.export_jobs_recover(now=timezone.now() + timedelta(seconds=10))
    assert result["resent"] == 1
    send.assert_called_once()


@pytest.mark.parametrize(("finished", "released"), [("exports/ab/manual.pdf", 1), (None, 0)])
def test_a_task_that_finishes_a_document_gives_its_memory_back_and_a_part_alone_does_not(
    monkeypatch, finished, released
):
    calls = []
    monkeypatch.setattr(tasks, "memory_release", lambda: calls.append("released"))
    monkeypatch.setattr(services, "export_job_render", lambda **kwargs: finished)
    monkeypatch.setattr(tasks.parts, "export_part_render", lambda **kwargs: finished)
    tasks.render_export.run("job")
    tasks.render_export_part.run("job", "fingerprint")
    assert len(calls) == 2 * released
