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
