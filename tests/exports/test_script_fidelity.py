"""No tofu: every character of the content has a glyph in its language's fonts, or no PDF is made."""

import re
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.storage import default_storage

from curriculum.demo.script_samples import SAMPLES, YORUBA, sample_edition
from curriculum.models import Block
from curriculum.services import curriculum_publish
from exports import documents, rendering, services
from exports.models import ExportJob
from tests.pdf import pdf_text

BUTTERFLY = "\U0001f98b"  # an emoji: fonts-noto-core has no emoji font
PRIVATE_USE = "\ue000"


def test_every_script_of_the_samples_has_its_glyphs():
    for language in SAMPLES:
        texts = documents.edition_texts(sample_edition(language))
        assert rendering.missing_glyphs(texts) == [], language


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("tg", "ҷ ҳ ӣ ӯ қ ғ Ҷ Ҳ Ӣ Ӯ"),
        ("ky", "ң ө ү Ң Ө Ү"),
        ("ha", "ɓ ɗ ƙ ƴ Ɓ Ɗ Ƙ Ƴ"),
        ("ha", YORUBA),
        ("ur", "اردو ہے ں ے ۓ ۔ ٹ ڈ ڑ"),
        ("fa", "می‌خواهم گچپژ ۱۲۳"),
        ("hi", "संख्या क्षमता स्त्री ॐ"),
        ("bn", "সংখ্যা ক্ষমতা ৎ"),
    ],
)
def test_letters_of_every_script_are_covered(language, text):
    assert rendering.missing_glyphs([rendering.ContentText("m/k", language, text)]) == []


def test_an_emoji_and_a_private_use_character_are_named_with_their_code_points():
    problems = rendering.missing_glyphs(
        [rendering.ContentText("session-1/handout", "en", f"Draw a {BUTTERFLY} here {PRIVATE_USE}.")]
    )
    assert [(problem.where, problem.language) for problem in problems] == [("session-1/handout", "en")]
    assert set(problems[0].characters) == {BUTTERFLY, PRIVATE_USE}
    assert "U+1F98B" in problems[0].describe() and "U+E000" in problems[0].describe()


def test_a_character_missing_from_one_language_stack_is_caught_even_if_another_has_it():
    # Devanagari is in the Hindi stack, not in the Russian one: a Russian block must not rely on it.
    assert rendering.missing_glyphs([rendering.ContentText("m/k", "hi", "क")]) == []
    assert rendering.missing_glyphs([rendering.ContentText("m/k", "ru", "क")])[0].characters == ("क",)


def test_the_css_names_the_same_font_stacks_as_the_checker():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "pdf.css").read_text()
    for language, stack in rendering.FONT_STACKS.items():
        if language == "default":
            match = re.search(r"^html, [^{]*\{\s*font-family: ([^;]+);", css, re.M)
        else:
            match = re.search(rf"^:lang\({language}\) {{ font-family: ([^;]+);", css, re.M)
        assert match, language
        families = [family.strip().strip('"') for family in match.group(1).split(",")]
        assert tuple(families[: len(stack)]) == stack and families[len(stack) :] in (["serif"], ["sans-serif"])


def test_the_fonts_are_read_from_the_files_fontconfig_names():
    files = rendering.family_files("Noto Nastaliq Urdu")
    assert files and all(Path(path).is_file() for path, _index in files)
    assert ord("ہ") in rendering.family_codepoints("Noto Nastaliq Urdu")


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
    with mock.patch("exports.rendering.missing_glyphs", return_value=[]):
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
    monkeypatch.setattr(rendering, "actual_text_enabled", False)
    path = tmp_path / "hi.pdf"
    path.write_bytes(rendering.html_to_pdf(rendering.edition_html(sample_edition("hi"))).pdf)
    assert "नेतृत्व एक अभ्यास है" not in pdf_text(path)
