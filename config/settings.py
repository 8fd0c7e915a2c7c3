"""Settings for the knowledge base.

Everything that differs between a laptop and a server comes from ``DJANGO_*``
environment variables; the embedded defaults give a safe local set-up
(SQLite under the project, debug off).
"""

import os
import sys
from pathlib import Path
from typing import Any

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(f"DJANGO_{name}", default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if not value:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# "production" turns on HTTPS-only cookies, HSTS and the redirect to HTTPS, and refuses
# to start without a secret key; anything else is a local set-up.
PRODUCTION = env("ENV", "development").lower() == "production"
# Django's debug pages, with tracebacks: never on a server others can reach.
DEBUG = env_bool("DEBUG", default=False)

# Signs sessions and CSRF tokens: 50 or more random characters, required in production.
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_ENV=production.")
    # Only ever used on a developer's machine: production refuses to start without its own.
    SECRET_KEY = "django-insecure-local-development-key-not-for-production"  # noqa: S105

LOCAL_HOSTS = "localhost,127.0.0.1,[::1],testserver"
# The host names the site answers to; a request for any other gets 400.
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else LOCAL_HOSTS)
# Origins trusted for posted forms (the admin's) besides the site's own address, as
# https://notes.example.com.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

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
    "taggit",
    "simple_history",
    "axes",
    "notes",
]

MIDDLEWARE = [
    # First: a reader's cached page is answered before anything else runs.
    "notes.caching.ReaderCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside everything that may answer on its own (static files, the redirect that
    # adds a missing slash, the 400 for a refused host): every answer carries them.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records who made each change in the note history.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Counts failed logins and refuses further attempts after AXES_FAILURE_LIMIT.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Wrong passwords in a row, for one user from one address, before that admin login
# is locked.
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
# How many hours the lock lasts.
AXES_COOLOFF_TIME = float(env("LOGIN_COOLOFF_HOURS", "1"))  # hours
# Lock the pair, so one person's typos do not lock out everyone behind the same proxy.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
# How many proxies of this site's own stand in front of it (a TLS proxy: 1). Only the
# X-Forwarded-For entries they appended are believed; with 0, the header is ignored.
TRUSTED_PROXIES = int(env("TRUSTED_PROXIES", "0"))
AXES_CLIENT_IP_CALLABLE = "config.client_address.client_ip"

# Pages and the admin run no inline script or style; note images may come from anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # 'wasm-unsafe-eval' lets Pyodide compile its WebAssembly (a note's Run button,
        # static/notes/run-worker.js); plain eval() stays refused.
        "script-src": [SELF, "'wasm-unsafe-eval'"],
        # The worker that runs Pyodide comes from this site's static files only.
        "worker-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "https:", "http:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

ROOT_URLCONF = "config.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# PostgreSQL when DATABASE_URL is set (the name every host uses), else embedded SQLite;
# only postgres:// addresses are accepted.
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    import dj_database_url

    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        # notes.search has an SQLite and a PostgreSQL implementation, nothing else.
        raise ImproperlyConfigured(
            "DATABASE_URL must be a postgres:// URL; unset it to use the embedded SQLite."
        )
    # Trigram search and indexes (notes.search). Listed only here because the app
    # registers psycopg type handlers, which mean nothing to SQLite.
    INSTALLED_APPS.append("django.contrib.postgres")
else:
    # Where the embedded SQLite database lives (its folder is made if missing).
    SQLITE_PATH = Path(env("SQLITE_PATH", str(BASE_DIR / "var" / "db.sqlite3")))
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)

    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            # Opening SQLite and running its PRAGMAs costs more than serving a cached
            # page: keep the connection for the life of the worker.
            "CONN_MAX_AGE": None,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # WAL lets readers carry on while the admin or an import writes.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The time zone dates are shown in.
TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where `manage.py collectstatic` gathers the CSS, scripts and images for production.
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "var" / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production whitenoise serves straight from the app and project folders,
# so `runserver` with debug off still has its CSS without a collectstatic step.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# Local memory by default; Redis, shared by every worker, when REDIS_URL is set
# (redis://host:6379/0): the page cache, cached cards and page parts live there.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]] = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            # Bounded by bytes as well as entries: a few large pages cannot fill memory.
            "BACKEND": "notes.bounded_cache.BoundedMemoryCache",
            "OPTIONS": {
                # Without Redis: how many pages, cards and page parts each worker keeps.
                "MAX_ENTRIES": int(env("CACHE_MAX_ENTRIES", "5000")),
                # Without Redis: how many megabytes of them each worker keeps (the least
                # recently read go first).
                "MAX_BYTES": int(env("CACHE_MAX_MB", "64")) * 1024 * 1024,
            },
        }
    )
}
# How long a reader's cached page may live; every change retires them all at once anyway.
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "600"))
# A page larger than this is rendered for each reader rather than kept.
PAGE_CACHE_MAX_PAGE_BYTES = int(env("PAGE_CACHE_MAX_PAGE_KB", "1024")) * 1024

# Where pages for signed-in readers send visitors (the admin keeps its own login).
LOGIN_URL = "login"
# Where the admin's login lands without a safe ?next= (the readers' login lands on the
# review page).
LOGIN_REDIRECT_URL = "admin:index"
# Where logging out leads.
LOGOUT_REDIRECT_URL = "notes:home"
# Whether readers may create accounts; off for a private knowledge base (existing
# accounts still sign in, reset their password and review).
READER_SIGNUP = env_bool("READER_SIGNUP", default=True)
# Sign-up and password-reset forms one address may send per hour (logins are counted
# by django-axes above).
ACCOUNT_ATTEMPTS_PER_HOUR = int(env("ACCOUNT_ATTEMPTS_PER_HOUR", "10"))

# How password-reset mail leaves: printed to the console locally, SMTP in production
# (a dotted path to another Django e-mail backend also works).
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
# The SMTP server's host name.
EMAIL_HOST = env("EMAIL_HOST", "localhost")
# Its port: 25 plain, 587 with STARTTLS.
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
# Whether to switch the SMTP connection to TLS (STARTTLS) before sending.
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
# The account on the SMTP server, if it asks for one.
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
# That account's password.
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
# The sender of password-reset mail, as "Python Notes <notes@example.com>".
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "webmaster@localhost")

# New cards a reader meets per day when reviewing (cards already seen are always due).
REVIEW_NEW_CARDS_PER_DAY = int(env("REVIEW_NEW_CARDS_PER_DAY", "20"))
TAGGIT_CASE_INSENSITIVE = True
# Chinese tag names (并发, 协程) need their characters in the slug.
TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING = False

# Notes on each page of a list.
NOTES_PER_PAGE = int(env("NOTES_PER_PAGE", "20"))
# The Python version whose documentation notes link to ("3.13"); by default the
# version the site runs on.
PYTHON_DOCS_VERSION = env("PYTHON_DOCS_VERSION", f"3.{sys.version_info.minor}")
# Where that documentation lives; {version} is replaced by the version above.
PYTHON_DOCS_URL = env("PYTHON_DOCS_URL", "https://docs.python.org/{version}/")
# Debian's python3-doc package installs the documentation's Sphinx inventory here;
# `load_python_docs` and scripts/run.sh read it when it is present.
PYTHON_DOCS_INVENTORY = env("PYTHON_DOCS_INVENTORY", "/usr/share/doc/python3/html/objects.inv")
# Live previews in the admin render at most this many at a time on one machine (keep
# it below the number of worker processes, so readers always find one free), one per
# user.
PREVIEW_SITE_SLOTS = int(env("PREVIEW_SLOTS", "1"))
# The folder of the preview slots' lock files, shared by every worker of the machine.
PREVIEW_LOCK_DIR = Path(env("LOCK_DIR", str(BASE_DIR / "var" / "locks")))
# The text one import may bring in, in megabytes unpacked (each note is stored with its
# history and search entry, so this bounds how much an import can grow the database);
# a larger import is refused whole.
IMPORT_MAX_BYTES = int(env("IMPORT_MAX_MB", "50")) * 1024 * 1024
# A note's body taking longer to render is refused with a sentence saying so: in the
# admin's preview, on save and in an import (notes.render_limits).
RENDER_BUDGET_SECONDS = float(env("RENDER_BUDGET_SECONDS", "5"))

if PRODUCTION:
    # Redirect HTTP to HTTPS; off leaves that to the proxy in front.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # How long browsers remember to come back only over HTTPS (HSTS), in seconds.
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # The least severe messages written to the console: DEBUG, INFO, WARNING, ERROR.
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
