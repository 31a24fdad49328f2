"""Opening a store from a `--db` value: a SQLite path or a `sqlite:///` / `postgresql://` URL.

Django is configured once per process (without any web setting); each distinct database
gets its own connection alias, and a context variable routes the ORM to the open one.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import os
from pathlib import Path
from urllib.parse import unquote, urlparse

import django
from django.conf import settings

DEFAULT_ALIAS = "default"
_current_alias: contextvars.ContextVar[str] = contextvars.ContextVar(
    "recueil_db_alias", default=DEFAULT_ALIAS
)


def default_db_path() -> Path:
    """The SQLite file used when no `--db` is given: in the user's data directory."""
    from platformdirs import user_data_dir

    env = os.environ.get("RECUEIL_DB")
    if env:
        return Path(env)
    return Path(user_data_dir("recueil", appauthor=False)) / "recueil.sqlite3"


def database_settings(db: str | os.PathLike | None) -> dict:
    """Django DATABASES entry for a `--db` value."""
    if db is None:
        db = os.environ.get("RECUEIL_DB") or default_db_path()
    text = str(db)
    if text.startswith(("postgresql://", "postgres://")):
        url = urlparse(text)
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(url.path.lstrip("/")) or "postgres",
            "USER": unquote(url.username or "") or os.environ.get("PGUSER", "postgres"),
            "PASSWORD": unquote(url.password or ""),
            "HOST": url.hostname or "",
            "PORT": str(url.port or ""),
        }
    if text.startswith("sqlite:"):
        text = text.removeprefix("sqlite://")
        # sqlite:///relative.db → "/relative.db" means relative; sqlite:////abs → absolute
        text = text[1:] if text.startswith("/") else text
        if not text:
            raise ValueError("sqlite URL needs a file path, e.g. sqlite:///recueil.sqlite3")
    if "://" in text:
        raise ValueError(
            f"unsupported database URL {text!r}: use a path, sqlite:/// or postgresql://"
        )
    path = Path(text).expanduser()
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path.resolve()),
        "OPTIONS": SQLITE_OPTIONS,
    }


# Several writers at once (two ingests, editors deciding while a retrain saves, a search
# rebuilding its index during an ingest): WAL lets readers go on while one writes; every
# transaction takes the write lock when it starts (IMMEDIATE), so none fails half-way
# upgrading a read lock; a busy writer is waited for (up to BUSY_TIMEOUT s), not an error.
BUSY_TIMEOUT = 60
SQLITE_OPTIONS = {
    "timeout": BUSY_TIMEOUT,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
}


def setup_django(default: dict | None = None) -> None:
    """Configure Django for the core (ORM only) unless a Django project already did.

    With DJANGO_SETTINGS_MODULE set (the web app), that module's settings win; they must
    install `recueil.store.apps.StoreConfig` and the router `recueil.store.db._Router`.
    """
    if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
        settings.configure(
            DATABASES={DEFAULT_ALIAS: default or database_settings(None)},
            INSTALLED_APPS=["recueil.store.apps.StoreConfig"],
            DATABASE_ROUTERS=["recueil.store.db._Router"],
            USE_TZ=True,
            TIME_ZONE="UTC",
            DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        )
    elif _settings_module_importing():
        return  # that settings module imports the store; Django sets up once it is loaded
    django.setup()


def _settings_module_importing() -> bool:
    """True while the DJANGO_SETTINGS_MODULE module itself is being imported (it imports
    this package for `database_settings`): setting Django up then would read it half-made."""
    import sys

    module = sys.modules.get(os.environ.get("DJANGO_SETTINGS_MODULE") or "")
    return bool(getattr(getattr(module, "__spec__", None), "_initializing", False))


def alias_for(db: str | os.PathLike | None) -> str:
    """Register the database behind `db` (once) and return its connection alias."""
    cfg = database_settings(db)
    if cfg["ENGINE"].endswith("sqlite3"):
        Path(cfg["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    if not settings.configured:
        setup_django(cfg)
    else:
        django.setup()
    from django.db import connections

    for alias, existing in connections.settings.items():
        if (
            existing["ENGINE"] == cfg["ENGINE"]
            and existing["NAME"] == cfg["NAME"]
            and (existing.get("HOST", "") == cfg.get("HOST", ""))
            and (str(existing.get("PORT", "")) == str(cfg.get("PORT", "")))
        ):
            return alias
    alias = "db_" + hashlib.sha1(repr(sorted(cfg.items())).encode()).hexdigest()[:12]
    connections.settings[alias] = connections.configure_settings({DEFAULT_ALIAS: cfg})[
        DEFAULT_ALIAS
    ]
    return alias


def current_alias() -> str:
    return _current_alias.get()


def set_alias(alias: str) -> contextvars.Token:
    return _current_alias.set(alias)


def reset_alias(token: contextvars.Token) -> None:
    _current_alias.reset(token)


@contextlib.contextmanager
def migration_lock(alias: str):
    """Serialise schema migrations of one database across processes: an exclusive lock on
    `<db>.lock` beside a SQLite file, a session advisory lock on PostgreSQL."""
    from django.db import connections

    conn = connections[alias]
    if conn.vendor == "postgresql":
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", [_PG_MIGRATE_LOCK])
        try:
            yield
        finally:
            with conn.cursor() as cur:
                cur.execute("SELECT pg_advisory_unlock(%s)", [_PG_MIGRATE_LOCK])
        return
    name = str(conn.settings_dict["NAME"])
    if conn.vendor != "sqlite" or name == ":memory:" or "mode=memory" in name:
        yield
        return
    try:
        import fcntl
    except ImportError:  # Windows: no cross-process lock; migrations are rarely concurrent
        yield
        return
    with open(name + ".lock", "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


_PG_MIGRATE_LOCK = 0x72656375  # "recu": any constant shared by every recueil process


_PG_WRITE_LOCK = 0x72656377  # held by every writing transaction of recueil on PostgreSQL


@contextlib.contextmanager
def write_transaction(alias: str):
    """A transaction that writes: one at a time per database, across processes.

    SQLite already takes its write lock when the transaction begins (IMMEDIATE); on
    PostgreSQL a transaction-level advisory lock does the same, so two ingests or two
    editors deciding on one pair never both insert what the other inserts (a unique
    violation under READ COMMITTED): the second waits, then sees the first's rows.
    The outermost one also brings the search index up to date with what it wrote, before
    it commits (`recueil.search.index.sync`: the items the change log names, nothing
    else), so readers never find it stale and never have to write.
    """
    from django.db import connections, transaction

    conn = connections[alias]
    depth = getattr(conn, "_recueil_write_depth", 0)
    with transaction.atomic(using=alias):
        if conn.vendor == "postgresql":
            with conn.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_WRITE_LOCK])
        conn._recueil_write_depth = depth + 1
        try:
            yield
        finally:
            conn._recueil_write_depth = depth
        if depth == 0:
            # The index is a derived table of this same database (the store's business)
            from recueil.search.index import sync

            sync(alias)


# The router named by the settings (kept under this name): recueil.store.routing sends the
# reads of web requests to read replicas when RECUEIL_DB_REPLICAS names some.
from recueil.store.routing import ReplicaRouter as _Router  # noqa: E402, F401
