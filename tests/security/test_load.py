"""The load test in a short form: gunicorn, a real worker and locust on loopback; no errors, one render per edition."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
pytestmark = pytest.mark.integration


def test_a_short_load_holds_without_errors_and_renders_each_job_once(redis_broker):
    result = subprocess.run(
        [sys.executable, "bench/load_test.py", "--users", "15", "--seconds", "15", "--workers", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    figures = result.stdout.splitlines()
    _users, requests, *_rest, errors = figures[1].split()
    assert int(requests) > 50 and errors == "0", result.stdout
    # Identical requests share one render.
    assert "each job rendered once: True" in result.stdout
