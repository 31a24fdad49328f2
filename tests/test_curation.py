"""Editor decisions on the thematic index and its vocabulary (recueil.store.curation).

Every test curates a copy of the whole ingested corpus: decisions are audited with who and
when, can be reverted exactly, never lose an assignment (rename, merge), and survive
re-ingesting the published index.
"""

from __future__ import annotations

import pytest

from recueil.store import curation, queries
from tests.conftest import ingest_into

CENTRES = "Centres pluri-institutions"
CI_CENTRES = "Coopération internationale (centres pluri-institutions)"


def assignments(store) -> set[tuple]:
    """Every assignment with all it records (what a merge or a revert must keep)."""
    from recueil.store.models import Assignment

    def read():
        return set(
            Assignment.objects.values_list(
                "item__ref", "theme__label", "origin", "user", "note", "document_id", "score"
            )
        )

    return store.run(read)


def items_of(store, label: str) -> set[str]:
    return {i["ref"] for m in store.run(queries.theme_detail, label)["meetings"] for i in m["items"]
            if label in i["themes"]}  # fmt: skip


def test_each_decision_is_an_assignment_with_origin_user_and_an_event(corpus_store_copy):
    s = corpus_store_copy
    s.run(curation.accept, "A:VII.3", "Coopération internationale", user="ed1", score=0.91)
    s.run(curation.add, "A:VII.3", "Technologies nouvelles", user="ed2")
    s.run(curation.reject, "A:VII.3", "Corruption", user="ed1", score=0.35)
    item = s.run(queries.get_item, "A:VII.3")
    got = {(a["theme"], a["origin"], a["user"]) for a in item["assignments"]}
    assert got == {
        ("Coopération internationale", "suggested-accepted", "ed1"),
        ("Technologies nouvelles", "curated", "ed2"),
    }
    trail = s.run(curation.history, ref="A:VII.3")
    assert [(e["action"], e["theme"], e["user"]) for e in trail] == [
        ("reject", "Corruption", "ed1"),
        ("add", "Technologies nouvelles", "ed2"),
        ("accept", "Coopération internationale", "ed1"),
    ]
    assert all(e["at"] and e["revertible"] for e in trail)
    assert trail[2]["after"]["assignment"]["score"] == 0.91
    # the same theme's trail shows the item; deciding twice is refused, not duplicated
    on_items = [e["ref"] for e in s.run(curation.history, theme="Corruption") if e["ref"]]
    assert on_items == ["A:VII.3"]
    with pytest.raises(curation.CurationError, match="already has"):
        s.run(curation.accept, "A:VII.3", "Coopération internationale", user="ed1")
    with pytest.raises(curation.CurationError, match="already rejected"):
        s.run(curation.reject, "A:VII.3", "Corruption", user="ed2")


def test_revert_restores_the_exact_previous_state_and_is_itself_audited(corpus_store_copy):
    s = corpus_store_copy
    before = assignments(s)
    imported = next(a for a in before if a[0] == "A:I.22")
    removed = s.run(curation.remove, "A:I.22", imported[1], user="ed1")
    assert (imported[0], imported[1]) not in {(a[0], a[1]) for a in assignments(s)}
    undo = s.run(curation.revert, removed["id"], user="ed2")
    assert undo["action"] == "revert" and undo["reverts"] == removed["id"]
    assert assignments(s) == before  # origin imported, its note and source document back
    with pytest.raises(curation.CurationError, match="reverted already"):
        s.run(curation.revert, removed["id"], user="ed2")
    trail = s.run(curation.history, ref="A:I.22")
    assert [e["action"] for e in trail[:2]] == ["revert", "remove"]
    assert trail[1]["reverted_by"] == undo["id"] and not trail[1]["revertible"]
    # a revert of the revert removes it again
    s.run(curation.revert, undo["id"], user="ed1")
    assert (imported[0], imported[1]) not in {(a[0], a[1]) for a in assignments(s)}


def test_revert_refuses_when_the_pair_changed_since(corpus_store_copy):
    s = corpus_store_copy
    accepted = s.run(curation.accept, "A:VII.5", "Fraude", user="ed1", score=0.8)
    s.run(curation.remove, "A:VII.5", "Fraude", user="ed2")
    with pytest.raises(curation.CurationError, match="changed since"):
        s.run(curation.revert, accepted["id"], user="ed1")


