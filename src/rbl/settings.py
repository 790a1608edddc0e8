"""Django settings for RBL.

Every setting that differs between machines comes from an environment
variable; README.md ("Configuration") documents each one.
"""

from __future__ import annotations

import datetime as dt
import os
import warnings
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "ja", "on"}


# RBL_SECRET_KEY: signs sessions and CSRF tokens. Must be set in production.
SECRET_KEY = os.environ.get("RBL_SECRET_KEY", "rbl-insecure-development-key-change-me")
# RBL_DEBUG: Django debug pages. Off by default: error pages must never show personal data.
DEBUG = _env_bool("RBL_DEBUG", False)
# RBL_ALLOWED_HOSTS: comma-separated host names the web application answers to.
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("RBL_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_filters",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "rbl.core",
    "rbl.accounts",
    "rbl.organisation",
    "rbl.registry",
    "rbl.law",
    "rbl.absoluut",
    "rbl.cases",
    "rbl.audit",
    "rbl.finance",
    "rbl.timekeeping",
    "rbl.governance",
    "rbl.objections",
    "rbl.letters",
    "rbl.chain",
    "rbl.reporting",
    "rbl.demo",
    "rbl.web",
    "rbl.api",
    "rbl.operations",
    "rbl.brp",
]

MIDDLEWARE = [
    "rbl.core.request_memo.RequestMemoMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "rbl.accounts.secondfactor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "rbl.urls"
WSGI_APPLICATION = "rbl.wsgi.application"

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
            ],
        },
    },
]

