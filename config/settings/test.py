"""Tests: fast password hashing, media in a temporary directory."""

import tempfile

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="cc-test-media-")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
