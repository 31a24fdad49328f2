"""Django app config of the web layer: it owns the reader/editor/admin groups.

The groups are ensured after every migrate (idempotent), on whichever database migrated.
"""

from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate

# Role → permissions on the store's models (app label "recueil").
ROLES: dict[str, tuple[str, ...]] = {
    "reader": ("view_item", "view_theme", "view_assignment", "view_document", "view_meeting"),
    "editor": (
        "view_item", "view_theme", "view_assignment", "view_document", "view_meeting",
        "add_theme", "change_theme", "add_assignment", "change_assignment",
        "delete_assignment",
    ),
    "admin": ("*",),
}  # fmt: skip


def ensure_groups(using: str = "default", **kwargs) -> None:
    """Create the role groups and give them their permissions (safe to run twice)."""
    from django.contrib.auth.models import Group, Permission

    store_perms = Permission.objects.using(using).filter(content_type__app_label="recueil")
    # admins manage users and groups too (README: "admins manage users")
    apps = ("recueil", "auth")
    admin_perms = Permission.objects.using(using).filter(content_type__app_label__in=apps)
    for name, codenames in ROLES.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        perms = admin_perms if codenames == ("*",) else store_perms.filter(codename__in=codenames)
        group.permissions.set(list(perms))


def _after_migrate(sender, using="default", **kwargs) -> None:
    from recueil.store.db import reset_alias, set_alias

    token = set_alias(using)  # the store's router follows the database being migrated
    try:
        ensure_groups(using)
    finally:
        reset_alias(token)


class WebConfig(AppConfig):
    name = "recueil.web"
    label = "recueil_web"
    verbose_name = "recueil web"

    def ready(self) -> None:
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="recueil_web_groups")
