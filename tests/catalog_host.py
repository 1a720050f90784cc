"""Another web host, for the catalog tests: its own process and its own locale directory (TEST_LOCALE_DIR).

    python -m tests.catalog_host get <url>
    python -m tests.catalog_host save <username> <language> <msgid> <msgstr> [<barrier dir> <parties>]

Prints one JSON line. `save` does what a translator's browser does: open rosetta's page of
the catalog, then post one message; with a barrier, the parties post at the same moment.
"""

import json
import os
import sys
import threading
import time
from pathlib import Path


def _rosetta_on_this_hosts_catalogs_only(locale_dir):
    from rosetta import poutil, views

    original = poutil.find_pos

    def copy_only(*args, **kwargs):
        return [path for path in original(*args, **kwargs) if str(path).startswith(str(locale_dir))]

    poutil.find_pos = views.find_pos = copy_only


def _wait_for_every_party(barrier, parties):
    barrier.mkdir(parents=True, exist_ok=True)
    (barrier / str(os.getpid())).touch()
    deadline = time.monotonic() + 60
    while len(list(barrier.iterdir())) < parties and time.monotonic() < deadline:
        time.sleep(0.05)


def _slow_saves():
    """Widen the window between reading and writing the catalog, as a slow disk or a big catalog would."""
    import polib

    real_save = polib.POFile.save

    def slow_save(self, *args, **kwargs):
        threading.Event().wait(0.5)
        return real_save(self, *args, **kwargs)

    polib.POFile.save = slow_save


def main(command, *args):
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from tests.rosetta import rosetta_field

    locale_dir = Path(os.environ["TEST_LOCALE_DIR"])
    _rosetta_on_this_hosts_catalogs_only(locale_dir)
    client = Client()
    if command == "get":
        response = client.get(args[0])
        return {"status": response.status_code, "body": response.content.decode()}
    username, language, msgid, msgstr, *barrier = args
    client.force_login(get_user_model().objects.get(username=username))
    url = f"/rosetta/files/project/{language}/0/"
    assert client.get(url).status_code == 200
    field = rosetta_field(locale_dir / language / "LC_MESSAGES" / "django.po", msgid)
    if barrier:
        _slow_saves()
        _wait_for_every_party(Path(barrier[0]), int(barrier[1]))
    response = client.post(url, {field: msgstr}, follow=True)
    return {"status": response.status_code, "body": response.content.decode()}


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:])))
