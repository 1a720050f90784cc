"""`manage.py storage_bucket`: compose's web service makes the bucket on its first start."""

import pytest
from django.core.management import CommandError, call_command

from config.settings.base import s3_storage

from ..s3 import s3_environ


def test_on_the_disk_there_is_no_bucket_to_check(capsys):
    call_command("storage_bucket", "--create")
    assert "disk" in capsys.readouterr().out


def test_a_missing_bucket_is_refused_unless_asked_to_create_it(s3_server, settings, capsys):
    name = "made-by-the-command"
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage(s3_environ(s3_server.endpoint, name))}
    with pytest.raises(CommandError, match=name):
        call_command("storage_bucket")
    call_command("storage_bucket", "--create")
    assert "Created" in capsys.readouterr().out
    assert name in {bucket["Name"] for bucket in s3_server.client().list_buckets()["Buckets"]}
    call_command("storage_bucket", "--create")
    assert "answers" in capsys.readouterr().out


def test_an_unreachable_store_is_named(settings):
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage(s3_environ("http://127.0.0.1:9", "nowhere"))}
    with pytest.raises(CommandError, match="could not be reached"):
        call_command("storage_bucket")
