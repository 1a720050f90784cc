"""Where a manual in parts spends its time, stage by stage, from cProfile: what each part costs beyond its layout.

    .venv/bin/python bench/part_profile.py [--language en] [--long-copies 8] [--top 25]

Renders the long manual (the demo's modules `--long-copies` times) cold in this process with
the pipeline's own code (every part laid out here, as one worker would, without the queue),
under cProfile, then prints each stage's cumulative CPU seconds and share: resolving, part
HTML, fingerprints, glyph checks, stylesheet and font setup, layout, writing, storage,
database writes, the front matter, the running layer and the join. The Celery round trip is
not in it: bench/parallel_render.py measures the whole with real workers. Proportions, not
wall-clock seconds, are what a busy machine leaves intact.
"""

import argparse
import cProfile
import os
import pstats
import time

from demo_setup import demo_setup, long_manual
from figures import Column, Table

os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
WORK, CURRICULUM = demo_setup("cc-profile-")

from exports import services  # noqa: E402
from exports.models import ExportJob  # noqa: E402

# (stage, module file ending, function name): a stage's time is its function's cumulative time.
STAGES = [
    ("resolving the edition", "exports/documents.py", "job_edition"),
    ("glyph check (whole edition)", "exports/glyphs.py", "glyphs_check"),
    ("part HTML (templates)", "exports/assembly.py", "part_html"),
    ("part fingerprints", "exports/fingerprints.py", "part_fingerprint"),
    ("are the parts stored? (DB, storage)", "exports/parts.py", "_parts_stored"),
    ("stylesheets parsed", "exports/rendering.py", "stylesheets_parsed"),
    ("font configuration", "exports/rendering.py", "font_configuration"),
    ("layout (WeasyPrint render)", "weasyprint/__init__.py", "render"),
    ("write_pdf (incl. subsetting)", "weasyprint/document.py", "write_pdf"),
    ("  of which font subsetting", "weasyprint/pdf/fonts.py", "build_fonts_dictionary"),
    ("storing files", "exports/storage.py", "store_file"),
    ("reading parts back", "exports/storage.py", "read"),
    ("front matter laid out", "exports/assembly.py", "front_render"),
    ("running layer laid out", "exports/assembly.py", "running_render"),
    ("join (pikepdf)", "exports/assembly.py", "assemble"),
    ("  of which font subsets merged", "exports/font_subsets.py", "fonts_merge"),
    ("  of which saved (compression)", "pikepdf/_methods.py", "save"),
    ("database: part rows", "django/db/models/query.py", "update_or_create"),
]


def stage_seconds(stats):
    """{stage: cumulative seconds} from a pstats.Stats, each stage's function summed over where it is defined."""
    seconds = dict.fromkeys(name for name, _file, _function in STAGES)
    for (filename, _line, function), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():
        for name, ending, wanted in STAGES:
            if function == wanted and filename.endswith(ending):
                seconds[name] = (seconds[name] or 0) + cumulative
    return seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--language", default="en")
    parser.add_argument("--long-copies", type=int, default=8)
    parser.add_argument("--top", type=int, default=0, help="also print cProfile's top functions by own time")
    args = parser.parse_args()
    curriculum = long_manual(CURRICULUM, args.long_copies) if args.long_copies else CURRICULUM
    job = services.export_request(curriculum=curriculum, language=args.language, enqueue=False)
    profile = cProfile.Profile(time.process_time)
    cpu_started, wall_started = time.process_time(), time.perf_counter()
    profile.runcall(services.export_job_render, job_id=job.pk)
    cpu, wall = time.process_time() - cpu_started, time.perf_counter() - wall_started
    job.refresh_from_db()
    if job.status != ExportJob.Status.DONE:
        raise SystemExit(f"render failed: {job.error}")
    stats = pstats.Stats(profile)
    parts = job.report["parts"]
    print(f"{curriculum.slug} ({args.language}): {job.page_count} pages, {parts} parts")
    print(f"  cold render in this process: {cpu:.2f} s CPU, {wall:.2f} s wall (under cProfile, which slows it)")
    table = Table(Column("  stage", 38, "<"), Column("CPU s", 8), Column("share", 6), Column("per part", 9))
    table.header()
    for name, seconds in stage_seconds(stats).items():
        if seconds is None:
            continue
        table.row(f"  {name}", f"{seconds:.2f}", f"{seconds / cpu:.0%}", f"{seconds / parts * 1000:.0f} ms")
    if args.top:
        stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
