"""The calibrated ensemble: a suggester whose score is the probability a theme is right.

Its members are trained on some meetings and score the others (out of fold, grouped by
meeting, as new meetings arrive); a stacker learns from those scores, their ranks, the
theme's frequency and its parent/sibling/children scores: by default the mean of a logistic
regression and gradient-boosted trees (`stacker="lr+hgb"`; or `"lr"`, `"hgb"`). The
stacker is itself trained fold by fold, and isotonic regression on its out-of-fold
probabilities maps them to observed frequencies. Suggestions average those same fold
stackers (no refit on everything), so the calibration is learned on exactly the models
that score new items: the output stays calibrated.
Members are backend names, optionally with an analyser: "centroid:simplemma".
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from recueil.index.backends.base import Suggester
from recueil.index.corpus import Doc

DEFAULT_MEMBERS = (
    "tfidf-lr", "label", "centroid", "knn", "embed-knn", "embed-label", "knn-labels", "maxsim",
)  # fmt: skip


class CalibratedEnsemble(Suggester):
    name = "ensemble"
    default_params = {
        "analyzer": "snowball",
        "members": DEFAULT_MEMBERS,
        "inner_folds": 5,
        "C": 1.0,
        "stacker": "lr+hgb",
    }

    # -- training --------------------------------------------------------------------------

    def _make_members(self, params: dict[str, Any]) -> list[Suggester]:
        from recueil.index.backends import get_backend

        members = []
        for spec in params["members"]:  # "name" or "name:analyzer"
            name, _, analyzer = spec.partition(":")
            members.append(
                get_backend(name)(self.vocabulary, analyzer=analyzer or params["analyzer"])
            )
        return members

    def _train(self, docs: list[Doc], params: dict[str, Any]) -> None:
        from sklearn.isotonic import IsotonicRegression
        from sklearn.preprocessing import StandardScaler

        y = self.label_matrix(docs)
        oof = self._out_of_fold(docs, params)  # docs × themes × features
        n_feat = oof.shape[2]
        x = oof.reshape(-1, n_feat)
        target = y.reshape(-1)
        self.scaler = StandardScaler().fit(x)
        xs = self.scaler.transform(x)
        # One stacker per inner fold; their out-of-fold probabilities (same meeting groups)
        # are mapped to observed frequencies by isotonic regression, and suggestions average
        # these very stackers, so the calibration holds for the models actually used.
        doc_fold = self._doc_folds(docs, params)
        pair_fold = np.repeat(doc_fold, y.shape[1])
        oof_probs = np.zeros(len(target))
        self.stackers = []
        for k in np.unique(pair_fold):
            train, test = pair_fold != k, pair_fold == k
            stacker = self._new_stacker(params).fit(xs[train], target[train])
            oof_probs[test] = stacker.predict_proba(xs[test])[:, 1]
            self.stackers.append(stacker)
        self.calibrator = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
        self.calibrator.fit(oof_probs, target)
        calibrated = self.calibrator.predict(oof_probs)
        self.threshold = best_threshold(calibrated, target)
        self.oof_calibration = calibration_table(calibrated, target)
        self.members = self._make_members(params)
        for m in self.members:
            m.train(docs)
        self.prior = self._prior(y)

    @staticmethod
    def _new_stacker(params: dict[str, Any]):
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.linear_model import LogisticRegression

        kinds = params["stacker"].split("+")
        if set(kinds) - {"lr", "hgb"}:
            raise ValueError(f"unknown stacker {params['stacker']!r} (lr, hgb or lr+hgb)")
        hgb = {"max_depth": 3, "learning_rate": 0.1, "max_iter": 100, "l2_regularization": 1.0}
        models = [
            HistGradientBoostingClassifier(**hgb, random_state=0)
            if kind == "hgb"
            else LogisticRegression(C=params["C"], max_iter=2000)
            for kind in kinds
        ]
        return models[0] if len(models) == 1 else MeanClassifier(models)

    @staticmethod
    def _doc_folds(docs: list[Doc], params: dict[str, Any]) -> np.ndarray:
        """Inner folds: whole meetings/sessions, spread round-robin over the folds."""
        unique = sorted({d.meeting for d in docs})
        n_splits = max(2, min(params["inner_folds"], len(unique)))
        fold_of = {g: i % n_splits for i, g in enumerate(unique)}
        return np.array([fold_of[d.meeting] for d in docs])

    def _out_of_fold(self, docs: list[Doc], params: dict[str, Any]) -> np.ndarray:
        doc_fold = self._doc_folds(docs, params)
        feats: np.ndarray | None = None
        for k in np.unique(doc_fold):
            test = [i for i, f in enumerate(doc_fold) if f == k]
            train = [i for i, f in enumerate(doc_fold) if f != k]
            if not test or not train:
                continue
            members = self._make_members(params)
            train_docs = [docs[i] for i in train]
            for m in members:
                m.train(train_docs)
            prior = self._prior(self.label_matrix(train_docs))
            f = self._features(members, prior, [docs[i] for i in test])
            if feats is None:
                feats = np.zeros((len(docs), *f.shape[1:]), dtype=np.float32)
            feats[test] = f
        assert feats is not None
        return feats

    @staticmethod
    def _prior(y: np.ndarray) -> np.ndarray:
        return np.log((y.sum(axis=0) + 1.0) / (len(y) + 2.0)).astype(np.float32)

    # -- features --------------------------------------------------------------------------

    def _features(self, members: list[Suggester], prior: np.ndarray, docs: list[Doc]):
        n, v = len(docs), len(self.vocabulary)
        blocks = []
        mean = np.zeros((n, v), dtype=np.float32)
        for m in members:
            s = m.suggest(docs).astype(np.float32)
            z = (s - s.mean(axis=1, keepdims=True)) / (s.std(axis=1, keepdims=True) + 1e-6)
            rank = np.argsort(np.argsort(-s, axis=1), axis=1)
            blocks += [s, s - s.max(axis=1, keepdims=True), 1.0 / (1.0 + rank), z]
            mean += z / len(members)
        parent_idx = np.array(
            [
                self.vocabulary.index(t.parent) if t.parent in self.vocabulary else -1
                for t in self.vocabulary.themes
            ]
        )
        parent_score = np.where(parent_idx >= 0, mean[:, np.maximum(parent_idx, 0)], 0.0)
        child_max = np.full((n, v), -5.0, dtype=np.float32)
        for j, p in enumerate(parent_idx):
            if p >= 0:
                child_max[:, p] = np.maximum(child_max[:, p], mean[:, j])
        has_children = (child_max > -5.0).astype(np.float32)
        sibling_max = np.zeros((n, v), dtype=np.float32)
        for j, p in enumerate(parent_idx):
            siblings = [k for k, q in enumerate(parent_idx) if q == p and k != j and p >= 0]
            if siblings:
                sibling_max[:, j] = mean[:, siblings].max(axis=1)
        blocks += [
            sibling_max,
            np.broadcast_to(prior, (n, v)),
            parent_score,
            child_max * has_children,
            has_children,
            (parent_idx >= 0).astype(np.float32)[None, :].repeat(n, axis=0),
        ]
        return np.stack(blocks, axis=2)

    def _suggest(self, docs: list[Doc], params: dict[str, Any]) -> np.ndarray:
        f = self._features(self.members, self.prior, docs)
        x = self.scaler.transform(f.reshape(-1, f.shape[2]))
        raw = np.mean([s.predict_proba(x)[:, 1] for s in self.stackers], axis=0)
        # Isotonic steps tie many scores; the raw probability orders themes within a step
        # (monotone, so the ranking is the stacker's and the value stays calibrated).
        probs = np.clip(self.calibrator.predict(raw) + 1e-4 * (raw - 0.5), 0.0, 1.0)
        return probs.reshape(len(docs), -1)

    def member(self, name: str) -> Suggester | None:
        return next((m for m in self.members if m.name == name), None)


class MeanClassifier:
    """The mean probability of several classifiers fitted on the same data."""

    def __init__(self, models: list) -> None:
        self.models = models

    def fit(self, x: np.ndarray, y: np.ndarray) -> MeanClassifier:
        for m in self.models:
            m.fit(x, y)
        return self

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        return np.mean([m.predict_proba(x) for m in self.models], axis=0)


def best_threshold(probs: np.ndarray, target: np.ndarray) -> float:
    """The score cut-off that maximises micro-F1 on (out-of-fold) predictions."""
    order = np.argsort(-probs)
    hits = np.cumsum(target[order])
    n_gold = target.sum()
    f1 = 2 * hits / (np.arange(1, len(order) + 1) + n_gold)
    best = int(np.argmax(f1))
    return float(probs[order][best])


def calibration_table(probs: np.ndarray, target: np.ndarray, bins: int = 5) -> list[dict]:
    """Share of right themes per score band (a reliability diagram as rows)."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    rows = []
    for lo, hi in itertools.pairwise(edges):
        mask = (probs >= lo) & (probs < hi if hi < 1 else probs <= hi)
        if mask.any():
            rows.append(
                {"band": f"{lo:.1f}–{hi:.1f}", "n": int(mask.sum()),
                 "mean_score": float(probs[mask].mean()), "right": float(target[mask].mean())}
            )  # fmt: skip
    return rows
