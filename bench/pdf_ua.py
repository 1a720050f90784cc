"""What tagged PDF/UA output costs: the demo manual rendered plain and with pdf_variant="pdf/ua-1".

    .venv/bin/python bench/pdf_ua.py [--languages en,ar,hi] [--repeat 3]

Prints the median render time of each and the ratio; the pipeline makes PDF/UA the default
when it costs under 10% (exports.rendering.DEFAULT_PDF_VARIANT).
"""

import argparse
import statistics
import time

from demo_setup import demo_setup

_WORK, CURRICULUM = demo_setup("cc-ua-")

from curriculum.resolution import edition_resolve  # noqa: E402
from exports import rendering  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--languages", default="en,ar,hi")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    curriculum = CURRICULUM
    print(f"{'lang':5} {'pages':>5} {'plain s':>8} {'pdf/ua-1 s':>10} {'cost':>7} {'plain KB':>8} {'ua KB':>7}")
    totals = {"plain": 0.0, "ua": 0.0}
    for language in args.languages.split(","):
        edition = edition_resolve(curriculum=curriculum, language=language)
        html = rendering.edition_html(edition)
        figures = {}
        # Alternate the two so that load from other processes falls on both alike.
        runs = {"plain": [], "ua": []}
        for _ in range(args.repeat):
            for name, variant in (("plain", None), ("ua", "pdf/ua-1")):
                started = time.perf_counter()
                result = rendering.html_to_pdf(html, title=edition.title, pdf_variant=variant)
                runs[name].append(time.perf_counter() - started)
                figures[name] = result
        plain, ua = statistics.median(runs["plain"]), statistics.median(runs["ua"])
        totals["plain"] += plain
        totals["ua"] += ua
        print(
            f"{language:5} {figures['plain'].page_count:5d} {plain:8.2f} {ua:10.2f} {ua / plain - 1:+7.1%} "
            f"{len(figures['plain'].pdf) / 1024:8.0f} {len(figures['ua'].pdf) / 1024:7.0f}"
        )
    print(f"{'all':5} {'':5} {totals['plain']:8.2f} {totals['ua']:10.2f} {totals['ua'] / totals['plain'] - 1:+7.1%}")


if __name__ == "__main__":
    main()
