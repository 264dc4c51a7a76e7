"""Settings for the wres web service.

SQLite in a data folder by default (`make serve`), PostgreSQL when DATABASE_URL is set. Everything the
service keeps on disk (the database, staged uploads, kept uploads, generated reports, the secret and
pseudonym keys) lives under WRES_WEB_DATA (default: ./web-data).
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from wres.output import write_once

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
DATA_DIR = Path(os.environ.get("WRES_WEB_DATA", Path.cwd() / "web-data")).resolve()
# made for its owner only: it holds record-level staff data while a return is checked (an existing one is as
# its operator set it)
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)


def _secret_key() -> str:
    """From the environment in production; else one made once and kept beside the database."""
    if os.environ.get("WRES_SECRET_KEY"):
        return os.environ["WRES_SECRET_KEY"]
    path = DATA_DIR / "secret.key"
    if not path.exists():  # every process started with it (web workers, the task worker) reads the same one
        write_once(path, secrets.token_urlsafe(50))
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("WRES_DEBUG") == "1"
ALLOWED_HOSTS = os.environ.get("WRES_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "wres.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "wres.web.survey_limits.SurveyPrivacyMiddleware",  # /survey/ pages: no cookie read or set, no-store, no referrer
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "wres.web.middleware.NoStoreMiddleware",  # Cache-Control: no-store on signed-in pages and downloads
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "wres.web.sessions.SessionTimeoutMiddleware",
]

ROOT_URLCONF = "wres.web.urls"
CSRF_FAILURE_VIEW = "wres.web.views.core.csrf_failure"  # the service's own page: what to do, no settings named
WSGI_APPLICATION = "wres.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wres.web.access.context",
            ],
            "builtins": ["wres.web.templatetags.dates"],  # {{ d|long_date }} everywhere: wres.dates' one style
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(default=f"sqlite:///{DATA_DIR / 'wres.sqlite3'}", conn_max_age=60),
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Concurrent writers wait (up to 20 s) instead of failing with "database is locked": write-ahead logging
    # lets readers go on while one writes, and each transaction takes the write lock when it begins.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Passwords are checked by ModelBackend; a signed-in session's user is loaded by UserBackend, with their
# profile and authority in one query (it checks no password: wres.web.sessions).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "wres.web.sessions.UserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five failures for a username from one address locks it for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# Cookies: secure (HTTPS only; browsers also accept them on http://localhost), not readable by scripts.
# WRES_INSECURE_COOKIES=1 is for plain-HTTP tools on loopback only.
_secure = os.environ.get("WRES_INSECURE_COOKIES") != "1"
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Sessions live in the database every web worker reads, so signing out (which deletes the row) ends the
# session in every worker at once; a per-process cache in front of it would let another worker go on
# trusting the old cookie. A session ends after WRES_SESSION_IDLE_MINUTES without use (the row's expiry is
# moved on by use, at most once a minute, never by status polling) and WRES_SESSION_HOURS after signing in
# however busy (wres.web.sessions.SessionTimeoutMiddleware). `python -m wres.web clearsessions` deletes
# expired rows (run it daily, with prune).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_MINUTES = int(os.environ.get("WRES_SESSION_IDLE_MINUTES", "30"))
SESSION_ABSOLUTE_HOURS = int(os.environ.get("WRES_SESSION_HOURS", "8"))
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True  # the cookie too: closing the browser signs out

# Password reset links (issued by an administrator in the admin) work once, for this long.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("WRES_RESET_LINK_HOURS", "24")) * 3600
# E-mail (reset links): printed to the console unless WRES_EMAIL_HOST names an SMTP server.
DEFAULT_FROM_EMAIL = os.environ.get("WRES_EMAIL_FROM", "WRES <no-reply@localhost>")  # a council's and a trust's
if os.environ.get("WRES_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["WRES_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("WRES_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("WRES_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("WRES_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("WRES_EMAIL_TLS", "1") == "1"  # STARTTLS; port 465's implicit TLS is not used
    EMAIL_TIMEOUT = 20  # seconds: an unreachable server fails the request instead of hanging it
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if os.environ.get("WRES_HTTPS") == "1":  # behind a TLS-terminating proxy in production
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000

# No inline script or style anywhere: GOV.UK Frontend is started from a static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# Uploads: a return is one .xlsx workbook or a .zip of CSV files, at most 50 MB as sent and 500 MB
# unpacked (about 2 million staff rows). Larger files go to disk, never memory.
MAX_UPLOAD_BYTES = int(os.environ.get("WRES_MAX_UPLOAD_MB", "50")) << 20
from wres import limits as _limits  # noqa: E402 (the engine's reading limits, one place for both)
MAX_UNPACKED_BYTES = _limits.max_unpacked_bytes()  # WRES_MAX_UNPACKED_MB
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 << 20
FILE_UPLOAD_PERMISSIONS = 0o600  # record-level files: readable by the service alone (returns.py sets it too)
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Each upload is checked by the worker in a child process with these limits, so no file can hold the
# worker or its memory; a check cut off by either is reported to the user with what to do instead.
CHECK_SECONDS = int(os.environ.get("WRES_CHECK_SECONDS", "600"))
CHECK_MEMORY_BYTES = int(os.environ.get("WRES_CHECK_MEMORY_MB", "2048")) << 20  # beyond what the worker has mapped
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 << 20
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Uploads are checked and report sets built in the background by `python -m wres.web worker` (db_worker that also
# takes back the jobs of workers that died: wres.web.recovery).
TASKS = {"default": {"BACKEND": os.environ.get("WRES_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

# GOV.UK Frontend (npm) is served from /assets/: its stylesheet asks for /assets/fonts/ and /assets/images/.
STATIC_URL = "/assets/"
STATIC_ROOT = DATA_DIR / "static"  # only for `collectstatic`; whitenoise serves from the finders
STATIC_ROOT.mkdir(exist_ok=True)
_GOVUK = REPO / "node_modules" / "govuk-frontend" / "dist" / "govuk"
STATICFILES_DIRS = [_GOVUK / "assets", ("govuk", _GOVUK)]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

UPLOAD_DIR = DATA_DIR / "uploads"  # staged until submitted or discarded; deleted after aggregation
# A checked return not submitted within this many days has its staged record-level files deleted by
# `python -m wres.web prune` (run it daily): files about identifiable people are not kept for nothing.
STAGED_DAYS = int(os.environ.get("WRES_STAGED_DAYS", "7"))
KEPT_DIR = DATA_DIR / "kept"  # record-level files an authority chose to keep
REPORT_DIR = DATA_DIR / "reports"
NATIONAL_DIR = DATA_DIR / "national"
PSEUDONYM_KEY = DATA_DIR / "pseudonym.key"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# The staff survey's public pages (wres.web.survey_limits, survey_forms): finished forms per client address per
# hour on an open link (held in memory only; shared office networks share one address), wrong invitation codes
# per address per hour, how long a form in progress stays valid, and whether to take the address from the
# X-Forwarded-For a trusted proxy adds.
SURVEY_SENDS_PER_HOUR = int(os.environ.get("WRES_SURVEY_SENDS_PER_HOUR", "20"))
SURVEY_CODE_TRIES_PER_HOUR = int(os.environ.get("WRES_SURVEY_CODE_TRIES_PER_HOUR", "20"))
SURVEY_FORM_HOURS = int(os.environ.get("WRES_SURVEY_FORM_HOURS", "4"))
SURVEY_FORWARDED = os.environ.get("WRES_SURVEY_FORWARDED") == "1"
