"""Django settings of the web app: the store's app and router plus auth, admin, i18n, static.

A superset of the core's settings (recueil.store.db.setup_django), so the CLI, the tests
and the server can all run under it; the database comes from RECUEIL_DB / `--db`.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from recueil.store.db import database_settings

WEB_DIR = Path(__file__).resolve().parent

DEBUG = os.environ.get("RECUEIL_DEBUG") == "1"
# A per-process key unless one is given: sessions then last as long as the server.
SECRET_KEY = os.environ.get("RECUEIL_SECRET_KEY") or secrets.token_urlsafe(50)
ALLOWED_HOSTS = [h for h in os.environ.get("RECUEIL_ALLOWED_HOSTS", "").split(",") if h] or [
    "127.0.0.1",
    "localhost",
    "[::1]",
    "testserver",
]

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
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "recueil.web.middleware.StoreMiddleware",
    "recueil.web.replicas.ReplicaMiddleware",  # reads to RECUEIL_DB_REPLICAS, if any
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the admin's JavaScript reads it
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
}
