"""Interface catalogs: a translator's rosetta save, validated, published in the database and loaded on every host.

See locale/README.md for the design. In short: a save holds the catalog's row in the
database (`PublishedCatalog`, `select_for_update`; SQLite: its write lock) while rosetta
reads and writes the host's .po file, which is first brought up to the published one;
the written catalog is checked with `msgfmt --check-format` and by placeholder and
markup, and restored if it fails; a valid one is compiled and stored in the row with a
new version, and a hint in Redis is bumped. Every process (middleware, task_prerun)
checks the hint, and when it moved (or the process is new) compares the published
versions with the ones it loaded and writes the changed .mo files into a directory of
its own, first in its catalog search path.
"""

import atexit
import gettext as gettext_module
import hashlib
import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import polib
import redis
from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import to_language, to_locale, trans_real

from .models import PublishedCatalog

logger = logging.getLogger(__name__)
# Moves whenever a catalog is published; a hint only: the versions in the database are the truth.
VERSION_KEY = "curriculum-commons:catalog-version"
PLACEHOLDER_RE = re.compile(r"%\([^)]+\)[sdfr]|\{\{\s*\w+\s*\}\}")
# {% blocktranslate %} output is not escaped: a translation may carry no markup, entity or
# template syntax its msgid lacks (a string that reaches a Template would run `{% debug %}`).
MARKUP_RE = re.compile(r"<\s*/?\s*([a-zA-Z!][\w:-]*)|&#?\w+;|javascript:|\{[%{#]|[%}#]\}", re.IGNORECASE)
# After Redis fails to answer, requests stop asking it for a while instead of each waiting for
# the timeout; meanwhile the database itself is asked at most this often.
REDIS_RETRY_SECONDS = 30
_redis_down_until = 0.0
_next_database_check = 0.0
_seen_hint = None  # None: this process has not looked yet (a fresh process loads what is published)
_loaded = {}  # (language, domain) -> published version this process loaded
_directory = {"pid": None, "path": None}
_redis_clients = {}


class CatalogRefused(Exception):
    """A catalog that would break pages (bad placeholders, invalid syntax); the message says where."""


def _redis():
    # One client per process (and URL): a new connection per request cost about 1 ms, ten times the GET.
    key = (os.getpid(), settings.REDIS_URL)
    if key not in _redis_clients:
        _redis_clients.clear()
        _redis_clients[key] = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    return _redis_clients[key]


def catalog_key(po_path):
    """(language, domain) of a catalog file at <locale dir>/<locale>/LC_MESSAGES/<domain>.po."""
    po_path = Path(po_path)
    return to_language(po_path.parent.parent.name), po_path.stem


@contextmanager
def catalog_lock(po_path):
    """Hold one catalog's row locked (across every host) while reading and writing it; yields the row."""
    language, domain = catalog_key(po_path)
    # The transaction is the lock: select_for_update on PostgreSQL; on SQLite, BEGIN IMMEDIATE
    # (transaction_mode in the settings) takes the database's write lock at once.
    with transaction.atomic():
        PublishedCatalog.objects.get_or_create(language=language, domain=domain)
        yield PublishedCatalog.objects.select_for_update().get(language=language, domain=domain)


def _write_atomically(path, data):
    """Replace a file in one step: a process never reads half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_path = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as temp_file:
            temp_file.write(data)
        os.chmod(temp_path, 0o644)
        os.replace(temp_path, path)
    finally:
        if os.path.exists(temp_path):
            os.unlink(temp_path)


def catalog_materialise(*, catalog, po_path):
    """Bring this host's catalog file up to the published one, before rosetta reads it (call under the lock).

    Messages only the host's file has (strings added in code since the catalog was
    published) are kept, so the next save publishes them too.
    """
    if not catalog.version:
        return
    po_path = Path(po_path)
    text = catalog.po
    if po_path.exists():
        published = polib.pofile(catalog.po)
        known = {(entry.msgctxt, entry.msgid) for entry in published}
        newer = [e for e in polib.pofile(str(po_path)) if not e.obsolete and (e.msgctxt, e.msgid) not in known]
        if newer:
            published.extend(newer)
            text = str(published)
        if po_path.read_text(encoding="utf-8") == text:
            return
    _write_atomically(po_path, text.encode("utf-8"))


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
    """The compiled .mo of a catalog file, as bytes; a message it leaves untranslated is compiled as its msgid.

    The published .mo is loaded over the image's own: without the msgid, a message a translator
    emptied (or marked fuzzy) would show the image's old translation instead of the original.
    """
    po = polib.pofile(str(po_path))
    for entry in po:
        if entry.msgid and not entry.msgid_plural and not entry.obsolete and not entry.translated():
            entry.msgstr = entry.msgid
            entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
    with tempfile.TemporaryDirectory(prefix="cc-msgfmt-") as directory:
        complete, mo_path = Path(directory) / "django.po", Path(directory) / "django.mo"
        po.save(str(complete))
        subprocess.run(["msgfmt", "--check-format", "-o", str(mo_path), str(complete)], check=True, capture_output=True)
        return mo_path.read_bytes()


def catalog_publish(*, po_path, user=None):
    """Check, compile and publish a saved catalog to every host; raise CatalogRefused (and change nothing) if broken."""
    problems = catalog_check(po_path)
    if problems:
        raise CatalogRefused("; ".join(problems[:5]))
    mo = catalog_compile(po_path)
    with catalog_lock(po_path) as catalog:
        catalog.po = Path(po_path).read_text(encoding="utf-8")
        catalog.mo = mo
        catalog.digest = hashlib.sha256(mo).hexdigest()
        catalog.version += 1
        catalog.published_by = user if user is not None and user.is_authenticated else None
        catalog.published_at = timezone.now()
        catalog.save()
        # Announced once committed: a process that looked earlier would find the old row and stop looking.
        transaction.on_commit(catalog_announce)
    catalogs_refresh()  # this process at once (inside a transaction it reads its own write)
    return catalog.version


def catalog_announce():
    """Bump the hint in Redis that makes every process look at the published versions."""
    try:
        _redis().incr(VERSION_KEY)
    except redis.RedisError as error:
        logger.warning("catalog published but the hint could not be bumped: %s", error)


def catalog_version(language, domain="django"):
    """The published version of a language's catalog (0: never published)."""
    row = PublishedCatalog.objects.filter(language=language, domain=domain).values_list("version", flat=True)
    return row.first() or 0