def test_a_removed_imported_theme_is_not_brought_back_by_reingesting(fresh_store, corpus_copy):
    ingest_into(fresh_store, [corpus_copy])
    s = fresh_store
    (theme, *_rest) = s.run(queries.get_item, "A:II.8")["themes"]
    s.run(curation.remove, "A:II.8", theme, user="ed1")
    compendium = next(corpus_copy.glob("004_*"))
    compendium.write_text(compendium.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    (result,) = [r for r in ingest_into(s, [corpus_copy]) if r.status != "unchanged"]
    assert result.source_file == compendium.name
    assert theme not in s.run(queries.get_item, "A:II.8")["themes"]
    kept = [w for w in s.run(queries.list_warnings, "kept-removed") if w["ref"] == "A:II.8"]
    assert kept and theme in kept[0]["message"]


def test_rename_keeps_every_assignment_and_the_old_label_finds_the_theme(fresh_store, corpus_copy):
    ingest_into(fresh_store, [corpus_copy])
    s = fresh_store
    before = assignments(s)
    old, new = "Fraude", "Fraude documentaire et identitaire"
    refs = items_of(s, old)
    assert len(refs) == 11
    event = s.run(curation.edit_theme, old, new_label=new, label_en="Document and identity fraud",
                  user="admin1")  # fmt: skip
    assert event["action"] == "rename"
    assert items_of(s, new) == refs
    renamed = {(r, new if t == old else t, *rest) for r, t, *rest in before}
    assert assignments(s) == renamed
    merge = s.run(curation.merge_themes, CI_CENTRES, CENTRES, user="admin1")
    merged = assignments(s)
    # re-ingesting the 2021 index (still printing "Fraude" and the merged theme) lands on
    # the renamed and the merge target themes, and leaves the target's place in the tree
    compendium = next(corpus_copy.glob("004_*"))
    compendium.write_text(compendium.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    (result,) = [r for r in ingest_into(s, [corpus_copy]) if r.status != "unchanged"]
    assert result.themes_created == 0
    assert assignments(s) == merged
    assert s.run(queries.theme_detail, CENTRES)["parent"] is None
    assert s.run(queries.find_theme, old).label == new  # the former label still finds it
    labels = {t["label"] for t in s.run(queries.list_themes)}
    assert old not in labels and new in labels
    # and both revert cleanly
    s.run(curation.revert, merge["id"], user="admin1")
    s.run(curation.revert, event["id"], user="admin1")
    assert assignments(s) == before


def test_merge_moves_every_assignment_and_reverts_exactly(corpus_store_copy):
    s = corpus_store_copy
    before = assignments(s)
    src_items, dst_items = items_of(s, CI_CENTRES), items_of(s, CENTRES)
    assert src_items and dst_items and src_items & dst_items  # some items carry both
    event = s.run(curation.merge_themes, CI_CENTRES, CENTRES, user="admin1")
    assert items_of(s, CENTRES) == src_items | dst_items
    after = assignments(s)
    assert not [a for a in after if a[1] == CI_CENTRES]
    # nothing lost: every item keeps a theme for each one it had (the overlap counts once)
    assert len(after) == len(before) - len(src_items & dst_items)
    theme = s.run(queries.theme_detail, CENTRES)
    assert CI_CENTRES not in theme["children"]
    merged = s.run(curation.history, theme=CI_CENTRES)
    assert merged[0]["action"] == "merge" and merged[0]["other_theme"] == CENTRES
    moved = s.run(curation.history, ref=sorted(src_items)[0])
    assert moved[0]["action"] == "moved" and not moved[0]["revertible"]
    with pytest.raises(curation.CurationError, match="retired"):
        s.run(curation.add, "A:VII.1", CI_CENTRES, user="ed1")
    s.run(curation.revert, event["id"], user="admin1")
    assert assignments(s) == before
    assert not s.run(queries.find_theme, CI_CENTRES).retired


def test_retired_themes_leave_the_training_vocabulary(corpus_store_copy):
    from recueil.index.corpus import load_training_set

    s = corpus_store_copy
    assert "Corruption" in s.run(load_training_set).vocabulary
    refs = items_of(s, "Corruption")
    s.run(curation.retire_theme, "Corruption", user="admin1")
    ts = s.run(load_training_set)
    assert "Corruption" not in ts.vocabulary
    assert not any("Corruption" in d.themes for d in ts.docs)
    assert items_of(s, "Corruption") == refs  # its assignments stay, for the record
    s.run(curation.restore_theme, "Corruption", user="admin1")
    assert "Corruption" in s.run(load_training_set).vocabulary


def test_bulk_accept_takes_only_open_suggestions_above_the_threshold(corpus_store_copy):
    s = corpus_store_copy
    s.run(curation.reject, "A:VII.2", "Fraude", user="ed1")
    suggestions = {
        "A:VII.2": [
            {"theme": "Coopération internationale", "score": 0.93},
            {"theme": "Fraude", "score": 0.9},  # rejected before: stays rejected
            {"theme": "Corruption", "score": 0.4},  # below the threshold
        ],
        "A:VII.4": [{"theme": "Assistance technique", "score": 0.85}],
    }
    done = s.run(curation.bulk_accept, suggestions, 0.8, user="ed2")
    assert {(e["ref"], e["theme"]) for e in done} == {
        ("A:VII.2", "Coopération internationale"),
        ("A:VII.4", "Assistance technique"),
    }
    decided = s.run(curation.decided_pairs, ["A:VII.2"])["A:VII.2"]
    assert decided["Fraude"] == "rejected" and "Corruption" not in decided


def test_theme_creation_parent_and_cycles(corpus_store_copy):
    s = corpus_store_copy
    e = s.run(curation.create_theme, "Preuves numériques", parent="Technologies nouvelles",
              label_en="Digital evidence", user="admin1")  # fmt: skip
    assert e["action"] == "create"
    assert s.run(queries.theme_detail, "Preuves numériques")["parent"] == "Technologies nouvelles"
    with pytest.raises(curation.CurationError, match="exists already"):
        s.run(curation.create_theme, "preuves numériques", user="admin1")
    with pytest.raises(curation.CurationError, match="cannot be the parent"):
        s.run(curation.edit_theme, "Technologies nouvelles", parent="Preuves numériques",
              user="admin1")  # fmt: skip
    s.run(curation.revert, e["id"], user="admin1")
    with pytest.raises(queries.NotFound):
        s.run(queries.find_theme, "Preuves numériques")


def test_cli_vocabulary_history_and_revert(corpus_store_copy):
    import json

    from tests.test_cli import run

    db = corpus_store_copy.url
    corpus_store_copy.close()
    out = run("vocabulary", "edit", "Fraude", "--rename", "Fraude documentaire",
              "--en", "Document fraud", "--user", "admin1", "--db", db).output  # fmt: skip
    assert "Fraude documentaire: rename" in out
    out = run("vocabulary", "merge", CI_CENTRES, CENTRES, "--user", "admin1", "--db", db).output
    assert f"{CI_CENTRES} → {CENTRES}: merge" in out
    trail = json.loads(run("history", "--theme", CENTRES, "--format", "json", "--db", db).output)
    merge = trail[0]
    assert merge["action"] == "merge" and merge["user"] == "admin1"
    assert "reverted" in run("revert", merge["id"], "--user", "admin1", "--db", db).output
    err = run("revert", merge["id"], "--db", db, ok=False).output
    assert "reverted already" in err
    err = run("vocabulary", "retire", "Thème inconnu", "--db", db, ok=False).output
    assert "no theme 'Thème inconnu'" in err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('["Fraude"]\nlabel_en = "Fraud"\ncolour = "red"\n', "unknown field(s) ['colour']"),
        ('["Fraude"\nlabel_en = "Fraud"\n', "invalid vocabulary file"),
        ('["Fraude"]\nlabel_en = 3\n', "label_en must be text"),
        ('Fraude = "Fraud"\n', "must be a table of fields"),
    ],
)
def test_a_bad_vocabulary_file_is_refused_before_anything_is_saved(
    corpus_copy, tmp_path, content, expected
):
    from tests.test_cli import run

    (corpus_copy / "vocabulary.toml").write_text(content, encoding="utf-8")
    db = tmp_path / "v.sqlite3"
    result = run("ingest", corpus_copy, "--db", db, ok=False)
    assert result.exit_code == 1
    assert "vocabulary.toml" in result.output and expected in result.output
    assert not db.exists()  # refused while reading: nothing was written
