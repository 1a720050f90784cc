import pytest
from django.urls import reverse

from exports import services
from exports.models import ExportJob

pytestmark = pytest.mark.django_db


def _ask(client, handbook, **fields):
    data = {"curriculum": handbook.slug, "language": "ar", "profile": "a4", **fields}
    return client.post(reverse("exports:request"), data)


def test_download_pdf_queues_a_job_and_shows_its_progress_page(client, handbook):
    response = _ask(client, handbook)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    assert b'id="export-progress"' in page.content
    assert reverse("exports:status", args=[job.pk]).encode() in page.content


def test_the_same_edition_asked_twice_lands_on_the_same_job(client, handbook):
    _ask(client, handbook)
    _ask(client, handbook)
    assert ExportJob.objects.count() == 1


def test_a_partner_edition_is_chosen_by_slug(client, handbook, partner):
    _ask(client, handbook, partner=partner.slug)
    assert ExportJob.objects.get().partner == partner


def test_an_unknown_language_is_refused(client, handbook):
    response = _ask(client, handbook, language="xx", follow=False)
    assert response.status_code == 302
    assert not ExportJob.objects.exists()


def test_an_unpublished_curriculum_cannot_be_requested(client, handbook):
    handbook.is_published = False
    handbook.save()
    assert _ask(client, handbook).status_code == 404
    assert not ExportJob.objects.exists()


def test_requests_must_be_posts(client, handbook):
    assert client.get(reverse("exports:request")).status_code == 405


def test_status_reports_progress_as_json(client, handbook):
    job = services.export_request(curriculum=handbook, language="en", enqueue=False)
    data = client.get(reverse("exports:status", args=[job.pk])).json()
    assert data["status"] == "queued" and data["download_url"] is None
    services.export_job_render(job_id=job.pk)
    data = client.get(reverse("exports:status", args=[job.pk])).json()
    assert data["status"] == "done" and data["progress"] == 100 and data["page_count"] == 5
    assert data["download_url"].endswith(reverse("exports:download", args=[job.pk]))


def test_the_file_is_refused_until_it_is_ready_then_served(client, handbook):
    job = services.export_request(curriculum=handbook, language="en", enqueue=False)
    url = reverse("exports:download", args=[job.pk])
    assert client.get(url).status_code == 404
    services.export_job_render(job_id=job.pk)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="leading-to-choices-core-en.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_jobs_of_an_unpublished_curriculum_are_hidden(client, handbook):
    job = services.export_request(curriculum=handbook, language="en", enqueue=False)
    services.export_job_render(job_id=job.pk)
    handbook.is_published = False
    handbook.save()
    for name in ("exports:job", "exports:status", "exports:download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404


def test_status_labels_follow_the_page_language(client, handbook):
    job = services.export_request(curriculum=handbook, language="en", enqueue=False)
    english = client.get(reverse("exports:status", args=[job.pk])).json()
    assert english["status_label"] == "Queued"
