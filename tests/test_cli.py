"""The `recueil` command as users and other tools call it (contract of the issue)."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from recueil.cli import main
from tests.conftest import CORPUS, corpus_file


def run(*args, ok=True):
    result = CliRunner().invoke(main, [str(a) for a in args])
    if ok:
        assert result.exit_code == 0, result.output + str(result.exception)
    return result


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "cli.sqlite3"
    run("ingest", CORPUS, "--db", path)
    return path


def test_ingest_prints_a_summary(tmp_path):
    result = run("ingest", corpus_file("000"), corpus_file("001"), "--db", tmp_path / "x.sqlite3")
    assert "000_54cdc6c3cec67321.txt: created (items +22" in result.output
    assert "001_d23cface82b24e3f.txt: created" in result.output
    assert "database: 2 documents" in result.output
    again = run("ingest", corpus_file("000"), "--db", tmp_path / "x.sqlite3")
    assert "000_54cdc6c3cec67321.txt: unchanged" in again.output


def test_items_filters_by_meeting_and_part(db):
    rows = json.loads(run("items", "--meeting", "VII", "--format", "json", "--db", db).output)
    assert len([r for r in rows if r["sub"] is None]) == 22
    assert {r["meeting"] for r in rows} == {"VII"}
    b = json.loads(run("items", "--part", "B", "--format", "json", "--db", db).output)
    assert {r["part"] for r in b} == {"B"} and all(r["session"] for r in b)


def test_items_by_theme_includes_sub_themes(db):
    rows = json.loads(
        run("items", "--theme", "Coopération internationale", "--format", "json", "--db", db).output
    )
    refs = {r["ref"] for r in rows}
    assert "A:I.17" in refs
    assert all("Coopération internationale" in " ".join(r["themes"]) for r in rows)


def test_show_prints_text_citation_themes_and_sources(db):
    out = run("show", "A:I.22", "--db", db).output
    assert "CTOC/COP/WG.7/2012/6, par. 25 (Recueil A:I.22)" in out
    assert "représentations diplomatiques et consulaires" in out
    assert "Appui consulaire et diplomatique (imported" in out


def test_show_unknown_ref_is_a_clear_error(db):
    result = run("show", "A:I.99", "--db", db, ok=False)
    assert result.exit_code == 1 and "no adopted item A:I.99" in result.output
    bad = run("show", "I-22", "--db", db, ok=False)
    assert bad.exit_code == 1 and "not a recueil reference" in bad.output


def test_export_json_one_object_per_item(db):
    rows = json.loads(run("export", "--format", "json", "--db", db).output)
    listed = json.loads(run("items", "--format", "json", "--db", db).output)
    assert len(rows) == len(listed)
    i22 = next(r for r in rows if r["ref"] == "A:I.22")
    assert i22["meeting"] == "I" and i22["session"] is None and i22["report_paragraph"] == "25"
    assert i22["number"] == "22" and i22["sub"] is None and i22["status"] == "adopted"
    assert isinstance(i22["themes"], list) and i22["raw_text"]


def test_export_csv_is_utf8_one_row_per_item(db, tmp_path):
    out = tmp_path / "items.csv"
    run("export", "--format", "csv", "--out", out, "--db", db)
    import csv

    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM: spreadsheets read UTF-8
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert any(r["ref"] == "B:VI.al.5" for r in rows)
    assert any("États" in r["text"] for r in rows)


def test_assign_and_unassign_record_curated_with_who(tmp_path):
    path = tmp_path / "a.sqlite3"
    run("ingest", CORPUS, "--db", path)
    out = run("assign", "A:VII.3", "Coopération internationale", "--user", "ana", "--db", path)
    assert "curated" in out.output
    shown = json.loads(run("show", "A:VII.3", "--format", "json", "--db", path).output)
    (a,) = shown["assignments"]
    assert (a["theme"], a["origin"], a["user"]) == ("Coopération internationale", "curated", "ana")
    run("unassign", "A:VII.3", "Coopération internationale", "--db", path)
    shown = json.loads(run("show", "A:VII.3", "--format", "json", "--db", path).output)
    assert shown["assignments"] == []
    missing = run("assign", "A:VII.3", "No such theme", "--db", path, ok=False)
    assert missing.exit_code == 1 and "no theme" in missing.output


# --- bad input: one clear line, non-zero exit, database exactly as before ---------------


def _dump(path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return list(conn.iterdump())


def _bad_files(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 40)
    unknown = tmp_path / "notes.txt"
    unknown.write_text("Liste de courses\n\npain, lait, œufs\n", encoding="utf-8")
    undecodable = tmp_path / "mixed.txt"
    undecodable.write_bytes(
        "Recommandation 1\n\nLes États".encode() + bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D] * 50)
    )
    pdf = tmp_path / "truncated.pdf"
    pdf.write_bytes(
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Ty"
    )
    docx = tmp_path / "broken.docx"
    docx.write_bytes(b"PK\x03\x04 not really a zip")
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as f:
        f.truncate(200 * 1024 * 1024)
    return {
        "empty": (empty, "empty"),
        "binary": (binary, "binary"),
        "unknown structure": (unknown, "unknown structure"),
        "encoding": (undecodable, "encoding"),
        "truncated pdf": (pdf, "pdf"),
        "corrupt docx": (docx, "docx"),
        "too large": (huge, "too large"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "empty",
        "binary",
        "unknown structure",
        "encoding",
        "truncated pdf",
        "corrupt docx",
        "too large",
    ],
)
def test_bad_input_fails_cleanly_and_leaves_database_unchanged(case, tmp_path):
    path = tmp_path / "db.sqlite3"
    run("ingest", corpus_file("003"), "--db", path)
    before = _dump(path)
    bad, word = _bad_files(tmp_path)[case]
    result = run("ingest", corpus_file("000"), bad, "--db", path, ok=False)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.output
    assert bad.name in errors[0] and word in errors[0].lower(), errors[0]
    assert _dump(path) == before
