"""The indexing metrics, one definition for the CLI, the benchmark and the tests.

Definitions follow Annif's `eval.py` (scikit-learn underneath): micro P/R/F1 over every
(document, theme) decision at the threshold; macro-F1 averages F1 over every theme of the
vocabulary (a theme neither expected nor suggested counts 0, as scikit-learn does);
F1@k and P@k average per document over the top k suggestions (fewer if fewer have a
positive score; no suggestion = 0); NDCG@k uses log2 discounts, ideal = the gold themes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

Ranked = Sequence[tuple[str, float]]  # (theme, score), best first

METRIC_NAMES = (
    "micro-P", "micro-R", "micro-F1", "macro-F1", "F1@3", "F1@5", "P@1", "P@3", "NDCG@5",
)  # fmt: skip


def _f1(tp: int, n_pred: int, n_gold: int) -> float:
    return 2 * tp / (n_pred + n_gold) if (n_pred + n_gold) else 0.0


def top_k(ranked: Ranked, k: int) -> list[str]:
    return [theme for theme, score in ranked if score > 0][:k]


def selected(ranked: Ranked, threshold: float) -> list[str]:
    """The themes a system would assign: score at or above the threshold (and > 0)."""
    return [theme for theme, score in ranked if score >= threshold and score > 0]


def precision_at(gold: set[str], ranked: Ranked, k: int) -> float:
    picked = top_k(ranked, k)
    return len(gold.intersection(picked)) / len(picked) if picked else 0.0


def f1_at(gold: set[str], ranked: Ranked, k: int) -> float:
    picked = top_k(ranked, k)
    return _f1(len(gold.intersection(picked)), len(picked), len(gold))


def ndcg_at(gold: set[str], ranked: Ranked, k: int) -> float:
    """Annif's NDCG@k: DCG of the top-k positive suggestions over DCG of an ideal list;
    1.0 for a document without gold themes."""
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(gold))))
    if ideal == 0:
        return 1.0
    dcg = sum(1 / math.log2(i + 2) for i, theme in enumerate(top_k(ranked, k)) if theme in gold)
    return dcg / ideal


def evaluate(
    gold: Sequence[set[str]],
    ranked: Sequence[Ranked],
    threshold: float,
    vocabulary: Iterable[str],
) -> dict[str, float]:
    """All metrics, pooled over the documents given (e.g. every held-out fold)."""
    if len(gold) != len(ranked):
        raise ValueError("one ranked list per gold set is needed")
    if not gold:
        raise ValueError("cannot evaluate an empty set of documents")
    n = len(gold)
    tp = n_pred = n_gold = 0
    per_theme: dict[str, list[int]] = {t: [0, 0, 0] for t in vocabulary}  # tp, pred, gold
    for g, r in zip(gold, ranked, strict=True):
        picked = set(selected(r, threshold))
        tp += len(g & picked)
        n_pred += len(picked)
        n_gold += len(g)
        for t in picked:
            per_theme.setdefault(t, [0, 0, 0])[1] += 1
        for t in g:
            counts = per_theme.setdefault(t, [0, 0, 0])
            counts[2] += 1
            counts[0] += t in picked
    macro = sum(_f1(*c) for c in per_theme.values()) / len(per_theme) if per_theme else 0.0

    def mean(values: Iterable[float]) -> float:
        return sum(values) / n

    return {
        "micro-P": tp / n_pred if n_pred else 0.0,
        "micro-R": tp / n_gold if n_gold else 0.0,
        "micro-F1": _f1(tp, n_pred, n_gold),
        "macro-F1": macro,
        "F1@3": mean(f1_at(g, r, 3) for g, r in zip(gold, ranked, strict=True)),
        "F1@5": mean(f1_at(g, r, 5) for g, r in zip(gold, ranked, strict=True)),
        "P@1": mean(precision_at(g, r, 1) for g, r in zip(gold, ranked, strict=True)),
        "P@3": mean(precision_at(g, r, 3) for g, r in zip(gold, ranked, strict=True)),
        "NDCG@5": mean(ndcg_at(g, r, 5) for g, r in zip(gold, ranked, strict=True)),
        "documents": float(n),
    }


def format_table(rows: dict[str, dict[str, float]], names: Sequence[str] = METRIC_NAMES) -> str:
    """Systems as rows, metrics as columns, two decimals."""
    width = max([6, *(len(s) for s in rows)])
    head = "system".ljust(width) + "  " + "  ".join(f"{m:>8}" for m in names)
    lines = [head, "-" * len(head)]
    for system, res in rows.items():
        cells = "  ".join(f"{res[m]:8.2f}" if m in res else f"{'–':>8}" for m in names)
        lines.append(system.ljust(width) + "  " + cells)
    return "\n".join(lines)
