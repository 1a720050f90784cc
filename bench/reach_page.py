"""Render the secretariat's reach page over ten thousand generated workshops and print the times.

    .venv/bin/python bench/reach_page.py [--workshops 10000] [--repeat 5]

Runs on a throw-away SQLite database with the demo curriculum and partners, then generates
a Training-of-Trainers cascade (regional ToT → national ToTs → workshops) year after year
until there are at least --workshops records. Target: the reach page under one second.
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
WORK = tempfile.mkdtemp(prefix="cc-bench-reach-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ["DATABASE_URL"] = f"sqlite:///{WORK}/bench.sqlite3"
os.environ["MEDIA_ROOT"] = f"{WORK}/media"
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from curriculum.demo import demo_load  # noqa: E402
from workshops.demo import workshops_generate  # noqa: E402
from workshops.models import Workshop  # noqa: E402


def timed(client, url, repeat):
    times, status, queries = [], None, 0
    for _ in range(repeat):
        reset_queries()
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        status, queries = response.status_code, len(connection.queries)
    return statistics.median(times), max(times), status, queries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workshops", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    demo_load()
    started = time.perf_counter()
    year = 2025
    while Workshop.objects.count() < args.workshops:
        workshops_generate(
            years=[year], national_tots_per_year=2, workshops_per_tot=(10, 17), seed=year, with_people=False
        )
        year -= 1
    generated = time.perf_counter() - started
    count = Workshop.objects.count()
    links = Workshop.module_versions.through.objects.count()
    print(f"{count} workshops ({year + 1}–2025), {links} module links, generated in {generated:.1f} s; work dir {WORK}")

    secretariat = get_user_model().objects.get(username="secretariat")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(secretariat)
    print(f"median and worst of {args.repeat} requests (first request warms caches and is not counted)\n")
    print(f"{'page':<44}{'median s':>10}{'worst s':>10}{'queries':>9}{'status':>8}{'of 1 s':>9}")
    with override_settings(DEBUG=True):  # records the queries
        for label, url in [
            ("reach, all years, English", "/en/reach/"),
            ("reach, all years, Arabic", "/ar/reach/"),
            ("reach, one year and one partner", "/en/reach/?year=2024&partner=jasmine-bridge-collective"),
            ("reach, one module (subquery filter)", "/en/reach/?module=session-3"),
            ("CSV export by module", "/en/reach/module.csv"),
        ]:
            client.get(url)
            median, worst, status, queries = timed(client, url, args.repeat)
            print(f"{label:<44}{median:>10.3f}{worst:>10.3f}{queries:>9}{status:>8}{median / 1.0:>8.0%}")


if __name__ == "__main__":
    main()
