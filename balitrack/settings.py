"""Settings for BaliTrack, read from the environment.

Unset variables give the embedded default: a SQLite file in the project
folder, DEBUG on, e-mail printed to the console. Production sets DATABASE_URL,
REDIS_URL, SECRET_KEY and DEBUG=false; see `.env.example`.
"""

import datetime
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from balitrack.lib.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=True)

# Only ever used on a developer's machine; production refuses to start with it.
DEVELOPMENT_SECRET_KEY = "balitrack-development-only-not-secret"
SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not DEBUG and SECRET_KEY in ("", DEVELOPMENT_SECRET_KEY):
    raise ImproperlyConfigured("SECRET_KEY must be set to a private value when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # runserver serves static files through WhiteNoise and the middleware, as production
    # does, rather than straight from the staticfiles app (no headers, no middleware).
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "csp",
    "axes",
    "members",
    "meetings",
    "actions",
    "reminders",
    "audit",
    "accounts",
    # Not "rest_framework": its templates and scripts are for the browsable HTML API, which
    # BaliTrack does not serve (the docs at /api/v1/docs/ are the readable version).
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "proposals",
]

# Whose changes the audit trail records: every model of the record's apps (the strategy's
# reviews among them), users and their groups. The reminder log is left out: it is itself
# a log, with its own attempts and times, written by the worker many times a day.
AUDITED_APPS = ["members", "meetings", "actions", "api", "proposals"]
AUDITED_MODELS = ["auth.User", "auth.Group"]
# Bookkeeping rows inside those apps that are not part of the record.
UNAUDITED_MODELS = ["actions.RecordVersion"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Above WhiteNoise, so that static files carry its headers too.
    "balitrack.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "balitrack.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication, so that every audit event can name the user.
    "audit.middleware.AuditMiddleware",
    # Default deny: every page needs a signed-in user unless its view says otherwise.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "balitrack.middleware.SignedInPagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A view whose SQL ran past STATEMENT_TIMEOUT_SECONDS answers "too long", not a 500.
    "balitrack.lib.statement_timeout.StatementTimeoutMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "balitrack.urls"

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

WSGI_APPLICATION = "balitrack.wsgi.application"

# The embedded default is a SQLite file beside manage.py; production and CI
# point DATABASE_URL at PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}

# How long one SQL statement may run before PostgreSQL cancels it, by the kind of process
# (BALITRACK_PROCESS, which manage.py and the Celery app set): a web request must never hold
# the database or a gunicorn worker, so a page that would take longer answers "too long"
# (balitrack.lib.statement_timeout); a Celery task may take longer; commands run by hand
# (migrations, loads, generate_scale_data) have no limit. In seconds; 0 is none.
PROCESS_KIND = env_str("BALITRACK_PROCESS", "web")
if PROCESS_KIND not in ("web", "task", "command"):
    raise ImproperlyConfigured(f"BALITRACK_PROCESS must be web, task or command, not {PROCESS_KIND!r}.")
STATEMENT_TIMEOUT_SECONDS = {
    "web": env_int("DATABASE_STATEMENT_TIMEOUT", 5),
    "task": env_int("DATABASE_TASK_STATEMENT_TIMEOUT", 120),
    "command": 0,
}[PROCESS_KIND]

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer is reported within seconds, not after minutes.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 3)
    if STATEMENT_TIMEOUT_SECONDS:
        # Sent when the connection opens, so it costs no query of its own.
        DATABASES["default"]["OPTIONS"]["options"] = f"-c statement_timeout={STATEMENT_TIMEOUT_SECONDS * 1000}"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The register's covering index (actions_action_order_idx) INCLUDEs the id for PostgreSQL,
    # where it saves reading the rows; SQLite builds it without that column, which is all
    # models.W040 says, on every migrate of the embedded default.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# The Regional Support Office sits in Bangkok.
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# On a developer's machine WhiteNoise serves straight from the source folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# No "Access-Control-Allow-Origin: *": nothing outside BaliTrack has any use for its files.
WHITENOISE_ALLOW_ALL_ORIGINS = False

# Security. Headers go on every response; cookies and HTTPS are strict in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# No script reads the CSRF token from the cookie: forms carry it, and neither BaliTrack's
# scripts (static/balitrack/) nor Django's admin read document.cookie.
CSRF_COOKIE_HTTPONLY = True
# Sessions end after 30 minutes without a request and 12 hours in all
# (balitrack.middleware); the cookie itself never outlives the 12 hours.
SESSION_COOKIE_AGE = 12 * 60 * 60
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Scripts only from BaliTrack itself. Inline styles stay allowed: the dashboard's bars
# are sized with style="width: ..%".
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# How many proxies stand in front of gunicorn, each appending the address it saw to
# X-Forwarded-For: the client's address is the N-th from the right of that header
# (balitrack.lib.client_address). 0 (nothing in front) uses REMOTE_ADDR; behind BaliTrack's
# HTTPS proxy it is 1, and gunicorn must then be reachable through the proxy only.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be 0 or more, not {TRUSTED_PROXY_COUNT}.")

# Sign-in protection (accounts.lockout), on BaliTrack's form and the admin's alike:
# - 5 failures for one username from one address lock that pair for 15 minutes: neither an
#   attacker's address nor a victim's name alone locks anybody else out. Signing in forgets
#   the pair's failures.
# - 30 failures from one address within an hour, whatever the usernames, lock that address
#   until the hour has passed over enough of them. Signing in does not reset this count.
# Attempts refused by a lock check no password and count for nothing, so a lock ends when the
# lockout page says. Attempts are logged in the admin (axes) and in the audit trail.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "accounts.lockout.SignInLockoutHandler"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "balitrack.lib.client_address.client_address"
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "balitrack.lib.sign_in.username_for_lockout"
SIGN_IN_ADDRESS_LIMIT = 30
SIGN_IN_ADDRESS_WINDOW = datetime.timedelta(hours=1)

