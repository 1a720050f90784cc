"""The demo manual through the real pipeline in every language: glyph check, page count, qpdf --check.

.venv/bin/python bench/all_languages.py
"""

import subprocess

from demo_setup import demo_setup
from figures import Column, Table

_WORK, CURRICULUM = demo_setup("cc-all-")

from django.conf import settings  # noqa: E402

from exports import services, storage  # noqa: E402

TABLE = Table(
    Column("lang", 5, "<"),
    Column("status", 7, "<"),
    Column("pages", 5, spec="d"),
    Column("tagged", 6),
    Column("qpdf", 5),
    Column("render s", 8, spec=".2f"),
    Column("warnings", align="<", gap="  "),
)


def main():
    TABLE.header()
    for language in settings.LANGUAGE_CODES:
        job = services.export_request(curriculum=CURRICULUM, language=language, enqueue=False)
        services.export_job_render(job_id=job.pk)
        job.refresh_from_db()
        if job.status != "done":
            TABLE.row(language, job.status, tail=job.error)
            continue
        path = f"{_WORK}/{language}.pdf"  # qpdf and pdfinfo read a local copy of the stored file (disk or bucket)
        with open(path, "wb") as copy:
            copy.write(storage.read(job.file.name))
        qpdf = subprocess.run(["qpdf", "--check", path], capture_output=True).returncode == 0
        info = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
        tagged = "Tagged:          yes" in info
        TABLE.row(
            language,
            job.status,
            job.page_count,
            str(tagged),
            "ok" if qpdf else "FAIL",
            job.render_seconds,
            len(job.report["warnings"]),
        )


if __name__ == "__main__":
    main()
