"""Shared fixtures: the bundled corpus, a store with all of it ingested, fresh stores.

Like Datasette's fixtures database: the whole real corpus is ingested once per session
into a real SQLite file, and tests query it; tests that write get their own database.
"""

from __future__ import annotations

import os
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

# The whole suite runs under the web app's settings: a superset of the core's (the store app
# and router plus auth, admin, i18n), so core and web tests share one process. This must be
# set before anything imports recueil.store, which configures Django on import.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recueil.web.settings")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
PG_DSN = os.environ.get("RECUEIL_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def corpus_file(prefix: str) -> Path:
    """The bundled corpus file whose name starts with `prefix` ("000" … "004")."""
    (path,) = CORPUS.glob(f"{prefix}_*")
    return path


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


def ingest_into(store, paths, refresh: bool = False, **options):
    """What `recueil ingest` does (ingest.service.ingest_paths): save every file, then fill
    the folders' vocabulary; the search index and links only with `refresh`. The first
    error is raised (every error is in `exc.errors`)."""
    from recueil.ingest.service import IngestOptions, ingest_paths

    report = ingest_paths(
        store, paths, IngestOptions(user="test", refresh=refresh, **options)
    )
    if report.errors:
        exc = report.errors[0]
        exc.errors = report.errors
        raise exc
    return report.results


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory):
    """A SQLite store holding the whole bundled corpus (read-only for tests)."""
    from recueil.store import open_store

    db = tmp_path_factory.mktemp("db") / "corpus.sqlite3"
    store = open_store(db)
    ingest_into(store, [CORPUS])
    return store


@pytest.fixture(scope="session")
def trained_corpus_store(corpus_store):
    """`corpus_store` with its theme suggester trained (once per session: a minute, most
    of it embedding every item; copies of the store reuse the model and the vectors)."""
    from recueil.index import project

    project.load_model(corpus_store)
    return corpus_store


def copy_store(store, db: Path):
    """A file copy of a SQLite store, with its model directory (`<db>.index/`)."""
    from recueil.index import project
    from recueil.store import open_store

    store.close()
    shutil.copyfile(store.url, db)
    models = project.model_dir(store)
    if models.is_dir():
        shutil.copytree(models, db.with_name(db.name + ".index"),
                        ignore=shutil.ignore_patterns("*.lock", "*.tmp"))  # fmt: skip
    return open_store(db)


@pytest.fixture
def corpus_store_copy(corpus_store, tmp_path):
    """A writable copy of `corpus_store` (a file copy: no re-ingest), for tests that curate."""
    from recueil.store import open_store

    corpus_store.close()
    db = tmp_path / "copy.sqlite3"
    shutil.copyfile(corpus_store.url, db)
    return open_store(db)


@pytest.fixture
def fresh_store(tmp_path):
    from recueil.store import open_store

    return open_store(tmp_path / "fresh.sqlite3")


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the bundled corpus (with its manifest)."""
    dest = tmp_path / "corpus"
    shutil.copytree(CORPUS, dest)
    return dest


def _pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_DSN, connect_timeout=3):
            return True
    except Exception:
        return False


@contextmanager
def pg_database(template: str | None = None):
    """A new PostgreSQL database on the local server (a copy of `template` when given):
    its URL, dropped afterwards; skipped when the server is unreachable."""
    if not _pg_available():
        pytest.skip(f"PostgreSQL not reachable at {PG_DSN}")
    import psycopg

    name = f"recueil_test_{uuid.uuid4().hex[:10]}"
    copy = f' TEMPLATE "{template.rsplit("/", 1)[1]}"' if template else ""
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"{copy}')
    base = PG_DSN.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        from django.db import connections

        for alias in list(connections.settings):
            if connections.settings[alias].get("NAME") == name:
                connections[alias].close()
        with psycopg.connect(PG_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url():
    """A new, empty PostgreSQL database on the local server; skipped when unreachable."""
    with pg_database() as url:
        yield url


@pytest.fixture(scope="session")
def pg_corpus_url():
    """A PostgreSQL database holding the whole bundled corpus (ingested once per session,
    search index built): a template for `pg_database(template=...)`; do not write to it."""
    from recueil.store import open_store

    with pg_database() as url:
        store = open_store(url)
        ingest_into(store, [CORPUS], refresh=True)
        store.close()  # a template must have no open connection
        yield url


@pytest.fixture(scope="session")
def _test_environment():
    """Django's test environment (test mail outbox, template rendering signals), set up
    once per run for every test that needs it, whatever the order the modules run in."""
    from django.test import utils

    owned = not hasattr(utils._TestState, "saved_data")
    if owned:
        utils.setup_test_environment()
    yield
    if owned:
        utils.teardown_test_environment()
