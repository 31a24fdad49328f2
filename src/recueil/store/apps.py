"""Django app config: the store's tables live in one app so migrations have one home."""

from django.apps import AppConfig


class StoreConfig(AppConfig):
    name = "recueil.store"
    label = "recueil"
    verbose_name = "recueil"
    default_auto_field = "django.db.models.BigAutoField"
