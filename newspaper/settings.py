"""One settings file; every value can be overridden from the environment (see README)."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from newspaper.env import env, envbool, envint, envlist

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env("DATA_DIR", str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = envbool("DEBUG", False)


def _secret_key() -> str:
    """SECRET_KEY from the environment; else one generated once per installation and kept in
    DATA_DIR, so a fresh clone runs without a shared, published key."""
    if env("SECRET_KEY"):
        return env("SECRET_KEY")
    path = DATA_DIR / "secret_key"
    if not path.exists():
        from django.core.management.utils import get_random_secret_key

        path.write_text(get_random_secret_key())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

# Behind TLS in production (HTTPS=1): secure cookies, HSTS, redirect to https.
HTTPS = envbool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_PROXY = envbool("BEHIND_PROXY", False)  # also: login failures counted by X-Forwarded-For
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Before haystack: its rebuild_index and update_index are replaced by ones that go through
    # the single index writer (an app listed first wins a command's name).
    "search",
    "haystack",
    "huey.contrib.djhuey",
    "simple_history",
    "newspaper.apps.LoginGuardConfig",  # django-axes, named in Chinese
    "csp",
    "newspaper",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # headers only: before the limits, so their pages carry it too
    # Before sessions and authentication: too large a body is refused from its headers (issue 13).
    "newspaper.limits.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who may post an upload, from the session cookie alone, before the CSRF check reads the body.
    "newspaper.limits.UploadGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a lockout into its page
]

ROOT_URLCONF = "newspaper.urls"
WSGI_APPLICATION = "newspaper.wsgi.application"

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

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'archive.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Waiting on a lock beats "database is locked" when the web and ingest processes overlap.
    # Write-ahead logging: readers (the site) never wait for an import's writes, and a commit
    # costs one fsync of the log instead of the rollback journal's several (synchronous stays
    # FULL, so a committed page survives a power cut).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login attempts (django-axes): 5 failures for one username from one address lock that pair out
# for 15 minutes, so a guesser cannot lock an editor out from elsewhere. Its backend only
# refuses a locked-out pair; ModelBackend still checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True  # a typo or two before a good password is not carried over
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "newspaper.limits.client_ip"

# Content-Security-Policy (django-csp): only our own scripts, styles and images, no inline code
# (tests/test_security.py checks our templates keep none). The admin works without
# 'unsafe-inline': its scripts are files and it sets styles from them, which CSP allows.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
# The web's Chinese for messages the parser and the import write in English for the command
# line (newspaper.parser.reasons), and for the packages' strings Django's catalogues lack.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = DATA_DIR / "uploads"

# Search: Whoosh on disk, with the Chinese analyzer swapped in by search.backends.
HAYSTACK_CONNECTIONS = {
    "default": {
        "ENGINE": "search.backends.ChineseWhooshEngine",
        "PATH": env("SEARCH_INDEX_DIR", str(DATA_DIR / "whoosh_index")),
    }
}
# A worker's resident pages of mapped files past which it releases the index's (search.engine);
# 0: never.
SEARCH_MAPPED_LIMIT_MB = envint("SEARCH_MAPPED_LIMIT_MB", 160)
# The index is written by one process only, the index writer (search.writer), which drains the
# outbox that every change writes in its own transaction (newspaper.outbox): haystack's signals
# would write it from wherever a save happens.
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"
HAYSTACK_SEARCH_RESULTS_PER_PAGE = 20
# Only articles are indexed: without this, haystack runs an extra full search per query to
# narrow results to registered models (bench: 42 → 31 ms for the matching step at 350 articles).
HAYSTACK_LIMIT_TO_REGISTERED_MODELS = False

# The background worker (manage.py run_huey) imports uploads; its queue lives in SQLite in
# DATA_DIR unless REDIS_URL is set. The search index has its own writer (manage.py index_writer).
REDIS_URL = env("REDIS_URL")
HUEY = {
    "name": "archive",
    "huey_class": "huey.RedisHuey" if REDIS_URL else "huey.SqliteHuey",
    "immediate": envbool("HUEY_IMMEDIATE", False),
    "results": False,
    **({"connection": {"url": REDIS_URL}} if REDIS_URL else {"filename": str(DATA_DIR / "queue.sqlite3")}),
    # An idle consumer polls SQLite at most a second apart (huey's default backs off to 10 s,
    # so a confirmed upload sat at 排队中 and then finished at once); Redis blocks instead.
    "consumer": {"workers": 1, "worker_type": "thread", "max_delay": 1.0},
}

# Uploads in the browser.
UPLOAD_MAX_FILE_MB = envint("UPLOAD_MAX_FILE_MB", 20)
UPLOAD_MAX_REQUEST_MB = envint("UPLOAD_MAX_REQUEST_MB", 100)
UPLOAD_MAX_FILES = envint("UPLOAD_MAX_FILES", 200)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 2**20  # form fields other than files
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 2**20  # larger files go to a temporary file
# Django's own count of file parts (default 100) is ours: a .zip is one part here, its entries
# are counted once expanded (newspaper.uploads.expand). The body's size is newspaper.limits'.
DATA_UPLOAD_MAX_NUMBER_FILES = UPLOAD_MAX_FILES
LOGIN_URL = "admin:login"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