# DATABASE_URL: postgres://user@host:port/name selects PostgreSQL (production).
# RBL_DB: path of the SQLite file used when DATABASE_URL is not set (default ./rbl.sqlite3).
_database_url = os.environ.get("DATABASE_URL", "").strip()
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    # RBL_PG_JIT: PostgreSQL's JIT compiler (default off). RBL's queries are short
    # set-based statements; JIT spent ~0.9 s compiling each of them in measurements.
    if not _env_bool("RBL_PG_JIT", False):
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("RBL_DB", str(Path.cwd() / "rbl.sqlite3")),
            "OPTIONS": {
                "timeout": 30,
                # threads: a big sort (an import's key order, an index build) may
                # use a helper thread; 1M enrolments sorted in 1.0 s against 1.45 s.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA threads=2;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }

# RBL_PG_BIN: directory with pg_dump, pg_restore and psql for `rbl backup` and
# `rbl herstel` (default: /usr/lib/postgresql/<server major>/bin, else the PATH).
RBL_PG_BIN = os.environ.get("RBL_PG_BIN", "").strip()

# DATABASE_REPLICA_URL: a read replica of the PostgreSQL database (streaming
# replication). The figure screens read their facts from it; everything else,
# and every write, uses DATABASE_URL (rbl.core.replica). Empty: no replica.
_replica_url = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if _replica_url:
    DATABASES["replica"] = dj_database_url.parse(_replica_url, conn_max_age=60)
    if not _env_bool("RBL_PG_JIT", False):
        DATABASES["replica"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["rbl.core.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Static files (CSS, JS) are served by WhiteNoise, also without `collectstatic`
# (finders), so `rbl demo --serve` and `rbl runserver` look right with DEBUG off.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Without `collectstatic` STATIC_ROOT does not exist yet; the finders serve instead.
warnings.filterwarnings("ignore", message="No directory at: ")
# RBL_STATIC_ROOT: where `rbl collectstatic` puts static files for a production web server.
STATIC_ROOT = os.environ.get("RBL_STATIC_ROOT", str(Path.cwd() / "static"))
# RBL_MEDIA_ROOT: stored documents (import error reports, letters, logos).
MEDIA_ROOT = os.environ.get("RBL_MEDIA_ROOT", str(Path.cwd() / "media"))
MEDIA_URL = "media/"

# Login. django-axes refuses every attempt for a username after
# RBL_LOGIN_MAX_FAILURES failed ones (password or second factor) for
# RBL_LOCKOUT_MINUTES, whether or not the user exists; `rbl ontgrendel` unlocks.
AUTHENTICATION_BACKENDS = [
    "rbl.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "rbl.accounts.oidc.OidcBackend",
]
# Login through the organisation's identity provider (OpenID Connect, rbl.accounts.oidc).
# RBL_OIDC_ISSUER: the issuer URL (endpoints by discovery); empty turns it off.
RBL_OIDC_ISSUER = os.environ.get("RBL_OIDC_ISSUER", "").strip().rstrip("/")
# RBL_OIDC_CLIENT_ID, RBL_OIDC_CLIENT_SECRET: RBL's client registration there.
RBL_OIDC_CLIENT_ID = os.environ.get("RBL_OIDC_CLIENT_ID", "")
RBL_OIDC_CLIENT_SECRET = os.environ.get("RBL_OIDC_CLIENT_SECRET", "")
# RBL_OIDC_USERNAME_CLAIM: the claim holding the RBL username; RBL_OIDC_SCOPES: scopes asked.
RBL_OIDC_USERNAME_CLAIM = os.environ.get("RBL_OIDC_USERNAME_CLAIM", "preferred_username")
RBL_OIDC_SCOPES = os.environ.get("RBL_OIDC_SCOPES", "openid profile")
# RBL_OIDC_MFA_ACR / RBL_OIDC_MFA_AMR: comma-separated acr values and amr methods that
# show a second factor at the provider; such a login skips RBL's own second factor.
RBL_OIDC_MFA_ACR = os.environ.get("RBL_OIDC_MFA_ACR", "")
RBL_OIDC_MFA_AMR = os.environ.get("RBL_OIDC_MFA_AMR", "mfa,otp,hwk,sms,sc")
# RBL_OIDC_NAME: the provider's name on the login button ("Inloggen via ...").
RBL_OIDC_NAME = os.environ.get("RBL_OIDC_NAME", "")
AXES_FAILURE_LIMIT = int(os.environ.get("RBL_LOGIN_MAX_FAILURES", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("RBL_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# The lockout runs its full term from the last counted failure; attempts during it
# are refused and recorded in the security log, but do not prolong it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True  # RBL's own security log records logins
AXES_VERBOSE = False
# Axes keeps the form of a failed attempt: never the password or a code.
AXES_SENSITIVE_PARAMETERS = ["username", "password", "code", "herstelcode", "csrfmiddlewaretoken"]
AXES_USERNAME_CALLABLE = "rbl.accounts.security.axes_username"  # masks a BSN typed as username
# The login views ask axes themselves and answer in Dutch (no axes middleware, W002);
# the lockout is per username as R-63 asks, whatever the address (W006): the API
# throttles per address on its own.
SILENCED_SYSTEM_CHECKS = ["axes.W002", "axes.W006"]

# Second factor (django-otp, rbl.accounts.secondfactor): an authenticator app
# (TOTP) with one-time recovery codes, for every role that sees persons, cases or
# the access log, except on a demo database. RBL_OTP_ISSUER: the name the app shows.
OTP_TOTP_ISSUER = os.environ.get("RBL_OTP_ISSUER", "RBL")

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

# RBL_SESSION_MINUTES: idle time after which a session expires.
SESSION_COOKIE_AGE = int(os.environ.get("RBL_SESSION_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
# Sessions know their user, so a password or role change ends the other ones.
SESSION_ENGINE = "rbl.accounts.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# RBL_SECURE_COOKIES: send cookies over HTTPS only (set to 1 behind TLS).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _env_bool("RBL_SECURE_COOKIES", False)

# HTTPS behind a TLS proxy (README "Running in production").
# RBL_BEHIND_PROXY: the only way in is a proxy on this machine that sets
# X-Forwarded-Proto (https or http) and appends the client's address to
# X-Forwarded-For; then a request counts as secure by that header and the client
# address is the last X-Forwarded-For entry (login and API-key lockouts per address).
RBL_BEHIND_PROXY = _env_bool("RBL_BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if RBL_BEHIND_PROXY else None
# RBL_SSL_REDIRECT: answer a plain-http request with a redirect to https.
SECURE_SSL_REDIRECT = _env_bool("RBL_SSL_REDIRECT", False)
# RBL_HSTS_SECONDS: Strict-Transport-Security max-age (0: no header);
# RBL_HSTS_INCLUDE_SUBDOMAINS and RBL_HSTS_PRELOAD: its two flags.
SECURE_HSTS_SECONDS = int(os.environ.get("RBL_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("RBL_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = _env_bool("RBL_HSTS_PRELOAD", False)
# Content Security Policy (django-csp): only RBL's own scripts, styles and images
# (the second-factor QR code is a data: image); no inline script or style, no
# plugins, no framing, forms post to RBL only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# RBL_MAX_UPLOAD_MB: largest import file accepted through the web application.
RBL_MAX_UPLOAD_MB = int(os.environ.get("RBL_MAX_UPLOAD_MB", "2048"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Background work (letter batches, web imports) runs on Django's tasks API
# (django-tasks backport) with its database backend: a queue in the database
# itself, worked by `rbl db_worker` processes (several on PostgreSQL). Never a
# thread inside a web process.
# RBL_TASKS_IMMEDIATE: run tasks inside the caller instead (tests, single-process use).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if _env_bool("RBL_TASKS_IMMEDIATE", False)
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

# Letters (rbl.letters). RBL_ANSWER_TERM_DAYS etc. live in the region's settings;
# these are the machine's limits.
# RBL_MAX_DOCUMENT_MB: largest uploaded document (PDF, PNG, JPEG).
RBL_MAX_DOCUMENT_MB = int(os.environ.get("RBL_MAX_DOCUMENT_MB", "10"))
# RBL_LETTER_PROCESSES: processes that render a letter batch (default: the CPU count).
RBL_LETTER_PROCESSES = int(os.environ.get("RBL_LETTER_PROCESSES", "0")) or (os.cpu_count() or 1)

# Mail (the weekly data-quality mail, rbl.reporting.weekly).
# RBL_EMAIL_BACKEND: `console` (default: mails are printed, nothing leaves the
# machine), `smtp`, or a Django mail backend's dotted path.
_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}
_email_backend = os.environ.get("RBL_EMAIL_BACKEND", "console").strip() or "console"
EMAIL_BACKEND = _EMAIL_BACKENDS.get(_email_backend, _email_backend)
# RBL_EMAIL_HOST, RBL_EMAIL_PORT, RBL_EMAIL_USER, RBL_EMAIL_PASSWORD: the SMTP server.
EMAIL_HOST = os.environ.get("RBL_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("RBL_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("RBL_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("RBL_EMAIL_PASSWORD", "")
# RBL_EMAIL_TLS: STARTTLS on the SMTP connection; RBL_EMAIL_SSL: implicit TLS (port 465).
EMAIL_USE_TLS = _env_bool("RBL_EMAIL_TLS", False)
EMAIL_USE_SSL = _env_bool("RBL_EMAIL_SSL", False)
EMAIL_TIMEOUT = 30
# RBL_EMAIL_FROM: the sender of RBL's mails.
DEFAULT_FROM_EMAIL = os.environ.get("RBL_EMAIL_FROM", "rbl@localhost")
# RBL_BASE_URL: the web application's address as users reach it, for links in mails.
RBL_BASE_URL = os.environ.get("RBL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# The Haal Centraal "BRP bevragen" API for looking a youth up on demand (rbl.brp).
# RBL_BRP_URL: the API's base URL (the part before /personen); empty: no lookup.
RBL_BRP_URL = os.environ.get("RBL_BRP_URL", "").strip().rstrip("/")
# RBL_BRP_API_KEY: sent as the X-API-KEY header, when the provider works with keys.
RBL_BRP_API_KEY = os.environ.get("RBL_BRP_API_KEY", "")
# RBL_BRP_CLIENT_CERT, RBL_BRP_CLIENT_KEY: PEM files of the client certificate
# (mutual TLS, as the RvIG gateway asks); the key may sit in the certificate file.
RBL_BRP_CLIENT_CERT = os.environ.get("RBL_BRP_CLIENT_CERT", "").strip()
RBL_BRP_CLIENT_KEY = os.environ.get("RBL_BRP_CLIENT_KEY", "").strip()
# RBL_BRP_CA_FILE: a CA bundle to verify the server with instead of the system's.
RBL_BRP_CA_FILE = os.environ.get("RBL_BRP_CA_FILE", "").strip()
# RBL_BRP_TIMEOUT: seconds to wait for the BRP before telling the user it did not answer.
RBL_BRP_TIMEOUT = float(os.environ.get("RBL_BRP_TIMEOUT", "10"))

REST_FRAMEWORK = {
    # API keys of service accounts first: its challenge ("Token") makes an
    # anonymous request 401 with WWW-Authenticate (DRF answers 403 when the
    # first class has none); the session (CSRF for writes) still works.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rbl.accounts.tokens.ServiceTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # JSON only, both ways (other bodies 415, other formats 406, in Dutch).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # OPTIONS: allowed methods and a pointer to the OpenAPI document, in Dutch.
    "DEFAULT_METADATA_CLASS": "rbl.api.metadata.ContractMetadata",
    # Every error in Dutch, as JSON (also 404/500 outside the views: rbl.web.views.errors).
    "EXCEPTION_HANDLER": "rbl.api.errors.exception_handler",
}

# RBL_API_MAX_FAILURES wrong API keys from one address within RBL_API_FAILURE_MINUTES:
# every token request from there is answered 429 until the window has passed.
RBL_API_MAX_FAILURES = int(os.environ.get("RBL_API_MAX_FAILURES", "10"))
RBL_API_FAILURE_MINUTES = int(os.environ.get("RBL_API_FAILURE_MINUTES", "15"))

SPECTACULAR_SETTINGS = {
    "TITLE": "RBL API",
    "DESCRIPTION": "API van RBL: personen en zaken van het regionaal bureau leerplicht.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        # The error answers (400, 401, 403, 404, 406, 415, 429) with their schemas.
        "rbl.api.schema.add_error_responses",
    ],
}

# Figures (rbl.reporting). RBL_SMALL_COUNT_THRESHOLD: readers without case access
# (policy staff) see a count from 1 up to this number as "< 5" (default 5; 0 is shown).
RBL_SMALL_COUNT_THRESHOLD = int(os.environ.get("RBL_SMALL_COUNT_THRESHOLD", "5"))

# Logging: never log personal data (BSN, names); messages carry ids only.
# RBL_LOG_LEVEL: level of the `rbl` loggers (default INFO).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_bsn": {"()": "rbl.core.logfilter.RedactBsnFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_bsn"]}},
    "loggers": {
        "rbl": {"handlers": ["console"], "level": os.environ.get("RBL_LOG_LEVEL", "INFO")},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "axes": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
