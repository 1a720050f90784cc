"""Error pages that work when the rest of the platform cannot: the database down, context processors failing."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger(__name__)
# What a request sees when PostgreSQL restarts, is unreachable or refuses connections.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
try:
    import psycopg

    DATABASE_UNAVAILABLE += (psycopg.OperationalError, psycopg.InterfaceError)
except ImportError:  # SQLite-only installations
    pass
RETRY_AFTER_SECONDS = 60


def database_unavailable(error):
    """Whether an exception, or one it was raised from, says the database cannot be reached."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, DATABASE_UNAVAILABLE):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def server_error(request):
    """handler500: a short 503 with Retry-After while the database is away (it recovers by itself), else a 500.

    Django calls this inside its `except` block, so the exception is still in flight. The
    page uses no context processor, session or stylesheet lookup: each could need the database.
    """
    if not database_unavailable(sys.exc_info()[1]):
        return defaults.server_error(request)
    logger.warning("database unavailable: answering %s with 503", request.path)
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
