"""Where stored files live: every write, read and removal of a PDF, part, package or upload goes through here.

Django's default storage: the local disk (one host) or an S3 bucket shared by every host
(STORAGE_BACKEND=s3, config/settings/base.py). Nothing outside this module knows which,
or assumes a local path. A file is first written under a temporary name, then moved to its
final name (os.replace on disk, a server-side copy then delete on S3), so no reader ever
sees half a file under a final name and a killed worker leaves only a temporary file that
`partial_files_remove` sweeps. Names are content-addressed, so a retry that finds the same
bytes under the final name writes nothing.
"""

import hashlib
import mimetypes
import os
import posixpath
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage

# Every temporary file under one prefix: the sweeper lists one directory, not the whole tree.
PARTIAL_DIR = ".partial"
CHUNK = 64 * 1024


class StorageUnavailable(Exception):
    """The object store cannot be reached (network, endpoint down, the service answering 5xx)."""


def _on_disk():
    return isinstance(default_storage, FileSystemStorage)


def _unreachable(error):
    from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

    if isinstance(error, (ConnectionError, HTTPClientError)):
        return True
    if isinstance(error, ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        return status >= 500
    return False


@contextmanager
def _reaching_the_store():
    """Turn "the bucket cannot be reached" into StorageUnavailable; other errors (a 404, a full disk) pass as they are."""
    try:
        yield
    except StorageUnavailable:
        raise
    except Exception as error:
        if not _on_disk() and _unreachable(error):
            raise StorageUnavailable(str(error)) from error
        raise


def _digest(data):
    return hashlib.sha256(data).hexdigest()


def _holds(name, data):
    """Whether `name` already holds exactly these bytes (a retry of a content-addressed write)."""
    if _on_disk():
        try:
            if default_storage.size(name) != len(data):
                return False
        except FileNotFoundError:
            return False
        with default_storage.open(name, "rb") as handle:
            return _digest(handle.read()) == _digest(data)
    from botocore.exceptions import ClientError

    try:
        head = default_storage.connection.meta.client.head_object(Bucket=default_storage.bucket_name, Key=name)
    except ClientError as error:
        if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
            return False
        raise
    return head["ContentLength"] == len(data) and head.get("Metadata", {}).get("sha256") == _digest(data)


def _temporary_name(name):
    return f"{PARTIAL_DIR}/{uuid.uuid4().hex}{posixpath.splitext(name)[1]}"


def _store_on_disk(name, data):
    path = default_storage.path(name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temp_path = default_storage.path(_temporary_name(name))
    os.makedirs(os.path.dirname(temp_path), exist_ok=True)
    try:
        with open(temp_path, "xb") as temp_file:
            temp_file.write(data)
            temp_file.flush()
            os.fsync(temp_file.fileno())
        os.replace(temp_path, path)
    except BaseException:
        if os.path.exists(temp_path):
            os.unlink(temp_path)
        raise


def _store_in_bucket(name, data):
    client, bucket = default_storage.connection.meta.client, default_storage.bucket_name
    temp = _temporary_name(name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    # The digest travels with the object (a server-side copy keeps it): a retry compares it, not the bytes.
    client.put_object(Bucket=bucket, Key=temp, Body=data, ContentType=content_type, Metadata={"sha256": _digest(data)})
    try:
        client.copy_object(Bucket=bucket, Key=name, CopySource={"Bucket": bucket, "Key": temp})
    finally:
        default_storage.delete(temp)


def store_file(name, data):
    """Write a file under its final name whole, or not at all; the same bytes already there are not written again."""
    with _reaching_the_store():
        if _holds(name, data):
            return name
        if _on_disk():
            _store_on_disk(name, data)
        else:
            _store_in_bucket(name, data)
    return name


def store_upload(name, upload):
    """Store an uploaded file (read once into memory: uploads are capped by RESOURCE_MAX_UPLOAD_BYTES)."""
    upload.seek(0)
    return store_file(name, upload.read())


def stored(name):
    """Whether a stored file is there (a storage wiped or a part pruned is not)."""
    if not name:
        return False
    with _reaching_the_store():
        return default_storage.exists(name)


# HEAD requests at once when many names are looked up on a bucket (a long manual's kept parts).
LOOKUPS_AT_ONCE = 8
# {process id: its pool}: kept for the process (each thread keeps its own connection to the bucket,
# django-storages'); a forked child, whose pool's threads did not come with it, makes its own.
_LOOKERS = {}


def stored_among(names):
    """The names among these whose file is there: on the disk one look each; on a bucket several HEADs at once.

    After an edit of a long manual each of its kept parts is looked up: 95 HEADs one after the
    other on a bucket are a few seconds of the trainer's wait at 20–50 ms each.
    """
    names = list(dict.fromkeys(name for name in names if name))
    if _on_disk() or len(names) < 2:
        return {name for name in names if stored(name)}
    pool = _LOOKERS.get(os.getpid())
    if pool is None:
        pool = _LOOKERS[os.getpid()] = ThreadPoolExecutor(max_workers=LOOKUPS_AT_ONCE, thread_name_prefix="stored")
    return {name for name, there in zip(names, pool.map(stored, names), strict=True) if there}


def read(name):
    with _reaching_the_store(), default_storage.open(name, "rb") as handle:
        return handle.read()


def size(name):
    with _reaching_the_store():
        return default_storage.size(name)


def open_stored(name):
    """The stored file, open for reading in binary (the caller closes it)."""
    with _reaching_the_store():
        return default_storage.open(name, "rb")


class _Chunks:
    """Bytes `start`..`end` of a stored file as chunks; closing it closes the file or the bucket's response."""

    def __init__(self, handle, length):
        self.handle, self.remaining = handle, length

    def __iter__(self):
        while self.remaining > 0:
            chunk = self.handle.read(min(CHUNK, self.remaining))
            if not chunk:
                break
            self.remaining -= len(chunk)
            yield chunk

    def close(self):
        self.handle.close()


def read_range(name, start, end):
    """Bytes `start`..`end` (inclusive) of a stored file, as chunks: a seek on disk, a ranged GET on S3.

    On S3 the request is made here, so an unreachable bucket raises now (a 503), not mid-response,
    and only the bytes asked for leave the bucket.
    """
    with _reaching_the_store():
        if _on_disk():
            handle = default_storage.open(name, "rb")
            handle.seek(start)
        else:
            handle = default_storage.bucket.Object(name).get(Range=f"bytes={start}-{end}")["Body"]
    return _Chunks(handle, end - start + 1)


def download_url(name, *, filename_header, content_type, seconds):
    """A presigned URL of the object for `seconds`, whose response carries our Content-Disposition and type."""
    with _reaching_the_store():
        return default_storage.url(
            name,
            parameters={"ResponseContentDisposition": filename_header, "ResponseContentType": content_type},
            expire=seconds,
        )


def remove(name):
    with _reaching_the_store():
        if default_storage.exists(name):
            default_storage.delete(name)


def partial_files_remove(*, older_than):
    """Temporary files a killed worker left behind: never served (their names differ), removed here."""
    with _reaching_the_store():
        try:
            _dirs, names = default_storage.listdir(PARTIAL_DIR)
        except FileNotFoundError:
            return 0
        removed = 0
        for file_name in names:
            name = f"{PARTIAL_DIR}/{file_name}"
            if default_storage.get_modified_time(name) < older_than:
                default_storage.delete(name)
                removed += 1
        return removed


def offline_package_name(fingerprint):
    return f"{settings.EXPORTS_STORAGE_DIR}/offline/{fingerprint}.zip"
