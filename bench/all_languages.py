"""The demo manual through the real pipeline in every language: glyph check, page count, qpdf --check.

.venv/bin/python bench/all_languages.py
"""

import subprocess

from demo_setup import demo_setup

_WORK, CURRICULUM = demo_setup("cc-all-")

from django.conf import settings  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402

from exports import services  # noqa: E402


def main():
    print(f"{'lang':5} {'status':7} {'pages':>5} {'tagged':>6} {'qpdf':>5} {'render s':>8}  warnings")
    for language in settings.LANGUAGE_CODES:
        job = services.export_request(curriculum=CURRICULUM, language=language, enqueue=False)
        services.export_job_render(job_id=job.pk)
        job.refresh_from_db()
        if job.status != "done":
            print(f"{language:5} {job.status:7} {job.error}")
            continue
        path = default_storage.path(job.file.name)
        qpdf = subprocess.run(["qpdf", "--check", path], capture_output=True).returncode == 0
        info = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
        tagged = "Tagged:          yes" in info
        print(
            f"{language:5} {job.status:7} {job.page_count:5d} {tagged!s:>6} {'ok' if qpdf else 'FAIL':>5} "
            f"{job.render_seconds:8.2f}  {len(job.report['warnings'])}"
        )


if __name__ == "__main__":
    main()
