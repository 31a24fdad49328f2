"""The three roles: reader (anyone, read-only), editor (themes and suggestions), admin
(users and the vocabulary). Groups are created by apps.ensure_groups; superusers are admins.

Any change needs a logged-in user with the right role: anonymous visitors are sent to the
login page, logged-in readers get 403.
"""

from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

EDITOR_GROUPS = ("editor", "admin")
ADMIN_GROUPS = ("admin",)


def _in_groups(user, groups: tuple[str, ...]) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name__in=groups).exists()


def is_editor(user) -> bool:
    """Editors and admins may assign themes, review suggestions and confirm links."""
    return _in_groups(user, EDITOR_GROUPS)


def is_admin(user) -> bool:
    """Admins manage users and the vocabulary."""
    return _in_groups(user, ADMIN_GROUPS)


def _requiring(check, message: str):
    def decorator(view):
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied(_(message))  # the styled 403 page (views.error_page)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


editor_required = _requiring(is_editor, gettext_noop("Only editors may review and assign themes."))
admin_required = _requiring(
    is_admin, gettext_noop("Only administrators may change the vocabulary.")
)
