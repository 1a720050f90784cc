"""Fixtures that start real processes (Redis, a Celery worker) and wait on them; a pytest plugin loaded by tests/conftest.py."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis as redis_lib
from django.conf import settings

from .s3 import storage_environ

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def redis_broker():
    """The tests' Redis database; a Redis server is started on loopback when none answers."""
    client = redis_lib.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis_lib.ConnectionError:
        env = {**os.environ, "REDIS_PORT": str(client.connection_pool.connection_kwargs["port"])}
        subprocess.run([str(ROOT / "scripts" / "ensure-redis.sh")], check=True, cwd=ROOT, env=env)
        client.ping()
    client.flushdb()
    return client


def _worker_database_url():
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    def __init__(self, process, log_path):
        self.process = process
        self.log_path = log_path

    def log(self):
        return self.log_path.read_text(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _process_env(broker_url, *, media_root=None, **extra):
    """The environment of a process the tests start: this test's database, media, broker and storage (and extra)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _worker_database_url(),
        "TEST_MEDIA_ROOT": str(media_root or settings.MEDIA_ROOT),
        "TEST_REDIS_URL": broker_url,
        **storage_environ(),
        **extra,
    }


def start_worker(broker_url, log_path, *, media_root=None, environ=None, name="test"):
    """A worker on this test's database, broker and storage (the disk, or the bucket of tests/s3.py).

    `media_root` and `environ` (TMPDIR...) make it another host: nothing shared but the broker,
    the database and the bucket.
    """
    env = _process_env(broker_url, media_root=media_root, **(environ or {}))
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "pdf,default", "--concurrency", "1",
             "--pool", "prefork", "--loglevel", "INFO", "--without-gossip", "--without-mingle", "-n", f"{name}-{os.getpid()}@%h"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    worker = WorkerProcess(process, log_path)
    deadline = time.monotonic() + 60
    while "ready." not in worker.log():
        if process.poll() is not None or time.monotonic() > deadline:
            worker.stop()
            pytest.fail(f"the Celery worker did not start:\n{worker.log()[-3000:]}")
        time.sleep(0.2)
    return worker


@pytest.fixture
def pdf_worker(redis_broker, transactional_db, tmp_path):
    """A real `celery worker` process on the PDF queue, against the test database and a real Redis."""
    # Tasks queued by earlier tests that had no worker must not reach this one.
    redis_broker.flushdb()
    worker = start_worker(settings.CELERY_BROKER_URL, tmp_path / "worker.log")
    yield worker
    worker.stop()


@pytest.fixture
def pdf_worker_on(transactional_db, tmp_path):
    """Start a real worker on another broker, later in a test."""
    workers = []

    def start(broker_url, **options):
        workers.append(
            start_worker(broker_url, tmp_path / f"worker-{len(workers)}.log", name=f"test{len(workers)}", **options)
        )
        return workers[-1]

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def locale_copy(settings, tmp_path, redis_broker, monkeypatch):
    """The catalogs copied to a temporary directory: tests publish there, never in the project's locale/."""
    from rosetta import poutil, views

    from translations import catalogs

    target = tmp_path / "locale"
    shutil.copytree(ROOT / "locale", target, ignore=shutil.ignore_patterns("*.lock", "README.md"))
    settings.LOCALE_PATHS = [target]
    # Rosetta also looks next to the settings package and every app: keep it to the copy.
    original = poutil.find_pos

    def copy_only(*args, **kwargs):
        return [path for path in original(*args, **kwargs) if str(path).startswith(str(target))]

    monkeypatch.setattr(poutil, "find_pos", copy_only)
    monkeypatch.setattr(views, "find_pos", copy_only)
    catalogs.catalogs_forget()  # catalogs an earlier test published are not this one's
    yield target
    catalogs.catalogs_forget()


def locale_host(target, *, empty=False):
    """The catalogs of another host: its own copy of locale/ as its image has it (or none at all)."""
    if empty:
        target.mkdir(parents=True)
    else:
        shutil.copytree(ROOT / "locale", target, ignore=shutil.ignore_patterns("*.lock", "README.md"))
    return target


def host_start(locale_dir, *args):
    """Start `tests.catalog_host` (a web host of its own, on this locale directory) with these arguments."""
    env = _process_env(settings.CELERY_BROKER_URL, TEST_LOCALE_DIR=str(locale_dir), ALLOWED_HOSTS="testserver")
    return subprocess.Popen(
        [sys.executable, "-m", "tests.catalog_host", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def host_result(process, timeout=120):
    """What a host started by host_start printed: its response's status and body."""
    stdout, stderr = process.communicate(timeout=timeout)
    assert process.returncode == 0, stderr[-3000:]
    return json.loads(stdout.strip().splitlines()[-1])


def host_run(locale_dir, *args):
    return host_result(host_start(locale_dir, *args))


def wait_for(predicate, timeout=90, interval=0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


def pytest_report_header(config):
    from django.db import connection

    return f"database: {connection.vendor} · broker: {settings.CELERY_BROKER_URL}"
