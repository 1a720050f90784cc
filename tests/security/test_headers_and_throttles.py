import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from exports.models import ExportJob
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)


def test_every_page_carries_a_strict_content_security_policy(client, handbook):
    policy = client.get(f"/en/curricula/{handbook.slug}/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy and "base-uri 'none'" in policy


def test_our_templates_have_no_inline_scripts_styles_or_handlers():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        if "exports/pdf" in str(path) or "offline" in path.name:
            continue  # print templates never reach a browser
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\sstyle=|<style|\son[a-z]+=", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_repeated_failed_sign_ins_are_refused_for_a_while(client):
    UserFactory(username="trainer", password="right-password")
    url = reverse("login")
    for _ in range(5):
        assert client.post(url, {"username": "trainer", "password": "wrong"}).status_code == 200
    locked = client.post(url, {"username": "trainer", "password": "right-password"})
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_correct_sign_in_is_not_throttled(client):
    UserFactory(username="trainer", password="right-password")
    url = reverse("login")
    client.post(url, {"username": "trainer", "password": "wrong"})
    assert client.post(url, {"username": "trainer", "password": "right-password"}).status_code == 302


def test_export_requests_are_limited_per_client(client, handbook, settings):
    settings.EXPORT_REQUESTS_PER_MINUTE = 3
    data = {"curriculum": handbook.slug, "language": "en", "profile": "a4"}
    for _ in range(3):
        assert client.post(reverse("exports:request"), data).status_code == 302
    refused = client.post(reverse("exports:request"), data)
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert ExportJob.objects.count() == 1


def test_production_settings_pass_the_deployment_checks():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "commons.example.org",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
