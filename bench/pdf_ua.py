"""What tagged PDF/UA output costs: the demo manual rendered plain and with pdf_variant="pdf/ua-1".

    .venv/bin/python bench/pdf_ua.py [--languages en,ar,hi] [--repeat 3]

Prints the median render time of each and the ratio; the pipeline makes PDF/UA the default
when it costs under 10% (exports.rendering.DEFAULT_PDF_VARIANT).
"""

import argparse
import statistics
import time

from demo_setup import demo_setup
from figures import Column, Table

_WORK, CURRICULUM = demo_setup("cc-ua-")

from curriculum.resolution import edition_resolve  # noqa: E402
from exports import rendering  # noqa: E402

TABLE = Table(
    Column("lang", 5, "<"),
    Column("pages", 5, spec="d"),
    Column("plain s", 8, spec=".2f"),
    Column("pdf/ua-1 s", 10, spec=".2f"),
    Column("cost", 7, spec="+.1%"),
    Column("plain KB", 8, spec=".0f"),
    Column("ua KB", 7, spec=".0f"),
)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--languages", default="en,ar,hi")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    curriculum = CURRICULUM
    TABLE.header()
    totals = {"plain": 0.0, "ua": 0.0}
    for language in args.languages.split(","):
        edition = edition_resolve(curriculum=curriculum, language=language)
        html = rendering.edition_html(edition)
        results = {}
        # Alternate the two so that load from other processes falls on both alike.
        runs = {"plain": [], "ua": []}
        for _ in range(args.repeat):
            for name, variant in (("plain", None), ("ua", "pdf/ua-1")):
                started = time.perf_counter()
                result = rendering.html_to_pdf(html, title=edition.title, pdf_variant=variant)
                runs[name].append(time.perf_counter() - started)
                results[name] = result
        plain, ua = statistics.median(runs["plain"]), statistics.median(runs["ua"])
        totals["plain"] += plain
        totals["ua"] += ua
        TABLE.row(
            language,
            results["plain"].page_count,
            plain,
            ua,
            ua / plain - 1,
            len(results["plain"].pdf) / 1024,
            len(results["ua"].pdf) / 1024,
        )
    TABLE.row("all", "", totals["plain"], totals["ua"], totals["ua"] / totals["plain"] - 1)


if __name__ == "__main__":
    main()
