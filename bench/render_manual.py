"""Render the demo facilitator manual and print figures side by side.

    .venv/bin/python bench/render_manual.py [--languages en,ar,fa,ru,hi,fr] [--repeat 3]

Runs on a throw-away SQLite database and media directory with the demo content, so it
measures the same thing on any machine. Figures: plain WeasyPrint on the manual's HTML,
our pipeline (resolve → HTML → PDF → atomic store, inline), and serving the unchanged
edition again (fingerprint → stored job), with ratios.
"""

import argparse
import os
import resource
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

import weasyprint  # noqa: E402
from django.core.management import call_command  # noqa: E402

from curriculum.demo import demo_load  # noqa: E402
from curriculum.models import Block, Curriculum  # noqa: E402
from curriculum.publishing import curriculum_publish  # noqa: E402
from curriculum.resolution import edition_resolve  # noqa: E402
from exports import rendering, services  # noqa: E402
from exports.models import ExportJob  # noqa: E402


def timed(function, repeat):
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--languages", default="en,ar,fa,ru,hi,fr")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    demo_load()
    curriculum = Curriculum.objects.get(slug="leading-to-choices")
    print(f"WeasyPrint {weasyprint.__version__}, median of {args.repeat} runs, work dir {WORK}\n")
    base_url = rendering.static_dirs()[0].resolve().as_uri() + "/"
    header = f"{'lang':5} {'pages':>5} {'KB':>6} {'KB/page':>7} {'plain s':>8} {'pipeline s':>10} {'overhead':>8} {'serve again ms':>14} {'speed-up':>9}"
    print(header)
    print("-" * len(header))
    for language in args.languages.split(","):
        edition = edition_resolve(curriculum=curriculum, language=language)
        html = rendering.edition_html(edition)
        plain, pdf = timed(lambda html=html: weasyprint.HTML(string=html, base_url=base_url).write_pdf(), args.repeat)

        def pipeline(language=language):
            ExportJob.objects.all().delete()
            job = services.export_request(curriculum=curriculum, language=language, enqueue=False)
            services.export_job_render(job_id=job.pk)
            return ExportJob.objects.get(pk=job.pk)

        ours, job = timed(pipeline, args.repeat)

        def serve_again(language=language):
            again = services.export_request(curriculum=curriculum, language=language, enqueue=False)
            assert again.status == ExportJob.Status.DONE
            with again.file.open("rb") as handle:
                return len(handle.read())

        served, size = timed(serve_again, max(args.repeat, 5))
        assert size == job.file_size
        print(
            f"{language:5} {job.page_count:5d} {len(pdf) / 1024:6.0f} {job.file_size / 1024 / job.page_count:7.1f} "
            f"{plain:8.2f} {ours:10.2f} {ours / plain - 1:+8.1%} {served * 1000:14.1f} {ours / served:8.0f}x"
        )

    goals(curriculum, args.languages.split(",")[0])


def goals(curriculum, language):
    """The issue's speed goals, for one language, with what the pipeline reaches today."""
    edition = edition_resolve(curriculum=curriculum, language=language)
    base_url = rendering.static_dirs()[0].resolve().as_uri() + "/"
    html = rendering.edition_html(edition)
    plain, _pdf = timed(lambda: weasyprint.HTML(string=html, base_url=base_url).write_pdf(), 1)
    ExportJob.objects.all().delete()
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
    served, _size = timed(lambda: services.export_request(curriculum=curriculum, language=language, enqueue=False), 5)
    edited.refresh_from_db()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nGoals ({language}, {edited.page_count} pages; inline in this process, so 'workers' = 1):")
    print(f"  plain WeasyPrint, whole manual   {plain:8.2f} s")
    print(f"  pipeline cold, 1 worker          {cold:8.2f} s   {cold / plain - 1:+.1%} over plain (goal <= +5%)")
    print("  pipeline cold, 2 workers         see bench/parallel_render.py (real workers; goal <= 0.6x)")
    print(f"  after a one-block edit           {after_edit:8.2f} s   {after_edit / plain:.2f}x plain (goal <= 0.25x)")
    print(f"  unchanged edition served again   {served * 1000:8.1f} ms  {cold / served:.0f}x faster (goal >= 200x)")
    print(f"  peak memory of this process      {peak_mb:8.0f} MB  (goal <= 300 MB at 300 pages)")
    print(f"  PDF size per page                {edited.file_size / 1024 / edited.page_count:8.1f} KB")


if __name__ == "__main__":
    main()
