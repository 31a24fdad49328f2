"""The store layer: one place that reads and writes the database, whatever its engine.

`open_store(db)` gives a `Store`; its methods run against that database (SQLite file by
default, PostgreSQL by URL). Schema changes are Django migrations in `migrations/`.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from recueil.store.db import alias_for, reset_alias, set_alias, setup_django

setup_django()  # the ORM must be configured before any model module is imported

P = ParamSpec("P")
T = TypeVar("T")


def _routed(method: Callable[P, T]) -> Callable[P, T]:
    """Run a Store method with the ORM routed to that store's database."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        token = set_alias(self.alias)
        try:
            return method(self, *args, **kwargs)
        finally:
            reset_alias(token)

    return wrapper  # type: ignore[return-value]


class Store:
    """A handle on one database; every read and write of recueil goes through here."""

    def __init__(self, alias: str, url: str):
        self.alias = alias
        self.url = url

    @_routed
    def migrate(self) -> None:
        """Apply pending migrations; concurrent processes migrating one new database wait
        for each other (recueil.store.db.migration_lock) instead of colliding."""
        from django.core.management import call_command

        from recueil.store.db import migration_lock

        with migration_lock(self.alias):
            call_command("migrate", database=self.alias, verbosity=0, interactive=False)
            # The search index is derived from these tables: built (or rebuilt for a new
            # index layout) here, by the process that sets the database up, never by a read.
            from recueil.search.index import ensure_index

            ensure_index(alias=self.alias)

    @_routed
    def save(self, loaded, *, user: str | None = None):
        """Save one `ingest.pipeline.Loaded` (source + parsed document), idempotently."""
        from recueil.store.writer import save_document

        return save_document(self.alias, loaded.source, loaded.parsed, user=user)

    def run(self, fn: Callable[..., T], *args, **kwargs) -> T:
        """Call `fn` (a query function of recueil.store.queries) against this store."""
        token = set_alias(self.alias)
        try:
            return fn(*args, **kwargs)
        finally:
            reset_alias(token)

    def close(self) -> None:
        from django.db import connections

        connections[self.alias].close()


def open_store(db: str | os.PathLike | None = None, *, migrate: bool = True) -> Store:
    """Open (and by default migrate) the database named by a `--db` value."""
    alias = alias_for(db)
    store = Store(alias, str(db) if db is not None else "")
    if migrate:
        store.migrate()
    return store
