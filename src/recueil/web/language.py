"""The interface language: French unless the reader chose another (issue 14).

The browser's Accept-Language is *not* followed: the collection is French and so is its
default interface. A choice is made with the language buttons (Django's `set_language`
view, `/i18n/setlang/`) or by adding `?ui=en` to any address; it is remembered in the
`recueil_language` cookie (settings.LANGUAGE_COOKIE_NAME). URLs never change with the
language, so permalinks stay the same in every language. (`?lang=` is the language of an
item's *text*, see the item page's language versions; it does not change the interface.)
"""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


def _offered(code: str | None) -> str | None:
    if not code:
        return None
    codes = {c for c, _name in settings.LANGUAGES}
    code = code.strip().lower()
    if code in codes:
        return code
    base = code.split("-")[0]
    return base if base in codes else None


class LanguageMiddleware(LocaleMiddleware):
    """`?ui=` (remembered), else the remembered choice, else LANGUAGE_CODE (French)."""

    def process_request(self, request):
        chosen = _offered(request.GET.get("ui"))
        language = (
            chosen
            or _offered(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
            or settings.LANGUAGE_CODE
        )
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        request.recueil_language_chosen = chosen

    def process_response(self, request, response):
        language = translation.get_language()
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        chosen = getattr(request, "recueil_language_chosen", None)
        if chosen:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                chosen,
                max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 3600,
                path=settings.LANGUAGE_COOKIE_PATH,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        return response
