"""Thematic indexing: metrics, analyser, folds, leakage, calibration, CLI and retraining."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner

from recueil.index import metrics
from recueil.index.analyzer import get_analyzer
from recueil.index.corpus import Doc, TrainingSet, load_training_set
from recueil.index.evaluate import HELD_OUT_MEETINGS, folds

# --- metrics (Annif's definitions), against hand-computed values ----------------------------

GOLD = [{"a", "b"}, {"c"}]
RANKED = [[("a", 0.9), ("c", 0.6), ("b", 0.4)], [("b", 0.8), ("c", 0.7)]]


def test_micro_scores_count_every_decision_at_the_threshold():
    m = metrics.evaluate(GOLD, RANKED, threshold=0.5, vocabulary="abcd")
    # picked {a, c} and {b, c}: 2 right of 4 picked, 3 expected
    assert m["micro-P"] == pytest.approx(2 / 4)
    assert m["micro-R"] == pytest.approx(2 / 3)
    assert m["micro-F1"] == pytest.approx(4 / 7)


def test_macro_f1_averages_every_vocabulary_theme_unused_ones_count_zero():
    m = metrics.evaluate(GOLD, RANKED, threshold=0.5, vocabulary="abcd")
    # a: 1, b: 0 (picked in doc 2, expected in doc 1), c: 2*1/(2+1), d: never seen = 0
    assert m["macro-F1"] == pytest.approx((1 + 0 + 2 / 3 + 0) / 4)


def test_ranking_metrics_average_per_document():
    m = metrics.evaluate(GOLD, RANKED, threshold=0.5, vocabulary="abcd")
    assert m["P@1"] == pytest.approx((1 + 0) / 2)
    assert m["P@3"] == pytest.approx((2 / 3 + 1 / 2) / 2)  # doc 2 has only 2 suggestions
    assert m["F1@3"] == pytest.approx((4 / 5 + 2 / 3) / 2)
    ndcg1 = (1 + 1 / math.log2(4)) / (1 + 1 / math.log2(3))
    ndcg2 = (1 / math.log2(3)) / 1
    assert m["NDCG@5"] == pytest.approx((ndcg1 + ndcg2) / 2)


def test_micro_and_macro_agree_with_scikit_learn():
    from sklearn.metrics import f1_score
    from sklearn.preprocessing import MultiLabelBinarizer

    vocab = list("abcd")
    mlb = MultiLabelBinarizer(classes=vocab).fit([vocab])
    picked = [metrics.selected(r, 0.5) for r in RANKED]
    y_true, y_pred = mlb.transform(GOLD), mlb.transform(picked)
    m = metrics.evaluate(GOLD, RANKED, threshold=0.5, vocabulary=vocab)
    assert m["micro-F1"] == pytest.approx(f1_score(y_true, y_pred, average="micro"))
    assert m["macro-F1"] == pytest.approx(
        f1_score(y_true, y_pred, average="macro", zero_division=0)
    )


def test_zero_scores_are_not_suggestions():
    ranked = [[("a", 0.9), ("b", 0.0), ("c", 0.0)]]
    assert metrics.precision_at({"a"}, ranked[0], 3) == 1.0
    assert metrics.ndcg_at({"a", "c"}, ranked[0], 5) == pytest.approx(1 / (1 + 1 / math.log2(3)))


# --- analyser --------------------------------------------------------------------------------


def test_french_analyser_stems_before_folding_accents_and_cuts_elisions():
    a = get_analyzer("snowball")
    assert a.tokens("États") == a.tokens("etats")
    assert a.tokens("migrantes") == a.tokens("migrants")
    assert a.tokens("l'entraide") == a.tokens("entraide")
    assert a.tokens("les de la et") == []  # stop words


# --- folds and leakage --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def training_set(corpus_store) -> TrainingSet:
    return corpus_store.run(load_training_set)


def test_folds_hold_out_each_part_a_meeting_and_train_on_the_rest_plus_part_b(training_set):
    all_folds = folds(training_set)
    assert [f.held_out for f in all_folds] == list(HELD_OUT_MEETINGS)
    part_b = {d.ref for d in training_set.indexed() if d.part == "B"}
    for f in all_folds:
        assert f.test and all(d.meeting == f.held_out and d.themes for d in f.test)
        assert not any(d.meeting == f.held_out for d in f.train)
        assert part_b <= {d.ref for d in f.train}
    tested = [d.ref for f in all_folds for d in f.test]
    assert len(tested) == len(set(tested))
    indexed_a = [d for d in training_set.indexed() if d.meeting in HELD_OUT_MEETINGS]
    assert len(tested) == len(indexed_a)


def test_a_theme_no_item_carries_is_learned_from_its_label(training_set):
    from recueil.index.backends import get_backend

    vocab = training_set.vocabulary
    theme = "Assistance technique"
    docs = [Doc(d.ref, d.text, d.themes - {theme}, d.context) for d in training_set.indexed()]
    text = "Fournir une assistance technique aux États qui la demandent"
    j = vocab.index(theme)
    for name in ("tfidf-lr", "maxsim", "knn-labels"):
        scores = get_backend(name)(vocab).train(docs).suggest([text])[0]
        assert j in np.argsort(-scores)[:3], name
    without = get_backend("tfidf-lr")(vocab, label_docs=False).train(docs)
    assert without.suggest([text])[0][j] < 1e-3


def _scramble_meeting(ts: TrainingSet, meeting: str) -> TrainingSet:
    """The same data with the held-out meeting's themes replaced by unrelated ones."""
    labels = ts.vocabulary.labels
    docs = []
    for i, d in enumerate(ts.docs):
        if d.meeting == meeting and d.themes:
            d = Doc(d.ref, d.text, frozenset({labels[i % len(labels)]}), d.context)
        docs.append(d)
    return TrainingSet(docs, ts.vocabulary)


