"""The expected failures of an export: each one is shown to the person who asked, as it is."""

import errno

from django.conf import settings
from django.utils.translation import gettext as _

from .storage import StorageUnavailable


class ExportError(Exception):
    """An expected failure of an export, shown to the user as it is."""


class EditionNotAvailable(ExportError):
    pass


class MissingGlyphsError(ExportError):
    """Some characters of the content have no glyph in the fonts: the PDF would print boxes."""

    def __init__(self, problems):
        self.problems = problems
        lines = [
            _(
                "%(characters)s in %(where)s (%(language)s) have no glyph in the fonts for that language "
                "and would print as empty boxes."
            )
            % {"characters": problem.describe(), "where": problem.where, "language": _language_name(problem.language)}
            for problem in problems
        ]
        super().__init__(" ".join([_("The PDF was not made:"), *lines]))


def _language_name(code):
    return str(dict(settings.LANGUAGES).get(code, code))


def failure_message(error):
    """What the job page says about an error: an expected one as it is, a full disk plainly, others by their kind."""
    if isinstance(error, ExportError):
        return str(error)
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return _("The server's disk is full, so the new PDF could not be stored; earlier versions stay available.")
    if isinstance(error, StorageUnavailable):
        return _(
            "The file store could not be reached, so the new PDF could not be stored; "
            "it is tried again when asked for, and earlier versions stay available."
        )
    return _("The PDF could not be rendered: %(error)s") % {"error": type(error).__name__}
