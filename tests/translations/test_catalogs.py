"""Interface catalogs through rosetta: per-language access, locking, validation, publishing to every process."""

import threading

import polib
import pytest
from django.test import Client
from django.utils import translation

from tests.rosetta import rosetta_field, rosetta_save
from translations import catalogs

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


def test_a_save_is_published_compiled_and_used_at_once(client, locale_copy, translator_fa):
    po_path = locale_copy / "fa" / "LC_MESSAGES" / "django.po"
    version = catalogs.catalog_version()
    client.force_login(translator_fa)
    response = rosetta_save(client, "fa", "Table of contents", "فهرست مطالب تازه", po_path)
    assert "Saved and published" in response.content.decode()
    assert catalogs.catalog_version() == version + 1
    assert polib.mofile(str(po_path.with_suffix(".mo"))).find("Table of contents").msgstr == "فهرست مطالب تازه"
    with translation.override("fa"):
        assert translation.gettext("Table of contents") == "فهرست مطالب تازه"


def test_another_process_picks_up_a_publication_without_a_restart(locale_copy):
    """A process that loaded the old catalog sees the new one on its next request once the version moves."""
    catalogs.catalogs_refresh_if_published()  # this "process" has seen the current version
    with translation.override("fr"):
        assert translation.gettext("Table of contents") == "Table des matières"
    po_path = locale_copy / "fr" / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(po_path))
    po.find("Table of contents").msgstr = "Sommaire"
    po.save()
    catalogs.catalog_compile(po_path)  # another process compiled it...
    with translation.override("fr"):
        assert translation.gettext("Table of contents") == "Table des matières"  # ...this one still has the old
    catalogs._redis().incr(catalogs.VERSION_KEY)  # ...and announced it
    assert catalogs.catalogs_refresh_if_published() is True
    with translation.override("fr"):
        assert translation.gettext("Table of contents") == "Sommaire"


def test_a_broken_placeholder_is_refused_with_a_message_and_nothing_changes(client, locale_copy, translator_fa):
    po_path = locale_copy / "fa" / "LC_MESSAGES" / "django.po"
    msgid = next(e.msgid for e in polib.pofile(str(po_path)) if "%(" in e.msgid and not e.msgid_plural)
    before, version = po_path.read_bytes(), catalogs.catalog_version()
    mo_before = po_path.with_suffix(".mo").read_bytes()
    client.force_login(translator_fa)
    response = rosetta_save(client, "fa", msgid, "ترجمه بدون جای‌نگهدار %(oops)s", po_path)
    assert "Your changes were not saved" in response.content.decode()
    assert po_path.read_bytes() == before and po_path.with_suffix(".mo").read_bytes() == mo_before
    assert catalogs.catalog_version() == version


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
    po = polib.pofile(str(po_path))
    assert po.find("Table of contents").msgstr == "فهرست یکم"
    assert po.find("Facilitator manual").msgstr == "راهنمای دوم"


def test_requests_do_not_wait_on_a_redis_that_is_down(settings, monkeypatch):
    import time

    monkeypatch.setattr(catalogs, "_redis_down_until", 0.0)
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    assert catalogs.catalogs_refresh_if_published() is False
    started = time.monotonic()
    for _ in range(50):
        assert catalogs.catalogs_refresh_if_published() is False
    assert time.monotonic() - started < 0.5


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
