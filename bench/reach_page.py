"""Render the secretariat's reach page over ten thousand generated workshops and print the times.

    .venv/bin/python bench/reach_page.py [--workshops 10000] [--repeat 5]

Runs on a throw-away SQLite database with the demo curriculum and partners, then generates
a Training-of-Trainers cascade (regional ToT → national ToTs → workshops) year after year
until there are at least --workshops records. Target: the reach page under one second.
"""

import argparse
import time

from demo_setup import demo_setup
from figures import Column, Table, timed

WORK, _CURRICULUM = demo_setup("cc-bench-reach-")

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from workshops.demo import workshops_generate  # noqa: E402
from workshops.models import Workshop  # noqa: E402

TABLE = Table(
    Column("page", 44, "<"),
    Column("median s", 10, spec=".3f"),
    Column("worst s", 10, spec=".3f"),
    Column("queries", 9),
    Column("status", 8),
    Column("of 1 s", 9, spec=".0%"),
    gap="",
)


def request(client, url):
    """One request: its status and the number of queries it ran."""
    reset_queries()
    response = client.get(url)
    return response.status_code, len(connection.queries)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workshops", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

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
    TABLE.header()
    with override_settings(DEBUG=True):  # records the queries
        for label, url in [
            ("reach, all years, English", "/en/reach/"),
            ("reach, all years, Arabic", "/ar/reach/"),
            ("reach, one year and one partner", "/en/reach/?year=2024&partner=jasmine-bridge-collective"),
            ("reach, one module (subquery filter)", "/en/reach/?module=session-3"),
            ("CSV export by module", "/en/reach/module.csv"),
        ]:
            client.get(url)
            median, worst, (status, queries) = timed(lambda url=url: request(client, url), args.repeat)
            TABLE.row(label, median, worst, queries, status, median / 1.0)


if __name__ == "__main__":
    main()
