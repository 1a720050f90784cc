import pytest
from django.contrib.auth.models import Group

from curriculum.models import Block, Module, PartnerMembership
from curriculum.publishing import curriculum_publish

from .factories import BlockFactory, CurriculumFactory, ModuleFactory, PartnerFactory, UserFactory


@pytest.fixture(autouse=True)
def english_by_default():
    """Each test starts in English, whatever language an earlier test's pages activated in this thread."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Throttle counters live in the cache: one test's requests must not count against the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test stores files in a directory of its own: content-addressed names repeat across tests."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


@pytest.fixture
def secretariat(db):
    user = UserFactory(username="secretariat", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name="secretariat")[0])
    return user


@pytest.fixture
def partner(db):
    return PartnerFactory(slug="tamkeen", name="Tamkeen Women's Forum")


@pytest.fixture
def other_partner(db):
    return PartnerFactory(slug="sauti", name="Sauti ya Wanawake", country="TZ", languages=["sw", "en"])


@pytest.fixture
def affiliate(partner):
    return PartnerFactory(slug="tamkeen-irbid", name="Tamkeen Irbid", parent=partner)


@pytest.fixture
def partner_editor(partner):
    user = UserFactory(username="partner-editor")
    PartnerMembership.objects.create(user=user, partner=partner)
    return user


@pytest.fixture
def other_editor(other_partner):
    user = UserFactory(username="other-editor")
    PartnerMembership.objects.create(user=user, partner=other_partner)
    return user


@pytest.fixture
def affiliate_editor(affiliate):
    user = UserFactory(username="affiliate-editor")
    PartnerMembership.objects.create(user=user, partner=affiliate)
    return user


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider")


def _translator(username, *languages):
    user = UserFactory(username=username)
    for language in languages:
        user.groups.add(Group.objects.get_or_create(name=f"translators-{language}")[0])
    return user


@pytest.fixture
def translator_ar(db):
    return _translator("translator-ar", "ar")


@pytest.fixture
def translator_fa(db):
    return _translator("translator-fa", "fa")


@pytest.fixture
def handbook(db):
    """A small curriculum in English, Arabic, Persian and Russian, with one untranslated block."""
    curriculum = CurriculumFactory(
        slug="leading-to-choices",
        title_en="Leading to Choices",
        title_ar="القيادة نحو الخيارات",
        title_fa="رهبری به سوی انتخاب‌ها",
        title_ru="Путь к выбору",
        description_en="A leadership handbook.",
    )
    guide = ModuleFactory(
        curriculum=curriculum, slug="facilitation-guide", position=1, kind=Module.Kind.GUIDE,
        title_en="Facilitation guide", title_ar="دليل الميسّرة", title_ru="Руководство ведущей",
    )  # fmt: skip
    BlockFactory(
        module=guide, key="welcome", position=1, kind=Block.Kind.TEXT, title_en="Welcome",
        body_en="Welcome, facilitator. Leadership is a practice.",
        body_ar="مرحباً بكِ أيتها الميسّرة. القيادة ممارسة.",
        body_fa="خوش آمدید. رهبری یک تمرین است.",
        body_ru="Добро пожаловать. Лидерство — это практика.",
    )  # fmt: skip
    session = ModuleFactory(
        curriculum=curriculum, slug="session-1", position=2, title_en="Communicating with purpose",
        title_ar="التواصل الهادف", title_ru="Целенаправленное общение",
    )  # fmt: skip
    BlockFactory(
        module=session, key="facilitator-note", position=1, kind=Block.Kind.FACILITATOR_NOTE,
        title_en="Before you start", body_en="Arrange the chairs in a circle.",
        body_ar="رتّبي الكراسي في دائرة.", body_ru="Расставьте стулья по кругу.",
    )  # fmt: skip
    BlockFactory(
        module=session, key="handout", position=2, kind=Block.Kind.HANDOUT,
        title_en="Handout", body_en="- Speak clearly\n- Listen fully",
    )  # fmt: skip
    curriculum_publish(curriculum=curriculum)
    return curriculum


# --- Real processes: Redis and a Celery worker ----------------------------------------

import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import redis as redis_lib  # noqa: E402
from django.conf import settings  # noqa: E402

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


def start_worker(broker_url, log_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _worker_database_url(),
        "TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "TEST_REDIS_URL": broker_url,
    }
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "pdf,default", "--concurrency", "1",
             "--pool", "prefork", "--loglevel", "INFO", "--without-gossip", "--without-mingle", "-n", f"test-{os.getpid()}@%h"],
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

    def start(broker_url):
        workers.append(start_worker(broker_url, tmp_path / f"worker-{len(workers)}.log"))
        return workers[-1]

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def locale_copy(settings, tmp_path, redis_broker, monkeypatch):
    """The catalogs copied to a temporary directory: tests publish there, never in the project's locale/."""
    import shutil

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
    catalogs.catalogs_reload()
    yield target
    catalogs.catalogs_reload()


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
