"""A search sees every write at once, and no read ever writes (issue 12).

Writers bring the search index up to date inside their own transaction, re-analysing only
the items the change log names (triggers of migration 0006); readers compare one version
read and never write, so a search works on a read-only connection (a hot standby).
"""

from __future__ import annotations

import json

from click.testing import CliRunner

from recueil.search import index, search
from recueil.store.models import Item


def refs(res) -> list[str]:
    return [h["ref"] for h in res.hits]


def test_a_search_after_an_ingest_sees_the_new_items_without_rebuilding_the_index(tmp_path):
    from recueil.store import open_store
    from tests.conftest import CORPUS, ingest_into

    files = sorted(p for p in CORPUS.iterdir() if p.suffix in (".txt", ".docx", ".pdf"))
    store = open_store(tmp_path / "i.sqlite3")
    ingest_into(store, files[:-1])
    n_before = store.run(Item.objects.count)
    before = index.analysed
    ingest_into(store, files[-1:])
    new = store.run(lambda: list(Item.objects.order_by("-id")[:1].values_list("ref", "text")))
    added = store.run(Item.objects.count) - n_before
    assert added > 0
    assert index.analysed - before == added  # the new items only, not the collection
    ref, text = new[0]
    assert ref in refs(store.run(search, text, limit=5, status=None))


def test_a_jsonl_import_is_searchable_at_once_and_reimporting_analyses_nothing(
    corpus_store_copy, tmp_path
):
    from recueil.cli import main

    path = tmp_path / "new.jsonl"
    path.write_text(
        "\n".join(json.dumps({"ref": f"A:III.{900 + k}", "text": f"Les zythomorphes {w}."})
                  for k, w in enumerate(["migrent", "naviguent"])) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    n_items = corpus_store_copy.run(Item.objects.count)
    before = index.analysed
    out = CliRunner().invoke(main, ["import", str(path), "--db", corpus_store_copy.url])
    assert out.exit_code == 0, out.output
    assert index.analysed - before == 2 < n_items
    res = corpus_store_copy.run(search, "zythomorphes")
    assert sorted(refs(res)) == ["A:III.900", "A:III.901"]
    before = index.analysed
    again = CliRunner().invoke(main, ["import", str(path), "--db", corpus_store_copy.url])
    assert again.exit_code == 0 and index.analysed == before


def test_a_curation_change_is_seen_by_the_next_search_on_a_read_only_connection(
    corpus_store_copy,
):
    from django.db import connections

    from recueil.store import queries

    store = corpus_store_copy
    theme = "Enfants (non accompagnés/séparés)"
    with_theme = store.run(search, "tuteurs", theme=theme).total
    version = store.run(index.state).version
    analysed = index.analysed
    store.run(queries.unassign, "A:III.21", theme)
    assert store.run(index.state).version != version  # the triggers moved the version
    assert index.analysed == analysed  # no text re-analysed for a theme change
    conn = connections[store.alias]
    with conn.cursor() as cur:
        cur.execute("PRAGMA query_only = ON")  # any write now fails
    try:
        assert store.run(search, "tuteurs", theme=theme).total == with_theme - 1
        facets = store.run(search, "enfants").facets["theme"]
        assert facets and store.run(index.is_fresh)
    finally:
        with conn.cursor() as cur:
            cur.execute("PRAGMA query_only = OFF")


def test_the_change_log_stays_small(corpus_store_copy):
    """Applied rows are pruned by the writer: the log keeps only its last row."""
    from recueil.store import queries
    from recueil.store.models import Change

    store = corpus_store_copy
    store.run(queries.unassign, "A:III.21", "Enfants (non accompagnés/séparés)")
    assert store.run(Change.objects.count) == 1


def test_the_proximity_boost_of_large_collections_keeps_the_expected_results(
    corpus_store, monkeypatch
):
    """Above NEAR_EXACT items only the best candidates are checked for proximity (in
    Python, on their analysed text): on the corpus, forced onto that path, every query of
    tests/search_queries.py still finds its expected items in the top 10."""
    from recueil.search import engine
    from tests.search_queries import QUERIES

    monkeypatch.setattr(engine, "NEAR_EXACT", 0)
    engine.clear_cache()
    misses = []
    for query, expected in QUERIES:
        got = refs(corpus_store.run(search, query, limit=10))
        misses += [f"{query!r}: {e} not in {got}" for e in expected if e not in got]
    engine.clear_cache()
    assert not misses, "\n".join(misses)
