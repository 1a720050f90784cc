"""Word recall of the PDFs: how much of the source text pdftotext gets back, per language and kind of text, before and after issue 14.

    .venv/bin/python bench/word_recall.py [--languages en,ar,...] [--css EXTRA_CSS] [--variant pdf/ua-1] [--lost]

Three texts per language, each printed twice in this one run: "before" with the ActualText
spans of Indic lines only (the behaviour until issue 14), "after" with Arabic-script lines
too (exports/weasyprint_actualtext.py):
- demo: the demo edition (blocks without a translation fall back and are measured in their
  fallback language);
- samples: the fixed sample of curriculum/demo/script_samples.py;
- catalogs: real third-party translations (Django's own catalogs, Hausa: iso-codes' country
  names; curriculum/demo/catalog_curriculum.py), imported with `import_curriculum` and
  exported with `export_edition --inline`: the real pipeline, tagged PDF/UA, parts and all.
"boxes" counts missing glyphs: characters no font of the language draws, and the renderer's
own .notdef warnings. Normalisation and recall: exports/text_recall.py.
"""

import argparse
import io
import json
import time

from demo_setup import demo_setup
from figures import Column, Table

WORK, CURRICULUM = demo_setup("cc-recall-")

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from curriculum.demo.catalog_curriculum import SLUG, catalog_curriculum, languages_without_catalog  # noqa: E402
from curriculum.demo.script_samples import sample_edition  # noqa: E402
from curriculum.models import Curriculum  # noqa: E402
from curriculum.resolution import edition_resolve  # noqa: E402
from exports import documents, glyphs, rendering, weasyprint_actualtext  # noqa: E402
from exports.models import ExportJob, RenderedPart  # noqa: E402
from exports.text_recall import edition_source_text, pdf_text, word_recall  # noqa: E402

TEXTS = ("demo", "samples", "catalogs")
TABLE = Table(
    Column("lang", 5, "<"),
    *(
        column
        for text in TEXTS
        for column in (
            Column(f"{text} words", 13, spec="d", gap="   "),
            Column("before", 7, spec=".1%"),
            Column("after", 7, spec=".1%"),
        )
    ),
    Column("own %", 6, spec=".0%", gap="   "),
    Column("boxes", 5, spec="d"),
    Column("s", 5, spec=".1f"),
    rule=True,
)


def render(edition, extra_css="", variant=None):
    """The pdftotext text of the edition printed with rendering.html_to_pdf, and the renderer's .notdef warnings."""
    html = rendering.edition_html(edition)
    if extra_css:
        html = html.replace("</head>", f"<style>{extra_css}</style></head>", 1)
    result = rendering.html_to_pdf(html, title=edition.title, pdf_variant=variant or None)
    path = f"{WORK}/render.pdf"
    with open(path, "wb") as handle:
        handle.write(result.pdf)
    return pdf_text(path), [warning for warning in result.warnings if warning.startswith(".notdef")]


def exported(language):
    """The pdftotext text of the real-text curriculum exported through the pipeline, a fresh render each time."""
    ExportJob.objects.all().delete()
    RenderedPart.objects.all().delete()
    path = f"{WORK}/catalogs-{language}.pdf"
    call_command("export_edition", curriculum=SLUG, language=language, inline=True, output=path, stdout=io.StringIO())
    return pdf_text(path), []


def boxes(edition, warnings):
    return sum(len(problem.characters) for problem in glyphs.missing_glyphs(documents.edition_texts(edition))) + len(
        warnings
    )


def before_after(edition, render_text):
    """Recall with the Indic spans only, then with the Arabic-script spans too; the lost words and boxes of 'after'."""
    source = edition_source_text(edition)
    figures = []
    for right_to_left in (False, True):
        weasyprint_actualtext.right_to_left = right_to_left
        text, warnings = render_text()
        figures.append(word_recall(source, text))
    return figures, boxes(edition, warnings)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--languages", default=",".join(settings.LANGUAGE_CODES))
    parser.add_argument("--css", default="", help="extra CSS appended to the print HTML of demo and samples")
    parser.add_argument("--variant", default="", help="WeasyPrint pdf_variant of demo and samples (default: plain)")
    parser.add_argument("--lost", action="store_true", help="show the most often lost words (after)")
    args = parser.parse_args()

    catalog_file = f"{WORK}/catalogs.json"
    with open(catalog_file, "w", encoding="utf-8") as handle:
        json.dump(catalog_curriculum(), handle, ensure_ascii=False)
    call_command("import_curriculum", catalog_file, verbosity=0)
    catalogs = Curriculum.objects.get(slug=SLUG)
    print(f"variant={args.variant or 'plain'} (catalogs: the pipeline's own) css={args.css or '-'}")
    print(f"no Django catalog: {', '.join(languages_without_catalog())} (country names from iso-codes instead)\n")
    TABLE.header()
    for language in args.languages.split(","):
        started = time.perf_counter()
        cells, lost, total_boxes = [language], [], 0
        demo = edition_resolve(curriculum=CURRICULUM, language=language)
        sample = sample_edition(language)
        real = edition_resolve(curriculum=catalogs, language=language)
        for edition, render_text in (
            (demo, lambda edition=demo: render(edition, args.css, args.variant)),
            (sample, lambda edition=sample: render(edition, args.css, args.variant)),
            (real, lambda language=language: exported(language)),
        ):
            (before, after), found_boxes = before_after(edition, render_text)
            cells += [after.words, before.share, after.share]
            lost += after.lost
            total_boxes += found_boxes
        texts = documents.edition_texts(real)
        own = sum(1 for text in texts if text.language == language) / len(texts)
        TABLE.row(*cells, own, total_boxes, time.perf_counter() - started)
        if args.lost and lost:
            print("      lost:", ", ".join(f"{word}×{count}" for word, count in lost))
    weasyprint_actualtext.right_to_left = True


if __name__ == "__main__":
    main()
