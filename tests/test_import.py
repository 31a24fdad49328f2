"""`recueil import`: the JSONL export goes back in unchanged; an edited CSV of themes is
applied as audited decisions; a bad line or row is refused with its number, nothing written."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from recueil.cli import main


def _run(*args: str):
    result = CliRunner().invoke(main, list(args))
    return result


@pytest.fixture(scope="module")
def exported(corpus_store, tmp_path_factory):
    path = tmp_path_factory.mktemp("jsonl") / "recueil.jsonl"
    out = _run("export", "--db", corpus_store.url, "--format", "jsonl", "--out", str(path))
    assert out.exit_code == 0, out.output
    return path


def test_jsonl_round_trip_into_an_empty_database(exported, tmp_path):
    lines = exported.read_text(encoding="utf-8").splitlines()
    assert len(lines) > 300 and all(json.loads(line)["ref"] for line in lines)
    db = str(tmp_path / "empty.sqlite3")
    first = _run("import", str(exported), "--db", db, "--user", "bulk")
    assert first.exit_code == 0, first.output
    assert f"items_created {len(lines)}" in first.output
    again = tmp_path / "again.jsonl"
    assert _run("export", "--db", db, "--format", "jsonl", "--out", str(again)).exit_code == 0
    assert again.read_bytes() == exported.read_bytes()
    # idempotent: a second import changes nothing
    second = _run("import", str(exported), "--db", db)
    assert "items_created 0, items_updated 0" in second.output
    assert "assignments_created 0" in second.output
    # the items are searchable and show on their pages' queries
    from recueil.store import open_store, queries

    assert open_store(db).run(queries.get_item, "A:I.1")["themes"]


def test_lookups_in_chunks_find_every_existing_item(exported, tmp_path, monkeypatch):
    """A million lines exceed SQLite's parameters per query: existing items and themes are
    looked up in chunks (here 7 refs a query), and a second import still changes nothing."""
    from recueil.exports import imports

    monkeypatch.setattr(imports, "LOOKUP_CHUNK", 7)
    db = str(tmp_path / "chunks.sqlite3")
    assert _run("import", str(exported), "--db", db).exit_code == 0
    second = _run("import", str(exported), "--db", db)
    assert second.exit_code == 0, second.output
    assert "items_created 0, items_updated 0" in second.output
    assert "assignments_created 0" in second.output


def test_jsonl_without_ref_is_cited_by_part_meeting_and_number(tmp_path):
    src = tmp_path / "few.jsonl"
    rows = [
        {"part": "A", "meeting": "IX", "number": "3", "text": "Les États devraient agir.",
         "themes": ["Coopération internationale"], "kind": "recommendation",
         "symbol": "CTOC/COP/WG.7/2022/3", "source_file": "wg9.txt"},
        {"part": "A", "meeting": 9, "number": "3", "sub": "a", "text": "a) ensemble ;",
         "status": "adopted"},
        {"part": "B", "session": "X", "number": "4", "text": "Prie le Secrétariat.",
         "status": "draft", "language": "fr"},
    ]  # fmt: skip
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    db = str(tmp_path / "db.sqlite3")
    out = _run("import", str(src), "--db", db)
    assert out.exit_code == 0, out.output
    from recueil.store import open_store, queries

    store = open_store(db)
    item = store.run(queries.get_item, "A:IX.3")
    assert item["themes"] == ["Coopération internationale"] and item["symbol"].endswith("/3")
    child = store.run(queries.get_item, "A:IX.3.a")
    assert child["parent"] == "A:IX.3" and child["kind"] == "subparagraph"
    assert store.run(queries.get_item, "B:X.4", status="draft")["status"] == "draft"


def test_meetings_and_sessions_of_any_size_are_imported_shown_and_exported(tmp_path):
    """Past the largest roman numeral (3999) a meeting is cited in figures; numbers are
    bounded only by the database's integer column (2**31 - 1)."""
    src = tmp_path / "big.jsonl"
    rows = [
        {"part": "A", "meeting": 4000, "number": "1", "text": "Les États devraient agir."},
        {"part": "B", "session": "123456", "number": "2", "text": "Prie le Secrétariat."},
        {"part": "A", "meeting": "MMMCMXCIX", "number": "7", "text": "Encourage les États."},
    ]  # fmt: skip
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    db = str(tmp_path / "db.sqlite3")
    out = _run("import", str(src), "--db", db)
    assert out.exit_code == 0, out.output
    shown = _run("show", "A:4000.1", "--db", db)
    assert shown.exit_code == 0 and "Les États devraient agir." in shown.output, shown.output
    assert _run("show", "B:123456.2", "--db", db).exit_code == 0
    assert _run("show", "A:3999.7", "--db", db).exit_code == 0  # = A:MMMCMXCIX.7
    listed = _run("items", "--meeting", "123456", "--part", "B", "--db", db)
    assert listed.exit_code == 0 and "B:123456.2" in listed.output, listed.output
    exported = tmp_path / "out.jsonl"
    assert _run("export", "--db", db, "--format", "jsonl", "--out", str(exported)).exit_code == 0
    refs = [json.loads(line)["ref"] for line in exported.read_text("utf-8").splitlines()]
    assert refs == ["A:MMMCMXCIX.7", "A:4000.1", "B:123456.2"]
    too_big = tmp_path / "too_big.jsonl"
    too_big.write_text(json.dumps({"part": "A", "meeting": 2**31, "number": "1",
                                   "text": "x"}) + "\n", "utf-8")  # fmt: skip
    refused = _run("import", str(too_big), "--db", db)
    assert refused.exit_code != 0 and "line 1" in refused.output, refused.output


