"""The pipeline end to end with real parts: a web request, Redis, a `celery worker` process, WeasyPrint, poppler."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from exports.models import ExportJob
from tests.pdf import pdf_fonts, pdf_info, pdf_text
from tests.processes import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _finished(job_id):
    job = ExportJob.objects.get(pk=job_id)
    return job if job.is_finished else None


def test_a_worker_renders_the_requested_edition_and_a_second_request_reuses_it(client, handbook, pdf_worker):
    response = client.post(reverse("exports:request"), {"curriculum": handbook.slug, "language": "ar", "profile": "a4"})
    job = ExportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()

    job = wait_for(lambda: _finished(job.pk))
    assert job.status == ExportJob.Status.DONE, job.error or pdf_worker.log()[-2000:]
    assert job.attempts == 1
    path = default_storage.path(job.file.name)
    text = pdf_text(path)
    assert "القيادة نحو الخيارات" in text
    assert "Speak clearly" in text  # the untranslated handout falls back to English
    fonts = [font["name"] for font in pdf_fonts(path)]
    assert any("NotoNaskhArabic" in name.replace("-", "") for name in fonts)
    assert pdf_info(path)["Pages"] == "5"
    assert "Task exports.tasks.render_export[" in pdf_worker.log()

    again = client.post(reverse("exports:request"), {"curriculum": handbook.slug, "language": "ar", "profile": "a4"})
    assert again["Location"] == job.get_absolute_url()
    status = client.get(reverse("exports:status", args=[job.pk])).json()
    assert status["status"] == "done"
    job.refresh_from_db()
    assert job.attempts == 1 and job.requested_count == 2
    # The worker logs a task's success once it has returned (after giving its memory back): wait for the line.
    wait_for(lambda: pdf_worker.log().count("exports.tasks.render_export[") >= 2, timeout=30)
    assert pdf_worker.log().count("exports.tasks.render_export[") == 2  # received + succeeded, once


def test_the_command_line_export_goes_through_the_worker(handbook, pdf_worker, tmp_path, capsys):
    from django.core.management import call_command

    output = tmp_path / "manual.pdf"
    call_command("export_edition", curriculum=handbook.slug, language="ru", output=str(output))
    assert "Расставьте стулья по кругу." in pdf_text(output)
    assert "exports.tasks.render_export[" in pdf_worker.log()


def test_the_worker_refuses_content_that_would_print_boxes_and_the_page_says_why(client, handbook, pdf_worker):
    from curriculum.models import Block
    from curriculum.publishing import curriculum_publish

    block = Block.objects.get(key="handout")
    block.body_en = "- Speak clearly \U0001f98b"
    block.save()
    curriculum_publish(curriculum=handbook)
    client.post(reverse("exports:request"), {"curriculum": handbook.slug, "language": "en", "profile": "a4"})
    job = wait_for(lambda: _finished(ExportJob.objects.get().pk))
    assert job.status == ExportJob.Status.FAILED, pdf_worker.log()[-2000:]
    status = client.get(reverse("exports:status", args=[job.pk])).json()
    assert "U+1F98B" in status["error"] and "session-1/handout" in status["error"]
    assert not default_storage.exists(job.storage_name())
