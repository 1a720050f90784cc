"""Word recall: how much of an edition's text comes back out of its PDF with pdftotext (the bench and the tests measure it).

Normalisation, applied to source and extracted text alike: NFC; case folded; punctuation
and symbols become spaces; zero-width non-joiners and joiners (U+200C, U+200D) and marks
(U+200E/F) are removed; the embedding controls pdftotext puts around each run of the other
direction (U+202A–E, U+2066–9) become spaces, since they always separate two words (it
writes "‪ 45‬دقيقة", the space inside the number's run, so deleting them would glue the
number to the word). The ZWNJ is part of a Persian word (می‌خواهم), not a word boundary;
pdftotext drops it, so removing it on both sides counts the word as recovered when its
letters are; a ZWNJ turned into a space would still split the word and count as a loss.
Recall = |source words ∩ extracted words| (as multisets) / |source words|.
"""

import html
import re
import subprocess
import unicodedata
from collections import Counter
from dataclasses import dataclass

INVISIBLE = {
    **dict.fromkeys([0x200C, 0x200D, 0x200E, 0x200F]),
    **dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)], " "),
}
TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Recall:
    share: float
    words: int
    lost: list  # the most often lost words, as (word, count)


def words(text):
    text = unicodedata.normalize("NFC", text).translate(INVISIBLE).casefold()
    text = "".join(" " if unicodedata.category(char)[0] in "PSZ" else char for char in text)
    return text.split()


def edition_source_text(edition, *, language=None):
    """The edition's content as a reader sees it (Markdown rendered, tags dropped); only one language's pieces if given."""
    pieces = [(edition.title_language, edition.title), (edition.description_language, edition.description)]
    for module in edition.modules:
        pieces += [(module.title_language, module.title), (module.summary_language, module.summary)]
        pieces += [(block.language, block.title) for block in module.blocks]
        pieces += [(block.language, TAG.sub(" ", block.body_html)) for block in module.blocks]
    return html.unescape("\n".join(piece for piece_language, piece in pieces if language in (None, piece_language)))


def pdf_text(path):
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def word_recall(source, extracted):
    """The share of the source's words found in the extracted text, counted as multisets."""
    source_words, found = Counter(words(source)), Counter(words(extracted))
    total = sum(source_words.values())
    hit = sum((source_words & found).values())
    lost = sorted((source_words - found).items(), key=lambda item: -item[1])[:4]
    return Recall(share=hit / total if total else 1.0, words=total, lost=lost)
