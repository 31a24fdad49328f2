"""Routes each request's ORM queries to the store the server was started on.

The store layer chooses its database through a context variable (recueil.store.db); this
middleware sets it from the RECUEIL_DB_ALIAS setting for the duration of one request.
"""

from __future__ import annotations

from django.conf import settings

from recueil.store.db import reset_alias, set_alias


class StoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_alias(getattr(settings, "RECUEIL_DB_ALIAS", "default"))
        try:
            return self.get_response(request)
        finally:
            reset_alias(token)


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every response, and the Secure flag on every cookie set
    in reply to an HTTPS request (Django's own settings only know one or the other)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            if request.path.startswith(("/admin/", "/api/docs")):
                # Django's admin and the Swagger UI style elements inline (no inline script)
                policy = policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
            response["Content-Security-Policy"] = policy
        if request.is_secure():
            for cookie in response.cookies.values():
                cookie["secure"] = True
        return response
