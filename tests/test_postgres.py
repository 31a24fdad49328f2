"""The same store on PostgreSQL: same data, same idempotence (skipped without a server)."""

from __future__ import annotations

import pytest

from recueil.store import open_store, queries
from tests.conftest import CORPUS, ingest_into

pytestmark = pytest.mark.postgres


def test_postgres_store_holds_the_same_items_as_sqlite(pg_url, corpus_store):
    pg = open_store(pg_url)
    results = ingest_into(pg, [CORPUS])
    assert {r.status for r in results} == {"created"}
    assert pg.run(queries.list_items) == corpus_store.run(queries.list_items)
    assert pg.run(queries.list_themes) == corpus_store.run(queries.list_themes)
    again = ingest_into(pg, [CORPUS])
    assert {r.status for r in again} == {"unchanged"}
    assert pg.run(queries.counts) == corpus_store.run(queries.counts)
    pg.close()
