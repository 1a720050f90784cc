"""Saving interface translations through rosetta's form, as a translator's browser does."""

import hashlib

import polib


def rosetta_field(po_path, msgid):
    """The name of rosetta's form field for one message of a catalog."""
    entry = polib.pofile(str(po_path)).find(msgid)
    digest = hashlib.md5((entry.msgid + entry.msgstr + (entry.msgctxt or "")).encode()).hexdigest()  # noqa: S324
    return f"m_{digest}"


def rosetta_save(client, language, msgid, msgstr, po_path):
    return client.post(f"/rosetta/files/project/{language}/0/", {rosetta_field(po_path, msgid): msgstr}, follow=True)
