"""Re-ingesting never duplicates, never loses curated data, never overwrites silently."""

from __future__ import annotations

import sqlite3

from recueil.store import queries
from tests.conftest import ingest_into


def snapshot(db_path) -> list[str]:
    """Every row of every recueil table, minus timestamps that legitimately move."""
    with sqlite3.connect(db_path) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "select name from sqlite_master where type='table' and name like 'recueil_%'"
            )
        ]
        rows = []
        for t in sorted(tables):
            cols = [
                c[1] for c in conn.execute(f"pragma table_info({t})") if c[1] not in ("updated_at",)
            ]
            for row in conn.execute(f"select {', '.join(cols)} from {t} order by 1"):
                rows.append(f"{t}:{row!r}")
        return rows


def test_same_files_twice_change_nothing(fresh_store, corpus_dir, tmp_path):
    first = ingest_into(fresh_store, [corpus_dir])
    assert {r.status for r in first} == {"created"}
    before = snapshot(tmp_path / "fresh.sqlite3")
    second = ingest_into(fresh_store, [corpus_dir])
    assert {r.status for r in second} == {"unchanged"}
    assert snapshot(tmp_path / "fresh.sqlite3") == before


def test_edited_file_updates_items_and_keeps_curated_assignments(fresh_store, corpus_copy):
    ingest_into(fresh_store, [corpus_copy])
    fresh_store.run(queries.assign, "A:VII.3", "Coopération internationale", user="editor1")
    fresh_store.run(queries.assign, "A:I.22", "Technologies nouvelles", user="editor1")
    report = next(corpus_copy.glob("000_*"))
    text = report.read_text(encoding="utf-8")
    assert "améliorer la détection précoce" in text
    report.write_text(
        text.replace("améliorer la détection précoce", "renforcer la détection précoce"),
        encoding="utf-8",
    )
    (result,) = [r for r in ingest_into(fresh_store, [corpus_copy]) if r.status != "unchanged"]
    assert result.source_file == report.name and result.status == "updated"
    assert result.items_updated == 1 and result.items_created == 0
    item = fresh_store.run(queries.get_item, "A:VII.3")
    assert "renforcer la détection précoce" in item["text"]
    curated = [a for a in item["assignments"] if a["origin"] == "curated"]
    assert [(a["theme"], a["user"]) for a in curated] == [("Coopération internationale", "editor1")]
    i22 = fresh_store.run(queries.get_item, "A:I.22")
    assert "Technologies nouvelles" in i22["themes"]


def test_conflicting_second_source_is_flagged_not_applied(fresh_store, corpus_copy):
    ingest_into(fresh_store, [corpus_copy])
    original = fresh_store.run(queries.get_item, "A:VII.5")["text"]
    report = next(corpus_copy.glob("000_*"))
    other = corpus_copy / "second_copy_of_2020_report.txt"
    text = report.read_text(encoding="utf-8")
    other.write_text(
        text.replace("faire face aux nouvelles tendances", "faire face aux tendances"),
        encoding="utf-8",
    )
    (manifest := corpus_copy / "manifest.toml").write_text(
        manifest.read_text(encoding="utf-8")
        + '\n["second_copy_of_2020_report.txt"]\nkind = "report"\nmeeting = 7\n',
        encoding="utf-8",
    )
    results = {r.source_file: r for r in ingest_into(fresh_store, [corpus_copy])}
    r = results[other.name]
    assert r.status == "created" and r.items_created == 0 and r.conflicts == 1
    item = fresh_store.run(queries.get_item, "A:VII.5")
    assert item["text"] == original
    flags = {s["source_file"]: s["agrees"] for s in item["sources"]}
    assert flags == {report.name: True, other.name: False}
    conflicts = fresh_store.run(queries.list_warnings, "conflict")
    assert [(w["source_file"], w["ref"]) for w in conflicts] == [(other.name, "A:VII.5")]
    # the other 21 recommendations agree: one more source each, no conflict
    assert fresh_store.run(queries.get_item, "A:VII.4")["sources"][1]["agrees"] is True


def test_draft_ingested_alone_then_compendium_keeps_both(fresh_store, corpus_dir):
    ingest_into(fresh_store, [next(corpus_dir.glob("003_*"))])
    ingest_into(fresh_store, [next(corpus_dir.glob("004_*"))])
    adopted = fresh_store.run(queries.get_item, "A:VI.22")
    draft = fresh_store.run(queries.get_item, "A:VI.22", status="draft")
    assert adopted["source_file"].startswith("004") and draft["source_file"].startswith("003")
    assert [s["source_file"][:3] for s in adopted["sources"]] == ["004"]
