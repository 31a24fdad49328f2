"""`recueil export` on the whole corpus: CSV and XLSX read back with every item and every
theme; every Akoma Ntoso file validates against the official schema and holds the items'
texts; RIS and CSL-JSON parse with one record per item."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from recueil.cli import main
from recueil.store import queries

AKN_XSD = Path(__file__).resolve().parents[2] / "shared" / "data" / "akn" / "akomantoso30.xsd"


@pytest.fixture(scope="module")
def items(corpus_store):
    return corpus_store.run(queries.list_items)


def _export(store, fmt: str, out: Path | None = None, *extra: str) -> str:
    args = ["export", "--db", store.url, "--format", fmt, *extra]
    if out:
        args += ["--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.output


def test_csv_reads_back_every_item_and_theme_with_accents(corpus_store, items, tmp_path):
    path = tmp_path / "items.csv"
    _export(corpus_store, "csv", path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: spreadsheet software reads accents
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert list(rows[0]) == list(queries.EXPORT_FIELDS)
    assert [r["ref"] for r in rows] == [i["ref"] for i in items]
    for row, item in zip(rows, items, strict=True):
        assert row["text"] == item["text"] and row["raw_text"] == item["raw_text"]
        assert (row["themes"].split("; ") if row["themes"] else []) == item["themes"]
    assert any("é" in r["text"] for r in rows) and any("œ" in r["text"] for r in rows)


def test_csv_on_stdout_keeps_the_old_format_and_filters_like_items(corpus_store):
    out = _export(corpus_store, "csv", None, "--meeting", "VII", "--part", "A")
    assert not out.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and all(r["ref"].startswith("A:VII.") for r in rows)


def test_xlsx_reads_back_every_item_and_the_thematic_index(corpus_store, items, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "items.xlsx"
    _export(corpus_store, "xlsx", path)
    wb = load_workbook(path, read_only=True)
    assert wb.sheetnames == ["items", "thematic index"]
    sheet = list(wb["items"].iter_rows(values_only=True))
    header, body = list(sheet[0]), sheet[1:]
    assert header == list(queries.EXPORT_FIELDS)
    col = {name: k for k, name in enumerate(header)}
    assert [r[col["ref"]] for r in body] == [i["ref"] for i in items]
    for row, item in zip(body, items, strict=True):
        assert row[col["text"]] == item["text"]
        assert (row[col["themes"]].split("; ") if row[col["themes"]] else []) == item["themes"]
    index = list(wb["thematic index"].iter_rows(values_only=True))
    pairs = {(r[0], r[3]) for r in index[1:]}
    assert pairs == {(t, i["ref"]) for i in items for t in i["themes"]}
    assert index[0][:4] == ("theme", "theme_en", "parent", "ref")


def test_every_akn_file_validates_and_holds_the_items_texts(corpus_store, items, tmp_path):
    from lxml import etree

    from recueil.exports.akn import NS, eid_of

    if not AKN_XSD.exists():
        pytest.skip(f"no Akoma Ntoso schema at {AKN_XSD}")
    schema = etree.XMLSchema(etree.parse(str(AKN_XSD)))
    path = tmp_path / "akn.zip"
    _export(corpus_store, "akn", path)
    ns = {"a": NS}
    seen: dict[str, str] = {}
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert "collection.xml" in names and len(names) >= 10
        for name in names:
            doc = etree.fromstring(z.read(name))
            assert schema.validate(doc), (name, [str(e) for e in schema.error_log][:3])
            if name == "collection.xml":
                refs = doc.findall(".//a:documentRef", ns)
                assert len(refs) == len(names) - 1
                concepts = doc.findall(".//a:references/a:TLCConcept", ns)
                themes = {t for i in items for t in i["themes"]}
                assert {c.get("showAs") for c in concepts} == themes
                continue
            work = doc.find(".//a:FRBRWork/a:FRBRuri", ns).get("value")
            assert work.startswith("/akn/un/")
            assert doc.find(".//a:preface", ns) is not None
            for el in doc.iter(f"{{{NS}}}paragraph", f"{{{NS}}}subparagraph",
                               f"{{{NS}}}recital"):  # fmt: skip
                p = el.find("a:content/a:p", ns)
                if p is None:
                    p = el.find("a:intro/a:p", ns)
                if p is None:
                    p = el.find("a:p", ns)
                seen[f"{work}#{el.get('eId')}"] = p.text
    # every item's text is its paragraph's text, under the eId its reference gives
    texts = sorted(seen.values())
    assert sorted(i["text"] for i in items) == texts
    for item in items:
        assert any(k.endswith("#" + eid_of(item["ref"])) and v == item["text"]
                   for k, v in seen.items()), item["ref"]  # fmt: skip


def test_ris_and_csl_json_parse_with_one_record_per_item(corpus_store, items):
    ris = _export(corpus_store, "ris")
    records, current = [], None
    for line in ris.splitlines():
        if not line.strip():
            continue
        tag, sep, value = line.partition("  - ")
        assert sep or line.rstrip() == "ER  -", line
        if tag == "TY":
            current = {"TY": value, "KW": []}
        elif tag.startswith("ER"):
            records.append(current)
            current = None
        elif tag == "KW":
            current["KW"].append(value)
        else:
            current[tag] = value
    assert [r["ID"] for r in records] == [i["ref"] for i in items]
    first = records[0]
    assert first["TY"] == "RPRT" and first["M1"] == items[0]["symbol"] and first["PY"] == "2012"
    assert [r["KW"] for r in records] == [i["themes"] for i in items]
    csl = json.loads(_export(corpus_store, "csljson"))
    assert [c["id"] for c in csl] == [i["ref"] for i in items]
    b = next(c for c in csl if c["id"].startswith("B:VI."))
    assert b["type"] == "legislation" and b["issued"]["date-parts"] == [[2012, 10, 15]]
    assert b["number"] == "CTOC/COP/2012/15" and b["author"][0]["literal"].startswith("Conf")


def test_un_documents_cited_by_symbol_export_to_valid_akn_and_round_trip_as_jsonl(tmp_path):
    """Resolutions and UPR reports (items cited by symbol, other languages, UPR fields):
    every AKN file validates, and export → import into an empty database → export is
    identical."""
    from lxml import etree

    from recueil import exports
    from recueil.exports import akn, imports
    from recueil.store import open_store
    from tests.conftest import ingest_into
    from tests.test_un_documents import EXPECTED, _draft_of_79_154, _file

    if not AKN_XSD.exists():
        pytest.skip(f"no Akoma Ntoso schema at {AKN_XSD}")
    store = open_store(tmp_path / "un.sqlite3")
    ingest_into(store, [*sorted(_file(p) for p in EXPECTED), _draft_of_79_154(tmp_path)])
    rows = store.run(queries.list_items)
    assert any("/" in r["ref"] for r in rows) and any(r["response"] for r in rows)
    schema = etree.XMLSchema(etree.parse(str(AKN_XSD)))
    for name, data in store.run(akn.build, rows).items():
        assert schema.validate(etree.fromstring(data)), (name, str(schema.error_log)[:300])
    text = exports.to_jsonl(rows)
    empty = open_store(tmp_path / "empty.sqlite3")
    empty.run(imports.import_jsonl, text.splitlines(), source="un.jsonl", user="test")
    assert exports.to_jsonl(empty.run(queries.list_items)) == text
