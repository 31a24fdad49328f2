"""Ranking candidates from the index: one implementation for the store and the benchmark.

`candidates` asks the index for the best positions and compares each candidate's text
word by word; `rank_related` and `rank_precedents` turn those measures into the ranked
rows `related` and `precedent` return. Texts come from a `fetch` callable (the database,
or the benchmark's synthetic collection), so nothing here knows about storage.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from recueil.link.compare import diff, overlap_words, relation, words
from recueil.link.index import TermIndex, cosine, features, weigh
from recueil.link.text import terms, tokenize

Fetch = Callable[[Sequence[int]], dict[int, str]]  # positions → texts


def vector(text: str, index: TermIndex) -> dict[int, float]:
    return weigh(features(terms(text)), index.idf)


@lru_cache(maxsize=8192)
def analysed(text: str) -> tuple[list[str], Counter[int]]:
    """A text's words (for the overlap) and hashed term features (for the cosine).

    Analysing is two thirds of a `related` call (each of its 60 candidates tokenised and
    stemmed: 87 ms per call on the corpus); the same items come back as candidates of many
    queries, so the analysis is kept per text (the key is the text itself: an edited item
    is a new key). Callers must not modify what they get."""
    tokens = tokenize(text)
    return words(tokens), features(terms(tokens))


def candidates(
    text: str,
    index: TermIndex,
    fetch: Fetch,
    n: int,
    allowed: np.ndarray | None = None,
    exclude: np.ndarray | None = None,
) -> list[dict]:
    """The `n` best index candidates for `text`, each {"pos", "cosine", "ratio", "shared",
    "text"} with the exact cosine and the word overlap (see compare.Overlap)."""
    q = vector(text, index)
    pos, _ = index.search(q, n, allowed=allowed, exclude=exclude)
    if not len(pos):
        return []
    positions = [int(p) for p in pos]
    texts = fetch(positions)
    idf = index.idf
    query_words, _ = analysed(text)
    out = []
    for p in positions:
        other = texts.get(p)
        if other is None:
            continue
        other_words, other_features = analysed(other)
        ov = overlap_words(other_words, query_words)
        out.append(
            {
                "pos": p,
                "cosine": cosine(q, weigh(other_features, idf)),
                "ratio": ov.ratio,
                "shared": ov.shared,
                "text": other,
            }
        )
    return out


def related_score(c: dict) -> float:
    """Ranking of related items: subject (cosine) and shared wording count alike."""
    return (c["cosine"] + c["shared"]) / 2


def precedent_score(c: dict) -> float:
    """Ranking of precedents: (ratio + 2 × shared + cosine) / 4. `shared` finds a draft
    fragment inside a longer adopted paragraph, `ratio` prefers the item that is neither
    longer nor shorter than the draft, `cosine` the one on the same subject. On 240 drafts
    made from corpus items (a third, a half, lightly edited copies) it put the source item
    first 239 times; (2 × ratio + cosine) / 3 did 236 (fragments rank lower)."""
    return (c["ratio"] + 2 * c["shared"] + c["cosine"]) / 4


def rank_related(cands: list[dict], limit: int) -> list[dict]:
    rows = []
    for c in cands:
        rel = relation(c["shared"], c["cosine"])
        if rel is not None:
            rows.append({**c, "score": related_score(c), "relation": rel})
    rows.sort(key=lambda r: (-r["score"], r["pos"]))
    return rows[:limit]


def rank_precedents(text: str, cands: list[dict], limit: int) -> list[dict]:
    rows = sorted(cands, key=lambda c: (-precedent_score(c), c["pos"]))[:limit]
    return [
        {
            **c,
            "score": precedent_score(c),
            "relation": relation(c["shared"], c["cosine"]) or "unrelated",
            "diff": diff(c["text"], text),
        }
        for c in rows
    ]
