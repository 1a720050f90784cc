"""Tagged PDF/UA is the default: structure, title and language, and a file qpdf finds sound."""

import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from curriculum.demo.script_samples import sample_edition
from exports import rendering, services
from exports.models import ExportJob
from tests.pdf import pdf_info, pdf_text

from .test_print_profiles import qpdf_check

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["ar", "hi", "en"])
def test_the_manual_is_tagged_with_its_title_and_language(handbook, language):
    job = services.export_request(curriculum=handbook, language=language, enqueue=False)
    services.export_job_render(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error
    path = default_storage.path(job.file.name)
    info = pdf_info(path)
    assert info["Tagged"] == "yes"
    assert info["Title"] == handbook.title_en if language in ("en", "hi") else info["Title"] == handbook.title_ar
    root = PdfReader(path).trailer["/Root"]
    assert root["/Lang"] == language
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert job.report["pdf_variant"] == "pdf/ua-1"
    qpdf_check(path)


def test_actual_text_spans_keep_a_tagged_pdf_sound(tmp_path):
    edition = sample_edition("bn")
    path = tmp_path / "bn.pdf"
    path.write_bytes(rendering.html_to_pdf(rendering.edition_html(edition), title=edition.title).pdf)
    assert pdf_info(path)["Tagged"] == "yes"
    assert "সংখ্যা ও ক্ষমতা বাড়ে" in pdf_text(path)
    qpdf_check(path)


def test_a_plain_pdf_can_still_be_asked_for(tmp_path):
    path = tmp_path / "plain.pdf"
    path.write_bytes(rendering.html_to_pdf(rendering.edition_html(sample_edition("en")), pdf_variant=None).pdf)
    assert pdf_info(path)["Tagged"] == "no"
