"""Stored exports: written whole under their final name or not at all; temporary files a killed worker left are swept."""

import os
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from exports import storage


def test_a_file_is_stored_whole_under_its_name_and_read_back():
    assert storage.store_file("exports/ab/abc.pdf", b"%PDF-1 whole") == "exports/ab/abc.pdf"
    assert storage.stored("exports/ab/abc.pdf") and not storage.stored("exports/ab/other.pdf")
    assert storage.read("exports/ab/abc.pdf") == b"%PDF-1 whole"
    assert storage.size("exports/ab/abc.pdf") == 12
    storage.remove("exports/ab/abc.pdf")
    assert not storage.stored("exports/ab/abc.pdf")
    storage.remove("exports/ab/abc.pdf")  # already gone: nothing to do


def test_a_write_that_fails_leaves_neither_the_file_nor_its_temporary_copy():
    with mock.patch("os.fsync", side_effect=OSError(28, "No space left on device")), pytest.raises(OSError):
        storage.store_file("exports/cd/cde.pdf", b"%PDF-1 half")
    assert not storage.stored("exports/cd/cde.pdf")
    assert os.listdir(default_storage.path("exports/cd")) == []


def test_only_old_temporary_files_are_swept():
    directory = default_storage.path("exports/ef")
    os.makedirs(directory)
    old, fresh, kept = (os.path.join(directory, name) for name in (".partial-old.pdf", ".partial-new.pdf", "ef.pdf"))
    for path in (old, fresh, kept):
        open(path, "wb").close()
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    os.utime(kept, (an_hour_ago, an_hour_ago))
    storage.partial_files_remove(older_than=timezone.now() - timedelta(minutes=10))
    assert sorted(os.listdir(directory)) == [".partial-new.pdf", "ef.pdf"]
