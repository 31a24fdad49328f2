"""Per request: GET/HEAD read from a PostgreSQL read replica, unless this browser wrote
within the last RECUEIL_DB_PIN_SECONDS (read-your-writes), in which case the primary.

Any non-safe request (POST…) or any request that wrote (e.g. saved its session) sets a
short-lived cookie holding the time until which that browser reads the primary: its next
pages show its own change even while the standbys replay it. Without RECUEIL_DB_REPLICAS
this middleware changes nothing. See recueil.store.routing and docs/scale.md.
"""

from __future__ import annotations

import time

from recueil.store import routing
from recueil.store.db import current_alias, reset_alias, set_alias

PIN_COOKIE = "recueil_primary_until"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _pinned(request) -> bool:
    try:
        return float(request.COOKIES.get(PIN_COOKIE, "0")) > time.time()
    except ValueError:
        return False


class ReplicaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        safe = request.method in SAFE_METHODS
        with routing.reading_from_replica(enabled=safe and not _pinned(request)) as alias:
            request.recueil_read_alias = alias
            response = self.get_response(request)
            wrote = routing.wrote() or not safe
        if wrote:
            until = time.time() + routing.PIN_SECONDS
            response.set_cookie(PIN_COOKIE, f"{until:.3f}", max_age=int(routing.PIN_SECONDS) + 1,
                                httponly=True, samesite="Lax")  # fmt: skip
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.recueil_view = (view_func, view_args, view_kwargs)

    def process_exception(self, request, exception):
        """A write attempted on a standby (e.g. a stale derived index being refreshed):
        answer this read-only request from the primary instead of failing."""
        alias = current_alias()
        view = getattr(request, "recueil_view", None)
        if view is None or not routing.is_replica(alias) or not routing.read_only_error(exception):
            return None
        token = set_alias(routing.primary_of(alias))
        try:
            request.recueil_read_alias = routing.primary_of(alias)
            view_func, view_args, view_kwargs = view
            response = view_func(request, *view_args, **view_kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            return response
        finally:
            reset_alias(token)