def test_held_out_assignments_never_reach_the_suggester(training_set):
    from recueil.index.project import default_config, make_suggester

    held_out = "A:IV"
    scores = []
    for ts in (training_set, _scramble_meeting(training_set, held_out)):
        fold = next(f for f in folds(ts) if f.held_out == held_out)
        suggester = make_suggester(ts.vocabulary, default_config())
        suggester.train(fold.train)
        scores.append(suggester.suggest([Doc(d.ref, d.text, context=d.context) for d in fold.test]))
    assert np.array_equal(scores[0], scores[1])


# --- the pooled evaluation: calibration and learning -----------------------------------------


@pytest.fixture(scope="module")
def lomo(corpus_store):
    from recueil.index import project

    return project.evaluate(corpus_store)


def test_scores_above_0_8_are_right_at_least_80_percent_of_the_time(lomo):
    _ts, result = lomo
    scores, right = result.scored_pairs()
    confident = scores > 0.8
    assert confident.sum() >= 20, "too few confident suggestions to judge calibration"
    assert right[confident].mean() >= 0.8


def test_suggester_ranks_better_than_the_most_frequent_themes(lomo):
    ts, result = lomo
    counts = {}
    for d in ts.indexed():
        for t in d.themes:
            counts[t] = counts.get(t, 0) + 1
    popular = sorted(counts, key=lambda t: -counts[t])[:10]
    baseline = [[(t, 1.0 - i / 100) for i, t in enumerate(popular)] for _ in result.gold]
    ours = result.metrics(ts.vocabulary.labels)
    base = metrics.evaluate(result.gold, baseline, threshold=0.5, vocabulary=ts.vocabulary.labels)
    assert ours["P@1"] > base["P@1"] + 0.2
    assert ours["NDCG@5"] > base["NDCG@5"] + 0.2


# --- CLI ------------------------------------------------------------------------------------------


def test_suggest_cli_returns_ranked_calibrated_themes_with_evidence(corpus_store, training_set):
    from recueil.cli import main

    res = CliRunner(mix_stderr=False).invoke(
        main, ["suggest", "A:VII.3", "--top", "5", "--format", "json", "--db", corpus_store.url]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert list(out) == ["A:VII.3"]
    rows = out["A:VII.3"]
    assert len(rows) == 5
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    themes_of = {d.ref: d.themes for d in training_set.docs}
    text = next(d.text for d in training_set.docs if d.ref == "A:VII.3").lower()
    for r in rows:
        assert r["theme"] in training_set.vocabulary
        for n in r["evidence"]["similar_items"]:
            assert n["ref"] != "A:VII.3" and r["theme"] in themes_of[n["ref"]]
            assert -1.0 <= n["similarity"] <= 1.0
        assert all(w in text for w in r["evidence"]["matched_words"])


def test_suggest_cli_takes_free_text_and_refuses_no_input(corpus_store):
    from recueil.cli import main

    runner = CliRunner(mix_stderr=False)
    res = runner.invoke(
        main,
        ["suggest", "--text", "Protéger les enfants non accompagnés", "--format", "json",
         "--top", "3", "--db", corpus_store.url],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert len(json.loads(res.stdout)["text-1"]) == 3
    res = runner.invoke(main, ["suggest", "--db", corpus_store.url])
    assert res.exit_code == 1 and "give item references" in res.stderr


def test_model_retrains_when_an_assignment_changes(tmp_path, corpus_dir):
    from recueil.index import project
    from recueil.store import open_store, queries
    from tests.conftest import ingest_into

    store = open_store(tmp_path / "retrain.sqlite3")
    ingest_into(store, [corpus_dir])
    lexical = {"backend": "ensemble", "members": ("tfidf-lr", "label", "centroid", "knn")}
    assert project.load_model(store, lexical).retrained
    assert not project.load_model(store, lexical).retrained
    store.run(queries.assign, "A:VII.3", "Échange d'informations", user="editor")
    again = project.load_model(store, lexical)
    assert again.retrained
    assert len(list(project.model_dir(store).glob("model-*.pkl"))) == 1


def test_vocabulary_exports_as_skos_with_hierarchy(corpus_store, training_set):
    from recueil.cli import main

    res = CliRunner(mix_stderr=False).invoke(main, ["export-vocabulary", "--db", corpus_store.url])
    assert res.exit_code == 0, res.output
    ttl = res.stdout
    vocab = training_set.vocabulary
    assert ttl.count(" a skos:Concept ;") == len(vocab)
    with_parent = [t for t in vocab.themes if t.parent]
    assert ttl.count("skos:broader ") == len(with_parent)
    assert ttl.count("skos:narrower ") == len(with_parent)
    assert all(f'"{t.label}"@fr' in ttl for t in vocab.themes if '"' not in t.label)
