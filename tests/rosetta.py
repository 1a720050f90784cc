"""Saving interface translations through rosetta's form, as a translator's browser does; catalogs other hosts published."""

import hashlib
from pathlib import Path

import polib
from django.conf import settings

from translations import catalogs
from translations.models import PublishedCatalog


def rosetta_field(po_path, msgid):
    """The name of rosetta's form field for one message of a catalog."""
    entry = polib.pofile(str(po_path)).find(msgid)
    digest = hashlib.md5((entry.msgid + entry.msgstr + (entry.msgctxt or "")).encode()).hexdigest()  # noqa: S324
    return f"m_{digest}"


def rosetta_save(client, language, msgid, msgstr, po_path):
    return client.post(f"/rosetta/files/project/{language}/0/", {rosetta_field(po_path, msgid): msgstr}, follow=True)


def published_elsewhere(tmp_path, language, changes, version=1):
    """A catalog published by another host: compiled from that host's file, stored, never written here."""
    other_host = tmp_path / "other-host" / language / "LC_MESSAGES"
    other_host.mkdir(parents=True)
    po = polib.pofile(str(Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"))
    for msgid, msgstr in changes.items():
        po.find(msgid).msgstr = msgstr
    po.save(str(other_host / "django.po"))
    mo = catalogs.catalog_compile(other_host / "django.po")
    PublishedCatalog.objects.update_or_create(
        language=language,
        domain="django",
        defaults={"po": str(po), "mo": mo, "digest": hashlib.sha256(mo).hexdigest(), "version": version},
    )
