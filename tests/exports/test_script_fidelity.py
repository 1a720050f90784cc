"""No tofu: every character of the content has a glyph in its language's fonts, or no PDF is made."""

import re
from unittest import mock

import pytest
from django.core.files.storage import default_storage

from curriculum.demo.script_samples import BUTTERFLY, SAMPLES, sample_edition
from curriculum.models import Block
from curriculum.publishing import curriculum_publish
from exports import rendering, services, weasyprint_actualtext
from exports.models import ExportJob
from tests.pdf import pdf_text


@pytest.mark.django_db
def test_a_job_whose_content_would_print_a_box_fails_naming_characters_block_and_language(handbook):
    block = Block.objects.get(key="facilitator-note")
    block.body_ru = f"Расставьте стулья по кругу {BUTTERFLY}."
    block.save()
    curriculum_publish(curriculum=handbook)
    job = services.export_request(curriculum=handbook, language="ru", enqueue=False)
    assert services.export_job_render(job_id=job.pk) is None
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert "U+1F98B" in job.error
    assert "session-1/facilitator-note" in job.error
    assert "Russian" in job.error
    assert not job.file and not default_storage.exists(job.storage_name())


@pytest.mark.django_db
def test_the_manual_of_every_script_renders_with_its_letters_searchable(tmp_path):
    for language in ("tg", "ky", "ha", "ru"):
        edition = sample_edition(language)
        result = rendering.html_to_pdf(rendering.edition_html(edition), title=edition.title)
        path = tmp_path / f"{language}.pdf"
        path.write_bytes(result.pdf)
        text = pdf_text(path)
        for word in SAMPLES[language]["items"][0].split():
            assert word in text, (language, word)
        assert result.warnings == [], result.warnings


def test_weasyprints_missing_glyph_warnings_are_captured():
    result = rendering.html_to_pdf(f'<html lang="en"><body><p>Draw a {BUTTERFLY}</p></body></html>')
    assert any("U+1F98B" in warning and warning.startswith(".notdef glyph") for warning in result.warnings)


@pytest.mark.django_db
def test_a_box_the_renderer_warns_about_also_stops_the_pdf(handbook):
    block = Block.objects.get(key="facilitator-note")
    block.body_en = f"Arrange the chairs {BUTTERFLY}."
    block.save()
    curriculum_publish(curriculum=handbook)
    job = services.export_request(curriculum=handbook, language="en", enqueue=False)
    # As if the glyph table were wrong: the renderer's own warning must still stop the PDF.
    with mock.patch("exports.glyphs.missing_glyphs", return_value=[]):
        services.export_job_render(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and "U+1F98B" in job.error
    assert not default_storage.exists(job.storage_name())


@pytest.mark.parametrize("language", ["hi", "bn"])
def test_indic_text_copies_out_of_the_pdf_as_it_was_written(language, tmp_path):
    edition = sample_edition(language)
    path = tmp_path / f"{language}.pdf"
    path.write_bytes(rendering.html_to_pdf(rendering.edition_html(edition)).pdf)
    text = pdf_text(path)
    sample = SAMPLES[language]
    for word in re.findall(r"[^\s।:(),.]+", sample["body"] + " " + " ".join(sample["items"])):
        assert word in text, word
    assert "सिंख्या" not in text


def test_without_actual_text_the_glyph_map_garbles_devanagari(tmp_path, monkeypatch):
    # The reason for the spans: plain WeasyPrint output reads back wrong.
    monkeypatch.setattr(weasyprint_actualtext, "enabled", False)
    path = tmp_path / "hi.pdf"
    path.write_bytes(rendering.html_to_pdf(rendering.edition_html(sample_edition("hi"))).pdf)
    assert "नेतृत्व एक अभ्यास है" not in pdf_text(path)
