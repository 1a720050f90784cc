"""Print profiles and packs: paper sizes, the photocopier variant, handouts, single modules, the edition footer."""

import subprocess

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from curriculum.models import Block
from curriculum.publishing import curriculum_publish
from curriculum.resolution import edition_resolve
from exports import services
from exports.models import ExportJob
from tests.factories import BlockFactory, ModuleFactory
from tests.pdf import pdf_info, pdf_text

pytestmark = pytest.mark.django_db


def _render(handbook, **request):
    job = services.export_request(curriculum=handbook, enqueue=False, **{"language": "en", **request})
    services.export_job_render(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error
    return job, default_storage.path(job.file.name)


def qpdf_check(path):
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def two_handouts(handbook):
    session = ModuleFactory(curriculum=handbook, slug="session-2", position=3, title_en="Deciding together")
    BlockFactory(module=session, key="scenario", position=1, kind=Block.Kind.SCENARIO, body_en="Amina's village meets.")
    BlockFactory(module=session, key="handout", position=2, kind=Block.Kind.HANDOUT, title_en="Decision card",
                 body_en="Who decides? Who is heard?")  # fmt: skip
    curriculum_publish(curriculum=handbook)
    return handbook


@pytest.mark.parametrize(
    ("profile", "size"), [("a4", "595.276 x 841.89"), ("letter", "612 x 792"), ("a5", "419.528 x 595.276")]
)
def test_each_paper_size_is_the_page_size_of_the_pdf(handbook, profile, size):
    job, path = _render(handbook, profile=profile)
    info = pdf_info(path)
    assert info["Page size"].startswith(size + " pts")
    assert int(info["Pages"]) == job.page_count
    qpdf_check(path)


def _colour_pixels(path, tmp_path):
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "page")], check=True)
    count = 0
    for image_path in sorted(tmp_path.glob("page*.png")):
        saturation = Image.open(image_path).convert("RGB").convert("HSV").getchannel("S")
        count += sum(saturation.histogram()[24:])
        image_path.unlink()
    return count


def test_the_photocopier_variant_prints_grays_only(handbook, tmp_path):
    _job, colour = _render(handbook)
    assert _colour_pixels(colour, tmp_path) > 100  # the ordinary manual has tinted headings and boxes
    job, gray = _render(handbook, params={"grayscale": True})
    assert _colour_pixels(gray, tmp_path) == 0
    assert job.download_filename().endswith("-en-grayscale.pdf")
    qpdf_check(gray)


def test_the_handout_pack_has_only_handouts_one_per_page(two_handouts):
    job, path = _render(two_handouts, kind="handouts")
    assert job.page_count == 2
    first, second = pdf_text(path, 1, 1), pdf_text(path, 2, 2)
    assert "Speak clearly" in first and "Decision card" not in first
    assert "Decision card" in second and "Who decides?" in second
    whole = pdf_text(path)
    assert "Arrange the chairs" not in whole and "Amina's village" not in whole
    assert "Table of contents" not in whole
    assert pdf_info(path)["Title"].startswith("Participant handouts")
    qpdf_check(path)


def test_a_module_prints_on_its_own(two_handouts):
    job, path = _render(two_handouts, kind="module", params={"module": "session-2"})
    text = pdf_text(path)
    assert "Deciding together" in text and "Amina's village meets." in text
    assert "Arrange the chairs" not in text and "Table of contents" not in text
    assert job.download_filename() == "leading-to-choices-core-module-session-2-en.pdf"
    assert job.module_versions and len(job.module_versions) == 1
    qpdf_check(path)


def test_an_unknown_module_is_refused(handbook):
    with pytest.raises(services.EditionNotAvailable):
        services.export_request(curriculum=handbook, language="en", kind="module", params={"module": "nope"})


def test_every_page_footer_names_the_edition_its_version_and_date(handbook, partner):
    job, path = _render(handbook, language="ar", partner=partner)
    code = edition_resolve(curriculum=handbook, language="ar", partner=partner).content_digest()[:8]
    for page in range(1, job.page_count + 1):
        text = pdf_text(path, page, page)
        assert partner.name in text and code in text, page
        assert job.finished_at.strftime("%Y-%m-%d") in text, page
    core, core_path = _render(handbook)
    for page in range(1, core.page_count + 1):
        text = pdf_text(core_path, page, page)
        assert "Core curriculum" in text and "edition " in text and "version 1" in text, page


def test_kind_parameters_and_profile_each_make_a_distinct_job(two_handouts):
    asks = [
        {},
        {"profile": "a5"},
        {"params": {"grayscale": True}},
        {"kind": "handouts"},
        {"kind": "handouts", "params": {"grayscale": True}},
        {"kind": "module", "params": {"module": "session-1"}},
        {"kind": "module", "params": {"module": "session-2"}},
    ]
    jobs = [services.export_request(curriculum=two_handouts, language="en", **ask) for ask in asks]
    assert len({job.fingerprint for job in jobs}) == len(asks)
    # An unset option is the same request as leaving it out.
    again = services.export_request(curriculum=two_handouts, language="en", params={"grayscale": False})
    assert again.pk == jobs[0].pk


def test_a_module_pdf_is_not_rebuilt_when_another_module_changes(two_handouts):
    before = services.export_request(
        curriculum=two_handouts, language="en", kind="module", params={"module": "session-2"}
    )
    block = Block.objects.get(key="welcome")
    block.body_en = "A new welcome."
    block.save()
    curriculum_publish(curriculum=two_handouts)
    after = services.export_request(
        curriculum=two_handouts, language="en", kind="module", params={"module": "session-2"}
    )
    assert after.pk == before.pk
    manual = services.export_request(curriculum=two_handouts, language="en")
    assert manual.module_versions != before.module_versions


def test_the_download_form_offers_documents_modules_and_grayscale(client, two_handouts):
    page = client.get(two_handouts.get_absolute_url())
    for needle in (b'name="document"', b'value="handouts"', b'value="session-2"', b'name="grayscale"'):
        assert needle in page.content
    data = {"curriculum": two_handouts.slug, "language": "fr", "profile": "a5", "document": "module",
            "module": "session-2", "grayscale": "on"}  # fmt: skip
    client.post(reverse("exports:request"), data)
    job = ExportJob.objects.get()
    assert (job.kind, job.params, job.profile) == ("module", {"module": "session-2", "grayscale": True}, "a5")


def test_the_form_refuses_a_module_document_without_a_module(client, handbook):
    data = {"curriculum": handbook.slug, "language": "en", "profile": "a4", "document": "module"}
    response = client.post(reverse("exports:request"), data, follow=True)
    assert not ExportJob.objects.exists()
    assert b"Choose the module to print." in response.content


def test_the_command_line_prints_a_grayscale_handout_pack(two_handouts, tmp_path):
    from django.core.management import call_command

    output = tmp_path / "handouts.pdf"
    call_command("export_edition", curriculum=two_handouts.slug, language="en", document="handouts",
                 grayscale=True, profile="a5", output=str(output), inline=True)  # fmt: skip
    job = ExportJob.objects.get()
    assert (job.kind, job.params, job.profile) == ("handouts", {"grayscale": True}, "a5")
    assert "Decision card" in pdf_text(output) and "Arrange the chairs" not in pdf_text(output)
