"""Leave-one-meeting-out evaluation: how well would recueil index a meeting it never saw?

For each Part A meeting I–VI: train on the other five meetings plus all of Part B, suggest
for the held-out meeting's indexed items, and pool the results of the six folds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from recueil.index import metrics
from recueil.index.backends.base import Suggester
from recueil.index.corpus import Doc, TrainingSet, Vocabulary

HELD_OUT_MEETINGS = ("A:I", "A:II", "A:III", "A:IV", "A:V", "A:VI")


@dataclass
class Fold:
    held_out: str
    train: list[Doc]
    test: list[Doc]


def folds(ts: TrainingSet, held_out: tuple[str, ...] = HELD_OUT_MEETINGS) -> list[Fold]:
    """The six folds: training = indexed items of Part B and of the other Part A meetings."""
    indexed = ts.indexed()
    pool = [d for d in indexed if d.part == "B" or d.meeting in held_out]
    return [
        Fold(
            m,
            [d for d in pool if d.meeting != m],
            [d for d in pool if d.meeting == m],
        )
        for m in held_out
    ]


@dataclass
class Result:
    system: str
    gold: list[set[str]] = field(default_factory=list)
    ranked: list[list[tuple[str, float]]] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)
    thresholds: list[float] = field(default_factory=list)
    train_seconds: list[float] = field(default_factory=list)

    def metrics(self, vocabulary: list[str], threshold: float | None = None) -> dict[str, float]:
        # Each fold is cut at its own calibrated threshold (learned on its training data).
        cut = []
        for i, r in enumerate(self.ranked):
            t = threshold if threshold is not None else self.thresholds[i]
            cut.append([(theme, s if s >= t else 0.0) for theme, s in r])
        base = metrics.evaluate(self.gold, self.ranked, threshold=1.1, vocabulary=vocabulary)
        at_cut = metrics.evaluate(self.gold, cut, threshold=1e-12, vocabulary=vocabulary)
        for name in ("micro-P", "micro-R", "micro-F1", "macro-F1"):
            base[name] = at_cut[name]
        return base

    def scored_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """(score, right?) for every suggestion made (for calibration checks)."""
        scores, right = [], []
        for g, r in zip(self.gold, self.ranked, strict=True):
            for theme, s in r:
                scores.append(s)
                right.append(theme in g)
        return np.array(scores), np.array(right, dtype=bool)


def ranked_lists(scores: np.ndarray, vocabulary: Vocabulary, top: int = 10):
    out = []
    for row in scores:
        order = np.argsort(-row)[:top]
        out.append([(vocabulary.labels[j], float(row[j])) for j in order if row[j] > 0])
    return out


def run(
    ts: TrainingSet,
    make: Callable[[Vocabulary], Suggester],
    system: str,
    threshold: Callable[[Suggester], float] | None = None,
    top: int = 10,
) -> Result:
    """Train and test `make(vocabulary)` on every fold; collect pooled rankings."""
    result = Result(system)
    for fold in folds(ts):
        suggester = make(ts.vocabulary)
        start = time.perf_counter()
        suggester.train(fold.train)
        result.train_seconds.append(time.perf_counter() - start)
        scores = suggester.suggest(fold.test)
        ranked = ranked_lists(scores, ts.vocabulary, top)
        t = threshold(suggester) if threshold else getattr(suggester, "threshold", 0.5)
        for d, r in zip(fold.test, ranked, strict=True):
            result.gold.append(set(d.themes))
            result.ranked.append(r)
            result.refs.append(d.ref)
            result.thresholds.append(t)
    return result
