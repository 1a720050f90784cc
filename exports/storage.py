"""Where finished exports live: every write, read and removal of a stored PDF, part or package goes through here.

Today Django's default storage on the local disk; an object store (S3) later changes this
module only. A file is written under its final, content-addressed name atomically, so a
reader never sees half a file and a killed worker leaves only a temporary file behind.
"""

import os
import tempfile

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

PARTIAL_PREFIX = ".partial-"


def store_file(name, data):
    """Write a file under its final name atomically: a reader never sees half a file."""
    if hasattr(default_storage, "path"):
        path = default_storage.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        handle, temp_path = tempfile.mkstemp(
            dir=os.path.dirname(path), prefix=PARTIAL_PREFIX, suffix=os.path.splitext(name)[1]
        )
        try:
            with os.fdopen(handle, "wb") as temp_file:
                temp_file.write(data)
                temp_file.flush()
                os.fsync(temp_file.fileno())
            os.replace(temp_path, path)
        except BaseException:
            if os.path.exists(temp_path):
                os.unlink(temp_path)
            raise
        return name
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(data))


def stored(name):
    """Whether a stored file is there (a storage wiped or a part pruned is not)."""
    return bool(name) and default_storage.exists(name)


def read(name):
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def open_stored(name):
    """The stored file, open for reading in binary (the caller closes it)."""
    return default_storage.open(name, "rb")


def size(name):
    return default_storage.size(name)


def modified_at(name):
    return default_storage.get_modified_time(name)


def remove(name):
    if default_storage.exists(name):
        default_storage.delete(name)


def partial_files_remove(*, older_than):
    """Temporary files a killed worker left behind: never served (their names differ), removed here."""
    if not hasattr(default_storage, "path"):
        return
    root = default_storage.path(settings.EXPORTS_STORAGE_DIR)
    if not os.path.isdir(root):
        return
    cutoff = older_than.timestamp()
    for directory, _subdirs, files in os.walk(root):
        for name in files:
            path = os.path.join(directory, name)
            if name.startswith(PARTIAL_PREFIX) and os.path.getmtime(path) < cutoff:
                os.unlink(path)


def offline_package_name(fingerprint):
    return f"{settings.EXPORTS_STORAGE_DIR}/offline/{fingerprint}.zip"
