"""Settings shared by every environment; everything that differs comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # modeltranslation must come before django.contrib.admin to patch its forms.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rosetta",
    "curriculum",
    "exports",
    "downloads",
    "audit",
    "accounts",
    "workshops",
    "translations",
    "glossary",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "translations.catalogs.CatalogRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "audit.context.AuditContextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "curriculum.context_processors.language_switcher",
                "translations.context_processors.translation_workspace",
                "glossary.context_processors.glossary_navigation",
            ],
        },
    },
]

# SQLite is the zero-setup default; PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes a job's progress.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages ---------------------------------------------------------------
# Hausa is missing from Django's own table; without an entry, templates asking
# for its name (the language switcher) raise KeyError.
LANG_INFO.setdefault("ha", {"bidi": False, "code": "ha", "name": "Hausa", "name_local": "Hausa"})

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("ar", _("Arabic")),
    ("fa", _("Persian")),
    ("ur", _("Urdu")),
    ("ru", _("Russian")),
    ("tg", _("Tajik")),
    ("ky", _("Kyrgyz")),
    ("uz", _("Uzbek")),
    ("hi", _("Hindi")),
    ("bn", _("Bengali")),
    ("sw", _("Swahili")),
    ("ha", _("Hausa")),
]
LANGUAGE_CODES = [code for code, _name in LANGUAGES]
RTL_LANGUAGES = {"ar", "fa", "ur"}
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# Content falls back along explicit chains: Central Asian languages read
# Russian before English, Urdu readers are better served by English than by
# Arabic script in another language. Every chain ends in the source language.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = tuple(LANGUAGE_CODES)
CONTENT_FALLBACKS = {
    "default": ("en",),
    "tg": ("ru", "en"),
    "ky": ("ru", "en"),
    "uz": ("ru", "en"),
    "pt": ("es", "en"),
    "es": ("pt", "en"),
}
MODELTRANSLATION_FALLBACK_LANGUAGES = CONTENT_FALLBACKS
# Four eyes: a reviewer does not approve a translation they wrote. A language with a single
# active translator-reviewer may allow it (translations/review.py).
TRANSLATION_REVIEW_OWN_WORK = env_bool("TRANSLATION_REVIEW_OWN_WORK", False)
# The tabbed admin would otherwise load jQuery UI 1.12.1 (known XSS) from a CDN.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

# --- Static and media ----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))


def s3_storage(environ):
    """The default storage on an S3 bucket (AWS, MinIO, moto...), from S3_* variables of `environ`.

    S3_BUCKET (required), S3_ENDPOINT_URL (empty: AWS), S3_ACCESS_KEY_ID and
    S3_SECRET_ACCESS_KEY (empty: boto3's own chain, e.g. an instance role), S3_REGION,
    S3_ADDRESSING_STYLE ("path" for MinIO and moto, "virtual" or "auto" for AWS).
    """
    from botocore.config import Config

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": environ["S3_BUCKET"],
            "endpoint_url": environ.get("S3_ENDPOINT_URL") or None,
            "access_key": environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": environ.get("S3_SECRET_ACCESS_KEY") or None,
            "region_name": environ.get("S3_REGION") or "us-east-1",
            # Objects stay private: every download is checked by Django, then streamed or presigned.
            "default_acl": None,
            "querystring_auth": True,
            # Like the disk: a second upload named like the first gets a name of its own.
            "file_overwrite": False,
            "client_config": Config(
                signature_version="s3v4",
                s3={"addressing_style": environ.get("S3_ADDRESSING_STYLE") or "auto"},
                # An unreachable bucket fails a request in seconds (a 503, a failed job), not minutes.
                connect_timeout=int(environ.get("S3_CONNECT_TIMEOUT", "3")),
                read_timeout=int(environ.get("S3_READ_TIMEOUT", "30")),
                retries={"max_attempts": 2, "mode": "standard"},
            ),
        },
    }


# Where everything the platform writes lives: PDFs, module parts, offline packages, library
# documents, partner logos (exports/storage.py is the only module that writes them).
#   "filesystem" (default, zero setup for `make run`): MEDIA_ROOT on this host; one host only.
#   "s3": an S3 bucket or S3-compatible server, shared by web and workers on every host.
STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "filesystem")
STORAGES = {
    "default": s3_storage(os.environ)
    if STORAGE_BACKEND == "s3"
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Who sends a stored file's bytes once Django has checked access (exports/serving.py):
#   "stream": Django, from the disk or by ranged GETs on the bucket (no object is downloaded
#     whole); for a private bucket without a CDN, and the development default.
#   "redirect": a 302 to a presigned URL valid STORED_FILES_URL_SECONDS (S3 only); the bucket
#     or a CDN in front of it sends the bytes and answers Range itself. Django still answers
#     If-None-Match/If-Modified-Since with 304. Production default on S3.
#   "x-accel": nginx sends the file from this host's disk (X-Accel-Redirect to
#     EXPORTS_X_ACCEL_PREFIX); filesystem only. Production default on the filesystem.
STORED_FILES_SERVING = os.environ.get("STORED_FILES_SERVING", "stream")
STORED_FILES_URL_SECONDS = int(os.environ.get("STORED_FILES_URL_SECONDS", "60"))
EXPORTS_X_ACCEL_PREFIX = os.environ.get("EXPORTS_X_ACCEL_PREFIX", "/protected-media/")

# --- Celery ----------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
PDF_SOFT_TIME_LIMIT = int(os.environ.get("PDF_SOFT_TIME_LIMIT", "300"))
PDF_TIME_LIMIT = PDF_SOFT_TIME_LIMIT + 30
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None  # the ExportJob row is the truth about status
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
# A document that kills its worker must not be redelivered forever.
CELERY_TASK_REJECT_ON_WORKER_LOST = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# WeasyPrint's memory grows a little with each render in one process, so pool processes are
# replaced now and then. A task is a module part, not a manual: bench/parallel_render.py saw
# +22 MB over 650 tasks in one process, while a fresh process pays ~0.3 s to warm up.
CELERY_WORKER_MAX_TASKS_PER_CHILD = int(os.environ.get("CELERY_MAX_TASKS_PER_CHILD", "200"))
# Above the longest render, or Redis redelivers a running task to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": PDF_TIME_LIMIT * 4, "socket_connect_timeout": 3}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ROUTES = {
    "exports.tasks.render_export": {"queue": "pdf"},
    "exports.tasks.render_export_part": {"queue": "pdf"},
}
CELERY_BEAT_SCHEDULE = {
    "recover-exports": {"task": "exports.tasks.recover_exports", "schedule": 60.0},
    "notify-subscribers": {"task": "downloads.tasks.notify_all_subscribers", "schedule": 600.0},
}
# Fail fast when Redis is down: the request is kept in the database and re-sent later.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)

# --- Exports -----------------------------------------------------------------------
EXPORTS_STORAGE_DIR = "exports"
# Manuals of at least this many modules are laid out module by module, in parallel on the
# workers, and joined (exports/assembly.py); 0 lays every manual out whole.
PDF_PARTS_MIN_MODULES = int(os.environ.get("PDF_PARTS_MIN_MODULES", "2"))
# The worker that starts a manual in parts sends at most this many helpers to the queue: each free worker
# that takes one claims parts until none is left (exports/parts.py), so a manual is laid out by at most
# this many workers and the one that started it. 0: the worker that starts a manual lays it all out.
PDF_PART_HELPERS = int(os.environ.get("PDF_PART_HELPERS", "8"))
# A module's laid-out part no render used for this long is deleted.
PDF_PARTS_KEEP_DAYS = int(os.environ.get("PDF_PARTS_KEEP_DAYS", "30"))
# A job queued this long ago and not started is sent to the queue again.
EXPORT_REQUEUE_AFTER_SECONDS = int(os.environ.get("EXPORT_REQUEUE_AFTER_SECONDS", "120"))

# Absolute links in e-mails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Curriculum Commons <noreply@localhost>")

# --- Security ---------------------------------------------------------------------
# No 'unsafe-inline' anywhere: content from partners and translators never runs.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", *env_list("CSP_EXTRA_IMG_SOURCES")],
    "connect-src": ["'self'"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Behind the bundled nginx the client's address comes in X-Forwarded-For.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)
# Export requests per client address and minute (identical requests share one render anyway).
EXPORT_REQUESTS_PER_MINUTE = int(os.environ.get("EXPORT_REQUESTS_PER_MINUTE", "20"))
# Renders that anonymous GETs (permanent links, offline packages) may start per hour: site-wide, and per client.
# A document already rendered costs nothing; beyond the budget the visitor is asked to come back (503).
ANONYMOUS_RENDERS_PER_HOUR = int(os.environ.get("ANONYMOUS_RENDERS_PER_HOUR", "120"))
ANONYMOUS_RENDERS_PER_CLIENT_PER_HOUR = int(os.environ.get("ANONYMOUS_RENDERS_PER_CLIENT_PER_HOUR", "30"))
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workspace:index"
LOGOUT_REDIRECT_URL = "curriculum:catalogue"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}, "pikepdf": {"level": "WARNING"}},
}

ROSETTA_MESSAGES_PER_PAGE = 25
ROSETTA_SHOW_AT_ADMIN_PANEL = True

# --- Workshops -------------------------------------------------------------------------
WORKSHOP_IMPORT_MAX_BYTES = int(os.environ.get("WORKSHOP_IMPORT_MAX_BYTES", str(2 * 1024 * 1024)))
WORKSHOP_IMPORT_MAX_ROWS = int(os.environ.get("WORKSHOP_IMPORT_MAX_ROWS", "5000"))
# Leaflet tile URL template for the partner map, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png;
# empty: no tiles are fetched and the map shows the plain outline.
PARTNER_MAP_TILE_URL = os.environ.get("PARTNER_MAP_TILE_URL", "")
PARTNER_MAP_TILE_ATTRIBUTION = os.environ.get("PARTNER_MAP_TILE_ATTRIBUTION", "")
# Resource centre uploads: refused above this size; the type is read from the file's first bytes.
RESOURCE_MAX_UPLOAD_BYTES = int(os.environ.get("RESOURCE_MAX_UPLOAD_BYTES", str(25 * 1024 * 1024)))
# ...and an office document (a zip) that would unpack to more than this is refused as a zip bomb.
RESOURCE_MAX_UNPACKED_BYTES = int(os.environ.get("RESOURCE_MAX_UNPACKED_BYTES", str(256 * 1024 * 1024)))
if PARTNER_MAP_TILE_URL:
    # The map's tiles are images from the tile server: the only outside origin the policy admits.
    from urllib.parse import urlsplit

    _tiles = urlsplit(PARTNER_MAP_TILE_URL)
    CONTENT_SECURITY_POLICY["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc.replace('{s}', '*')}")
# Translators, limited to the languages of their `translators-<lang>` groups.
ROSETTA_ACCESS_CONTROL_FUNCTION = "translations.rosetta.can_translate"
ROSETTA_LANGUAGE_GROUPS = True
# Compiling is the publish step's job: only a catalog that passes the checks is compiled.
ROSETTA_AUTO_COMPILE = False
