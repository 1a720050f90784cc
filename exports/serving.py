"""Serving stored files to slow, intermittent connections: validators, ranges, and who sends the bytes.

STORED_FILES_SERVING (config/settings/base.py) says who sends them once access is checked:
Django itself ("stream", from the disk or by ranged GETs on the bucket), nginx ("x-accel",
files on this host's disk), or the bucket ("redirect" to a short-lived presigned URL).
"""

import re
from email.utils import format_datetime

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseNotModified, HttpResponseRedirect, StreamingHttpResponse
from django.utils.http import content_disposition_header, parse_http_date_safe, quote_etag

from config.errors import unavailable_response

from . import storage

RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
# Who may send the bytes, by storage: nginx reads only this host's disk, only a bucket presigns URLs.
SERVING_MODES = {"filesystem": {"stream", "x-accel"}, "s3": {"stream", "redirect"}}


def serving_check(app_configs=None, **kwargs):
    """A system check: STORED_FILES_SERVING must be a mode the configured storage can do."""
    from django.core.checks import Error

    backend = "s3" if "s3" in settings.STORAGES["default"]["BACKEND"] else "filesystem"
    if settings.STORED_FILES_SERVING in SERVING_MODES[backend]:
        return []
    return [
        Error(
            f"STORED_FILES_SERVING={settings.STORED_FILES_SERVING!r} cannot serve files stored on {backend}; "
            f"choose one of {sorted(SERVING_MODES[backend])}.",
            id="exports.E001",
        )
    ]


def _not_modified(request, etag, last_modified):
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*"
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and last_modified is not None and int(last_modified.timestamp()) <= since


def _requested_range(request, size, etag, last_modified):
    """The (start, end) the client asked for, None for the whole file, or "unsatisfiable"."""
    header = request.headers.get("Range")
    if not header or request.method not in ("GET", "HEAD"):
        return None
    if_range = request.headers.get("If-Range")
    if if_range:
        # A resumed download of a file that changed since must start again from zero.
        if if_range.startswith(('"', "W/")):
            if if_range != etag:
                return None
        elif last_modified is None or parse_http_date_safe(if_range) != int(last_modified.timestamp()):
            return None
    match = RANGE_RE.match(header.strip())
    if not match or match.groups() == ("", ""):
        return None  # multiple or malformed ranges: send the whole file, as RFC 9110 allows
    first, last = match.groups()
    if first == "":
        length = int(last)
        if length == 0:
            return "unsatisfiable"
        return max(size - length, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return "unsatisfiable"
    return start, end


def stored_file_response(request, *, name, etag_value, last_modified, filename, content_type, cache_control):
    """A stored file with ETag/Last-Modified, 304s and byte ranges, sent by Django, nginx or the bucket.

    The one way the platform serves a stored file (PDFs, offline packages, library documents,
    logos), always as an attachment: an upload could be crafted to run in the browser if shown
    inline. The bucket unreachable: a 503 with Retry-After, as when the database is away.
    """
    etag = quote_etag(etag_value)
    headers = {
        "ETag": etag,
        "Accept-Ranges": "bytes",
        "Cache-Control": cache_control,
        "Content-Disposition": content_disposition_header(True, filename),
    }
    if last_modified is not None:
        headers["Last-Modified"] = format_datetime(last_modified, usegmt=True)
    if _not_modified(request, etag, last_modified):
        response = HttpResponseNotModified()
        for key in ("ETag", "Last-Modified", "Cache-Control"):
            if key in headers:
                response[key] = headers[key]
        return response
    try:
        if settings.STORED_FILES_SERVING == "x-accel":
            # nginx answers Range and conditional requests itself once the app has said yes.
            response = HttpResponse(content_type=content_type, headers=headers)
            response["X-Accel-Redirect"] = settings.EXPORTS_X_ACCEL_PREFIX + name
            return response
        if settings.STORED_FILES_SERVING == "redirect":
            return _redirect_to_bucket(name, headers=headers, content_type=content_type)
        return _streamed(
            request, name, headers=headers, content_type=content_type, etag=etag, last_modified=last_modified
        )
    except storage.StorageUnavailable:
        return unavailable_response(request, what="stored file")


def _redirect_to_bucket(name, *, headers, content_type):
    """A 302 to a presigned URL: the bucket (or its CDN) sends the bytes and answers the Range itself."""
    # One HEAD: a file the bucket lost is a 404 here, and an unreachable bucket a 503, not the bucket's error page.
    if not storage.stored(name):
        raise Http404
    url = storage.download_url(
        name,
        filename_header=headers["Content-Disposition"],
        content_type=content_type,
        seconds=settings.STORED_FILES_URL_SECONDS,
    )
    response = HttpResponseRedirect(url)
    # The URL is a short-lived credential: no cache may keep it, or hand it to someone else.
    response["Cache-Control"] = "private, no-store"
    return response


def _streamed(request, name, *, headers, content_type, etag, last_modified):
    try:
        size = storage.size(name)
    except (FileNotFoundError, OSError):
        raise Http404 from None
    wanted = _requested_range(request, size, etag, last_modified)
    if wanted == "unsatisfiable":
        return HttpResponse(status=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    start, end = (0, size - 1) if wanted is None else wanted
    length = max(end - start + 1, 0)
    if request.method == "HEAD" or length == 0:
        response = HttpResponse(content_type=content_type, headers=headers)
        response["Content-Length"] = str(size)
        return response
    response = StreamingHttpResponse(
        storage.read_range(name, start, end),
        status=200 if wanted is None else 206,
        content_type=content_type,
        headers=headers,
    )
    if wanted is not None:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(length)
    return response
