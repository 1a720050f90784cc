"""Resumable downloads: the bytes of a broken download continue where they stopped, from the disk or the bucket."""

import urllib.request

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation

from config.settings.base import s3_storage
from exports import services
from tests.s3 import free_port

pytestmark = pytest.mark.django_db


def _rendered(handbook):
    job = services.export_request(curriculum=handbook, language="en", enqueue=False)
    services.export_job_render(job_id=job.pk)
    job.refresh_from_db()
    with default_storage.open(job.file.name, "rb") as handle:
        return job, handle.read()


@pytest.fixture
def rendered(handbook, storage_backend):
    """The handbook's PDF, stored on the disk, then (a second run) on the S3 server."""
    return _rendered(handbook)


@pytest.fixture
def on_disk(handbook):
    return _rendered(handbook)


@pytest.fixture
def in_bucket(handbook, s3_bucket):
    return _rendered(handbook)


def _body(response):
    return b"".join(response.streaming_content)


def test_a_download_resumes_from_the_middle_with_the_right_bytes(client, rendered):
    job, whole = rendered
    url = reverse("exports:download", args=[job.pk])
    first = client.get(url)
    assert first.status_code == 200 and first["Accept-Ranges"] == "bytes"
    assert first["ETag"] == f'"{job.fingerprint}"'
    middle = len(whole) // 2
    received = whole[:middle]  # the connection dropped here
    resumed = client.get(url, HTTP_RANGE=f"bytes={middle}-", HTTP_IF_RANGE=first["ETag"])
    assert resumed.status_code == 206
    assert resumed["Content-Range"] == f"bytes {middle}-{len(whole) - 1}/{len(whole)}"
    assert int(resumed["Content-Length"]) == len(whole) - middle
    assert received + _body(resumed) == whole


def test_closed_and_suffix_ranges(client, rendered):
    job, whole = rendered
    url = reverse("exports:download", args=[job.pk])
    assert _body(client.get(url, HTTP_RANGE="bytes=0-99")) == whole[:100]
    assert _body(client.get(url, HTTP_RANGE="bytes=-50")) == whole[-50:]
    assert _body(client.get(url, HTTP_RANGE=f"bytes=10-{len(whole) * 2}")) == whole[10:]


def test_a_range_beyond_the_end_is_unsatisfiable(client, rendered):
    job, whole = rendered
    response = client.get(reverse("exports:download", args=[job.pk]), HTTP_RANGE=f"bytes={len(whole)}-")
    assert response.status_code == 416 and response["Content-Range"] == f"bytes */{len(whole)}"


def test_a_resume_against_a_changed_file_sends_the_whole_file(client, rendered):
    job, whole = rendered
    response = client.get(
        reverse("exports:download", args=[job.pk]), HTTP_RANGE="bytes=100-", HTTP_IF_RANGE='"another"'
    )
    assert response.status_code == 200 and _body(response) == whole


def test_an_unchanged_file_is_not_downloaded_twice(client, rendered):
    job, _whole = rendered
    url = reverse("exports:download", args=[job.pk])
    first = client.get(url)
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304


def test_head_tells_the_size_without_the_body(client, rendered):
    job, whole = rendered
    response = client.head(reverse("exports:download", args=[job.pk]))
    assert response.status_code == 200 and int(response["Content-Length"]) == len(whole)
    assert response.content == b""


def test_production_hands_the_bytes_to_nginx_after_checking_access(client, on_disk, settings):
    job, _whole = on_disk
    settings.STORED_FILES_SERVING = "x-accel"
    settings.EXPORTS_X_ACCEL_PREFIX = "/protected-media/"
    response = client.get(reverse("exports:download", args=[job.pk]))
    assert response["X-Accel-Redirect"] == f"/protected-media/{job.file.name}"
    assert response["ETag"] == f'"{job.fingerprint}"'


