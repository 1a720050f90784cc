import hashlib
import io
import json
import zipfile

import pytest
from django.urls import reverse

from exports import services as export_services
from exports.models import ExportJob

pytestmark = pytest.mark.django_db


def _render_all():
    for job in ExportJob.objects.filter(status=ExportJob.Status.QUEUED):
        export_services.export_job_render(job_id=job.pk)


def test_the_offline_package_is_prepared_then_holds_every_file_with_checksums(client, handbook, storage_backend):
    url = reverse("downloads:offline", args=[handbook.slug, "core", "ar"])
    waiting = client.get(url)
    assert waiting.status_code == 202
    assert "manual.pdf" in waiting.content.decode() and "modules/02-session-1.pdf" in waiting.content.decode()
    assert client.get(url).status_code == 202
    assert ExportJob.objects.count() == 4  # manual, handout pack, two modules: asked twice, queued once
    _render_all()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = sorted(archive.namelist())
    assert names == [
        "handouts.pdf", "index.html", "manifest.json", "manual.pdf",
        "modules/01-facilitation-guide.pdf", "modules/02-session-1.pdf",
    ]  # fmt: skip
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["language"] == "ar" and manifest["module_versions"] == {"facilitation-guide": 1, "session-1": 1}
    for entry in manifest["files"]:
        assert hashlib.sha256(archive.read(entry["file"])).hexdigest() == entry["sha256"]
        assert archive.read(entry["file"]).startswith(b"%PDF")
    index = archive.read("index.html").decode()
    assert '<html lang="ar" dir="rtl">' in index and 'href="modules/02-session-1.pdf"' in index
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    if storage_backend:
        # Every document and the package are objects in the bucket, none left under a temporary key.
        keys = storage_backend.object_keys()
        assert [key for key in keys if key.startswith("exports/offline/")] and not storage_backend.object_keys(
            ".partial"
        )


def test_a_draft_edition_has_no_offline_package(client, handbook, partner):
    assert client.get(reverse("downloads:offline", args=[handbook.slug, partner.slug, "en"])).status_code == 404
    assert not ExportJob.objects.exists()


def test_the_offline_package_resolves_its_edition_once_for_all_its_documents(handbook, monkeypatch):
    from unittest import mock

    from curriculum.resolution import edition_resolve
    from downloads import services

    calls = []

    def counted(**kwargs):
        calls.append(kwargs)
        return edition_resolve(**kwargs)

    monkeypatch.setattr("downloads.services.edition_resolve", counted)
    monkeypatch.setattr("exports.services.edition_resolve", counted)
    with mock.patch("exports.queue.task_send"):
        name, _fingerprint, members = services.offline_package(curriculum=handbook, partner=None, language="ar")
    assert name is None and len(members) == 4  # manual, handouts, two modules
    assert len(calls) == 1


def test_editing_the_index_page_or_what_it_includes_makes_a_new_package(handbook, settings, tmp_path):
    import shutil
    from unittest import mock

    from django.conf import settings as django_settings

    from downloads import services

    templates = tmp_path / "templates"
    shutil.copytree(django_settings.BASE_DIR / "templates", templates)
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [templates]}, *settings.TEMPLATES[1:]]
    with mock.patch("exports.queue.task_send"):
        _edition, members = services.offline_members(curriculum=handbook, partner=None, language="en")
    before = services.offline_package_fingerprint(members)
    assert services.offline_package_fingerprint(members) == before
    for name in ("downloads/offline_index.html", "exports/pdf/edition_name.html"):
        with open(templates / name, "a", encoding="utf-8") as handle:
            handle.write("<!-- restyled -->\n")
        after = services.offline_package_fingerprint(members)
        assert after != before, name
        before = after
