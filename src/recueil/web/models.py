"""No tables of its own: the web layer uses the store's one schema (recueil.store.models).

This module exists so Django sends this app's post_migrate signal (see apps.py).
"""
