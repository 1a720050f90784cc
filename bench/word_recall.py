"""Word recall of the PDFs: how much of the source text pdftotext gets back, per language.

    .venv/bin/python bench/word_recall.py [--languages en,ar,...] [--css EXTRA_CSS] [--variant pdf/ua-1]

Renders the demo edition in each of the fifteen languages (blocks without a translation
fall back and are measured in their fallback language), plus the fixed script samples of
curriculum/demo/script_samples.py (Hindi and Hausa have no demo translation), runs pdftotext and
counts how many of the source's words come back.

Normalisation, applied to source and extracted text alike: NFC; case folded; punctuation
and symbols become spaces; zero-width non-joiners and joiners (U+200C, U+200D) and marks
(U+200E/F) are removed; the embedding controls pdftotext puts around each run of the other
direction (U+202A–E, U+2066–9) become spaces, since they always separate two words (it
writes "‪ 45‬دقيقة", the space inside the number's run, so deleting them would glue the
number to the word). The ZWNJ is part of a Persian word (می‌خواهم), not a word boundary, and PDF text
has no way to carry it, so removing it on both sides counts the word as recovered when its
letters are; a ZWNJ turned into a space would still split the word and count as a loss.
Recall = |source words ∩ extracted words| (as multisets) / |source words|.
"""

import argparse
import re
import subprocess
import tempfile
import time
import unicodedata
from collections import Counter

from demo_setup import demo_setup
from figures import Column, Table

WORK, CURRICULUM = demo_setup("cc-recall-")

from django.conf import settings  # noqa: E402

from curriculum.demo.script_samples import SAMPLES, sample_edition  # noqa: E402
from curriculum.resolution import edition_resolve  # noqa: E402
from exports import documents, rendering, weasyprint_actualtext  # noqa: E402

INVISIBLE = {
    **dict.fromkeys([0x200C, 0x200D, 0x200E, 0x200F]),
    **dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)], " "),
}
TAG = re.compile(r"<[^>]+>")
TABLE = Table(
    Column("lang", 5, "<"),
    Column("demo words", 10, spec="d"),
    Column("own %", 6, spec=".0%"),
    Column("recall", 7, spec=".1%"),
    Column("pages", 5, spec="d"),
    Column("s", 5, spec=".1f"),
    Column("sample words", 12, spec="d", gap="   "),
    Column("recall", 7, spec=".1%"),
    rule=True,
)


def words(text):
    text = unicodedata.normalize("NFC", text).translate(INVISIBLE).casefold()
    text = "".join(" " if unicodedata.category(char)[0] in "PSZ" else char for char in text)
    return text.split()


def source_text(edition):
    """The edition's content as a reader sees it: Markdown rendered, tags dropped."""
    parts = [edition.title, edition.description]
    for module in edition.modules:
        parts += [module.title, module.summary]
        for block in module.blocks:
            parts += [block.title, TAG.sub(" ", block.body_html)]
    return "\n".join(parts).replace("&amp;", "&").replace("&#39;", "'").replace("&quot;", '"')


def recall(edition, extra_css="", variant=None):
    html = rendering.edition_html(edition)
    if extra_css:
        html = html.replace("</head>", f"<style>{extra_css}</style></head>", 1)
    started = time.perf_counter()
    result = rendering.html_to_pdf(html, title=edition.title, pdf_variant=variant or None)
    seconds = time.perf_counter() - started
    with tempfile.NamedTemporaryFile(suffix=".pdf", dir=WORK) as handle:
        handle.write(result.pdf)
        handle.flush()
        extracted = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", handle.name, "-"], check=True, capture_output=True, text=True
        ).stdout
    source = Counter(words(source_text(edition)))
    found = Counter(words(extracted))
    hit = sum((source & found).values())
    total = sum(source.values())
    lost = sorted((source - found).items(), key=lambda item: -item[1])[:4]
    return hit / total, total, result.page_count, seconds, lost


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--languages", default=",".join(settings.LANGUAGE_CODES))
    parser.add_argument("--css", default="", help="extra CSS appended to the print HTML (font experiments)")
    parser.add_argument("--variant", default="", help="WeasyPrint pdf_variant (default: plain, untagged)")
    parser.add_argument("--lost", action="store_true", help="show the most often lost words")
    parser.add_argument("--no-actual-text", action="store_true", help="plain WeasyPrint text (the 'before' figures)")
    args = parser.parse_args()
    weasyprint_actualtext.enabled = not args.no_actual_text

    curriculum = CURRICULUM
    print(f"variant={args.variant or 'plain'} actual_text={not args.no_actual_text} css={args.css or '-'}\n")
    TABLE.header()
    for language in args.languages.split(","):
        edition = edition_resolve(curriculum=curriculum, language=language)
        own = sum(1 for text in documents.edition_texts(edition) if text.language == language)
        share = own / len(documents.edition_texts(edition))
        demo, total, pages, seconds, lost = recall(edition, args.css, args.variant)
        cells = [language, total, share, demo, pages, seconds]
        if language in SAMPLES:
            sample, sample_total, _pages, _seconds, sample_lost = recall(
                sample_edition(language), args.css, args.variant
            )
            cells += [sample_total, sample]
            lost += sample_lost
        TABLE.row(*cells)
        if args.lost and lost:
            print("      lost:", ", ".join(f"{word}×{count}" for word, count in lost))


if __name__ == "__main__":
    main()
