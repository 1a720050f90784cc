"""The interface catalogs: valid, present for every language, complete where the project promises it."""

import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation import check_for_language

LOCALE = Path(settings.BASE_DIR) / "locale"
COMPLETE_LANGUAGES = ["fr", "ar", "fa", "ru", "hi"]


def catalog(code):
    return LOCALE / code / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("code", settings.LANGUAGE_CODES)
def test_every_language_has_a_valid_catalog(code):
    result = subprocess.run(
        ["msgfmt", "--check-format", "--check-header", "-o", "/dev/null", str(catalog(code))],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    # Without a compiled catalog Django does not activate the language, and /<code>/ is a 404.
    assert check_for_language(code)


@pytest.mark.parametrize("code", COMPLETE_LANGUAGES)
def test_the_main_languages_are_completely_translated(code):
    po = polib.pofile(str(catalog(code)))
    missing = [entry.msgid for entry in po.untranslated_entries() + po.fuzzy_entries()]
    assert not missing, f"{code}: {len(missing)} untranslated, e.g. {missing[:3]}"


@pytest.mark.parametrize("code", settings.LANGUAGE_CODES)
def test_translations_keep_their_placeholders(code):
    for entry in polib.pofile(str(catalog(code))).translated_entries():
        for placeholder in ("%(", "{{"):
            if entry.msgid.count(placeholder) and not entry.msgid_plural:
                assert entry.msgstr.count(placeholder) == entry.msgid.count(placeholder), entry.msgid
