"""Faults against real processes: a worker killed mid-render, a poison document, Redis going away."""

import os
import signal
import subprocess
import time
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from curriculum.publishing import module_publish
from exports import services
from exports.models import ExportJob
from tests.factories import BlockFactory, CurriculumFactory, ModuleFactory
from tests.pdf import pdf_info
from tests.processes import wait_for

from .conftest import handout_changed

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def long_manual():
    """A manual long enough (about 90 pages) to be killed in the middle of its layout.

    Three long modules, not many short ones: every part then takes seconds, so a worker killed
    half a second into the render is always inside a part. With parts of a fraction of a second
    a pool process could be caught between two tasks, losing nothing, and the test would pass
    or fail by chance.
    """
    curriculum = CurriculumFactory(slug="long-manual", is_published=True)
    paragraph = "Leadership is practised, not only discussed. " * 40
    for m in range(3):
        module = ModuleFactory(curriculum=curriculum, slug=f"m{m}", position=m)
        for b in range(60):
            BlockFactory(module=module, key=f"b{b}", position=b, body_en=f"{paragraph}\n\n{paragraph}")
        module_publish(module=module)
    return curriculum


def _children(pid):
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(line) for line in out.split()]


def _kill_running_child(worker, job_id, attempt):
    """SIGKILL the pool process once it is laying out the job's `attempt`-th try."""
    wait_for(
        lambda: ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.RUNNING, attempts=attempt).exists(),
        timeout=60,
        interval=0.05,
    )
    time.sleep(0.5)  # well inside the layout, which takes seconds
    for child in _children(worker.process.pid):
        os.kill(child, signal.SIGKILL)


def test_a_worker_killed_mid_render_leaves_no_file_and_the_job_is_retried(client, long_manual, pdf_worker):
    job = services.export_request(curriculum=long_manual, language="en")
    _kill_running_child(pdf_worker, job.pk, attempt=1)
    # Nothing is served while it renders again, and no half-written file exists under the job's name.
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404
    assert not default_storage.exists(job.storage_name())
    job = wait_for(lambda: ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.DONE).first(), timeout=120)
    assert job.attempts == 2
    assert int(pdf_info(default_storage.path(job.file.name))["Pages"]) > 60
    assert "WorkerLostError" in pdf_worker.log() or "exited prematurely" in pdf_worker.log()


def test_a_document_that_kills_every_worker_stops_after_a_bounded_number_of_tries(long_manual, pdf_worker):
    job = services.export_request(curriculum=long_manual, language="en")
    for attempt in range(1, services.MAX_ATTEMPTS + 1):
        _kill_running_child(pdf_worker, job.pk, attempt)
    job = wait_for(lambda: ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.FAILED).first(), timeout=60)
    assert job.attempts == services.MAX_ATTEMPTS
    assert "stopped 3 times" in job.error
    time.sleep(2)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED  # not redelivered


@pytest.fixture
def private_redis(tmp_path, settings):
    """A Redis of this test's own on a free port, which the test can stop and start again."""
    import socket

    from config.celery import app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]

    class Server:
        url = f"redis://127.0.0.1:{port}/0"
        process = None

        def start(self):
            self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wait_for(
                lambda: subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).returncode == 0,
                timeout=10,
            )

        def stop(self):
            self.process.kill()
            self.process.wait()

    server = Server()
    server.start()
    previous = app.conf.broker_url
    settings.CELERY_BROKER_URL = server.url

    def use(url):
        # Forget every pooled connection and producer (kombu keeps a registry of its own).
        from kombu import pools

        app.conf.broker_url = url
        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    use(server.url)
    yield server
    use(previous)
    if server.process.poll() is None:
        server.stop()


def test_with_redis_down_downloads_work_requests_are_kept_and_rendered_when_it_returns(
    client, handbook, private_redis, request
):
    # A PDF rendered earlier.
    done = services.export_request(curriculum=handbook, language="en", enqueue=False)
    services.export_job_render(job_id=done.pk)

    private_redis.stop()
    assert client.get(reverse("exports:download", args=[done.pk])).status_code == 200
    started = time.monotonic()
    response = client.post(reverse("exports:request"), {"curriculum": handbook.slug, "language": "ar", "profile": "a4"})
    assert time.monotonic() - started < 15  # fails fast rather than hanging the page
    kept = ExportJob.objects.get(language="ar")
    assert kept.status == ExportJob.Status.QUEUED and kept.stage == ExportJob.Stage.QUEUE_DOWN
    page = client.get(response["Location"]).content.decode()
    assert "The rendering queue is unavailable; your request is kept and will start when it is back" in page

    private_redis.start()
    worker = request.getfixturevalue("pdf_worker_on")(private_redis.url)
    result = services.export_jobs_recover(now=kept.created_at + timedelta(seconds=30))
    assert result["resent"] == 1
    kept = wait_for(lambda: ExportJob.objects.filter(pk=kept.pk, status=ExportJob.Status.DONE).first(), timeout=90)
    assert kept.attempts == 1
    worker.stop()


@pytest.fixture
def small_disk(tmp_path, settings):
    """MEDIA_ROOT on a small tmpfs the test can fill."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=120k", "tmpfs", str(mount_point)], check=True)
    settings.MEDIA_ROOT = str(mount_point)
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_a_full_disk_fails_the_job_cleanly_and_the_previous_file_stays_served(client, handbook, small_disk):

    url = reverse("downloads:manual", args=[handbook.slug, "core", "en"])
    first = services.export_request(curriculum=handbook, language="en", enqueue=False)
    services.export_job_render(job_id=first.pk)
    first.refresh_from_db()
    previous = b"".join(client.get(url).streaming_content)
    assert previous.startswith(b"%PDF")

    # The disk fills up (other files, logs...), then a change is published.
    free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
    (small_disk / "filler").write_bytes(b"\0" * max(free - 4096, 0))
    second = handout_changed(handbook)
    with pytest.raises(OSError):
        services.export_job_render(job_id=second.pk)
    second.refresh_from_db()
    assert second.status == ExportJob.Status.FAILED
    assert "disk is full" in second.error
    assert not default_storage.exists(second.storage_name())
    # No half-written file anywhere: not of the manual, not of the module part that was being stored.
    assert not [name for _dir, _subdirs, names in os.walk(small_disk) for name in names if name.startswith(".partial")]
    # Asking again retries a bounded number of times (each one fails cleanly)...
    for _attempt in range(services.MAX_ATTEMPTS - 1):
        assert client.get(url).status_code == 302
        with pytest.raises(OSError):
            services.export_job_render(job_id=second.pk)
    # ...then the permanent link gives the last good file.
    assert b"".join(client.get(url).streaming_content) == previous
    assert client.get(reverse("exports:download", args=[first.pk])).status_code == 200
