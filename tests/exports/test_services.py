import pytest
from django.core.files.storage import default_storage

from curriculum.models import Block
from curriculum.publishing import module_publish
from exports import services
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


def test_asking_again_after_a_failure_retries_a_bounded_number_of_times(handbook, django_capture_on_commit_callbacks):
    job = services.export_request(curriculum=handbook, language="en", enqueue=False)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, attempts=1)
    assert services.export_request(curriculum=handbook, language="en", enqueue=False).status == ExportJob.Status.QUEUED
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, attempts=services.MAX_ATTEMPTS)
    assert services.export_request(curriculum=handbook, language="en", enqueue=False).status == ExportJob.Status.FAILED


@pytest.fixture
def resolve_calls(monkeypatch):
    """Every edition_resolve of the export pipeline, counted (the request resolves in services, a render in documents)."""
    from curriculum.resolution import edition_resolve

    calls = []

    def counted(**kwargs):
        calls.append(kwargs)
        return edition_resolve(**kwargs)

    monkeypatch.setattr("exports.services.edition_resolve", counted)
    monkeypatch.setattr("exports.documents.edition_resolve", counted)
    return calls


@pytest.mark.parametrize(
    # The manual's 39: claim, parts (their rows read in one query; each of the two claimed with an update and a read,
    # here in a savepoint of the test's transaction: four), the front matter kept as a part is, the join.
    ("kind", "params", "render_queries"),
    [("manual", {}, 39), ("module", {"module": "session-1"}, 6)],
)
def test_one_pdf_job_resolves_its_edition_once_to_ask_and_once_to_render(
    handbook, resolve_calls, django_assert_num_queries, kind, params, render_queries
):
    # The manual of two modules is printed in parts (PDF_PARTS_MIN_MODULES = 2): claim, parts, join.
    with django_assert_num_queries(6):  # one of them: the published catalog's digest, for the fingerprint
        job = services.export_request(curriculum=handbook, language="en", kind=kind, params=params, enqueue=False)
    assert len(resolve_calls) == 1
    with django_assert_num_queries(render_queries):
        services.export_job_render(job_id=job.pk)
    assert len(resolve_calls) == 2
    # The render prints the versions the request pinned.
    assert resolve_calls[1]["version_ids"] == job.module_versions
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
