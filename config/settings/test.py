"""Tests: fast password hashing, media in a temporary directory, a Redis database of their own."""

import os
import tempfile

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, s3_storage

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A worker started by the tests must see the same files: it gets MEDIA_ROOT from the environment.
MEDIA_ROOT = os.environ.get("TEST_MEDIA_ROOT") or tempfile.mkdtemp(prefix="cc-test-media-")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Database 15, so a worker of `make run` on the same Redis never takes a test's task.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CELERY_BROKER_URL = REDIS_URL
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: a real Celery worker process opens the same test database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-db.sqlite3")}
# The disk, whatever STORAGE_BACKEND says; the S3 tests switch per test (tests/s3.py), and a worker
# they start is told the same bucket by TEST_STORAGE_BACKEND=s3 and the S3_* variables.
STORAGES = {
    "default": s3_storage(os.environ)
    if os.environ.get("TEST_STORAGE_BACKEND") == "s3"
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STORED_FILES_SERVING = "stream"
# A test that publishes interface catalogs works on a copy; a worker it starts reads the same copy.
if os.environ.get("TEST_LOCALE_DIR"):
    LOCALE_PATHS = [os.environ["TEST_LOCALE_DIR"]]
