"""A label a translator saves on one host reaches PDF workers and web processes on others: no shared disk, no restart."""

from html import unescape

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation

from exports.models import ExportJob
from exports.services import export_request
from tests.pdf import pdf_text
from tests.processes import host_result, host_run, host_start, locale_host, wait_for
from tests.rosetta import rosetta_save
from translations.models import PublishedCatalog

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def start_worker_on_its_own_host(request, tmp_path, monkeypatch):
    """Start a real PDF worker whose catalogs are its own copy of locale/ (or none), not the web side's."""

    def start(name, *, empty=False):
        monkeypatch.setenv("TEST_LOCALE_DIR", str(locale_host(tmp_path / name, empty=empty)))
        return request.getfixturevalue("pdf_worker")

    return start


def _rendered(job):
    job = wait_for(lambda: (j := ExportJob.objects.get(pk=job.pk)).is_finished and j)
    assert job.status == ExportJob.Status.DONE, job.error
    return pdf_text(default_storage.path(job.file.name))


def test_a_label_saved_on_one_host_appears_in_the_next_pdf_of_a_worker_on_another(
    client, handbook, locale_copy, translator_fr, start_worker_on_its_own_host
):
    worker = start_worker_on_its_own_host("worker-host")
    first_job = export_request(curriculum=handbook, language="fr", profile="a4")
    assert "Table des matières" in _rendered(first_job)

    client.force_login(translator_fr)
    po_path = locale_copy / "fr" / "LC_MESSAGES" / "django.po"  # the web host's file, not the worker's
    assert (
        "Saved and published"
        in rosetta_save(client, "fr", "Table of contents", "Sommaire publié", po_path).content.decode()
    )

    # The same edition asked again is a new job: its labels changed.
    second_job = export_request(curriculum=handbook, language="fr", profile="a4")
    assert second_job.pk != first_job.pk
    second = _rendered(second_job)
    assert "Sommaire publié" in second and "Table des matières" not in second
    assert worker.process.poll() is None  # the same worker process, never restarted
    # The worker logs a task's success once it has returned (after giving its memory back): wait for the line.
    wait_for(lambda: worker.log().count("exports.tasks.render_export[") >= 4, timeout=30)
    assert worker.log().count("exports.tasks.render_export[") == 4  # two received, two succeeded


def test_a_worker_started_on_a_host_without_catalogs_prints_the_published_labels(
    client, handbook, locale_copy, translator_fr, start_worker_on_its_own_host
):
    client.force_login(translator_fr)
    po_path = locale_copy / "fr" / "LC_MESSAGES" / "django.po"
    rosetta_save(client, "fr", "Table of contents", "Sommaire publié", po_path)
    start_worker_on_its_own_host("new-host", empty=True)
    text = _rendered(export_request(curriculum=handbook, language="fr", profile="a4"))
    assert "Sommaire publié" in text and "Table of contents" not in text


def test_another_web_host_serves_a_label_saved_on_this_one(client, handbook, locale_copy, translator_fr, tmp_path):
    with translation.override("fr"):
        url = reverse("downloads:edition", args=[handbook.slug, "core", "fr"])
    other_host = locale_host(tmp_path / "other-web-host")
    assert "Manuel d'animation" in unescape(host_run(other_host, "get", url)["body"])  # what its image says
    client.force_login(translator_fr)
    po_path = locale_copy / "fr" / "LC_MESSAGES" / "django.po"
    rosetta_save(client, "fr", "Facilitator manual", "Manuel publié", po_path)
    page = host_run(other_host, "get", url)
    assert page["status"] == 200 and "Manuel publié" in page["body"]
    # A host whose image has no catalogs at all serves it too, from its first request.
    assert "Manuel publié" in host_run(locale_host(tmp_path / "empty-host", empty=True), "get", url)["body"]


def test_two_translators_on_two_hosts_saving_one_after_the_other_lose_nothing(
    translator_fa, second_translator_fa, tmp_path
):
    first_host, second_host = locale_host(tmp_path / "first-host"), locale_host(tmp_path / "second-host")
    assert (
        "Saved and published"
        in host_run(first_host, "save", "translator-fa", "fa", "Table of contents", "فهرست یکم")["body"]
    )
    # The second host's file still has the old catalog: its save is made against the published one.
    assert (
        "Saved and published"
        in host_run(second_host, "save", "translator-fa-2", "fa", "Facilitator manual", "راهنمای دوم")["body"]
    )
    po = PublishedCatalog.objects.get(language="fa").po
    assert "فهرست یکم" in po and "راهنمای دوم" in po


def test_two_translators_on_two_hosts_saving_at_once_lose_nothing(translator_fa, second_translator_fa, tmp_path):
    barrier = tmp_path / "barrier"
    hosts = [
        host_start(locale_host(tmp_path / "first-host"), "save", "translator-fa", "fa", "Table of contents", "فهرست یکم", barrier, "2"),
        host_start(locale_host(tmp_path / "second-host"), "save", "translator-fa-2", "fa", "Facilitator manual", "راهنمای دوم", barrier, "2"),
    ]  # fmt: skip
    pages = [host_result(host) for host in hosts]
    assert all("Saved and published" in page["body"] for page in pages)
    catalog = PublishedCatalog.objects.get(language="fa")
    assert catalog.version == 2
    assert "فهرست یکم" in catalog.po and "راهنمای دوم" in catalog.po
