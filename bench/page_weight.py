"""Weigh the public pages as a trainer's phone receives them: HTML plus its CSS and JS, gzip-compressed.

    .venv/bin/python bench/page_weight.py

Runs on a throw-away SQLite database with the demo content; prints each page's weight and
the budget (60 KB compressed, HTML + CSS + JS, images excluded: the public pages have none).
"""

import gzip
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = tempfile.mkdtemp(prefix="cc-weight-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ["DATABASE_URL"] = f"sqlite:///{WORK}/weight.sqlite3"
os.environ["MEDIA_ROOT"] = f"{WORK}/media"
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.contrib.staticfiles import finders  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from curriculum.demo import demo_load  # noqa: E402

BUDGET = 60 * 1024
ASSET_RE = re.compile(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"')


def gzipped(data):
    return len(gzip.compress(data, compresslevel=6))


def main():
    call_command("migrate", verbosity=0)
    demo_load()
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
    print(f"{'page':75} {'HTML':>8} {'assets':>8} {'total':>8}  budget")
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
        print(
            f"{url:75} {gzipped(html) / 1024:7.1f}K {assets / 1024:7.1f}K {total / 1024:7.1f}K  {total / BUDGET:5.0%}"
        )
    print(f"\nheaviest page: {worst / 1024:.1f} KB compressed of a {BUDGET // 1024} KB budget ({worst / BUDGET:.0%})")


if __name__ == "__main__":
    main()
