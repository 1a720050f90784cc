"""A real S3-compatible server on loopback (moto_server, its own process) for the storage tests; a pytest plugin.

`TEST_S3_ENDPOINT` points the tests at a server started elsewhere (.ci/run); otherwise one is
started for the session on a free port. Each test gets a bucket of its own: content-addressed
names repeat across tests, as they do in MEDIA_ROOT.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from django.conf import settings

from config.settings.base import s3_storage

# moto accepts any key; a fixed pair lets workers started by the tests sign the same way.
ACCESS_KEY, SECRET_KEY, REGION = "test-access-key", "test-secret-key", "us-east-1"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def s3_environ(endpoint, bucket):
    """The S3_* variables (config/settings/base.py) that put a process's storage on this bucket."""
    return {
        "S3_ENDPOINT_URL": endpoint,
        "S3_BUCKET": bucket,
        "S3_ACCESS_KEY_ID": ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY": SECRET_KEY,
        "S3_REGION": REGION,
        "S3_ADDRESSING_STYLE": "path",
        # A test that makes the bucket unreachable waits seconds, not the production default.
        "S3_CONNECT_TIMEOUT": "2",
    }


def storage_environ():
    """What a process started by a test needs to see the storage this test uses (the disk or its bucket)."""
    default = settings.STORAGES["default"]
    if "s3" not in default["BACKEND"]:
        return {"TEST_STORAGE_BACKEND": "filesystem"}
    options = default["OPTIONS"]
    return {"TEST_STORAGE_BACKEND": "s3", **s3_environ(options["endpoint_url"], options["bucket_name"])}


class S3Server:
    def __init__(self, endpoint, process=None):
        self.endpoint, self.process = endpoint, process

    def client(self, endpoint=None):
        return boto3.client(
            "s3",
            endpoint_url=endpoint or self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}, connect_timeout=2),
        )


class Bucket:
    def __init__(self, server, name):
        self.server, self.name = server, name

    def object_keys(self, prefix=""):
        """Every key in the bucket (under `prefix`), as the bucket itself lists them."""
        pages = self.server.client().get_paginator("list_objects_v2").paginate(Bucket=self.name, Prefix=prefix)
        return sorted(entry["Key"] for page in pages for entry in page.get("Contents", ()))

    def environ(self, endpoint=None):
        return s3_environ(endpoint or self.server.endpoint, self.name)


def _answers(endpoint):
    try:
        urllib.request.urlopen(endpoint, timeout=1)  # noqa: S310 (loopback)
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """The S3 server: TEST_S3_ENDPOINT's, or moto_server started on a free loopback port."""
    if os.environ.get("TEST_S3_ENDPOINT"):
        yield S3Server(os.environ["TEST_S3_ENDPOINT"].rstrip("/"))
        return
    port = free_port()
    log = tmp_path_factory.mktemp("s3") / "moto_server.log"
    command = [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)]
    with open(log, "wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not _answers(endpoint):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"moto_server did not start:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.1)
    yield S3Server(endpoint, process)
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=10)


@pytest.fixture
def s3_bucket(s3_server, settings):
    """A bucket of this test's own on the S3 server, and Django's default storage on it."""
    name = f"test-{uuid.uuid4().hex[:16]}"
    s3_server.client().create_bucket(Bucket=name)
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage(s3_environ(s3_server.endpoint, name))}
    return Bucket(s3_server, name)


@pytest.fixture(params=["filesystem", "s3"])
def storage_backend(request):
    """Run the test on the disk and again on the S3 server: the bucket, or None for the disk."""
    if request.param == "s3":
        return request.getfixturevalue("s3_bucket")
    return None
