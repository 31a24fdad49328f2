"""Read replicas: reads of anonymous-safe requests go to a PostgreSQL standby, writes to
the primary, and whoever just wrote reads the primary for a while (read-your-writes).

Every query of recueil runs against the "current alias" (recueil.store.db), set by
`Store.run` in the CLI and by the web middleware per request. Replicas of that alias are
named by RECUEIL_DB_REPLICAS (comma-separated `postgresql://` URLs, the same database
streamed from the primary). `reading_from_replica()` (the web middleware, for GET/HEAD
requests of users not pinned to the primary) switches the current alias to one replica for
its duration, so the ORM and the raw SQL of search both read there; the router below sends
every ORM write back to the primary, and from the first write on, the rest of that unit of
work reads the primary too. The CLI and the workers' writes never see a replica.
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import os
import threading
from collections.abc import Iterator

from recueil.store.db import current_alias, database_settings, reset_alias, set_alias

REPLICAS_ENV = "RECUEIL_DB_REPLICAS"
# After a write, that user's reads go to the primary for this many seconds (replication lag
# plus a margin); the web middleware keeps the deadline in a cookie.
PIN_SECONDS = float(os.environ.get("RECUEIL_DB_PIN_SECONDS", "15"))

_lock = threading.Lock()
_replicas: dict[str, list[str]] = {}  # primary alias → replica aliases
_primary_of: dict[str, str] = {}  # replica alias → primary alias
_counter = itertools.count()
# Set when the current unit of work (a request) wrote to the primary: its later reads
# then see its own writes.
_wrote: contextvars.ContextVar[list[bool] | None] = contextvars.ContextVar(
    "recueil_db_wrote", default=None
)


def replica_urls() -> list[str]:
    return [u.strip() for u in os.environ.get(REPLICAS_ENV, "").split(",") if u.strip()]


def add_replica(primary: str, url: str) -> str:
    """Register `url` as a replica of the connection alias `primary`; its alias."""
    from django.db import connections

    cfg = database_settings(url)
    if not cfg["ENGINE"].endswith("postgresql"):
        raise ValueError(f"a read replica must be a postgresql:// URL, not {url!r}")
    with _lock:
        alias = f"{primary}__replica_{cfg['HOST']}_{cfg['PORT']}_{cfg['NAME']}"
        if alias not in connections.settings:
            cfg["TEST"] = {"MIRROR": primary}  # Django's test runner: no test database
            configured = connections.configure_settings({"default": cfg})
            connections.settings[alias] = configured["default"]
        if alias not in _replicas.setdefault(primary, []):
            _replicas[primary].append(alias)
        _primary_of[alias] = primary
    return alias


def replicas_of(primary: str) -> list[str]:
    """The replica aliases of `primary`; those of RECUEIL_DB_REPLICAS are registered on
    first use (for the web server's primary alias)."""
    if primary not in _replicas and primary not in _primary_of:
        urls = replica_urls()
        for url in urls:
            add_replica(primary, url)
        _replicas.setdefault(primary, [])
    return _replicas.get(primary, [])


def remove_replicas(primary: str) -> None:
    """Forget the replicas of `primary` (tests; a standby taken out of service)."""
    from django.db import connections

    with _lock:
        for alias in _replicas.pop(primary, []):
            _primary_of.pop(alias, None)
            if alias in connections.settings:
                connections[alias].close()


def primary_of(alias: str) -> str:
    return _primary_of.get(alias, alias)


def is_replica(alias: str) -> bool:
    return alias in _primary_of


def pick_replica(primary: str) -> str | None:
    """One replica of `primary`, round robin; None without replicas."""
    replicas = replicas_of(primary)
    if not replicas:
        return None
    return replicas[next(_counter) % len(replicas)]


@contextlib.contextmanager
def reading_from_replica(enabled: bool = True) -> Iterator[str]:
    """Within the block, reads of the current store go to one of its replicas (if any and
    `enabled`); writes go to the primary, and once one happened, reads follow them there.
    Yields the alias the block reads from."""
    primary = current_alias()
    replica = pick_replica(primary) if enabled else None
    flag: list[bool] = [False]
    wrote_token = _wrote.set(flag)
    token = set_alias(replica) if replica else None
    try:
        yield replica or primary
    finally:
        if token is not None:
            reset_alias(token)
        _wrote.reset(wrote_token)


def wrote() -> bool:
    """True when the current unit of work wrote to the primary (router-observed)."""
    flag = _wrote.get()
    return bool(flag and flag[0])


def mark_written() -> None:
    flag = _wrote.get()
    if flag is not None:
        flag[0] = True


def read_only_error(exc: BaseException) -> bool:
    """A write reached a standby ("cannot execute … in a read-only transaction")."""
    text = str(exc)
    return "read-only transaction" in text or "recovery is in progress" in text


class ReplicaRouter:
    """Django router: reads from the current alias (a replica inside
    `reading_from_replica`), unless this unit of work already wrote; writes, relations and
    migrations always on the primary."""

    def db_for_read(self, model, **hints):
        alias = current_alias()
        if alias in _primary_of and wrote():
            return _primary_of[alias]
        return alias

    def db_for_write(self, model, **hints):
        alias = current_alias()
        if alias in _primary_of:
            mark_written()
            return _primary_of[alias]
        return alias

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db not in _primary_of
