"""The State of the Partnership review: figures, fingerprint, the secretariat's request and a real worker's PDF."""

from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from exports.models import ExportJob
from tests.pdf import pdf_info, pdf_text
from tests.processes import wait_for
from workshops.review import review_digest, review_figures, review_request


@pytest.fixture
def year_of_workshops(partner, other_partner, make_workshop):
    tot = make_workshop(partner, kind="national_tot", start_date=date(2025, 1, 10), end_date=date(2025, 1, 12))
    make_workshop(partner, parent_tot=tot, place="Mafraq")
    make_workshop(other_partner, language="sw", participants_women=30, participants_men=0, participants_total=30)
    make_workshop(other_partner, start_date=date(2024, 5, 1), end_date=date(2024, 5, 1))  # another year
    return tot


@pytest.mark.django_db
def test_the_figures_cover_the_year_only(year_of_workshops, partner, other_partner):
    figures = review_figures(year=2025)
    assert figures["totals"] == {"workshops": 3, "participants": 70, "women": 66, "men": 4, "replications": 1}
    assert figures["partners"][str(other_partner.pk)]["languages"] == {"sw": 30}
    assert figures["partners"][str(partner.pk)]["kinds"] == {"national_tot": 20, "workshop": 20}
    assert figures["new_versions"] == []
    # The handbook's two modules were published when the test set it up.
    assert len(review_figures(year=timezone.now().year)["new_versions"]) == 2
    assert figures["new_edition_versions"] == []


@pytest.mark.django_db
def test_a_new_workshop_changes_the_fingerprint_and_the_same_figures_share_a_job(
    year_of_workshops, partner, make_workshop, django_capture_on_commit_callbacks
):
    before = review_digest(review_figures(year=2025))
    with django_capture_on_commit_callbacks():
        first = review_request(year=2025, language="en")
        again = review_request(year=2025, language="en")
        arabic = review_request(year=2025, language="ar")
    assert first.pk == again.pk and arabic.pk != first.pk
    make_workshop(partner, place="Jerash")
    assert review_digest(review_figures(year=2025)) != before
    with django_capture_on_commit_callbacks():
        assert review_request(year=2025, language="en").pk != first.pk


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["partner_editor", "outsider"])
def test_it_refuses_everyone_but_the_secretariat(request, client, persona, year_of_workshops):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("workshops:review")).status_code == 403
    assert client.post(reverse("workshops:review-request"), {"year": 2025, "language": "en"}).status_code == 403
    assert not ExportJob.objects.exists()


@pytest.mark.django_db
def test_a_finished_review_is_not_served_to_others(client, secretariat, partner_editor, year_of_workshops):
    job = ExportJob.objects.create(fingerprint="f" * 64, kind="review", params={"year": 2025}, language="en",
                                   status="done", file="exports/ff/x.pdf")  # fmt: skip
    default_storage.save("exports/ff/x.pdf", __import__("io").BytesIO(b"%PDF-1.7"))
    client.force_login(partner_editor)
    assert client.get(reverse("workshops:review-download", args=[job.pk])).status_code == 403
    # The public job pages only know published curricula's manuals.
    assert client.get(reverse("exports:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404
    client.force_login(secretariat)
    download = client.get(reverse("workshops:review-download", args=[job.pk]))
    assert download.status_code == 200
    assert 'filename="state-of-the-partnership-2025-en.pdf"' in download["Content-Disposition"]
    # Served like every stored file (one way: exports.serving), but kept out of shared caches.
    assert download["Cache-Control"].startswith("private")
    assert client.get(download.wsgi_request.path, HTTP_IF_NONE_MATCH=download["ETag"]).status_code == 304
    part = client.get(download.wsgi_request.path, HTTP_RANGE="bytes=2-4")
    assert part.status_code == 206 and b"".join(part.streaming_content) == b"DF-"


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_worker_renders_the_review_in_english_and_arabic(
    client, secretariat, handbook, partner, year_of_workshops, pdf_worker
):
    from datetime import UTC, datetime

    from curriculum.models import Edition, EditionVersion

    version = EditionVersion.objects.create(edition=Edition.objects.create(curriculum=handbook, partner=partner),
                                            number=1, snapshot={})  # fmt: skip
    EditionVersion.objects.filter(pk=version.pk).update(published_at=datetime(2025, 6, 1, tzinfo=UTC))
    client.force_login(secretariat)
    for language in ["en", "ar"]:
        response = client.post(reverse("workshops:review-request"), {"year": 2025, "language": language})
        assert response.status_code == 302
    jobs = list(ExportJob.objects.filter(kind="review"))
    assert len(jobs) == 2

    def finished():
        return all(job.is_finished for job in ExportJob.objects.filter(kind="review"))

    wait_for(finished, timeout=120)
    for job in ExportJob.objects.filter(kind="review"):
        assert job.status == "done", job.error or pdf_worker.log()[-2000:]
        path = default_storage.path(job.file.name)
        text = pdf_text(path)
        assert "Tamkeen Women's Forum" in text and "Sauti ya Wanawake" in text
        assert "Communicating with purpose" in text or "التواصل الهادف" in text
        assert int(pdf_info(path)["Pages"]) == 5  # cover, totals, two partners, new versions
        assert "No module was published this year." in text or job.language == "ar"
        assert "Tamkeen Women's Forum · Leading to Choices · version 1" in text or job.language == "ar"
        assert job.report["partners"] == 2 and not job.report["warnings"]
    arabic = ExportJob.objects.get(kind="review", language="ar")
    assert "التواصل الهادف" in pdf_text(default_storage.path(arabic.file.name))  # module titles in Arabic
    page = client.get(reverse("workshops:review")).content.decode()
    assert page.count(reverse("workshops:review-download", args=[arabic.pk])) == 1
    download = client.get(reverse("workshops:review-download", args=[arabic.pk]))
    assert download["Content-Type"] == "application/pdf"
