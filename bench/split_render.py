"""Feasibility of splitting a manual by module: parts rendered in 1 or 2 processes, stitched with pypdf.

    .venv/bin/python bench/split_render.py [--language en]

Not the pipeline yet (see the note in the issue's report): each module is its own WeasyPrint
document; the parts are joined with pypdf and get one bookmark per module. Page numbers in
the parts' footers restart at 1 and the table of contents is left out, so this measures the
time such a pipeline could reach, not a finished PDF.
"""

import argparse
import io
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

from demo_setup import demo_setup

_WORK, CURRICULUM = demo_setup("cc-split-")

import weasyprint  # noqa: E402
from pypdf import PdfReader, PdfWriter  # noqa: E402

from curriculum.services import edition_resolve  # noqa: E402
from exports import rendering  # noqa: E402


def render_part(html):
    result = rendering.html_to_pdf(html, pdf_variant=None)  # untagged, like the plain run
    return result.pdf


def stitch(parts, titles):
    writer = PdfWriter()
    for pdf, title in zip(parts, titles, strict=True):
        start = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(pdf)))
        writer.add_outline_item(title=title, page_number=start)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue(), len(writer.pages)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--language", default="en")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    edition = edition_resolve(curriculum=CURRICULUM, language=args.language)
    whole = rendering.edition_html(edition)
    parts = [
        rendering.edition_html(replace(edition, modules=[module]), document="module") for module in edition.modules
    ]
    titles = [module.title for module in edition.modules]
    base_url = rendering.static_dirs()[0].resolve().as_uri() + "/"

    def plain():
        return weasyprint.HTML(string=whole, base_url=base_url).write_pdf()

    figures = {"plain WeasyPrint, whole manual": statistics.median(timed(plain) for _ in range(args.repeat))}
    for workers in (1, 2):
        with ProcessPoolExecutor(max_workers=workers) as pool:
            list(pool.map(render_part, parts[:workers]))  # start the processes before timing

            def split(pool=pool):
                return stitch(list(pool.map(render_part, parts)), titles)

            figures[f"parts in {workers} process(es) + stitch"] = statistics.median(
                timed(split) for _ in range(args.repeat)
            )
            _pdf, pages = split()
    base = figures["plain WeasyPrint, whole manual"]
    print(f"{args.language}: {len(parts)} module parts, {pages} pages stitched, median of {args.repeat}")
    for name, seconds in figures.items():
        print(f"  {name:36} {seconds:6.2f} s  {seconds / base:5.2f}x")


def timed(function):
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
