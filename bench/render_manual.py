"""Render the demo facilitator manual and print figures side by side.

    .venv/bin/python bench/render_manual.py [--languages en,ar,fa,ru,hi,fr] [--repeat 3]

Runs on a throw-away SQLite database and media directory with the demo content, so it
measures the same thing on any machine. Figures: plain WeasyPrint on the manual's HTML,
our pipeline (resolve → HTML → PDF → atomic store, inline), and serving the unchanged
edition again (fingerprint → stored job), with ratios.
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

import weasyprint  # noqa: E402
from django.core.management import call_command  # noqa: E402

from curriculum.demo import demo_load  # noqa: E402
from curriculum.models import Curriculum  # noqa: E402
from curriculum.services import edition_resolve  # noqa: E402
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


if __name__ == "__main__":
    main()
