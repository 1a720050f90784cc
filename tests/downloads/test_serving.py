"""Resumable downloads: the bytes of a broken download continue where they stopped."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from exports import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendered(handbook):
    job = services.export_request(curriculum=handbook, language="en", enqueue=False)
    services.export_job_render(job_id=job.pk)
    job.refresh_from_db()
    with default_storage.open(job.file.name, "rb") as handle:
        return job, handle.read()


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


def test_production_hands_the_bytes_to_nginx_after_checking_access(client, rendered, settings):
    job, _whole = rendered
    settings.EXPORTS_X_ACCEL_PREFIX = "/protected-media/"
    response = client.get(reverse("exports:download", args=[job.pk]))
    assert response["X-Accel-Redirect"] == f"/protected-media/{job.file.name}"
    assert response["ETag"] == f'"{job.fingerprint}"'


def test_stored_files_are_not_reachable_by_their_storage_name(client, rendered):
    job, _whole = rendered
    assert client.get(f"/media/{job.file.name}").status_code == 404
    assert client.get(f"/en/media/{job.file.name}").status_code == 404
