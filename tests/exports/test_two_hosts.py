"""Two hosts: workers that share nothing but the broker, the database and the S3 bucket lay out a manual in parts.

Each worker has its own empty media directory and temp directory, as on another machine;
the joined manual must read page for page like the manual laid out whole (test_parts.py).
"""

import pytest

from exports import services
from exports.models import ExportJob, RenderedPart
from exports.parts import FRONT_MATTER
from tests.pdf import stored_pdf
from tests.processes import wait_for

from .test_parts import BODY, _pages, _whole_pages


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ar"])
def test_workers_on_two_hosts_share_only_the_broker_the_database_and_the_bucket(
    six_modules, language, s3_bucket, redis_broker, pdf_worker_on, tmp_path, settings
):
    redis_broker.flushdb()
    hosts = []
    for host in ("host-a", "host-b"):
        media, scratch = tmp_path / host / "media", tmp_path / host / "tmp"
        media.mkdir(parents=True)
        scratch.mkdir()
        worker = pdf_worker_on(settings.CELERY_BROKER_URL, media_root=media, environ={"TMPDIR": str(scratch)})
        hosts.append((worker, media, scratch))
    job = services.export_request(curriculum=six_modules, language=language)
    job = wait_for(lambda: ExportJob.objects.filter(pk=job.pk, status__in=["done", "failed"]).first(), timeout=240)
    logs = [worker.log() for worker, _media, _scratch in hosts]
    assert job.status == ExportJob.Status.DONE, job.error or logs[0][-2000:] + logs[1][-2000:]
    assert job.report["parts_rendered"] == 6
    # Both hosts laid out parts; the one that stored the last part read the others from the bucket.
    assert all(" laid out: " in log for log in logs), logs
    assert sum(log.count(" laid out: ") for log in logs) == 6
    whole_pages, _edition = _whole_pages(six_modules, language, tmp_path)
    assert _pages(stored_pdf(job.file.name, tmp_path), BODY) == whole_pages
    keys = s3_bucket.object_keys()
    parts = [part.file.name for part in RenderedPart.objects.exclude(module=FRONT_MATTER)]
    assert job.file.name in keys and len(parts) == 6 and set(parts) <= set(keys)
    # The front matter is kept in the bucket beside them, for the next render.
    fronts = {part.file.name for part in RenderedPart.objects.filter(module=FRONT_MATTER)}
    assert len(fronts) == 1 and fronts <= set(keys)
    assert not s3_bucket.object_keys(".partial")
    # Nothing of the manual was kept on either host.
    for _worker, media, scratch in hosts:
        assert [path for path in media.rglob("*") if path.is_file()] == []
        assert list(scratch.rglob("*.pdf")) == []
