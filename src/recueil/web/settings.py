"""Django settings of the web app: the store's app and router plus auth, admin, i18n, static.

A superset of the core's settings (recueil.store.db.setup_django), so the CLI, the tests
and the server can all run under it; the database comes from RECUEIL_DB / `--db`.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

from recueil.store.db import database_settings

WEB_DIR = Path(__file__).resolve().parent

# DEBUG shows tracebacks and settings to anyone: only with RECUEIL_DEBUG=1, and never when
# the site answers to a host other than this machine (see _check_debug below).
DEBUG = os.environ.get("RECUEIL_DEBUG") == "1"
_LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("RECUEIL_ALLOWED_HOSTS", "").split(",") if h.strip()
] or _LOOPBACK_HOSTS


def _secret_key() -> str:
    """RECUEIL_SECRET_KEY, else a key generated once per installation and kept (mode 0600) in
    the user's data directory (RECUEIL_SECRET_KEY_FILE to put it elsewhere): sessions then
    survive a restart, and no key is ever in the repository."""
    given = os.environ.get("RECUEIL_SECRET_KEY")
    if given:
        return given
    from platformdirs import user_data_dir

    path = Path(
        os.environ.get("RECUEIL_SECRET_KEY_FILE")
        or Path(user_data_dir("recueil", appauthor=False)) / "secret_key"
    )
    try:
        return path.read_text(encoding="ascii").strip() or _new_key_file(path, replace=True)
    except FileNotFoundError:
        return _new_key_file(path)
    except OSError:  # unreadable: a per-process key (sessions last as long as the server)
        return secrets.token_urlsafe(50)


def _new_key_file(path: Path, *, replace: bool = False) -> str:
    key = secrets.token_urlsafe(50)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if replace:
            path.unlink(missing_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text(encoding="ascii").strip()
    except OSError:
        return key
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key + "\n")
    return key


SECRET_KEY = _secret_key()


def _check_debug() -> None:
    from django.core.exceptions import ImproperlyConfigured

    if DEBUG and any(h not in _LOOPBACK_HOSTS for h in ALLOWED_HOSTS):
        raise ImproperlyConfigured(
            "RECUEIL_DEBUG=1 is for development on this machine only: unset it, or unset "
            "RECUEIL_ALLOWED_HOSTS"
        )


_check_debug()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves its Swagger UI from local static files, not a CDN
    "recueil.store.apps.StoreConfig",
    "recueil.web.apps.WebConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "recueil.web.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "recueil.web.middleware.StoreMiddleware",
    "recueil.web.replicas.ReplicaMiddleware",  # reads to RECUEIL_DB_REPLICAS, if any
    "django.contrib.sessions.middleware.SessionMiddleware",
    "recueil.web.language.LanguageMiddleware",  # French unless chosen (issue 14)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "recueil.web.middleware.RefuseNulMiddleware",  # before any view reads a parameter
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "recueil.web.urls"
WSGI_APPLICATION = "recueil.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "recueil.web.views.site_context",
            ],
        },
    }
]

DATABASES = {"default": database_settings(os.environ.get("RECUEIL_DB"))}
DATABASE_ROUTERS = ["recueil.store.db._Router"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The connection alias every request reads (tests point it at their corpus database).
RECUEIL_DB_ALIAS = "default"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# --- Languages ----------------------------------------------------------------------------
# The interface is offered in every UN language that has a compiled catalogue in
# web/locale/<code>/LC_MESSAGES/django.mo: adding Arabic is adding a catalogue (the
# templates already set lang and dir="rtl" from Django's LANGUAGE_BIDI list).
UN_LANGUAGES = [
    ("fr", "Français"),
    ("en", "English"),
    ("es", "Español"),
    ("ar", "العربية"),
    ("ru", "Русский"),
    ("zh-hans", "中文"),
]
LOCALE_PATHS = [WEB_DIR / "locale"]


def _locale_dir(code: str) -> str:
    """Django's folder name for a language code (zh-hans → zh_Hans)."""
    lang, _, region = code.partition("-")
    return f"{lang}_{region.title() if len(region) > 2 else region.upper()}" if region else lang


LANGUAGES = [
    (code, name)
    for code, name in UN_LANGUAGES
    if code == "fr" or (WEB_DIR / "locale" / _locale_dir(code) / "LC_MESSAGES/django.mo").exists()
]
LANGUAGE_CODE = "fr"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_COOKIE_NAME = "recueil_language"

# --- Static files: served by WhiteNoise from the app folders (no CDN, no collectstatic) ---
STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("RECUEIL_STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Hardening (docs/security.md) ----------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # the admin's JavaScript reads it
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
# Cookies get the Secure flag on every response to an HTTPS request (SecurityHeadersMiddleware);
# RECUEIL_HTTPS=1 also sets it on plain-HTTP responses (TLS ends at a proxy that does not say so).
_HTTPS = os.environ.get("RECUEIL_HTTPS") == "1"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = _HTTPS
# Behind a reverse proxy that terminates TLS: trust its X-Forwarded-Proto header (only then).
if os.environ.get("RECUEIL_PROXY_SSL_HEADER") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 180 * 24 * 3600  # sent on HTTPS responses only
SECURE_SSL_REDIRECT = False  # the proxy redirects (here it could loop behind one)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No script or style from anywhere but the site itself, no inline script, no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Login and HTTP Basic: after this many failures for one username (or 4x as many from one
# address) within the window, further attempts are refused without checking the password.
RECUEIL_LOGIN_FAILURES = int(os.environ.get("RECUEIL_LOGIN_FAILURES", "5"))
RECUEIL_LOGIN_WINDOW = int(os.environ.get("RECUEIL_LOGIN_WINDOW", "900"))  # seconds
_UID = getattr(os, "getuid", lambda: 0)()
# Failure counters shared by every worker process of one server (a file cache).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("RECUEIL_THROTTLE_DIR")
        or str(Path(tempfile.gettempdir()) / f"recueil-throttle-{_UID}"),
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # request bodies other than files (Django default)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR"},
        "recueil.security": {"handlers": ["console"], "level": "WARNING"},
    },
}
