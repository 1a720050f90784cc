"""Interface catalogs through rosetta: per-language access, the database lock, validation, publishing to every host."""

import threading

import polib
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.rosetta import published_elsewhere, rosetta_field, rosetta_save
from translations import catalogs
from translations.models import PublishedCatalog

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_reach_no_rosetta_page(client, locale_copy):
    for url in ["/rosetta/", "/rosetta/files/project/", "/rosetta/files/project/fr/0/"]:
        response = client.get(url, follow=False)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert "login" in response["Location"] or response["Location"].startswith("/rosetta/files/")
    response = client.post("/rosetta/files/project/fr/0/", {"m_x": "y"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_translator_sees_and_opens_only_her_languages(client, locale_copy, translator_fa, outsider):
    client.force_login(outsider)
    assert client.get("/rosetta/files/project/").status_code in (302, 403)
    client.force_login(translator_fa)
    listing = client.get("/rosetta/files/project/").content.decode()
    assert "/rosetta/files/project/fa/" in listing and "/rosetta/files/project/ar/" not in listing
    assert client.get("/rosetta/files/project/fa/0/").status_code == 200
    assert client.get("/rosetta/files/project/ar/0/").status_code == 404


def test_a_persian_translator_cannot_save_arabic(client, locale_copy, translator_fa):
    po_path = locale_copy / "ar" / "LC_MESSAGES" / "django.po"
    before = po_path.read_bytes()
    client.force_login(translator_fa)
    response = client.post("/rosetta/files/project/ar/0/", {rosetta_field(po_path, "Table of contents"): "Hijacked"})
    assert response.status_code == 404
    assert po_path.read_bytes() == before


def test_a_save_is_published_compiled_and_used_at_once(client, locale_copy, translator_fa, tmp_path):
    po_path = locale_copy / "fa" / "LC_MESSAGES" / "django.po"
    version = catalogs.catalog_version("fa")
    client.force_login(translator_fa)
    response = rosetta_save(client, "fa", "Table of contents", "فهرست مطالب تازه", po_path)
    assert "Saved and published" in response.content.decode()
    published = PublishedCatalog.objects.get(language="fa", domain="django")
    assert published.version == version + 1 and published.published_by == translator_fa
    assert polib.pofile(published.po).find("Table of contents").msgstr == "فهرست مطالب تازه"
    (tmp_path / "published.mo").write_bytes(published.mo)
    assert polib.mofile(str(tmp_path / "published.mo")).find("Table of contents").msgstr == "فهرست مطالب تازه"
    with translation.override("fa"):
        assert translation.gettext("Table of contents") == "فهرست مطالب تازه"


def test_a_message_emptied_in_rosetta_shows_the_original_not_the_images_old_translation(
    client, locale_copy, translator_fa
):
    po_path = locale_copy / "fa" / "LC_MESSAGES" / "django.po"
    with translation.override("fa"):
        assert translation.gettext("Table of contents") != "Table of contents"  # the image translates it
    client.force_login(translator_fa)
    assert "Saved and published" in rosetta_save(client, "fa", "Table of contents", "", po_path).content.decode()
    with translation.override("fa"):
        assert translation.gettext("Table of contents") == "Table of contents"


def test_another_process_picks_up_a_publication_without_a_restart(locale_copy, tmp_path):
    """A process that loaded the old catalog sees the new one on its next request once the hint moves."""
    catalogs.catalogs_refresh_if_published()  # this "process" has seen what is published
    with translation.override("fr"):
        assert translation.gettext("Table of contents") == "Table des matières"
    published_elsewhere(tmp_path, "fr", {"Table of contents": "Sommaire"})  # another host published...
    assert catalogs.catalogs_refresh_if_published() is False  # ...this one has not heard of it yet
    with translation.override("fr"):
        assert translation.gettext("Table of contents") == "Table des matières"
    catalogs.catalog_announce()  # ...and announced it
    assert catalogs.catalogs_refresh_if_published() is True
    with translation.override("fr"):
        assert translation.gettext("Table of contents") == "Sommaire"
    # Nothing was written into this host's catalogs: the published one lives in the process's own directory.
    assert polib.pofile(str(locale_copy / "fr" / "LC_MESSAGES" / "django.po")).find("Table of contents").msgstr == (
        "Table des matières"
    )


def test_a_fresh_process_serves_the_published_catalog_on_its_first_request(client, locale_copy, tmp_path, handbook):
    published_elsewhere(tmp_path, "fr", {"Facilitator manual": "Manuel publié"})
    catalogs.catalogs_forget()  # a process that has just started, on a host whose image has the old catalog
    with translation.override("fr"):
        url = reverse("downloads:edition", args=[handbook.slug, "core", "fr"])
    response = client.get(url)
    assert response.status_code == 200 and "Manuel publié" in response.content.decode()


def test_a_save_is_made_against_the_published_catalog_not_the_hosts_old_file(
    client, locale_copy, translator_fa, tmp_path
):
    """Another host published first: this host's file is older, and its save must not undo the other one's."""
    published_elsewhere(tmp_path, "fa", {"Table of contents": "فهرست از میزبان دیگر"})
    po_path = locale_copy / "fa" / "LC_MESSAGES" / "django.po"
    client.force_login(translator_fa)
    client.get("/rosetta/files/project/fa/0/")  # the page shows the published catalog
    assert polib.pofile(str(po_path)).find("Table of contents").msgstr == "فهرست از میزبان دیگر"
    response = rosetta_save(client, "fa", "Facilitator manual", "راهنمای این میزبان", po_path)
    assert "Saved and published" in response.content.decode()
    published = PublishedCatalog.objects.get(language="fa", domain="django")
    assert published.version == 2
    po = polib.pofile(published.po)
    assert po.find("Table of contents").msgstr == "فهرست از میزبان دیگر"
    assert po.find("Facilitator manual").msgstr == "راهنمای این میزبان"


def test_messages_only_the_hosts_file_has_are_kept_when_the_published_catalog_is_brought_in(locale_copy, tmp_path):
    po_path = locale_copy / "fa" / "LC_MESSAGES" / "django.po"
    local = polib.pofile(str(po_path))
    local.append(polib.POEntry(msgid="A string added in code since", msgstr="رشته‌ای تازه"))
    local.save()
    published_elsewhere(tmp_path, "fa", {"Table of contents": "فهرست منتشرشده"})
    with catalogs.catalog_lock(po_path) as catalog:
        catalogs.catalog_materialise(catalog=catalog, po_path=po_path)
    po = polib.pofile(str(po_path))
    assert po.find("Table of contents").msgstr == "فهرست منتشرشده"
    assert po.find("A string added in code since").msgstr == "رشته‌ای تازه"


def test_a_process_clears_the_catalog_directories_ended_processes_left(locale_copy):
    import subprocess

    ended = subprocess.Popen(["true"])
    ended.wait()
    catalogs.catalogs_forget()
    leftover = catalogs.published_directory().parent / str(ended.pid)
    (leftover / "fr" / "LC_MESSAGES").mkdir(parents=True)
    catalogs.catalogs_forget()
    ours = catalogs.published_directory()
    assert ours.is_dir() and not leftover.exists()


def test_a_broken_placeholder_is_refused_with_a_message_and_nothing_changes(client, locale_copy, translator_fa):
    po_path = locale_copy / "fa" / "LC_MESSAGES" / "django.po"
    msgid = next(e.msgid for e in polib.pofile(str(po_path)) if "%(" in e.msgid and not e.msgid_plural)
    before, version = po_path.read_bytes(), catalogs.catalog_version("fa")
    mo_before = po_path.with_suffix(".mo").read_bytes()
    client.force_login(translator_fa)
    response = rosetta_save(client, "fa", msgid, "ترجمه بدون جای‌نگهدار %(oops)s", po_path)
    assert "Your changes were not saved" in response.content.decode()
    assert po_path.read_bytes() == before and po_path.with_suffix(".mo").read_bytes() == mo_before
    assert catalogs.catalog_version("fa") == version


@pytest.mark.django_db(transaction=True)  # the two requests run in threads with their own connections
def test_two_translators_saving_the_same_catalog_at_once_lose_nothing(locale_copy, translator_fa, monkeypatch):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    second = UserFactory(username="translator-fa-2")
    second.groups.add(Group.objects.get(name="translators-fa"))
    po_path = locale_copy / "fa" / "LC_MESSAGES" / "django.po"
    first_field, second_field = (
        rosetta_field(po_path, "Table of contents"),
        rosetta_field(po_path, "Facilitator manual"),
    )
    # Widen the window between reading and writing the catalog, as a slow disk or a big catalog would.
    real_save = polib.POFile.save

    def slow_save(self, *args, **kwargs):
        threading.Event().wait(0.5)
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(polib.POFile, "save", slow_save)
    clients = []
    for user in (translator_fa, second):
        each = Client()
        each.force_login(user)
        clients.append(each)
    results = []

    def post(each, data):
        from django.db import connection

        try:
            response = each.post("/rosetta/files/project/fa/0/", data)
            results.append((response.status_code, "login" in response.get("Location", "")))
        finally:
            connection.close()  # the thread's own connection, or PostgreSQL cannot drop the test database

    threads = [
        threading.Thread(target=post, args=(clients[0], {first_field: "فهرست یکم"})),
        threading.Thread(target=post, args=(clients[1], {second_field: "راهنمای دوم"})),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [(302, False), (302, False)]
    for po in (polib.pofile(str(po_path)), polib.pofile(PublishedCatalog.objects.get(language="fa").po)):
        assert po.find("Table of contents").msgstr == "فهرست یکم"
        assert po.find("Facilitator manual").msgstr == "راهنمای دوم"


def test_requests_do_not_wait_on_a_redis_that_is_down(settings, monkeypatch, locale_copy, django_assert_num_queries):
    import time

    monkeypatch.setattr(catalogs, "_redis_down_until", 0.0)
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    assert catalogs.catalogs_refresh_if_published() is False
    started = time.monotonic()
    with django_assert_num_queries(0):  # nor on the database: it is asked now and then, not per request
        for _ in range(50):
            assert catalogs.catalogs_refresh_if_published() is False
    assert time.monotonic() - started < 0.5


def test_with_redis_down_a_publication_still_arrives_from_the_database(settings, monkeypatch, locale_copy, tmp_path):
    monkeypatch.setattr(catalogs, "_redis_down_until", 0.0)
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    catalogs.catalogs_refresh_if_published()
    published_elsewhere(tmp_path, "fr", {"Table of contents": "Sommaire sans Redis"})
    monkeypatch.setattr(catalogs, "_next_database_check", 0.0)  # the retry interval has passed
    assert catalogs.catalogs_refresh_if_published() is True
    with translation.override("fr"):
        assert translation.gettext("Table of contents") == "Sommaire sans Redis"


@pytest.mark.parametrize(
    "hostile", ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">', '<a href="javascript:alert(1)">x</a>']
)
def test_markup_in_an_interface_translation_is_refused(client, locale_copy, translator_fa, hostile):
    po_path = locale_copy / "fa" / "LC_MESSAGES" / "django.po"
    msgid = "Not yet translated; shown in %(language)s."  # a {% blocktranslate %}: its output is not escaped
    before = po_path.read_bytes()
    client.force_login(translator_fa)
    response = rosetta_save(client, "fa", msgid, f"ترجمه نشده؛ به %(language)s {hostile}", po_path)
    assert "contains markup that the original does not have" in response.content.decode()
    assert po_path.read_bytes() == before
    with translation.override("fa"):
        assert "<" not in translation.gettext(msgid)
