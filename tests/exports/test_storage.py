"""Stored files, on the disk and on a real S3 server: written whole under their final name or not at all, never twice."""

import time
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from config.settings.base import s3_storage
from exports import storage
from tests.s3 import free_port


def test_a_file_is_stored_whole_under_its_name_and_read_back(storage_backend):
    assert storage.store_file("exports/ab/abc.pdf", b"%PDF-1 whole") == "exports/ab/abc.pdf"
    assert storage.stored("exports/ab/abc.pdf") and not storage.stored("exports/ab/other.pdf")
    assert storage.read("exports/ab/abc.pdf") == b"%PDF-1 whole"
    assert storage.size("exports/ab/abc.pdf") == 12
    assert b"".join(storage.read_range("exports/ab/abc.pdf", 3, 5)) == b"F-1"
    # Nothing is left under a temporary name once the file is stored.
    assert default_storage.listdir(storage.PARTIAL_DIR)[1] == []
    if storage_backend:
        assert storage_backend.object_keys() == ["exports/ab/abc.pdf"]
    storage.remove("exports/ab/abc.pdf")
    assert not storage.stored("exports/ab/abc.pdf")
    storage.remove("exports/ab/abc.pdf")  # already gone: nothing to do


def test_many_names_are_looked_up_at_once_on_a_bucket_and_one_after_the_other_on_the_disk(storage_backend):
    import threading

    names = [f"exports/parts/ab/part-{number}.pdf" for number in range(12)]
    for name in names[::2]:
        storage.store_file(name, b"%PDF-1 " + name.encode())
    looked_up_in, stored = set(), storage.stored

    def looked_up(name):
        looked_up_in.add(threading.current_thread().name)
        return stored(name)

    with mock.patch.object(storage, "stored", side_effect=looked_up):
        assert storage.stored_among([*names, names[0], ""]) == set(names[::2])
    if storage_backend:
        assert len(looked_up_in) > 1 and all(name.startswith("stored") for name in looked_up_in)
    else:
        assert looked_up_in == {threading.current_thread().name}


def test_a_retry_with_the_same_bytes_writes_nothing_and_new_bytes_replace_the_old(storage_backend):
    storage.store_file("exports/ab/same.pdf", b"%PDF-1 first")
    written = default_storage.get_modified_time("exports/ab/same.pdf")
    time.sleep(1.1)  # S3 keeps the time of a write to the second
    storage.store_file("exports/ab/same.pdf", b"%PDF-1 first")
    assert default_storage.get_modified_time("exports/ab/same.pdf") == written
    storage.store_file("exports/ab/same.pdf", b"%PDF-1 other")
    assert storage.read("exports/ab/same.pdf") == b"%PDF-1 other"
    assert default_storage.get_modified_time("exports/ab/same.pdf") > written


def test_a_write_that_fails_on_disk_leaves_neither_the_file_nor_its_temporary_copy():
    with mock.patch("os.fsync", side_effect=OSError(28, "No space left on device")), pytest.raises(OSError):
        storage.store_file("exports/cd/cde.pdf", b"%PDF-1 half")
    assert not storage.stored("exports/cd/cde.pdf")
    assert default_storage.listdir(storage.PARTIAL_DIR)[1] == []


def test_an_unreachable_bucket_fails_the_write_plainly_and_leaves_no_object(s3_bucket, settings):
    reachable = settings.STORAGES
    settings.STORAGES = {
        **reachable,
        "default": s3_storage(s3_bucket.environ(endpoint=f"http://127.0.0.1:{free_port()}")),
    }
    started = time.monotonic()
    with pytest.raises(storage.StorageUnavailable):
        storage.store_file("exports/cd/cde.pdf", b"%PDF-1 never")
    assert time.monotonic() - started < 20  # seconds, not the minutes of boto3's defaults
    settings.STORAGES = reachable
    assert s3_bucket.object_keys() == []


def test_only_old_temporary_files_are_swept(storage_backend):
    default_storage.save(f"{storage.PARTIAL_DIR}/old.pdf", ContentFile(b"half"))
    time.sleep(1.1)
    cutoff = timezone.now()
    time.sleep(1.1)  # S3 keeps the time of a write to the second
    default_storage.save(f"{storage.PARTIAL_DIR}/new.pdf", ContentFile(b"half"))
    storage.store_file("exports/ef/ef.pdf", b"%PDF-1 kept")
    assert storage.partial_files_remove(older_than=cutoff) == 1
    assert default_storage.listdir(storage.PARTIAL_DIR)[1] == ["new.pdf"]
    assert storage.stored("exports/ef/ef.pdf")


def test_nothing_to_sweep_on_an_empty_storage(storage_backend):
    assert storage.partial_files_remove(older_than=timezone.now()) == 0


def test_the_message_of_an_unreachable_bucket_is_plain_and_translated():
    from django.utils import translation

    from exports.errors import failure_message

    assert "file store could not be reached" in failure_message(storage.StorageUnavailable("timeout"))
    with translation.override("ar"):
        assert "تعذّر الوصول إلى مخزن الملفات" in failure_message(storage.StorageUnavailable("timeout"))
