"""The translation progress matrix of the demo curriculum, and what computing it costs.

    .venv/bin/python bench/translation_progress.py [--repeat 20]

Runs on a throw-away SQLite database with the demo content. Prints, per language, words
translated / stale / missing and percent; then the queries and time for the whole matrix
(all fourteen languages), for the matrix after a source edit, and the ratio of the matrix
to resolving one edition.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = tempfile.mkdtemp(prefix="cc-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ["DATABASE_URL"] = f"sqlite:///{WORK}/bench.sqlite3"
os.environ["MEDIA_ROOT"] = f"{WORK}/media"
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from curriculum.demo import demo_load  # noqa: E402
from curriculum.models import Block, Curriculum  # noqa: E402
from curriculum.resolution import edition_resolve  # noqa: E402
from translations.models import TranslationRecord  # noqa: E402
from translations.services import curriculum_progress  # noqa: E402


def timed(function, repeat):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    demo_load()
    curriculum = Curriculum.objects.get(slug="leading-to-choices")
    languages = [code for code in settings.LANGUAGE_CODES if code != curriculum.source_language]
    rows, totals = curriculum_progress(curriculum=curriculum, languages=languages)
    print(f"Demo curriculum '{curriculum.slug}': {len(rows) - 1} modules, {Block.objects.count()} blocks, "
          f"{TranslationRecord.objects.count()} translation records")  # fmt: skip
    print(f"{'language':<9}{'translated':>11}{'stale':>7}{'missing':>9}{'total':>7}{'%':>6}  modules complete")
    for language in languages:
        total = totals[language]
        complete = sum(1 for row in rows if row["cells"][language].is_complete)
        print(f"{language:<9}{total.current:>11}{total.stale:>7}{total.missing:>9}{total.total:>7}"
              f"{total.current_percent:>5}%  {complete}/{len(rows)}")  # fmt: skip

    with CaptureQueriesContext(connection) as queries:
        curriculum_progress(curriculum=curriculum, languages=languages)
    matrix = timed(lambda: curriculum_progress(curriculum=curriculum, languages=languages), args.repeat)
    resolve = timed(lambda: edition_resolve(curriculum=curriculum, language="ar"), args.repeat)
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
