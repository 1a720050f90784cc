"""The translation progress matrix of the demo curriculum, and what computing it costs.

    .venv/bin/python bench/translation_progress.py [--repeat 20]

Runs on a throw-away SQLite database with the demo content. Prints, per language, words
translated / stale / missing and percent; then the queries and time for the whole matrix
(all fourteen languages), for the matrix after a source edit, and the ratio of the matrix
to resolving one edition.
"""

import argparse

from demo_setup import demo_setup
from figures import Column, Table, timed

_WORK, CURRICULUM = demo_setup("cc-bench-")

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from curriculum.models import Block  # noqa: E402
from curriculum.resolution import edition_resolve  # noqa: E402
from translations.models import TranslationRecord  # noqa: E402
from translations.units import curriculum_progress  # noqa: E402

TABLE = Table(
    Column("language", 9, "<"),
    Column("translated", 11),
    Column("stale", 7),
    Column("missing", 9),
    Column("total", 7),
    Column("%", 6, unit="%"),
    Column("modules complete", align="<", gap="  "),
    gap="",
)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    curriculum = CURRICULUM
    languages = [code for code in settings.LANGUAGE_CODES if code != curriculum.source_language]
    rows, totals = curriculum_progress(curriculum=curriculum, languages=languages)
    print(f"Demo curriculum '{curriculum.slug}': {len(rows) - 1} modules, {Block.objects.count()} blocks, "
          f"{TranslationRecord.objects.count()} translation records")  # fmt: skip
    TABLE.header()
    for language in languages:
        total = totals[language]
        complete = sum(1 for row in rows if row["cells"][language].is_complete)
        TABLE.row(
            language,
            total.current,
            total.stale,
            total.missing,
            total.total,
            total.current_percent,
            f"{complete}/{len(rows)}",
        )

    with CaptureQueriesContext(connection) as queries:
        curriculum_progress(curriculum=curriculum, languages=languages)
    matrix, _worst, _result = timed(
        lambda: curriculum_progress(curriculum=curriculum, languages=languages), args.repeat
    )
    resolve, _worst, _result = timed(lambda: edition_resolve(curriculum=curriculum, language="ar"), args.repeat)
    print(
        f"\nmatrix, {len(languages)} languages: {len(queries)} queries, {matrix * 1000:.1f} ms (median of {args.repeat})"
    )
    print(f"resolving one published edition: {resolve * 1000:.1f} ms; matrix / resolve = {matrix / resolve:.1f}x")

    block = Block.objects.filter(module__slug="session-1").order_by("position").first()
    block.body_en += " (revised)"
    block.save()
    rows, totals = curriculum_progress(curriculum=curriculum, languages=languages)
    stale = {language: totals[language].stale for language in languages if totals[language].stale}
    print(f"\nafter editing the source of {block.module.slug}/{block.key}: stale words by language {stale}")
    print("(figures measured on a 2-core machine shared with other engineers)")


if __name__ == "__main__":
    main()
