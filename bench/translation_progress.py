"""The translation progress matrix of the demo curriculum, and what computing it costs.

    .venv/bin/python bench/translation_progress.py [--repeat 20]

Runs on a throw-away SQLite database with the demo content. Prints, per language, words
translated / stale / missing and percent; then the queries and time for the whole matrix
(all fourteen languages), for the matrix after a source edit, and the ratio of the matrix
to resolving one edition. Then each partner edition's own text (overrides and local blocks): its
source language, words by state in its other languages, what its matrix costs, and the words
that go stale when the partner edits its source.
"""

import argparse
import os

from demo_setup import demo_setup
from figures import Column, Table, timed

_WORK, CURRICULUM = demo_setup("cc-bench-")

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from curriculum.adaptation import adaptation_override  # noqa: E402
from curriculum.models import Block, BlockAdaptation, Edition  # noqa: E402
from curriculum.resolution import edition_resolve  # noqa: E402
from curriculum.translated import translations_of  # noqa: E402
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
    editions_own_text(curriculum, args.repeat)
    print(f"({os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end of the run)")


def editions_own_text(curriculum, repeat):
    """Each partner edition's own text as a translation scope, and one partner source edit."""
    print("\nPartner editions' own text (overrides and local blocks): words translated / stale / missing")
    editions = Edition.objects.filter(curriculum=curriculum).select_related("partner", "curriculum")
    for edition in editions.order_by("partner__slug"):
        languages = edition.languages
        _rows, totals = curriculum_progress(curriculum=curriculum, languages=languages, edition=edition)
        cells = [f"{code} {t.current}/{t.stale}/{t.missing}" for code in languages if (t := totals[code]).total]
        if cells:
            print(f"  {edition.partner.slug:32} source {edition.source_language}: {', '.join(cells)}")
    override = (
        BlockAdaptation.objects.filter(edition__curriculum=curriculum, action=BlockAdaptation.Action.OVERRIDE)
        .select_related("edition__partner", "edition__curriculum", "module")
        .first()
    )
    if override is None:
        return
    edition, languages = override.edition, override.edition.languages
    with CaptureQueriesContext(connection) as queries:
        curriculum_progress(curriculum=curriculum, languages=languages, edition=edition)
    matrix, _worst, _result = timed(
        lambda: curriculum_progress(curriculum=curriculum, languages=languages, edition=edition), repeat
    )
    print(
        f"edition matrix ({edition.partner.slug}): {len(queries)} queries, {matrix * 1000:.1f} ms (median of {repeat})"
    )
    body = translations_of(override, "body")
    body[override.source_language] += " (revised)"
    adaptation_override(
        edition=edition, module=override.module, block_key=override.block_key,
        title=translations_of(override, "title"), body=body,
    )  # fmt: skip
    _rows, totals = curriculum_progress(curriculum=curriculum, languages=languages, edition=edition)
    stale = {code: totals[code].stale for code in languages if totals[code].stale}
    print(f"after {edition.partner.slug} edits its {override.source_language} text of {override.module.slug}/"
          f"{override.block_key}: stale words by language {stale}")  # fmt: skip


if __name__ == "__main__":
    main()