# Password reset (accounts.services): at most 10 requests from one address and 3 links for one
# e-mail address an hour; past that the visitor sees the same "check your e-mail" page and
# nothing is sent. With Redis, the worker sends the e-mail, so a request takes as long for
# an address with no account as for one with an account.
PASSWORD_RESET_ADDRESS_LIMIT = 10
PASSWORD_RESET_EMAIL_LIMIT = 3
PASSWORD_RESET_WINDOW = datetime.timedelta(hours=1)
PASSWORD_RESET_IN_WORKER = bool(env_str("REDIS_URL"))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Two-key closing: an action is marked completed or discontinued only by a proposal (the lead
# member's, or the Secretariat's on its behalf) that another user accepts. Off, a Secretariat
# officer closes an action in one step, as any other update.
TWO_KEY_CLOSING = env_bool("TWO_KEY_CLOSING", default=True)

# Rows per page of the register and the other lists.
PAGE_SIZE = env_int("PAGE_SIZE", 25)

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Redis carries Celery's queue and results.
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A web request that records work must not hang on a broker that is down: fail fast,
# the rows stay pending and the next scan queues them again.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# A paused or stalled Redis accepts the connection and never answers: without a socket
# timeout a publish would wait for it for ever.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_timeout": 3, "socket_connect_timeout": 3}
CELERY_REDIS_SOCKET_TIMEOUT = 3
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 3
# Nothing reads the tasks' return values: the Reminder rows are the record of each send.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "balitrack")
CELERY_BEAT_SCHEDULE = {
    "scan-review-reminders": {
        "task": "reminders.tasks.scan_reminders",
        "schedule": crontab(hour=env_int("REMINDER_HOUR", 8), minute=0),
    },
}

# The dashboard's cache, keyed on the record's version (actions.record_version), so every
# change invalidates it whichever worker made it. Where REDIS_URL is set, Redis, shared by
# all workers: a Redis that is down or paused is a cache miss after a short timeout, never
# an error (balitrack.lib.cache). Without it (the embedded default), each process's memory.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "dashboard": {
        "BACKEND": "balitrack.lib.cache.FailSafeRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "balitrack-dashboard",
        # A backstop for changes made behind the models' backs (bulk loads, raw SQL).
        "TIMEOUT": 600,
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.5},
    }
    if env_str("REDIS_URL")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "dashboard", "TIMEOUT": 600},
}

# Review reminders: days before a review falls due, and the forums whose members'
# focal points receive them (the co-chairs always do).
REMINDER_OFFSETS_DAYS = [int(days) for days in env_list("REMINDER_OFFSETS_DAYS", ["60", "30", "7"])]
REMINDER_FORUMS = env_list("REMINDER_FORUMS", ["SG"])
# First wait before retrying a send the mail server refused; it doubles each time.
REMINDER_RETRY_BACKOFF_SECONDS = env_int("REMINDER_RETRY_BACKOFF_SECONDS", 30)
# How long a send holds its reminder: a worker that dies mid-send (killed, out of memory)
# leaves it claimed, and the next scan sends it once the claim has lapsed.
REMINDER_CLAIM_LEASE_SECONDS = env_int("REMINDER_CLAIM_LEASE_SECONDS", 600)
# Links in e-mails point here.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
# A send must give up well before its claim lapses (REMINDER_CLAIM_LEASE_SECONDS), or a
# hung mail server could see a second worker send the same reminder beside it.
EMAIL_TIMEOUT = min(env_int("EMAIL_TIMEOUT", 60), REMINDER_CLAIM_LEASE_SECONDS // 2)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "BaliTrack <balitrack@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# The API under /api/v1/ (the api app). A program signs in with a personal token; a person
# reading the docs in the browser is signed in by their session. Nothing is open to anonymous
# callers, every list is paged, and JSON is the only format (no browsable HTML API: the docs
# at /api/v1/docs/ are the readable version).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.CursorPage",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests each token may make, per second, minute, hour or day ("300/minute").
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "300/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": "BaliTrack API",
    "DESCRIPTION": (
        "The Bali Process record for other systems: members, forums and bodies, meetings with their "
        "attendance, documents paragraph by paragraph, the strategy and its actions with their owners, "
        "mandates and history. Read-only except for recording a status update, which only the Secretariat "
        "may do. Sign in with `Authorization: Bearer <token>`, a personal token made on your API tokens page."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI's files come from BaliTrack itself (drf-spectacular-sidecar): no CDN, and the
    # Content-Security-Policy's script-src stays 'self'.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The refusals every endpoint shares (401, 404, 429, 400 for a parameter), in one place.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.describe_refusals",
    ],
    # Several models have a "kind" or a "status": each its own name in the document.
    "ENUM_NAME_OVERRIDES": {
        "ActionStatus": "actions.models.Action.Status",
        "BodyStatus": "members.models.Body.Status",
        "MeetingStatus": "meetings.models.Meeting.Status",
        "StrategyStatus": "actions.models.Strategy.Status",
        "MemberKind": "members.models.Member.Kind",
        "BodyKind": "members.models.Body.Kind",
        "MeetingKind": "meetings.models.Meeting.Kind",
        "DocumentKind": "meetings.models.Document.Kind",
    },
}
# The API's request counts, shared by all workers as the dashboard's cache is.
CACHES["api"] = (
    {**CACHES["dashboard"], "KEY_PREFIX": "balitrack-api"}  # type: ignore[dict-item]
    if env_str("REDIS_URL")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "api"}
)
