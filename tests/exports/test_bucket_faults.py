"""The S3 bucket away or slow: jobs fail plainly and are retried, the last good file is served, no half object is kept."""

import contextlib
import os
import signal
import socket
import threading
import time

import pytest
from django.urls import reverse

from config.settings.base import s3_storage
from exports import services, storage
from exports.models import ExportJob
from tests.processes import wait_for
from tests.s3 import free_port

from .conftest import handout_changed
from .test_faults import _children, long_manual  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def _unreachable(settings, bucket):
    """Django's storage pointed at a port nobody listens on: the bucket cannot be reached."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(bucket.environ(endpoint=f"http://127.0.0.1:{free_port()}")),
    }


@pytest.mark.django_db(transaction=True)
def test_a_bucket_away_fails_the_job_plainly_retries_it_and_the_last_good_file_stays_served(
    client, handbook, s3_bucket, settings
):
    url = reverse("downloads:manual", args=[handbook.slug, "core", "en"])
    first = services.export_request(curriculum=handbook, language="en", enqueue=False)
    services.export_job_render(job_id=first.pk)
    previous = b"".join(client.get(url).streaming_content)
    assert previous.startswith(b"%PDF")

    second = handout_changed(handbook)
    reachable = settings.STORAGES
    _unreachable(settings, s3_bucket)
    with pytest.raises(storage.StorageUnavailable):
        services.export_job_render(job_id=second.pk)
    second.refresh_from_db()
    assert second.status == ExportJob.Status.FAILED
    assert "file store could not be reached" in second.error and "earlier versions stay available" in second.error
    # Asking again retries it, a bounded number of times (the bucket still away)...
    for _attempt in range(services.MAX_ATTEMPTS - 1):
        settings.STORAGES = reachable
        assert client.get(url).status_code == 302
        _unreachable(settings, s3_bucket)
        with pytest.raises(storage.StorageUnavailable):
            services.export_job_render(job_id=second.pk)
    # ...and the permanent link serves the last good object, untouched.
    settings.STORAGES = reachable
    assert b"".join(client.get(url).streaming_content) == previous
    assert not [key for key in s3_bucket.object_keys() if key == second.storage_name() or key.startswith(".partial")]


class SlowProxy:
    """A TCP proxy to the S3 server that, while `slow`, lets uploads through at `rate` bytes a second."""

    def __init__(self, endpoint, rate=16 * 1024):
        host, port = endpoint.rsplit("//", 1)[1].split(":")
        self.upstream, self.rate, self.slow, self.uploading = (host, int(port)), rate, True, threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.endpoint = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, source, target, upstream):
        try:
            while chunk := source.recv(4096):
                if upstream and chunk.startswith(b"PUT "):
                    self.uploading.set()
                if upstream and self.slow:
                    time.sleep(len(chunk) / self.rate)
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (source, target):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def close(self):
        self.listener.close()


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_upload_leaves_no_object_under_a_final_key(
    long_manual,  # noqa: F811
    s3_bucket,
    redis_broker,
    pdf_worker_on,
    settings,
):
    redis_broker.flushdb()
    proxy = SlowProxy(s3_bucket.server.endpoint)
    # The worker reaches the bucket through the slow proxy and lays the manual out whole (one upload).
    worker = pdf_worker_on(
        settings.CELERY_BROKER_URL, environ={**s3_bucket.environ(endpoint=proxy.endpoint), "PDF_PARTS_MIN_MODULES": "0"}
    )
    job = services.export_request(curriculum=long_manual, language="en")
    assert proxy.uploading.wait(timeout=120), worker.log()[-3000:]
    time.sleep(1)  # well inside an upload of several seconds
    assert ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.RUNNING
    for child in _children(worker.process.pid):
        os.kill(child, signal.SIGKILL)
    time.sleep(1)
    # Nothing under the manual's name, nor anything else outside the temporary prefix.
    assert [key for key in s3_bucket.object_keys() if not key.startswith(storage.PARTIAL_DIR + "/")] == []
    assert not storage.stored(job.storage_name())

    proxy.slow = False
    job = wait_for(lambda: ExportJob.objects.filter(pk=job.pk, status__in=["done", "failed"]).first(), timeout=180)
    assert job.status == ExportJob.Status.DONE and job.attempts == 2, job.error or worker.log()[-3000:]
    assert (
        storage.read(job.file.name) == storage.read(job.storage_name()) and storage.size(job.file.name) == job.file_size
    )
    assert job.file.name in s3_bucket.object_keys()
    proxy.close()