def catalog_digest(language, domain="django"):
    """The hash of a language's published compiled catalog ("" when none is published): the same on every host."""
    rows = PublishedCatalog.objects.filter(language=language, domain=domain, version__gt=0)
    return rows.values_list("digest", flat=True).first() or ""


def _process_ended(pid):
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # it exists, as another user
    return False


def published_directory(*, create=True):
    """This process's own directory of published .mo files (a fork gets a new one); None if none yet and not create."""
    if _directory["pid"] != os.getpid():
        if not create:
            return None
        root = Path(tempfile.gettempdir()) / f"cc-catalogs-{os.getuid()}"
        root.mkdir(exist_ok=True)
        # Worker children end with os._exit (no atexit) and are replaced every few tasks: clear what ended ones left.
        for leftover in root.iterdir():
            if leftover.name.isdigit() and _process_ended(int(leftover.name)):
                shutil.rmtree(leftover, ignore_errors=True)
        path = root / str(os.getpid())
        shutil.rmtree(path, ignore_errors=True)  # a process long gone whose pid this one got
        path.mkdir()
        atexit.register(shutil.rmtree, path, ignore_errors=True)
        _directory.update(pid=os.getpid(), path=str(path))
    return Path(_directory["path"])


def _search_path_first(directory):
    """Put the published directory first in LOCALE_PATHS: Django lets the first directory's messages win."""
    paths = [str(path) for path in settings.LOCALE_PATHS]
    if paths[:1] != [str(directory)]:
        settings.LOCALE_PATHS = [str(directory), *(path for path in paths if path != str(directory))]


def catalogs_reload():
    """Forget every loaded translation catalog, so the next gettext reads the .mo files again."""
    gettext_module._translations.clear()  # Python's own cache, keyed by .mo path
    trans_real._translations = {}
    trans_real._default = None
    # Django caches whether a language has a catalog (the function's name moved between releases).
    for cached in (
        trans_real.check_for_language,
        getattr(trans_real, "translation_catalog_exists", None),
        getattr(trans_real, "_get_supported_language_variant", None),
    ):
        if hasattr(cached, "cache_clear"):
            cached.cache_clear()


def catalogs_refresh():
    """Load the catalogs published since this process last looked: one indexed query, a second for changed ones."""
    global _loaded
    published = {
        (language, domain): (pk, version)
        for pk, language, domain, version in PublishedCatalog.objects.filter(version__gt=0).values_list(
            "pk", "language", "domain", "version"
        )
    }
    changed = [pk for key, (pk, version) in published.items() if _loaded.get(key) != version]
    gone = [key for key in _loaded if key not in published]
    if not changed and not gone:
        return False
    directory = published_directory()
    for row in PublishedCatalog.objects.filter(pk__in=changed).only("language", "domain", "mo"):
        _write_atomically(directory / to_locale(row.language) / "LC_MESSAGES" / f"{row.domain}.mo", bytes(row.mo))
    for language, domain in gone:
        (directory / to_locale(language) / "LC_MESSAGES" / f"{domain}.mo").unlink(missing_ok=True)
    _loaded = {key: version for key, (_pk, version) in published.items()}
    _search_path_first(directory)
    catalogs_reload()
    return True


def catalog_hint():
    """The hint in Redis (None when Redis cannot say)."""
    global _redis_down_until
    if time.monotonic() < _redis_down_until:
        return None
    try:
        return int(_redis().get(VERSION_KEY) or 0)
    except (redis.RedisError, ValueError) as error:
        logger.warning("catalog hint unavailable, checking again in %s s: %s", REDIS_RETRY_SECONDS, error)
        _redis_down_until = time.monotonic() + REDIS_RETRY_SECONDS
        return None


def catalogs_refresh_if_published():
    """Load catalogs published since this process last looked (cheap: one Redis GET; the database when it moved)."""
    global _seen_hint, _next_database_check
    hint = catalog_hint()
    if hint is None:
        # Redis down: pages keep working and the database is asked now and then instead.
        if time.monotonic() < _next_database_check:
            return False
        _next_database_check = time.monotonic() + REDIS_RETRY_SECONDS
    elif hint == _seen_hint:
        return False
    else:
        _seen_hint = hint
    try:
        return catalogs_refresh()
    except DatabaseError as error:  # e.g. a host started before its migrations ran
        logger.warning("published catalogs unavailable: %s", error)
        _seen_hint = None
        return False


def catalogs_forget():
    """Unload every published catalog from this process, as if it had just started (tests use it)."""
    global _seen_hint, _loaded, _next_database_check
    _seen_hint, _loaded, _next_database_check = None, {}, 0.0
    if _directory["pid"] == os.getpid():
        settings.LOCALE_PATHS = [path for path in settings.LOCALE_PATHS if str(path) != _directory["path"]]
        shutil.rmtree(_directory["path"], ignore_errors=True)
        _directory.update(pid=None, path=None)
    catalogs_reload()


class CatalogRefreshMiddleware:
    """Before the locale is activated: load catalogs a translator published on any host."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        catalogs_refresh_if_published()
        return self.get_response(request)
