from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from kombu.exceptions import OperationalError

from curriculum.models import Block
from curriculum.services import module_publish
from exports import queue, services
from exports.models import ExportJob
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


def test_identical_requests_share_one_job(handbook):
    first = services.export_request(curriculum=handbook, language="ar")
    second = services.export_request(curriculum=handbook, language="ar")
    assert first.pk == second.pk
    assert ExportJob.objects.get().requested_count == 2


def test_language_partner_and_paper_each_make_a_different_edition(handbook, partner):
    jobs = {
        services.export_request(curriculum=handbook, language="ar").pk,
        services.export_request(curriculum=handbook, language="fa").pk,
        services.export_request(curriculum=handbook, language="ar", partner=partner).pk,
        services.export_request(curriculum=handbook, language="ar", profile="letter").pk,
    }
    assert len(jobs) == 4


def test_publishing_a_change_makes_a_new_job_and_drafts_do_not(handbook):
    before = services.export_request(curriculum=handbook, language="en")
    block = Block.objects.get(key="welcome")
    block.body_en = "Changed welcome."
    block.save()
    assert services.export_request(curriculum=handbook, language="en").pk == before.pk
    module_publish(module=block.module)
    after = services.export_request(curriculum=handbook, language="en")
    assert after.pk != before.pk
    assert after.module_versions != before.module_versions


def test_unpublished_curricula_cannot_be_exported(handbook):
    handbook.is_published = False
    handbook.save()
    with pytest.raises(services.EditionNotAvailable):
        services.export_request(curriculum=handbook, language="en")


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


def test_rendering_a_job_stores_the_pdf_under_its_content_address(handbook):
    job = services.export_request(curriculum=handbook, language="fa", enqueue=False)
    name = services.export_job_render(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.progress == 100
    assert name == job.storage_name() == f"exports/{job.fingerprint[:2]}/{job.fingerprint}.pdf"
    assert job.page_count == 5 and job.file_size > 1000
    assert job.attempts == 1 and job.render_seconds > 0
    assert job.report["fallback_languages"] == ["en"]
    assert "session-1/handout:en" in job.report["fallback_blocks"]
    assert "خوش آمدید" in pdf_text(default_storage.path(name))


def test_a_job_renders_only_once(handbook):
    job = services.export_request(curriculum=handbook, language="en", enqueue=False)
    services.export_job_render(job_id=job.pk)
    assert services.export_job_render(job_id=job.pk) is None
    job.refresh_from_db()
    assert job.attempts == 1


def test_a_render_failure_marks_the_job_failed_with_a_message(handbook):
    job = services.export_request(curriculum=handbook, language="en", enqueue=False)
    with mock.patch("exports.rendering.html_to_pdf", side_effect=MemoryError), pytest.raises(MemoryError):
        services.export_job_render(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert "MemoryError" in job.error
    assert not default_storage.exists(job.storage_name())


def test_asking_again_after_a_failure_retries_a_bounded_number_of_times(handbook, django_capture_on_commit_callbacks):
    job = services.export_request(curriculum=handbook, language="en", enqueue=False)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, attempts=1)
    assert services.export_request(curriculum=handbook, language="en", enqueue=False).status == ExportJob.Status.QUEUED
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, attempts=services.MAX_ATTEMPTS)
    assert services.export_request(curriculum=handbook, language="en", enqueue=False).status == ExportJob.Status.FAILED


def test_a_job_whose_worker_died_is_retried_then_failed(handbook):
    job = services.export_request(curriculum=handbook, language="en", enqueue=False)
    long_ago = timezone.now() - timedelta(hours=1)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, started_at=long_ago, attempts=1)
    with mock.patch("exports.queue.task_send"):
        assert services.export_jobs_recover()["retried"] == 1
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.RUNNING, started_at=long_ago, attempts=services.MAX_ATTEMPTS
    )
    assert services.export_jobs_recover()["failed"] == 1
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and job.error
