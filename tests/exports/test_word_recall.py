"""Every script copies out of the PDF: at least 95% of the words come back from pdftotext, on the samples and on real translations."""

import pytest
from django.core.files.storage import default_storage

from curriculum.demo.catalog_curriculum import catalog_curriculum
from curriculum.demo.script_samples import SAMPLES, sample_edition
from curriculum.exchange import curriculum_import
from curriculum.resolution import edition_resolve
from exports import rendering, services, weasyprint_actualtext
from exports.models import ExportJob
from exports.text_recall import edition_source_text, pdf_text, word_recall

GOAL = 0.95
# One language per script of the real-text curriculum: Latin, Latin with hooks (Hausa's
# country names), Cyrillic, Arabic with harakat, Persian with ZWNJ, Urdu Nastaliq, Devanagari, Bengali.
SCRIPT_LANGUAGES = ("fr", "ha", "ru", "ar", "fa", "ur", "hi", "bn")


def sample_recall(language, tmp_path):
    edition = sample_edition(language)
    path = tmp_path / f"{language}.pdf"
    path.write_bytes(rendering.html_to_pdf(rendering.edition_html(edition), title=edition.title).pdf)
    return word_recall(edition_source_text(edition), pdf_text(path))


@pytest.mark.parametrize("language", SAMPLES)
def test_the_sample_of_every_language_comes_back_from_pdftotext(language, tmp_path):
    recall = sample_recall(language, tmp_path)
    assert recall.share >= GOAL, (language, f"{recall.share:.1%}", recall.lost)


@pytest.mark.parametrize("language", ["ur", "ar"])
def test_without_the_arabic_script_spans_the_glyph_map_loses_words(language, tmp_path, monkeypatch):
    # The reason for the spans: Nastaliq's shared letter skeletons and Arabic's raised marks.
    monkeypatch.setattr(weasyprint_actualtext, "right_to_left", False)
    assert sample_recall(language, tmp_path).share < GOAL


@pytest.fixture
def real_texts(db):
    return curriculum_import(data=catalog_curriculum())


@pytest.mark.django_db
@pytest.mark.parametrize("language", SCRIPT_LANGUAGES)
def test_real_translations_imported_and_exported_come_back_from_pdftotext(real_texts, language):
    edition = edition_resolve(curriculum=real_texts, language=language)
    assert any(block.language == language for module in edition.modules for block in module.blocks)
    job = services.export_request(curriculum=real_texts, language=language, enqueue=False)
    services.export_job_render(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error  # a missing glyph would have failed it
    recall = word_recall(edition_source_text(edition), pdf_text(default_storage.path(job.file.name)))
    assert recall.share >= GOAL, (language, f"{recall.share:.1%}", recall.lost)
    own = word_recall(edition_source_text(edition, language=language), pdf_text(default_storage.path(job.file.name)))
    assert own.share >= GOAL, (language, f"{own.share:.1%}", own.lost)
