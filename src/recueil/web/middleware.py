"""Routes each request's ORM queries to the store the server was started on.

The store layer chooses its database through a context variable (recueil.store.db); this
middleware sets it from the RECUEIL_DB_ALIAS setting for the duration of one request.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import JsonResponse

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


class RefuseNulMiddleware:
    """400 for a NUL character in the path, the query, a form field or a JSON body.

    No text of the collection holds one, and PostgreSQL can neither store nor compare one:
    `/themes/%00` or `/search?q=a%00b` reached the database and failed there (a 500). One
    rule at the door rather than a check in every view; uploaded files are not inspected."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = _nul_in(request)
        if where is None:
            return self.get_response(request)
        message = f"the request's {where} holds a NUL character (\\x00)"
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=400)
        raise BadRequest(message)


def _nul_in(request) -> str | None:
    """Where the request carries a NUL character: "path", "query", "form", "body"; or None."""
    if "\x00" in request.path:
        return "path"
    if _has_nul(list(request.GET.lists())):
        return "query"
    content_type = request.content_type or ""
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            if _has_nul(list(request.POST.lists())):
                return "form"
        elif content_type.endswith("json") and (b"\\u0000" in request.body
                                                 or b"\x00" in request.body):  # fmt: skip
            try:
                if _has_nul(json.loads(request.body)):
                    return "body"
            except ValueError:
                return None  # not JSON: the API answers that itself
    return None


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False
