"""The web app and REST API: a Django project over the same store the CLI uses.

Views and API endpoints are thin: they call `recueil.store.queries` and `recueil.search`,
so every page, its JSON twin and the CLI show the same data.
"""
