"""Render the demo facilitator manual and print figures side by side.

    .venv/bin/python bench/render_manual.py [--languages en,ar,fa,ru,hi,fr] [--repeat 3]

Runs on a throw-away SQLite database and media directory with the demo content, so it
measures the same thing on any machine. Figures: plain WeasyPrint on the manual's HTML,
our pipeline (resolve → HTML → PDF → atomic store, inline), and serving the unchanged
edition again (fingerprint → stored job), with ratios.
"""

import argparse
import time

from demo_setup import demo_setup
from figures import Column, Table, excess, figure, kb_per_page, peak_memory_mb, ratio, timed

WORK, CURRICULUM = demo_setup("cc-bench-")

import weasyprint  # noqa: E402
from plain import plain_pdf  # noqa: E402 (it reads the print settings)

from curriculum.models import Block  # noqa: E402
from curriculum.publishing import curriculum_publish  # noqa: E402
from curriculum.resolution import edition_resolve  # noqa: E402
from exports import rendering, services  # noqa: E402
from exports.models import ExportJob, RenderedPart  # noqa: E402

TABLE = Table(
    Column("lang", 5, "<"),
    Column("pages", 5, spec="d"),
    Column("KB", 6, spec=".0f"),
    Column("KB/page", 7, spec=".1f"),
    Column("plain s", 8, spec=".2f"),
    Column("pipeline s", 10, spec=".2f"),
    Column("overhead", 8, spec="+.1%"),
    Column("serve again ms", 14, spec=".1f"),
    Column("speed-up", 9, spec=".0f", unit="x"),
    rule=True,
)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--languages", default="en,ar,fa,ru,hi,fr")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    curriculum = CURRICULUM
    print(f"WeasyPrint {weasyprint.__version__}, median of {args.repeat} runs, work dir {WORK}\n")
    TABLE.header()
    for language in args.languages.split(","):
        edition = edition_resolve(curriculum=curriculum, language=language)
        html = rendering.edition_html(edition)
        plain, _worst, pdf = timed(lambda html=html: plain_pdf(html), args.repeat)

        def pipeline(language=language):
            # Cold: no finished job and no kept module part (parts are reused across renders otherwise).
            ExportJob.objects.all().delete()
            RenderedPart.objects.all().delete()
            job = services.export_request(curriculum=curriculum, language=language, enqueue=False)
            services.export_job_render(job_id=job.pk)
            return ExportJob.objects.get(pk=job.pk)

        ours, _worst, job = timed(pipeline, args.repeat)

        def serve_again(language=language):
            again = services.export_request(curriculum=curriculum, language=language, enqueue=False)
            assert again.status == ExportJob.Status.DONE
            with again.file.open("rb") as handle:
                return len(handle.read())

        served, _worst, size = timed(serve_again, max(args.repeat, 5))
        assert size == job.file_size
        TABLE.row(
            language,
            job.page_count,
            len(pdf) / 1024,
            kb_per_page(job.file_size, job.page_count),
            plain,
            ours,
            ours / plain - 1,
            served * 1000,
            ours / served,
        )

    goals(curriculum, args.languages.split(",")[0])


def goals(curriculum, language):
    """The issue's speed goals, for one language, with what the pipeline reaches today."""
    edition = edition_resolve(curriculum=curriculum, language=language)
    html = rendering.edition_html(edition)
    plain, _worst, _pdf = timed(lambda: plain_pdf(html), 1)
    ExportJob.objects.all().delete()
    RenderedPart.objects.all().delete()
    started = time.perf_counter()
    job = services.export_request(curriculum=curriculum, language=language, enqueue=False)
    services.export_job_render(job_id=job.pk)
    cold = time.perf_counter() - started
    # A one-block edit, published: only the edited module's part is laid out again.
    block = Block.objects.filter(module__curriculum=curriculum).order_by("module__position", "position").first()
    setattr(block, f"body_{language}", (getattr(block, f"body_{language}") or block.body_en) + " Edited.")
    block.save()
    curriculum_publish(curriculum=curriculum)
    started = time.perf_counter()
    edited = services.export_request(curriculum=curriculum, language=language, enqueue=False)
    services.export_job_render(job_id=edited.pk)
    after_edit = time.perf_counter() - started
    served, _worst, _job = timed(
        lambda: services.export_request(curriculum=curriculum, language=language, enqueue=False), 5
    )
    edited.refresh_from_db()
    print(f"\nGoals ({language}, {edited.page_count} pages; inline in this process, so 'workers' = 1):")
    figure("plain WeasyPrint, whole manual", plain, width=32)
    figure("pipeline cold, 1 worker", cold, note=f"{excess(cold, plain)} over plain (goal <= +5%)", width=32)
    figure("pipeline cold, 2 workers", note="see bench/parallel_render.py (real workers; goal <= 0.6x)", width=32)
    figure("after a one-block edit", after_edit, note=f"{ratio(after_edit, plain)} plain (goal <= 0.25x)", width=32)
    figure(
        "unchanged edition served again",
        served * 1000,
        "ms",
        f"{cold / served:.0f}x faster (goal >= 200x)",
        width=32,
    )
    figure("peak memory of this process", peak_memory_mb(), "MB", "(goal <= 300 MB at 300 pages)", width=32)
    figure("PDF size per page", kb_per_page(edited.file_size, edited.page_count), "KB", width=32)


if __name__ == "__main__":
    main()
