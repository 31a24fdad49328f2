"""Throttled authentication: the login form and HTTP Basic stop checking passwords after
repeated failures, and every failure and lockout is written to the `recueil.security` log.

Counters live in the "throttle" cache (a file cache shared by the server's worker
processes): one per username and one per client address, for RECUEIL_LOGIN_WINDOW
seconds. A locked-out attempt costs no password hash, so guessing is no CPU attack.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.views import LoginView
from django.core.cache import caches
from django.http import HttpRequest
from django.utils.translation import gettext as _

log = logging.getLogger("recueil.security")
PER_ADDRESS = 4  # an address may fail this many times the per-username limit


def _cache():
    return caches["throttle"]


def _keys(request: HttpRequest, username: str) -> tuple[str, str]:
    user = hashlib.sha256(username.strip().lower().encode("utf-8", "replace")).hexdigest()[:32]
    addr = request.META.get("REMOTE_ADDR") or "?"
    return f"login-user:{user}", f"login-addr:{addr}"


def _limits() -> tuple[int, int]:
    n = getattr(settings, "RECUEIL_LOGIN_FAILURES", 5)
    return n, n * PER_ADDRESS


def is_locked(request: HttpRequest, username: str) -> bool:
    """True when this username or this address has failed too often lately."""
    user_key, addr_key = _keys(request, username)
    per_user, per_addr = _limits()
    cache = _cache()
    return (cache.get(user_key) or 0) >= per_user or (cache.get(addr_key) or 0) >= per_addr


def record_failure(request: HttpRequest, username: str, channel: str) -> None:
    window = getattr(settings, "RECUEIL_LOGIN_WINDOW", 900)
    cache = _cache()
    for key in _keys(request, username):
        cache.set(key, (cache.get(key) or 0) + 1, window)
    log.warning("failed %s login for %r from %s", channel, username,
                request.META.get("REMOTE_ADDR"))  # fmt: skip


def record_success(request: HttpRequest, username: str) -> None:
    _cache().delete(_keys(request, username)[0])


def audit_lockout(request: HttpRequest, username: str, channel: str) -> None:
    log.warning("refused %s login for %r from %s: too many failures", channel, username,
                request.META.get("REMOTE_ADDR"))  # fmt: skip


def throttled_authenticate(request: HttpRequest, username: str, password: str, channel: str):
    """`authenticate`, or None without hashing when the username/address is locked out.

    Returns (user or None, locked)."""
    if is_locked(request, username):
        audit_lockout(request, username, channel)
        return None, True
    user = authenticate(request, username=username, password=password)
    if user is None:
        record_failure(request, username, channel)
    else:
        record_success(request, username)
    return user, False


class ThrottledLoginView(LoginView):
    """Django's login view that refuses (429) once the username or address is locked out."""

    template_name = "web/login.html"

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username") or ""
        if is_locked(request, username):
            audit_lockout(request, username, "form")
            form = self.get_form_class()(request)  # unbound: no password is checked
            context = self.get_context_data(form=form)
            context["lockout"] = _("Too many failed attempts: try again in a few minutes.")
            return self.render_to_response(context, status=429)
        response = super().post(request, *args, **kwargs)
        if request.user.is_authenticated:
            record_success(request, username)
        else:
            record_failure(request, username, "form")
        return response
