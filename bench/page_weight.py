"""Weigh the public pages as a trainer's phone receives them: HTML plus its CSS and JS, gzip-compressed.

    .venv/bin/python bench/page_weight.py

Runs on a throw-away SQLite database with the demo content; prints each page's weight and
the budget (60 KB compressed, HTML + CSS + JS, images excluded: the public pages have none).
"""

import gzip
import re
from pathlib import Path

from demo_setup import demo_setup
from figures import Column, Table

_WORK, _CURRICULUM = demo_setup("cc-weight-")

from django.contrib.staticfiles import finders  # noqa: E402
from django.test import Client  # noqa: E402

BUDGET = 60 * 1024
ASSET_RE = re.compile(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"')
TABLE = Table(
    Column("page", 75, "<"),
    Column("HTML", 8, spec=".1f", unit="K"),
    Column("assets", 8, spec=".1f", unit="K"),
    Column("total", 8, spec=".1f", unit="K"),
    Column("budget", 5, spec=".0%", gap="  "),
)


def gzipped(data):
    return len(gzip.compress(data, compresslevel=6))


def main():
    client = Client(HTTP_HOST="127.0.0.1")
    pages = []
    for language in ("en", "ar"):
        pages += [
            f"/{language}/",
            f"/{language}/curricula/leading-to-choices/",
            f"/{language}/curricula/leading-to-choices/session-1/",
            f"/{language}/curricula/leading-to-choices/session-1/?edition=jasmine-bridge-collective",
            f"/{language}/downloads/",
            f"/{language}/downloads/?language={language}",
            f"/{language}/editions/leading-to-choices/core/{language}/",
        ]
    TABLE.header()
    worst = 0
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        html = response.content
        assets = 0
        for path in sorted(set(ASSET_RE.findall(html.decode()))):
            found = finders.find(path.removeprefix("/static/"))
            assets += gzipped(Path(found).read_bytes())
        total = gzipped(html) + assets
        worst = max(worst, total)
        TABLE.row(url, gzipped(html) / 1024, assets / 1024, total / 1024, total / BUDGET)
    print(f"\nheaviest page: {worst / 1024:.1f} KB compressed of a {BUDGET // 1024} KB budget ({worst / BUDGET:.0%})")


if __name__ == "__main__":
    main()
