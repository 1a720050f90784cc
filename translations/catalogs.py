"""Interface catalogs: translators' rosetta saves, validated, published and picked up by every process.

See locale/README.md for the design. In short: a save holds an exclusive lock on
the catalog while rosetta reads and writes it (two translators never overwrite
each other); the written catalog is checked with `msgfmt --check-format` and by
placeholder, and restored if it fails; a valid one is compiled to a temporary
.mo that replaces the old one atomically; the catalog version in Redis is then
bumped. Web processes (middleware) and Celery workers (task_prerun) compare the
version with the one they loaded and drop gettext's caches when it moved.
"""

import fcntl
import gettext as gettext_module
import logging
import os
import re
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import polib
import redis
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import trans_real

logger = logging.getLogger(__name__)
VERSION_KEY = "curriculum-commons:catalog-version"
PLACEHOLDER_RE = re.compile(r"%\([^)]+\)[sdfr]|\{\{\s*\w+\s*\}\}")
# {% blocktranslate %} output is not escaped: a translation may carry no markup, entity or
# template syntax its msgid lacks (a string that reaches a Template would run `{% debug %}`).
MARKUP_RE = re.compile(r"<\s*/?\s*([a-zA-Z!][\w:-]*)|&#?\w+;|javascript:|\{[%{#]|[%}#]\}", re.IGNORECASE)
_loaded_version = None
# After Redis fails to answer, requests stop asking it for a while instead of each waiting for the timeout.
REDIS_RETRY_SECONDS = 30
_redis_down_until = 0.0


class CatalogRefused(Exception):
    """A catalog that would break pages (bad placeholders, invalid syntax); the message says where."""


def _redis():
    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)


@contextmanager
def catalog_lock(po_path):
    """Hold an exclusive lock on one catalog (across processes on this machine) while reading and writing it."""
    lock_path = Path(f"{po_path}.lock")
    with open(lock_path, "a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def _markup_of(text):
    """Tag names, entities and template delimiters in a text, compared case-insensitively."""
    return {(match.group(1) or match.group(0)).lower() for match in MARKUP_RE.finditer(text)}


def catalog_check(po_path):
    """The problems of a catalog file: msgfmt's format check, then placeholders in every entry."""
    result = subprocess.run(
        ["msgfmt", "--check-format", "--check-header", "-o", "/dev/null", str(po_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    problems = [line for line in result.stderr.splitlines() if line.strip() and "warning" not in line.lower()]
    if result.returncode != 0 and not problems:
        problems = [result.stderr.strip() or "msgfmt failed"]
    # msgfmt checks only entries flagged python-format; an editor may not keep the flag.
    for entry in polib.pofile(str(po_path)).translated_entries():
        allowed_markup = _markup_of(entry.msgid + (entry.msgid_plural or ""))
        translations = [entry.msgstr, *entry.msgstr_plural.values()]
        if any(_markup_of(text) - allowed_markup for text in translations):
            problems.append(
                _("“%(msgid)s”: the translation contains markup that the original does not have")
                % {"msgid": entry.msgid[:60]}
            )
            continue
        if entry.msgid_plural:
            continue  # plural forms may leave out the number; msgfmt checks them
        expected = sorted(PLACEHOLDER_RE.findall(entry.msgid))
        if sorted(PLACEHOLDER_RE.findall(entry.msgstr)) != expected:
            problems.append(
                _("“%(msgid)s”: the translation must keep the placeholders %(placeholders)s")
                % {"msgid": entry.msgid[:60], "placeholders": ", ".join(expected) or _("(none)")}
            )
    return problems


def catalog_compile(po_path):
    """Compile the catalog to its .mo beside it, atomically: a process never reads half a file."""
    po_path = Path(po_path)
    handle, temp_path = tempfile.mkstemp(dir=po_path.parent, prefix=".django-", suffix=".mo")
    os.close(handle)
    try:
        subprocess.run(["msgfmt", "--check-format", "-o", temp_path, str(po_path)], check=True, capture_output=True)
        os.chmod(temp_path, 0o644)
        os.replace(temp_path, po_path.with_suffix(".mo"))
    finally:
        if os.path.exists(temp_path):
            os.unlink(temp_path)


def catalog_version():
    """The published catalog version (None when Redis cannot say)."""
    global _redis_down_until
    if time.monotonic() < _redis_down_until:
        return None
    try:
        return int(_redis().get(VERSION_KEY) or 0)
    except (redis.RedisError, ValueError) as error:
        logger.warning("catalog version unavailable, checking again in %s s: %s", REDIS_RETRY_SECONDS, error)
        _redis_down_until = time.monotonic() + REDIS_RETRY_SECONDS
        return None


def catalog_publish(*, po_path):
    """Check, compile and announce a saved catalog; raise CatalogRefused (and change nothing) if it is broken."""
    problems = catalog_check(po_path)
    if problems:
        raise CatalogRefused("; ".join(problems[:5]))
    catalog_compile(po_path)
    try:
        version = _redis().incr(VERSION_KEY)
    except redis.RedisError as error:
        logger.warning("catalog published but the version could not be announced: %s", error)
        version = None
    catalogs_reload()  # this process at once
    return version


def catalogs_reload():
    """Forget every loaded translation catalog, so the next gettext reads the .mo files again."""
    gettext_module._translations.clear()  # Python's own cache, keyed by .mo path
    trans_real._translations = {}
    trans_real._default = None
    # Django caches whether a language has a catalog (the function's name moved between releases).
    for cached in (trans_real.check_for_language, getattr(trans_real, "translation_catalog_exists", None)):
        if hasattr(cached, "cache_clear"):
            cached.cache_clear()


def catalogs_refresh_if_published():
    """Reload the catalogs if a translator published since this process last looked (cheap: one Redis GET)."""
    global _loaded_version
    version = catalog_version()
    if version is None:
        return False
    if _loaded_version is None:
        _loaded_version = version
        return False
    if version != _loaded_version:
        _loaded_version = version
        catalogs_reload()
        return True
    return False


class CatalogRefreshMiddleware:
    """Before the locale is activated: pick up catalogs published by a translator in another process."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        catalogs_refresh_if_published()
        return self.get_response(request)