def test_bad_jsonl_lines_are_refused_with_their_numbers_and_nothing_is_written(exported, tmp_path):
    lines = exported.read_text(encoding="utf-8").splitlines()
    bad = list(lines[:20])
    bad[3] = "{not json"
    bad[7] = json.dumps({**json.loads(lines[7]), "text": ""})
    bad[11] = json.dumps({**json.loads(lines[11]), "status": "maybe"})
    bad[15] = lines[14]  # the same item twice
    bad.append(json.dumps(["a", "list"]))
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(bad) + "\n", encoding="utf-8")
    db = tmp_path / "db.sqlite3"
    out = _run("import", str(path), "--db", str(db))
    assert out.exit_code == 1
    for n in (4, 8, 12, 16, 21):
        assert f"line {n}:" in out.output, out.output
    assert "nothing imported" in out.output
    from recueil.store import open_store, queries

    assert open_store(db).run(queries.counts) == {
        "documents": 0, "items": 0, "themes": 0, "assignments": 0, "warnings": 0
    }  # fmt: skip


def test_bad_jsonl_leaves_an_existing_database_unchanged(exported, corpus_store_copy, tmp_path):
    from recueil.store import queries

    before = corpus_store_copy.run(queries.list_items)
    row = json.loads(exported.read_text(encoding="utf-8").splitlines()[0])
    good = {**row, "text": "Un texte changé."}
    path = tmp_path / "mixed.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps({**row, "ref": "Z:1"}) + "\n", "utf-8")
    out = _run("import", str(path), "--db", corpus_store_copy.url)
    assert out.exit_code == 1 and "line 2:" in out.output
    assert corpus_store_copy.run(queries.list_items) == before


def test_csv_of_themes_is_imported_as_audited_decisions(corpus_store_copy, tmp_path):
    from recueil.store import curation, queries

    store = corpus_store_copy
    path = tmp_path / "items.csv"
    assert _run("export", "--db", store.url, "--format", "csv", "--out", str(path)).exit_code == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    edited = {r["ref"]: r for r in rows}
    one = edited["A:I.1"]
    old = one["themes"].split("; ")
    one["themes"] = "; ".join([*old[1:], "Collecte de données et recherche"])
    edited["A:XI.2"]["themes"] = "Coopération internationale"
    out_path = tmp_path / "edited.csv"
    with out_path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    result = _run("import", str(out_path), "--db", store.url, "--user", "desk")
    assert result.exit_code == 0, result.output
    assert "added 2, removed 1" in result.output
    item = store.run(queries.get_item, "A:I.1")
    assert set(item["themes"]) == {*old[1:], "Collecte de données et recherche"}
    history = store.run(curation.history, ref="A:I.1")
    assert {(e["action"], e["user"]) for e in history[:2]} == {("add", "desk"), ("remove", "desk")}
    assert store.run(queries.get_item, "A:XI.2")["themes"] == ["Coopération internationale"]
    # idempotent
    again = _run("import", str(out_path), "--db", store.url, "--user", "desk")
    assert "added 0, removed 0" in again.output


def test_bad_csv_rows_are_refused_with_row_numbers_and_nothing_written(corpus_store_copy, tmp_path):
    from recueil.store import queries

    store = corpus_store_copy
    before = store.run(queries.list_items)
    text = (
        "ref,themes\n"
        "A:I.1,Collecte de données et recherche\n"  # fine on its own
        "A:I.999,Coopération internationale\n"  # no such item
        "A:I.2,Pas un thème\n"  # no such theme
        "nonsense,\n"  # not a ref
    )
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    out = _run("import", str(path), "--db", store.url)
    assert out.exit_code == 1
    for n in (3, 4, 5):
        assert f"row {n}:" in out.output, out.output
    assert "row 2:" not in out.output
    assert store.run(queries.list_items) == before


def test_jsonl_round_trip_on_postgresql(exported, pg_url, tmp_path):
    out = _run("import", str(exported), "--db", pg_url, "--user", "bulk")
    assert out.exit_code == 0, out.output
    again = tmp_path / "pg.jsonl"
    assert _run("export", "--db", pg_url, "--format", "jsonl", "--out", str(again)).exit_code == 0
    assert again.read_bytes() == exported.read_bytes()
    assert "items_created 0" in _run("import", str(exported), "--db", pg_url).output
