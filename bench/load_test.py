"""Load test: gunicorn + a real Celery worker + Redis, the demo data, locust replaying trainers.

    .venv/bin/python bench/load_test.py [--users 50,200] [--seconds 60] [--workers 4]

Everything runs on loopback, on a throw-away database (SQLite, or LOAD_DATABASE_URL if set) and
media directory. Prints requests per second, p50/p95/p99 and errors for each user count, and
checks that the number of renders equals the number of distinct editions asked for.
"""

import argparse
import csv
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import redis
from demo_setup import demo_setup
from figures import Column, Table

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(sys.executable).parent
TABLE = Table(
    Column("users", 5),
    Column("requests", 9),
    Column("req/s", 7, spec=".1f"),
    Column("p50 ms", 7),
    Column("p95 ms", 7),
    Column("p99 ms", 7),
    Column("errors", 7),
)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_http(url, timeout=60):
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (loopback)
            return
        except Exception:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", default="50,200")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    redis_url = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/14")
    # Set before Django starts here: gunicorn and the worker below inherit this process's environment.
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "REDIS_URL": redis_url,
            # Every simulated trainer comes from 127.0.0.1: the per-address limit would refuse them all.
            "EXPORT_REQUESTS_PER_MINUTE": "100000",
            "LOG_LEVEL": "WARNING",
        }
    )
    subprocess.run([str(ROOT / "scripts" / "ensure-redis.sh")], check=True, cwd=ROOT)
    redis.Redis.from_url(redis_url).flushdb()
    # A database of its own (never the caller's DATABASE_URL): counts must start from zero.
    work, _curriculum = demo_setup("cc-load-", database_url=os.environ.get("LOAD_DATABASE_URL"))
    work = Path(work)
    from django.db import connections

    connections.close_all()
    env = {**os.environ, "DEBUG": "0"}
    python = str(VENV / "python")
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"], check=True, cwd=ROOT, env={**env, "DEBUG": "1"}
    )
    port = free_port()
    processes = [
        subprocess.Popen(
            [str(VENV / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
             "--timeout", "60", "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True,
        ),
        subprocess.Popen(
            [python, "-m", "celery", "-A", "config", "worker", "-Q", "pdf,default", "--concurrency", "1",
             "--loglevel", "WARNING", "-n", f"load-{os.getpid()}@%h"],
            cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ),
    ]  # fmt: skip
    host = f"http://127.0.0.1:{port}"
    try:
        wait_http(host + "/en/")
        TABLE.header()
        for users in [int(value) for value in args.users.split(",")]:
            prefix = work / f"locust-{users}"
            subprocess.run(
                [str(VENV / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "-u", str(users),
                 "-r", str(max(users // 5, 1)), "-t", f"{args.seconds}s", "--host", host, "--csv", str(prefix),
                 "--only-summary", "--loglevel", "ERROR"],
                cwd=ROOT, check=False, capture_output=True,
            )  # fmt: skip
            with open(f"{prefix}_stats.csv") as handle:
                total = next(row for row in csv.DictReader(handle) if row["Name"] == "Aggregated")
            TABLE.row(
                users,
                total["Request Count"],
                float(total["Requests/s"]),
                total["50%"],
                total["95%"],
                total["99%"],
                total["Failure Count"],
            )
        # Let the worker finish what was asked, then count renders.
        from exports.models import ExportJob

        deadline = time.monotonic() + 300
        while ExportJob.objects.exclude(status__in=["done", "failed"]).exists() and time.monotonic() < deadline:
            time.sleep(1)
        jobs = list(ExportJob.objects.values_list("partner__slug", "language", "attempts", "status", "requested_count"))
        distinct = {(partner, language) for partner, language, *_rest in jobs}
        renders = sum(attempts for _p, _l, attempts, _s, _r in jobs)
        asked = sum(requested for *_rest, requested in jobs)
        print(
            f"\nexport requests (incl. permanent links): {asked}; distinct editions: {len(distinct)}; "
            f"jobs (distinct fingerprints): {len(jobs)}; renders: {renders}; "
            f"failed: {sum(1 for job in jobs if job[3] == 'failed')}"
        )
        print("renders == distinct editions:", renders == len(distinct))
        print("each job rendered once:", renders == len(jobs))
        return 0 if renders == len(jobs) else 1
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
