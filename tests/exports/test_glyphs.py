"""The glyph check: every character of the content has a glyph in its language's fonts, named when it has none."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from curriculum.demo.script_samples import BUTTERFLY, PRIVATE_USE, SAMPLES, YORUBA, sample_edition
from exports import documents, glyphs


def test_every_script_of_the_samples_has_its_glyphs():
    for language in SAMPLES:
        texts = documents.edition_texts(sample_edition(language))
        assert glyphs.missing_glyphs(texts) == [], language


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
    assert glyphs.missing_glyphs([glyphs.ContentText("m/k", language, text)]) == []


def test_an_emoji_and_a_private_use_character_are_named_with_their_code_points():
    problems = glyphs.missing_glyphs(
        [glyphs.ContentText("session-1/handout", "en", f"Draw a {BUTTERFLY} here {PRIVATE_USE}.")]
    )
    assert [(problem.where, problem.language) for problem in problems] == [("session-1/handout", "en")]
    assert set(problems[0].characters) == {BUTTERFLY, PRIVATE_USE}
    assert "U+1F98B" in problems[0].describe() and "U+E000" in problems[0].describe()


def test_a_character_missing_from_one_language_stack_is_caught_even_if_another_has_it():
    # Devanagari is in the Hindi stack, not in the Russian one: a Russian block must not rely on it.
    assert glyphs.missing_glyphs([glyphs.ContentText("m/k", "hi", "क")]) == []
    assert glyphs.missing_glyphs([glyphs.ContentText("m/k", "ru", "क")])[0].characters == ("क",)


def test_the_css_names_the_same_font_stacks_as_the_checker():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "pdf.css").read_text()
    for language, stack in glyphs.FONT_STACKS.items():
        if language == "default":
            match = re.search(r"^html, [^{]*\{\s*font-family: ([^;]+);", css, re.M)
        else:
            match = re.search(rf"^:lang\({language}\) {{ font-family: ([^;]+);", css, re.M)
        assert match, language
        families = [family.strip().strip('"') for family in match.group(1).split(",")]
        assert tuple(families[: len(stack)]) == stack and families[len(stack) :] in (["serif"], ["sans-serif"])


def test_the_fonts_are_read_from_the_files_fontconfig_names():
    files = glyphs.family_files("Noto Nastaliq Urdu")
    assert files and all(Path(path).is_file() for path, _index in files)
    assert ord("ہ") in glyphs.family_codepoints("Noto Nastaliq Urdu")
