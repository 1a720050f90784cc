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


def _mark_ranges():
    """Every combining mark of the Basic Multilingual Plane as a character class body (vowel signs, viramas, harakat)."""
    ranges, start, previous = [], None, None
    for code in range(0x300, 0x10000):
        if unicodedata.category(chr(code)).startswith("M"):
            if start is None:
                start = code
            elif code != previous + 1:
                ranges.append((start, previous))
                start = code
            previous = code
    ranges.append((start, previous))
    return "".join(f"\\u{low:04x}-\\u{high:04x}" for low, high in ranges)


# A word: letters, digits and the marks that belong to them (Python's \w leaves vowel signs out, so
# नेतृत्व would fall apart), joined inside by a hyphen, an apostrophe or a zero-width (non-)joiner.
_LETTER = rf"[\w{_mark_ranges()}]"
_TOKEN = re.compile(rf"{_LETTER}+(?:[-'\u2019\u200c\u200d]{_LETTER}+)*")
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


def _plurals(word):
    """A word and its English plural: leader(s), community/communities, consensus(es)."""
    if not word[-1:].isalpha():
        return {word}
    if word.endswith("y") and word[-2:-1] not in _VOWELS:
        return {word, word[:-1] + "ies"}
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return {word, word + "es"}
    return {word, word + "s"}


def words(text):
    """(word, start, end) of each word of a text, casefolded; punctuation and markup around words are not part of them."""
    found = []
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        if match.group().casefold().endswith(("'s", "\u2019s")):  # leader's: the word is "leader"
            end -= 2
        found.append((text[start:end].casefold(), start, end))
    return found


@dataclass(frozen=True)
class Occurrence:
    start: int
    end: int
    term_id: int


class TermMatcher:
    """Every term of the glossary looked up word by word: whole words, the longest term first where two overlap.

    One dictionary lookup per word of the text, whatever the number of terms (a regular
    expression of 500 alternatives took 20 s on the demo curriculum; this takes milliseconds).
    The words of a multiword term may be separated by any spacing (a line break in Markdown);
    the last word of an English term also matches its plural.
    """

    def __init__(self, terms):
        self.by_first_word = {}
        for term_id, text, language in terms:
            term_words = [word for word, _start, _end in words(text)]
            if not term_words:
                continue
            forms = [{word} for word in term_words]
            if language == "en":
                forms[-1] = _plurals(term_words[-1])
            for first in forms[0]:
                self.by_first_word.setdefault(first, []).append((term_id, forms))
        for candidates in self.by_first_word.values():
            candidates.sort(key=lambda candidate: -len(candidate[1]))

    def occurrences(self, text):
        found = words(text or "") if self.by_first_word else []
        result, index = [], 0
        while index < len(found):
            length = 0
            for term_id, forms in self.by_first_word.get(found[index][0], ()):
                if self._matches(text, found, index, forms):
                    length = len(forms)
                    result.append(Occurrence(found[index][1], found[index + length - 1][2], term_id))
                    break
            index += length or 1
        return result

    @staticmethod
    def _matches(text, found, index, forms):
        if index + len(forms) > len(found):
            return False
        for offset, allowed in enumerate(forms):
            word, start, _end = found[index + offset]
            if word not in allowed:
                return False
            # Only spacing between the words of a term: "power, with" is not "power with".
            if offset and text[found[index + offset - 1][2] : start].strip():
                return False
        return True
