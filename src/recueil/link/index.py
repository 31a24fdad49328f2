"""An inverted index of hashed TF-IDF features, so similarity never loops over all pairs.

Features are content-word stems and stem bigrams (see `text.terms`), hashed into a fixed
space (no vocabulary to store); postings are held column-wise (feature → documents) in
numpy arrays, so a query costs the postings of its own features, not the collection size.
Saved as a folder of .npy files that every process memory-maps (no load time, one copy).
"""

from __future__ import annotations

import array
import math
import shutil
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np

DIM_BITS = 22  # 4 M hashed features: collisions are rare at a million paragraphs
DIM = 1 << DIM_BITS
# Features in more than this share of documents add nothing to *finding* candidates
# ("États parties", "migrants"): they are skipped when collecting postings, and the
# candidates are rescored exactly afterwards (see `score_pair`).
MAX_DF_SHARE = 0.10
MIN_QUERY_FEATURES = 8  # …but never skip below the rarest few features of a query


def feature_id(term: str) -> int:
    return zlib.crc32(term.encode("utf-8")) & (DIM - 1)


def features(terms: Sequence[str]) -> Counter[int]:
    """Hashed unigram and bigram counts of one text's terms."""
    grams = list(terms)
    grams += [f"{a} {b}" for a, b in pairwise(terms)]
    return Counter(feature_id(g) for g in grams)


def weigh(counts: Counter[int], idf: np.ndarray) -> dict[int, float]:
    """Sublinear tf × idf, L2-normalised."""
    w = {f: (1.0 + math.log(c)) * float(idf[f]) for f, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in w.values())) or 1.0
    return {f: v / norm for f, v in w.items()}


def cosine(a: dict[int, float], b: dict[int, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(f, 0.0) for f, v in a.items())


@dataclass
class TermIndex:
    """Postings in CSC form: documents of feature f are indices[indptr[f]:indptr[f+1]]."""

    indptr: np.ndarray  # int64, DIM + 1
    indices: np.ndarray  # int32 positions 0..n-1
    data: np.ndarray  # float32 normalised weights
    df: np.ndarray  # int32 document frequency per feature
    n: int

    @property
    def idf(self) -> np.ndarray:
        cached = self.__dict__.get("_idf")
        if cached is None:
            cached = (np.log((self.n + 1) / (self.df + 1.0)) + 1.0).astype(np.float32)
            self.__dict__["_idf"] = cached
        return cached

    @classmethod
    def build(cls, docs: Iterable[Counter[int]]) -> TermIndex:
        """Index feature counts (one Counter per document, in position order); the
        triples are packed in compact arrays, about 12 bytes per posting."""
        rows, cols, counts = array.array("i"), array.array("i"), array.array("f")
        n = 0
        for pos, feats in enumerate(docs):
            n = pos + 1
            rows.extend([pos] * len(feats))
            cols.extend(feats.keys())
            counts.extend(feats.values())
        return cls.from_arrays(
            np.frombuffer(rows, dtype=np.int32),
            np.frombuffer(cols, dtype=np.int32),
            np.frombuffer(counts, dtype=np.float32),
            n,
        )

    @classmethod
    def from_arrays(
        cls, rows: np.ndarray, cols: np.ndarray, counts: np.ndarray, n: int
    ) -> TermIndex:
        """Build from (document position, feature, count) triples (one per distinct pair)."""
        df = np.bincount(cols, minlength=DIM).astype(np.int32)
        idf = (np.log((n + 1) / (df.astype(np.float64) + 1)) + 1.0).astype(np.float32)
        w = (1.0 + np.log(counts, dtype=np.float32)) * idf[cols]
        norms = np.sqrt(np.bincount(rows, weights=w.astype(np.float64) ** 2, minlength=n))
        norms[norms == 0] = 1.0
        w = (w / norms[rows].astype(np.float32)).astype(np.float32)
        order = np.lexsort((rows, cols))  # by feature, then document
        indptr = np.zeros(DIM + 1, dtype=np.int64)
        np.cumsum(df, out=indptr[1:])
        return cls(indptr, rows[order].astype(np.int32), w[order], df, n)

    def search(
        self,
        query: dict[int, float],
        limit: int,
        *,
        allowed: np.ndarray | None = None,
        exclude: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Positions and approximate scores of the `limit` best documents for a weighted
        query (see `weigh`), visiting only the postings of the query's selective features:
        the work is that of those postings, never of the collection size. `allowed` is a
        mask over positions (read only at the candidates), `exclude` a few positions."""
        if not query or self.n == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        feats = sorted(query, key=lambda f: self.df[f])
        cap = max(1, int(self.n * MAX_DF_SHARE))
        chosen = [f for i, f in enumerate(feats) if i < MIN_QUERY_FEATURES or self.df[f] <= cap]
        positions, weights = [], []
        for f in chosen:
            s, e = int(self.indptr[f]), int(self.indptr[f + 1])
            if s != e:
                positions.append(np.asarray(self.indices[s:e]))
                weights.append(np.asarray(self.data[s:e]) * np.float32(query[f]))
        if not positions:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        pos = np.concatenate(positions)
        docs, inverse = np.unique(pos, return_inverse=True)
        scores = np.bincount(inverse, weights=np.concatenate(weights)).astype(np.float32)
        keep = scores > 0
        if allowed is not None:
            keep &= np.asarray(allowed[docs], dtype=bool)
        if exclude is not None and len(exclude):
            keep &= ~np.isin(docs, exclude)
        docs, scores = docs[keep], scores[keep]
        k = min(limit, len(docs))
        if k == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        top = np.argpartition(-scores, k - 1)[:k] if k < len(docs) else np.arange(len(docs))
        # best first; ties in position order, as a full scan would give them
        top = top[np.lexsort((docs[top], -scores[top]))]
        return docs[top].astype(np.int64), scores[top]

    def save(self, path: Path, **meta: np.ndarray) -> None:
        """Write the index (and `meta` arrays) as a folder of .npy files, replaced at once;
        `load` maps them into memory instead of reading them."""
        tmp = path.with_name(path.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        arrays = {"indptr": self.indptr, "indices": self.indices, "data": self.data,
                  "df": self.df, "idf": self.idf, "n": np.array(self.n)}  # fmt: skip
        for name, value in {**arrays, **meta}.items():
            np.save(tmp / f"{name}.npy", np.asarray(value), allow_pickle=False)
        old = path.with_name(path.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if path.exists():
            path.rename(old)
        tmp.rename(path)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, path: Path) -> tuple[TermIndex, dict[str, np.ndarray]]:
        """Memory-map a saved index: constant time whatever its size (pages are read as
        queries touch them, and shared by every process that maps the same files)."""
        if not path.is_dir():
            raise FileNotFoundError(path)
        arrays = {  # plain ndarray views of the maps: numpy.memmap indexing is slow Python
            p.stem: np.asarray(np.load(p, mmap_mode="r", allow_pickle=False))
            for p in path.glob("*.npy")
        }
        idx = cls(arrays.pop("indptr"), arrays.pop("indices"), arrays.pop("data"),
                  arrays.pop("df"), int(arrays.pop("n")))  # fmt: skip
        if "idf" in arrays:
            idx.__dict__["_idf"] = arrays.pop("idf")
        return idx, arrays