def test_stored_files_are_not_reachable_by_their_storage_name(client, on_disk):
    job, _whole = on_disk
    assert client.get(f"/media/{job.file.name}").status_code == 404
    assert client.get(f"/en/media/{job.file.name}").status_code == 404


def test_a_range_is_read_from_the_bucket_not_the_whole_object(client, in_bucket, monkeypatch):
    from storages.backends.s3 import S3Storage

    job, whole = in_bucket
    opened = []
    # The storage's open() downloads the whole object: serving a range must not call it.
    monkeypatch.setattr(S3Storage, "_open", lambda *args, **kwargs: opened.append(args))
    response = client.get(reverse("exports:download", args=[job.pk]), HTTP_RANGE="bytes=100-199")
    assert response.status_code == 206 and _body(response) == whole[100:200]
    assert opened == []


@pytest.fixture
def redirected(in_bucket, settings):
    settings.STORED_FILES_SERVING = "redirect"
    return in_bucket


def test_redirect_mode_sends_the_client_to_a_short_lived_url_the_bucket_answers(client, redirected, s3_bucket):
    job, whole = redirected
    response = client.get(reverse("exports:download", args=[job.pk]))
    assert response.status_code == 302
    # The URL is a credential: never kept by a shared cache.
    assert response["Cache-Control"] == "private, no-store"
    location = response["Location"]
    assert location.startswith(f"{s3_bucket.server.endpoint}/{s3_bucket.name}/{job.file.name}?")
    assert "X-Amz-Expires=60" in location
    with urllib.request.urlopen(location) as answer:  # noqa: S310 (the loopback S3 server)
        assert answer.read() == whole
        assert answer.headers["Content-Type"] == "application/pdf"
        assert answer.headers["Content-Disposition"] == f'attachment; filename="{job.download_filename()}"'
    # A broken download resumes from the bucket.
    resumed = urllib.request.Request(location, headers={"Range": "bytes=100-"})  # noqa: S310
    with urllib.request.urlopen(resumed) as answer:  # noqa: S310
        assert answer.status == 206 and answer.read() == whole[100:]


def test_redirect_mode_answers_an_unchanged_file_itself(client, redirected):
    job, _whole = redirected
    url = reverse("exports:download", args=[job.pk])
    again = client.get(url, HTTP_IF_NONE_MATCH=f'"{job.fingerprint}"')
    assert again.status_code == 304 and again["ETag"] == f'"{job.fingerprint}"'
    assert "Location" not in again


def test_redirect_mode_checks_access_before_handing_out_a_url(client, redirected, secretariat, s3_bucket):
    from exports.models import ExportJob

    job, _whole = redirected
    ExportJob.objects.filter(pk=job.pk).update(kind=ExportJob.Kind.REVIEW, params={"year": 2025})
    url = reverse("workshops:review-download", args=[job.pk])
    refused = client.get(url)
    assert refused.status_code == 302 and not refused["Location"].startswith(s3_bucket.server.endpoint)
    client.force_login(secretariat)
    assert client.get(url)["Location"].startswith(s3_bucket.server.endpoint)


def test_a_file_missing_from_the_bucket_is_a_404_in_redirect_mode_too(client, redirected):
    job, _whole = redirected
    default_storage.delete(job.file.name)
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404


@pytest.mark.parametrize("mode", ["stream", "redirect"])
def test_an_unreachable_bucket_answers_a_translated_503_without_a_traceback(
    client, in_bucket, s3_bucket, settings, mode, caplog
):
    job, _whole = in_bucket
    settings.STORED_FILES_SERVING = mode
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(s3_bucket.environ(endpoint=f"http://127.0.0.1:{free_port()}")),
    }
    with translation.override("ar"):
        url = reverse("exports:download", args=[job.pk])
    response = client.get(url)
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert response["Cache-Control"] == "no-store"
    assert "الموقع غير متاح لفترة وجيزة" in response.content.decode()
    assert not [record for record in caplog.records if record.exc_info]
