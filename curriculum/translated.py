"""Translated fields: which fields carry translations, reading them all, picking one along the fallback chain."""

from django.conf import settings

CURRICULUM_FIELDS = ("title", "description")
MODULE_FIELDS = ("title", "topic", "summary")
BLOCK_FIELDS = ("title", "body")


def language_chain(language):
    """The language itself, then its explicit fallbacks; every chain ends in English."""
    chain = [language]
    for code in settings.CONTENT_FALLBACKS.get(language, settings.CONTENT_FALLBACKS["default"]):
        if code not in chain:
            chain.append(code)
    return chain


def language_direction(language):
    return "rtl" if language in settings.RTL_LANGUAGES else "ltr"


def translations_of(obj, field_name):
    """Every non-empty translation of a modeltranslation field, by language."""
    values = {}
    for code in settings.LANGUAGE_CODES:
        value = getattr(obj, f"{field_name}_{code}", None)
        if value:
            values[code] = value
    return values


def pick(translations, language):
    """(text, language it is in) along the fallback chain; ("", language) if none."""
    for code in language_chain(language):
        if translations.get(code):
            return translations[code], code
    return "", language


def set_translations(obj, field_name, values):
    """Write every language's column of a translated field: the given texts, empty for the rest."""
    for code in settings.LANGUAGE_CODES:
        setattr(obj, f"{field_name}_{code}", values.get(code, "") or "")
