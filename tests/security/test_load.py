"""The load test in a short form: gunicorn, a real worker and locust on loopback; no errors, one render per edition."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent.parent
pytestmark = pytest.mark.integration


def test_a_short_load_holds_without_errors_and_renders_each_job_once(redis_broker):
    # The test's own Redis database: two suites on one machine must not take each other's renders.
    env = {**os.environ, "LOAD_REDIS_URL": settings.CELERY_BROKER_URL}
    result = subprocess.run(
        [sys.executable, "bench/load_test.py", "--users", "15", "--seconds", "15", "--workers", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    figures = result.stdout.splitlines()
    _users, requests, *_rest, errors = figures[1].split()
    assert int(requests) > 50 and errors == "0", result.stdout
    # Identical requests share one render.
    assert "each job rendered once: True" in result.stdout
