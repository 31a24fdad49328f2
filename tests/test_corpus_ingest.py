"""The whole bundled corpus, ingested into SQLite, holds what the issue's acceptance says."""

from __future__ import annotations

import re
from collections import Counter

from recueil.store import queries
from tests.conftest import corpus_file


def _items(store, **kw):
    return store.run(queries.list_items, **kw)


def _top_level(rows):
    return [r for r in rows if r["sub"] is None]


def test_part_a_recommendation_counts_per_meeting(corpus_store):
    rows = _items(corpus_store, part="A", status="adopted")
    per_meeting = Counter(r["meeting"] for r in _top_level(rows))
    assert per_meeting == {
        "I": 55, "II": 33, "III": 41, "IV": 15, "V": 5, "VI": 24, "VII": 22, "XI": 13,
    }  # fmt: skip


def test_part_a_subparagraphs(corpus_store):
    rows = _items(corpus_store, part="A", status="adopted")
    subs = {r["ref"] for r in rows if r["sub"]}
    assert {f"A:II.8.{x}" for x in "abcde"} <= subs
    assert len([r for r in subs if r.startswith("A:V.")]) == 20
    assert {f"A:XI.13.{x}" for x in "abc"} <= subs


def test_part_b_has_all_six_sessions_with_their_instruments(corpus_store):
    rows = _items(corpus_store, part="B")
    by_session = Counter(r["session"] for r in rows)
    assert set(by_session) == {"I", "II", "III", "IV", "V", "VI"}
    instruments = {r["session"]: r["instrument"] for r in rows}
    assert instruments == {
        "I": "Décision 1/6", "II": "Décision 2/4", "III": "Décision 3/3",
        "IV": "Décision 4/5", "V": "Résolution 5/3", "VI": "Résolution 6/3",
    }  # fmt: skip
    refs = {r["ref"] for r in rows}
    assert {"B:I.b.iii", "B:VI.9.c", "B:VI.al.5", "B:III.k", "B:V.7"} <= refs


def test_every_item_cites_its_source(corpus_store):
    rows = _items(corpus_store, status="adopted")
    missing = [r["ref"] for r in rows if not r["symbol"] and r["meeting"] != "XI"]
    assert missing == []  # the 2024 report's symbol is not printed: the only exception
    i22 = corpus_store.run(queries.get_item, "A:I.22")
    assert i22["citation"] == "CTOC/COP/WG.7/2012/6, par. 25 (Recueil A:I.22)"
    vii3 = corpus_store.run(queries.get_item, "A:VII.3")
    assert vii3["symbol"] == "CTOC/COP/WG.7/2020/4"
    assert vii3["recommendation_number"] == "3"


def test_compendium_texts_equal_the_source_after_whitespace_folding(corpus_store):
    source = re.sub(r"\s+", " ", corpus_file("004").read_text(encoding="utf-8"))
    source = source.replace("*", "")
    rows = _items(corpus_store, part="A", status="adopted")
    rows = [r for r in rows if r["source_file"].startswith("004")]
    assert len(rows) > 190
    whole = [r["ref"] for r in rows if r["text"] in source]
    for r in rows:  # every text starts and ends as in the source
        assert r["text"][:60] in source, r["ref"]
        assert r["text"][-60:] in source, r["ref"]
    # only items interrupted by a page break (footnotes, page furniture) are not one stretch
    assert len(whole) >= 0.95 * len(rows)


def test_thematic_index_is_imported(corpus_store):
    assignments = sum(t["items"] for t in corpus_store.run(queries.list_themes))
    assert 600 <= assignments <= 700
    unresolved = corpus_store.run(queries.list_warnings, "unresolved")
    assert len(unresolved) <= 10
    i22 = corpus_store.run(queries.get_item, "A:I.22")
    assert "Appui consulaire et diplomatique" in i22["themes"]
    assert all(a["origin"] == "imported" for a in i22["assignments"])


def test_draft_recommendation_never_replaces_the_adopted_one(corpus_store):
    adopted = corpus_store.run(queries.get_item, "A:VI.22")
    draft = corpus_store.run(queries.get_item, "A:VI.22", status="draft")
    assert adopted["status"] == "adopted" and draft["status"] == "draft"
    assert adopted["source_file"].startswith("004")
    assert draft["source_file"].startswith("003")
    assert "projet" in draft["citation"]
    assert any(o["status"] == "draft" for o in adopted["other_versions"])
    drafts = _items(corpus_store, status="draft")
    assert {r["ref"] for r in drafts if r["sub"] is None} == {"A:VI.22"}


def test_secretariat_report_yields_paragraphs_and_no_items(corpus_store):
    docs = {d["source_file"][:3]: d for d in corpus_store.run(queries.list_documents)}
    assert docs["002"]["kind"] == "secretariat_report"
    assert docs["002"]["items"] == 0
    assert docs["002"]["paragraphs"] > 20


def test_2020_recommendations_read_as_clean_french(corpus_store):
    rows = _items(corpus_store, meeting="VII")
    assert len(_top_level(rows)) == 22
    for r in rows:
        text = r["text"]
        assert "¢" not in text
        assert not re.search(r"(?<![\w])[I1]’", text), r["ref"]
        assert not re.search(r"\bEtats?\b", text), r["ref"]
        assert not re.search(r"V\.20-\d{5}|\b\d+/10\b|CTOC/COP/WG\.7/2020/4", text), r["ref"]
        assert not re.search(r"\w- \w", text), r["ref"]  # no broken hyphenated words


def test_document_metadata_as_printed_or_unknown(corpus_store):
    docs = {d["source_file"][:3]: d for d in corpus_store.run(queries.list_documents)}
    assert docs["000"]["symbol"] == "CTOC/COP/WG.7/2020/4"
    assert docs["001"]["symbol"] is None  # not printed in the 2024 report
    assert docs["003"]["distribution"] == "limited"
    assert docs["003"]["kind"] == "draft_addendum"
    assert docs["001"]["issued"] == "2024-07-26"


def test_export_has_the_contract_fields(corpus_store):
    rows = _items(corpus_store)
    required = {
        "ref", "part", "meeting", "session", "number", "sub", "status", "symbol",
        "report_paragraph", "section", "text", "raw_text", "themes",
    }  # fmt: skip
    assert required <= set(rows[0])
    assert len({(r["ref"], r["status"]) for r in rows}) == len(rows)
