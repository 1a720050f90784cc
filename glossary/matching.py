"""Finding glossary terms in a source text and preferred renderings in a translation (pure functions)."""

import re
import unicodedata
from dataclasses import dataclass

# Marks that writers of Arabic-script languages add or leave out freely: a rendering written with
# vowel signs (harakat) or a tatweel is used by a translation that has none, and the other way round.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# Persian written on an Arabic keyboard (and back): one letter, two code points.
_LETTER_VARIANTS = str.maketrans({"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9"})
# Zero-width (non-)joiners and soft hyphens: Persian "توانمند‌سازی" is typed with and without them.
_INVISIBLE = re.compile("[\u200c\u200d\u00ad]")
_SPACE = re.compile(r"\s+")
_VOWELS = set("aeiou")


def term_key(text):
    """A term as uniqueness sees it: case and spacing do not count."""
    return " ".join((text or "").split()).casefold()


def normalise(text):
    """A text as the rendering check compares it: case, spacing, Arabic vowel signs and joiners do not count."""
    text = unicodedata.normalize("NFC", text or "").casefold()
    text = _INVISIBLE.sub("", _ARABIC_MARKS.sub("", text)).translate(_LETTER_VARIANTS)
    return _SPACE.sub(" ", text).strip()


def uses_rendering(translation, forms):
    """Whether a translation uses one of the forms of a rendering (a substring once normalised).

    A substring, not a whole word: Arabic joins articles and prepositions to the word
    (القيادة, بالقيادة) and a Spanish plural keeps its singular inside. The check warns,
    it never blocks, so it leans towards silence.
    """
    text = normalise(translation)
    return any(normalise(form) and normalise(form) in text for form in forms)


def forms_used(translation, forms):
    """The forms (of a rendering to avoid, say) that a translation uses."""
    text = normalise(translation)
    return [form for form in forms if normalise(form) and normalise(form) in text]


def _word_pattern(word, inflect):
    escaped = re.escape(word)
    if not inflect or not word[-1:].isalpha():
        return escaped
    if word[-1:].lower() == "y" and word[-2:-1].lower() not in _VOWELS:
        return re.escape(word[:-1]) + "(?:y|ies)"  # community, communities
    if word[-1:].lower() in "sxz" or word[-2:].lower() in ("ch", "sh"):
        return escaped + "(?:es)?"  # consensus, consensuses
    return escaped + "s?"  # leader, leaders


def term_pattern(text, language):
    """A regular expression of one term: whole words, any spacing between them, English plurals of its last word."""
    words = text.split()
    inflect = language == "en"
    parts = [_word_pattern(word, inflect and index == len(words) - 1) for index, word in enumerate(words)]
    # Lookarounds rather than \b: a term may start or end with a hyphen or an apostrophe.
    return r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)"


@dataclass(frozen=True)
class Occurrence:
    start: int
    end: int
    term_id: int


class TermMatcher:
    """All terms of one source language in one regular expression; the longest term wins where two overlap."""

    def __init__(self, terms):
        ordered = sorted(
            ((term_id, text) for term_id, text, _language in terms if text.strip()),
            key=lambda item: -len(item[1]),
        )
        self.term_ids = [term_id for term_id, _text in ordered]
        languages = {term_id: language for term_id, _text, language in terms}
        self.regex = (
            re.compile(
                "|".join(f"({term_pattern(text, languages[term_id])})" for term_id, text in ordered), re.IGNORECASE
            )
            if ordered
            else None
        )

    def occurrences(self, text):
        if self.regex is None or not text:
            return []
        return [
            Occurrence(match.start(), match.end(), self.term_ids[match.lastindex - 1])
            for match in self.regex.finditer(text)
        ]
