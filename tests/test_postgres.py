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


def test_postgres_curation_rename_merge_revert_and_reingest(pg_url, corpus_copy):
    """The audited decisions on PostgreSQL (JSON fields, row locks): nothing lost."""
    from recueil.store import curation
    from recueil.store.models import Assignment

    pg = open_store(pg_url)
    ingest_into(pg, [corpus_copy])

    def table():
        return set(Assignment.objects.values_list("item__ref", "theme__label", "origin", "user"))

    before = pg.run(table)
    pg.run(curation.edit_theme, "Fraude", new_label="Fraude documentaire", user="admin1")
    source = "Coopération internationale (centres pluri-institutions)"
    merged = pg.run(curation.merge_themes, source, "Centres pluri-institutions", user="admin1")
    pg.run(curation.remove, "A:II.8", pg.run(queries.get_item, "A:II.8")["themes"][0],
           user="ed1")  # fmt: skip
    compendium = next(corpus_copy.glob("004_*"))
    compendium.write_text(compendium.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    ingest_into(pg, [corpus_copy])  # the index still prints "Fraude": lands on the renamed theme
    assert "Fraude" not in {t["label"] for t in pg.run(queries.list_themes)}
    for event in pg.run(curation.history, limit=1000):
        if event["action"] in ("remove", "merge", "rename"):
            pg.run(curation.revert, event["id"], user="admin1")
    assert merged["action"] == "merge"
    assert pg.run(table) == before
    pg.close()
