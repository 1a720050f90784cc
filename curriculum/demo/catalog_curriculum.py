"""A curriculum of real translations nobody here wrote: Django's own message catalogs, as an import file.

The word-recall bench and tests print it to see how text written by others copies back out
of the PDFs. Each module is one of Django's catalogs (the core and its contrib apps); each
block is a run of its sentences, in English and in every language whose catalog has them.
Django has no Hausa catalog: Hausa gets Debian's iso-codes country names
(/usr/share/locale/ha/LC_MESSAGES/iso_3166-1.mo) as a module of its own.
"""

import re
from functools import cache
from pathlib import Path

import django
import polib
from django.conf import settings

DJANGO_DIR = Path(django.__file__).resolve().parent
# Our codes are Django's locale directory names for every language that has one.
CATALOG_LOCALES = {code: code for code in settings.LANGUAGE_CODES if code not in {"en", "ha"}}
CATALOG_APPS = ("core", "admin", "auth", "contenttypes", "humanize", "sites", "flatpages", "redirects", "postgres")
COUNTRY_CATALOG = "/usr/share/locale/{language}/LC_MESSAGES/iso_3166-1.mo"
COUNTRY_LANGUAGES = ("ha",)
# Placeholders, markup and Markdown syntax would not print as the sentence reads.
UNPRINTABLE = re.compile(r"[%{}<>*_#`|\\\[\]]")
SENTENCES_PER_BLOCK = 8
BLOCKS_PER_MODULE = 5
SLUG = "django-catalogs"


def _catalog_path(app, locale):
    base = DJANGO_DIR / "conf" if app == "core" else DJANGO_DIR / "contrib" / app
    return base / "locale" / locale / "LC_MESSAGES" / "django.po"


def _printable(text):
    return bool(text) and not UNPRINTABLE.search(text) and "\n" not in text


@cache
def catalog(app, language):
    """The translated sentences of one catalog: English msgid → msgstr (nothing fuzzy, no plurals, no placeholders)."""
    path = _catalog_path(app, CATALOG_LOCALES.get(language, language))
    if language not in CATALOG_LOCALES or not path.exists():
        return {}
    return {
        entry.msgid: entry.msgstr.strip()
        for entry in polib.pofile(str(path))
        if entry.translated()
        and not entry.fuzzy
        and not entry.msgid_plural
        and " " in entry.msgid
        and _printable(entry.msgid)
        and _printable(entry.msgstr)
    }


@cache
def country_names(language):
    path = Path(COUNTRY_CATALOG.format(language=language))
    if not path.exists():
        return {}
    return {entry.msgid: entry.msgstr for entry in polib.mofile(str(path)) if _printable(entry.msgstr) and entry.msgstr}


def languages_without_catalog():
    """Our languages Django has no catalog for (they are measured on country names or fall back)."""
    return [code for code in settings.LANGUAGE_CODES if code != "en" and not catalog("core", code)]


def _blocks(sentences, translations):
    blocks = []
    for start in range(0, len(sentences), SENTENCES_PER_BLOCK):
        chunk = sentences[start : start + SENTENCES_PER_BLOCK]
        body = {"en": "\n\n".join(chunk)}
        for language, table in translations.items():
            translated = [table[msgid] for msgid in chunk if msgid in table]
            if len(translated) == len(chunk):  # a block is translated whole or falls back whole
                body[language] = "\n\n".join(translated)
        blocks.append({"key": f"block-{len(blocks) + 1}", "kind": "text", "body": body})
    return blocks


def catalog_curriculum():
    """The import file (the shape `curriculum_import` reads) of the real-text curriculum."""
    modules = []
    for app in CATALOG_APPS:
        translations = {language: catalog(app, language) for language in CATALOG_LOCALES}
        translations = {language: table for language, table in translations.items() if table}
        if not translations:
            continue
        # The sentences most languages translated, so every edition has its own text to measure.
        candidates = set().union(*translations.values())
        ranked = sorted(candidates, key=lambda msgid: (-sum(msgid in t for t in translations.values()), msgid))
        sentences = ranked[: SENTENCES_PER_BLOCK * BLOCKS_PER_MODULE]
        modules.append(
            {
                "slug": f"catalog-{app}",
                "kind": "session",
                "title": {"en": f"Django {app} messages"},
                "blocks": _blocks(sentences, translations),
            }
        )
    countries = {language: country_names(language) for language in COUNTRY_LANGUAGES}
    countries = {language: table for language, table in countries.items() if table}
    if countries:
        names = sorted(set().union(*countries.values()))[: SENTENCES_PER_BLOCK * BLOCKS_PER_MODULE]
        modules.append(
            {"slug": "country-names", "kind": "appendix", "title": {"en": "Country names"},
             "blocks": _blocks(names, countries)}
        )  # fmt: skip
    return {
        "slug": SLUG,
        "source_language": "en",
        "title": {"en": "Interface messages of Django, translated by its community"},
        "description": {"en": "Real third-party translations, printed to measure how text copies out of the PDFs."},
        "modules": modules,
    }
