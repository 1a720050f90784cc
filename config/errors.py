"""Error pages that work when the rest of the platform cannot: the database down, context processors failing."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

from exports.storage import StorageUnavailable

logger = logging.getLogger(__name__)
# What a request sees when PostgreSQL restarts, is unreachable or refuses connections.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
try:
    import psycopg

    DATABASE_UNAVAILABLE += (psycopg.OperationalError, psycopg.InterfaceError)
except ImportError:  # SQLite-only installations
    pass
RETRY_AFTER_SECONDS = 60


def _raised_from(error, kinds):
    """Whether an exception, or one it was raised from, is one of `kinds`."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, kinds):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def database_unavailable(error):
    """Whether an exception, or one it was raised from, says the database cannot be reached."""
    return _raised_from(error, DATABASE_UNAVAILABLE)


def storage_unavailable(error):
    """Whether an exception, or one it was raised from, says the object store cannot be reached."""
    return _raised_from(error, StorageUnavailable)


def unavailable_response(request, *, what):
    """A short, translated 503 with Retry-After: the database or the bucket is away and comes back by itself.

    The page uses no context processor, session or stylesheet lookup: each could need the database.
    """
    logger.warning("%s unavailable: answering %s with 503", what, request.path)
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    """handler500: a 503 while the database or the bucket is away, else a 500.

    Django calls this inside its `except` block, so the exception is still in flight.
    """
    error = sys.exc_info()[1]
    if database_unavailable(error):
        return unavailable_response(request, what="database")
    if storage_unavailable(error):
        return unavailable_response(request, what="storage")
    return defaults.server_error(request)
