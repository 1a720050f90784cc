"""A job's life after its request: failures settled with their message, dead workers retried a bounded number of times."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from exports import lifecycle, services
from exports.models import MAX_ATTEMPTS, ExportJob

pytestmark = pytest.mark.django_db


def test_a_render_failure_marks_the_job_failed_with_a_message(handbook):
    job = services.export_request(curriculum=handbook, language="en", enqueue=False)
    with mock.patch("exports.rendering.html_to_pdf", side_effect=MemoryError), pytest.raises(MemoryError):
        services.export_job_render(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert "MemoryError" in job.error
    assert not default_storage.exists(job.storage_name())


def test_a_job_whose_worker_died_is_retried_then_failed(handbook):
    job = services.export_request(curriculum=handbook, language="en", enqueue=False)
    long_ago = timezone.now() - timedelta(hours=1)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, started_at=long_ago, attempts=1)
    with mock.patch("exports.queue.task_send"):
        assert lifecycle.export_jobs_recover()["retried"] == 1
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.RUNNING, started_at=long_ago, attempts=MAX_ATTEMPTS
    )
    assert lifecycle.export_jobs_recover()["failed"] == 1
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and job.error


def test_a_lost_worker_queues_the_job_again_then_fails_it_for_good(handbook):
    job = services.export_request(curriculum=handbook, language="en", enqueue=False)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, attempts=1)
    with mock.patch("exports.queue.task_send") as send:
        assert lifecycle.export_job_lost(job_id=job.pk, reason="WorkerLostError") == ExportJob.Status.QUEUED
    send.assert_called_once()
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, attempts=MAX_ATTEMPTS)
    assert lifecycle.export_job_lost(job_id=job.pk, reason="WorkerLostError") == ExportJob.Status.FAILED
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and "WorkerLostError" in job.error
    assert lifecycle.export_job_lost(job_id=job.pk, reason="again") is None
