"""Settings for Departures, read from the environment (see README.md)."""

import datetime
import hashlib
import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off."
        )
    # A throwaway key, only ever used with DEBUG on.
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105 - DEBUG only, refused above without DEBUG

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else ""
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "simple_history",
    "people",
    "departures",
    # Hardening (issue 10): login throttling and the Content-Security-Policy.
    "axes",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Hardening (issue 10): above RequestLimits so that its 400s carry the
    # headers too; whitenoise adds them to static files itself.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.security.RequestLimitsMiddleware",
    # Below the request limits (a refused query never reaches the cache) and
    # above the session: an anonymous hit costs no session or database work.
    "config.public_cache.PublicCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Hardening (issue 10): django-axes wants to be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrency on SQLite: with WAL, readers never wait for a writer (an
    # import); IMMEDIATE takes the write lock when a transaction begins, so two
    # writers queue (up to `timeout` seconds) instead of failing midway with
    # "database is locked". Each connection (kept for DJANGO_CONN_MAX_AGE)
    # holds up to 64 MB of pages and maps the file, so the timeline's indexes
    # are read from memory rather than through a read() per page.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    if os.environ.get("DJANGO_SQLITE_TEST_FILE"):
        # Tests of concurrency need a database file: in memory there is no WAL.
        DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The planner's cost of reading a page at random, for a database in
    # memory or on SSD (the default, 4, is for spinning disks). With it,
    # PostgreSQL reads the facets' covering indexes alone (an index-only
    # scan, already grouped) rather than the whole table: `?options=` in
    # DATABASE_URL sets another.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", "-c random_page_cost=1.1"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Security: strict unless DEBUG is on.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = env_list("DJANGO_SILENCED_SYSTEM_CHECKS")

# --- Hardening (issue 10) ---------------------------------------------------
# Request limits, enforced by config.security.RequestLimitsMiddleware before any
# view runs. Match them at the proxy (nginx: client_max_body_size 3m;).
# The whole body, files included; the CSV import takes files up to 2 MB.
REQUEST_MAX_BODY_SIZE = int(
    os.environ.get("DJANGO_REQUEST_MAX_BODY_SIZE", str(5 * 1024 * 1024 // 2))
)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BODY_SIZE  # non-file fields
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger uploads go to a temp file
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000  # query string and form fields alike
DATA_UPLOAD_MAX_NUMBER_FILES = 10
QUERY_MAX_VALUES = 20  # values of one repeated parameter (?tag=a&tag=b…)
QUERY_MAX_VALUE_LENGTH = 1000  # characters in one parameter value

# After login (a `next` that is refused falls back here).
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

# Brute force: lock a username from one address after AXES_FAILURE_LIMIT
# failures, for DJANGO_AXES_COOLOFF_HOURS; other users and addresses go on.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(
    hours=float(os.environ.get("DJANGO_AXES_COOLOFF_HOURS", "1"))
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "config.security.lockout"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "config.security.client_ip"
# Proxies in front of the app that append to X-Forwarded-For (0: none).
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))

# Content-Security-Policy (django-csp 4): nothing inline, nothing from elsewhere,
# no framing. An embeddable view opts out with config.security.allow_framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"


def _static_file_headers(headers, path, url):
    from config.security import static_file_headers  # noqa: PLC0415 - no cycle

    static_file_headers(headers, path, url)


WHITENOISE_ADD_HEADERS_FUNCTION = _static_file_headers
# --- end hardening -----------------------------------------------------------

# --- Cache (issue 12) --------------------------------------------------------
# Whole public pages for anonymous readers, and values computed from public
# data (config/public_cache.py). Local memory unless DJANGO_CACHE_URL names a
# Redis server; the public-data version then lives in that Redis too.
# Without Redis it lives in a file shared by every process of this checkout,
# so a change made through one gunicorn worker is seen by the others.
CACHE_URL = os.environ.get("DJANGO_CACHE_URL", "")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            "DJANGO_CACHE_URL must be a redis://, rediss:// or unix:// URL."
        )
    _redis = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": os.environ.get("DJANGO_CACHE_KEY_PREFIX", "departures"),
        # A Redis that does not answer makes pages uncached, not slow.
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    CACHES = {"default": _redis, "public-version": _redis}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "departures",
            # Pages and the timeline's counts (a few entries per selection):
            # Django's default of 300 would evict pages a crawl just stored.
            "OPTIONS": {"MAX_ENTRIES": 3000},
        },
        "public-version": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": Path(tempfile.gettempdir())
            / "departures-public-version"
            / hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:16],
        },
    }
# How long a cached page or value may be served at most, in seconds, even if
# nothing is invalidated (pages show "still in role", computed from today).
# 0 turns the public cache off.
PUBLIC_CACHE_SECONDS = int(os.environ.get("DJANGO_PUBLIC_CACHE_SECONDS", "600"))
# --- end cache ----------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    # Hardening (issue 10): 4xx and django.security.* as one line, no traceback.
    "filters": {
        "one_line_client_errors": {"()": "config.security.OneLineClientErrors"}
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
            "filters": ["one_line_client_errors"],
        },
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO", "propagate": True},
    },
}

SIMPLE_HISTORY_REVERT_DISABLED = False

# The public JSON API (departures/api/): read-only, anonymous, JSON only.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "departures.api.errors.exception_handler",
    "UNICODE_JSON": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Departures API",
    "DESCRIPTION": "Read-only JSON of published executive departures. The list "
    "takes the same filter parameters as the timeline, the CSV and the feed.",
    "VERSION": "1.0.0",
    "LICENSE": {
        "name": "Data: CC BY 4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    },
    "SERVE_INCLUDE_SCHEMA": False,
    # The request limits every URL enforces (config/security.py), in the schema.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "departures.api.schema.document_request_limits",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ReasonEnum": "departures.models.Departure.Reason",
        "StatusEnum": "departures.models.Departure.Status",
        "SeniorityEnum": "people.models.Role.Seniority",
        "FunctionEnum": "people.models.Role.Function",
        "PrecisionEnum": "people.dates.Precision",
        "SourceKindEnum": "departures.models.Source.Kind",
    },
}
