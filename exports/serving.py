"""Serving stored files to slow, intermittent connections: validators, ranges, nginx hand-off."""

import re
from email.utils import format_datetime

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified, StreamingHttpResponse
from django.utils.http import content_disposition_header, parse_http_date_safe, quote_etag

from . import storage

RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


class _RangeFile:
    """Reads `length` bytes from `offset` of a storage file, in chunks."""

    def __init__(self, handle, offset, length):
        self.handle, self.remaining = handle, length
        handle.seek(offset)

    def __iter__(self):
        while self.remaining > 0:
            chunk = self.handle.read(min(CHUNK, self.remaining))
            if not chunk:
                break
            self.remaining -= len(chunk)
            yield chunk

    def close(self):
        self.handle.close()


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
    """A stored file with ETag/Last-Modified, 304s, byte ranges and, in production, nginx's X-Accel-Redirect.

    The one way the platform serves a stored file (PDFs, offline packages, library documents),
    always as an attachment: an upload could be crafted to run in the browser if shown inline.
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
    prefix = getattr(settings, "EXPORTS_X_ACCEL_PREFIX", None)
    if prefix:
        # nginx answers Range and conditional requests itself once the app has said yes.
        response = HttpResponse(content_type=content_type, headers=headers)
        response["X-Accel-Redirect"] = prefix + name
        return response
    try:
        size = storage.size(name)
    except (FileNotFoundError, OSError):
        raise Http404 from None
    wanted = _requested_range(request, size, etag, last_modified)
    if wanted == "unsatisfiable":
        response = HttpResponse(status=416, headers={**headers, "Content-Range": f"bytes */{size}"})
        return response
    if request.method == "HEAD":
        response = HttpResponse(content_type=content_type, headers=headers)
        response["Content-Length"] = str(size)
        return response
    handle = storage.open_stored(name)
    if wanted is None:
        del headers["Content-Disposition"]
        return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type, headers=headers)
    start, end = wanted
    response = StreamingHttpResponse(
        _RangeFile(handle, start, end - start + 1), status=206, content_type=content_type, headers=headers
    )
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(end - start + 1)
    return response
