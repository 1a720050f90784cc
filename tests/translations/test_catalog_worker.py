"""A label a translator publishes reaches a running PDF worker: no restart."""

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage

from exports.models import ExportJob
from exports.services import export_request
from tests.pdf import pdf_text
from tests.processes import wait_for
from translations import catalogs

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_with_locale_copy(request, settings, tmp_path, monkeypatch):
    target = tmp_path / "locale"
    shutil.copytree(Path(django_settings.BASE_DIR) / "locale", target, ignore=shutil.ignore_patterns("*.lock"))
    monkeypatch.setenv("TEST_LOCALE_DIR", str(target))
    settings.LOCALE_PATHS = [str(target)]
    catalogs.catalogs_reload()
    worker = request.getfixturevalue("pdf_worker")  # started after the environment names the copy
    yield worker, target
    catalogs.catalogs_reload()


def _rendered(job):
    job = wait_for(lambda: (j := ExportJob.objects.get(pk=job.pk)).is_finished and j)
    assert job.status == ExportJob.Status.DONE, job.error
    return pdf_text(default_storage.path(job.file.name))


def test_a_published_label_appears_in_the_next_pdf_of_a_running_worker(handbook, worker_with_locale_copy):
    worker, locale = worker_with_locale_copy
    first_job = export_request(curriculum=handbook, language="fr", profile="a4")
    first = _rendered(first_job)
    assert "Table des matières" in first

    po_path = locale / "fr" / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(po_path))
    po.find("Table of contents").msgstr = "Sommaire publié"
    po.save()
    catalogs.catalog_publish(po_path=po_path)  # what a rosetta save does

    # The same edition asked again is a new job: its labels changed.
    second_job = export_request(curriculum=handbook, language="fr", profile="a4")
    assert second_job.pk != first_job.pk
    second = _rendered(second_job)
    assert "Sommaire publié" in second and "Table des matières" not in second
    assert worker.process.poll() is None  # the same worker process, never restarted
    assert worker.log().count("exports.tasks.render_export[") == 4  # two received, two succeeded
