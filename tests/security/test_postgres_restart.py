"""The database away: every request gets a short 503 with Retry-After, and the same processes recover by themselves."""

import glob
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import InterfaceError, OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent.parent
BRIEFLY_UNAVAILABLE = {
    "en": "The site is briefly unavailable; please try again in a minute.",
    "fr": "Le site est momentanément indisponible ; veuillez réessayer dans une minute.",
}


class PatchedDatabase:
    """stop(): every cursor fails as it does while PostgreSQL is stopped; start(): the database is back."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def stop(self, error=None):
        error = error or OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')
        self.monkeypatch.setattr(BaseDatabaseWrapper, "cursor", _raise(error))

    def start(self):
        self.monkeypatch.undo()


@pytest.fixture
def database(monkeypatch):
    return PatchedDatabase(monkeypatch)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_request_while_the_database_is_down_gets_a_translated_503_with_retry_after(handbook, database, language):
    client = Client(raise_request_exception=False)
    database.stop()
    response = client.get(f"/{language}/curricula/{handbook.slug}/session-1/")
    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "60" and response["Cache-Control"] == "no-store"
    assert BRIEFLY_UNAVAILABLE[language] in page and f'<html lang="{language}"' in page
    assert "Traceback" not in page and "OperationalError" not in page and "5432" not in page
    database.start()
    assert client.get(f"/{language}/curricula/{handbook.slug}/session-1/").status_code == 200


@pytest.mark.django_db
def test_a_signed_in_editor_gets_the_503_too(partner_editor, handbook, database):
    """The session and the user are read from the database before any view runs."""
    client = Client(raise_request_exception=False)
    client.force_login(partner_editor)
    database.stop(InterfaceError("connection already closed"))
    response = client.get("/ar/workspace/")
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert 'dir="rtl"' in response.content.decode()


@pytest.mark.django_db
def test_other_errors_stay_500(handbook, monkeypatch):
    from curriculum import views

    monkeypatch.setattr(views, "edition_resolve", _raise(ValueError("a bug")))
    response = Client(raise_request_exception=False).get(f"/en/curricula/{handbook.slug}/session-1/")
    assert response.status_code == 500 and "Retry-After" not in response


def _raise(error):
    def raising(*args, **kwargs):
        raise error

    return raising


def _pg_bin(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def private_postgres():
    """A PostgreSQL cluster of this test's own, on a free port, that the test can restart."""
    import tempfile

    if not _pg_bin("initdb"):
        pytest.fail("PostgreSQL's server binaries are missing: run scripts/install-system-packages.sh postgresql")
    # Outside pytest's private temporary directory: the postgres user must reach it.
    tmp_path = Path(tempfile.mkdtemp(prefix="cc-pg-"))
    data = tmp_path / "pgdata"
    port = _free_port()
    run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if run_as:
        shutil.chown(tmp_path, "postgres")
    subprocess.run(
        [*run_as, _pg_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"], check=True, capture_output=True
    )
    options = f"-p {port} -k {tmp_path} -c listen_addresses=127.0.0.1"

    def ctl(*command):
        # The server inherits pg_ctl's output: a pipe would never close, so it goes to a log file.
        subprocess.run(
            [*run_as, _pg_bin("pg_ctl"), "-D", str(data), "-o", options, "-l", str(tmp_path / "server.log"), "-w", *command],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60,
        )  # fmt: skip

    ctl("start")
    yield f"postgres://postgres@127.0.0.1:{port}/postgres", ctl
    subprocess.run([*run_as, _pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
    shutil.rmtree(tmp_path, ignore_errors=True)


@pytest.mark.integration
def test_requests_get_503_while_postgres_restarts_and_recover_by_themselves(private_postgres, tmp_path):
    database_url, ctl = private_postgres
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DEBUG": "0",
        "DATABASE_URL": database_url,
        "DB_CONN_MAX_AGE": "60",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([python, "manage.py", "load_demo", "--force"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [str(Path(python).parent / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--timeout", "30", "--log-level", "error"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/en/curricula/leading-to-choices/session-1/"
    results, pages, stop = [], [], threading.Event()

    def load():
        while not stop.is_set():
            started = time.monotonic()
            try:
                with urllib.request.urlopen(url, timeout=20) as response:
                    results.append((time.monotonic(), response.status, time.monotonic() - started))
            except urllib.error.HTTPError as error:
                results.append((time.monotonic(), error.code, time.monotonic() - started))
                pages.append((error.code, error.headers.get("Retry-After"), error.read().decode(errors="replace")))
            except OSError:
                results.append((time.monotonic(), "connection", time.monotonic() - started))
            time.sleep(0.05)

    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url, timeout=5)
                break
            except OSError:
                time.sleep(0.3)
        threads = [threading.Thread(target=load) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(2)
        stopping_at = time.monotonic()
        ctl("stop", "-m", "fast")
        down_at = time.monotonic()
        time.sleep(3)
        starting_at = time.monotonic()
        ctl("start")
        up_at = time.monotonic()
        time.sleep(4)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        server.terminate()
        server.wait(timeout=30)

    before = [status for at, status, _took in results if at < stopping_at]
    during = [status for at, status, _took in results if down_at + 0.5 < at < starting_at]
    after = [status for at, status, _took in results if at > up_at + 2]
    assert before and set(before) == {200}
    # While it is down: a short "try again" page, quickly, never a traceback, a hang or a dropped connection.
    assert during and set(during) == {503}, set(during)
    assert {(status, retry_after) for status, retry_after, _page in pages} == {(503, "60")}
    assert all(BRIEFLY_UNAVAILABLE["en"] in page and "Traceback" not in page for _status, _retry, page in pages)
    assert max(took for _at, _status, took in results) < 20
    # Back up: the same processes serve again, without a restart.
    assert after and set(after) == {200}, set(after)
