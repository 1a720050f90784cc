"""What an uploaded resource really is, read from its first bytes, not from its name or the browser's word."""

import zipfile
import zlib

from django.conf import settings
from django.utils.translation import gettext_lazy as _

# type: (MIME type, extensions a file of this type may carry)
TYPES = {
    "pdf": ("application/pdf", {"pdf"}),
    "png": ("image/png", {"png"}),
    "jpeg": ("image/jpeg", {"jpg", "jpeg"}),
    "webp": ("image/webp", {"webp"}),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", {"docx"}),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {"xlsx"}),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", {"pptx"}),
    "odt": ("application/vnd.oasis.opendocument.text", {"odt"}),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", {"ods"}),
    "odp": ("application/vnd.oasis.opendocument.presentation", {"odp"}),
}
OOXML_PARTS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx", "ppt/presentation.xml": "pptx"}
# Only OpenDocument files name their type in a `mimetype` member; a zip claiming "application/pdf" is no PDF.
ODF_KINDS = ("odt", "ods", "odp")
ALLOWED_DESCRIPTION = _("PDF, PNG, JPEG, WebP, Word, Excel, PowerPoint or OpenDocument")


class UploadRefused(Exception):
    """An upload that is not stored; the message says why."""


def _zip_type(upload):
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            # Whoever opens an office document unpacks it: a zip bomb of a few kilobytes fills memory or disk.
            limit = settings.RESOURCE_MAX_UNPACKED_BYTES
            if sum(member.file_size for member in members) > limit:
                raise UploadRefused(
                    _("This document would unpack to more than %(limit)d MB; it is refused as a possible zip bomb.")
                    % {"limit": limit // (1024 * 1024)}
                )
            names = {member.filename for member in members}
            if "mimetype" in names:
                # Read a few bytes, never the whole member: it may be the bomb.
                with archive.open("mimetype") as member:
                    declared = member.read(100).decode("ascii", "replace").strip()
                return next((kind for kind in ODF_KINDS if TYPES[kind][0] == declared), None)
            if "[Content_Types].xml" in names:
                return next((kind for part, kind in OOXML_PARTS.items() if part in names), None)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, KeyError, EOFError, RuntimeError):
        # Corrupt, encrypted or unsupported: not a document we recognise.
        return None
    return None


def detect_type(upload):
    """The kind of file from its content ("pdf", "docx"...), or None for anything else; UploadRefused for a zip bomb."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(upload)
    return None


def upload_check(upload, *, max_bytes):
    """(MIME type, extension) of an acceptable upload; UploadRefused naming the problem otherwise."""
    if upload.size > max_bytes:
        raise UploadRefused(_("The file is larger than %(limit)d MB.") % {"limit": max_bytes // (1024 * 1024)})
    if upload.size == 0:
        raise UploadRefused(_("The file is empty."))
    kind = detect_type(upload)
    if kind is None:
        raise UploadRefused(
            _("This kind of file is not accepted. Accepted: %(types)s.") % {"types": ALLOWED_DESCRIPTION}
        )
    mime, extensions = TYPES[kind]
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in extensions:
        raise UploadRefused(
            _("The file is named .%(extension)s but its content is %(kind)s.")
            % {"extension": extension or "—", "kind": kind.upper()}
        )
    return mime, extension
