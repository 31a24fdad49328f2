"""The full-text index of the store, kept in the store's own database and rebuilt when stale.

SQLite gets FTS5 tables of pre-analysed French text (see `analyze`); PostgreSQL gets a
tsvector column (`french` stemming + `unaccent`) under a GIN index. Both sit beside the
Django tables as a derived cache: `ensure_index()` rebuilds them whenever a cheap
fingerprint of the items, assignments, themes and documents has changed.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass

from django.db import connections, transaction

from recueil.search import analyze
from recueil.search.wording import classify_item
from recueil.store.db import current_alias
from recueil.store.models import Assignment, Document, Item, Meeting, Theme

# Bump when the analysis or the index layout changes: every store then rebuilds once.
INDEX_VERSION = "5"
PG_CONFIG = "recueil_fr"

DOC = "recueil_search_doc"
FTS = "recueil_search_fts"
VOCAB = "recueil_search_vocab"
ADDRESSEE = "recueil_search_addressee"
STATE = "recueil_search_state"

_lock = threading.Lock()
# Bumped by every refresh in this process: result caches keyed on it never serve a result
# computed before a forced rebuild (which leaves the fingerprint as it was).
generation = 0


@dataclass
class IndexInfo:
    vendor: str
    refreshed: bool  # False: the index was already up to date
    changed: int  # index rows written or removed by this call (-1: not looked at)
    fingerprint: str


def _connection():
    return connections[current_alias()]


def fingerprint() -> str:
    """What the index was built from, in a handful of aggregate reads (no text is read).

    Ingestion (re)saves the document of every item it touches, curation adds or removes
    assignments, and every item or theme row has an id: counts, maximum ids and the
    latest document save change whenever the indexed content can have changed. Editing an
    item's text in place elsewhere should call `ensure_index(verify=True)`.
    """
    item, asg = Item._meta.db_table, Assignment._meta.db_table
    doc, theme = Document._meta.db_table, Theme._meta.db_table
    sql = (
        f"SELECT (SELECT COUNT(*) FROM {item}), (SELECT MAX(id) FROM {item}), "
        f"(SELECT COUNT(*) FROM {asg}), (SELECT MAX(id) FROM {asg}), "
        f"(SELECT SUM(theme_id) FROM {asg}), (SELECT COUNT(*) FROM {doc}), "
        f"(SELECT MAX(updated_at) FROM {doc}), (SELECT COUNT(*) FROM {theme}), "
        f"(SELECT MAX(id) FROM {theme})"
    )
    with _connection().cursor() as cur:
        cur.execute(sql)
        row = cur.fetchone()
    return INDEX_VERSION + "|" + "|".join("" if v is None else str(v) for v in row)


def _stored_fingerprint(cur, vendor: str) -> str | None:
    if vendor == "sqlite":
        cur.execute("SELECT name FROM sqlite_master WHERE name = %s", [STATE])
    else:
        cur.execute("SELECT to_regclass(%s)", [STATE])
    row = cur.fetchone()
    if not row or row[0] is None:
        return None
    cur.execute(f"SELECT value FROM {STATE} WHERE key = 'fingerprint'")
    row = cur.fetchone()
    return row[0] if row else None


def is_fresh() -> bool:
    with _connection().cursor() as cur:
        return _stored_fingerprint(cur, _connection().vendor) == fingerprint()


def ensure_index(*, force: bool = False, verify: bool = False) -> IndexInfo:
    """Build or refresh the search index of the current store (no-op when up to date).

    A refresh is incremental: each index row keeps a signature of what it was built from
    (text, raw text, chapeau, meeting, status…), and only the items whose signature
    changed are analysed again; removed items are dropped. Theme assignments are read
    live by the search queries, so curating themes re-indexes nothing. `verify` compares
    every signature even when the fingerprint has not moved (after editing an item's text
    in place, e.g. in the admin); `force` rebuilds every row and the tables from scratch.
    """
    conn = _connection()
    vendor = conn.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise RuntimeError(f"search needs SQLite or PostgreSQL, not {vendor}")
    if not force and not verify:  # the common case, lock-free: two small reads
        current = fingerprint()
        with conn.cursor() as cur:
            if _stored_fingerprint(cur, vendor) == current:
                return IndexInfo(vendor, False, -1, current)
    with _lock, transaction.atomic(using=conn.alias):
        if vendor == "postgresql":  # one refresh at a time across processes (SQLite: IMMEDIATE)
            with conn.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [0x72656376])
        current = fingerprint()
        with conn.cursor() as cur:
            stored = _stored_fingerprint(cur, vendor)
            if not force and not verify and stored == current:
                return IndexInfo(vendor, False, -1, current)
            same_layout = stored is not None and stored.split("|", 1)[0] == INDEX_VERSION
            if force or not same_layout:
                _create_tables(cur, vendor)
            changed = _refresh(cur, vendor)
            if force or not same_layout:
                _finish(cur, vendor)
            cur.execute(f"DELETE FROM {STATE} WHERE key = 'fingerprint'")
            cur.execute(f"INSERT INTO {STATE} (key, value) VALUES ('fingerprint', %s)", [current])
    global generation
    generation += 1
    return IndexInfo(vendor, True, changed, current)


def _signature(item: Item, chapeau: str | None) -> str:
    parts = (item.text, item.raw_text, chapeau or "", item.part, item.kind, item.status,
             item.sort_key, str(item.meeting_id))  # fmt: skip
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=12).hexdigest()


def _refresh(cur, vendor: str) -> int:
    """Re-analyse the items whose signature changed, drop the removed ones.

    Returns how many index rows were written or removed.
    """
    cur.execute(f"SELECT item_id, sig FROM {DOC}")
    stored = dict(cur.fetchall())
    years = {
        m.id: (m.number, m.start_date.year if m.start_date else None) for m in Meeting.objects.all()
    }
    items = Item.objects.order_by("id").only(
        "id", "text", "raw_text", "part", "kind", "status", "sort_key", "meeting_id", "parent_id"
    )
    chapeaux = dict(
        Item.objects.filter(children__isnull=False).distinct().values_list("id", "text")
    )
    rows, seen = [], set()
    for item in items.iterator(chunk_size=2000):
        seen.add(item.id)
        chapeau = chapeaux.get(item.parent_id) if item.parent_id else None
        sig = _signature(item, chapeau)
        if stored.get(item.id) == sig:
            continue
        wording = classify_item(item.text, part=item.part, kind=item.kind, chapeau=chapeau)
        number, year = years[item.meeting_id]
        rows.append({
            "item_id": item.id, "status": item.status, "part": item.part, "meeting": number,
            "year": year, "sort_key": item.sort_key, "strength": wording.strength,
            "addressees": wording.addressees, "text": item.text, "raw_text": item.raw_text,
            "sig": sig,
        })  # fmt: skip
    removed = [i for i in stored if i not in seen]
    stale = removed + [r["item_id"] for r in rows if r["item_id"] in stored]
    for chunk in range(0, len(stale), 500):
        ids = stale[chunk : chunk + 500]
        marks = ", ".join(["%s"] * len(ids))
        for table, column in ((DOC, "item_id"), (ADDRESSEE, "item_id")) + (
            ((FTS, "rowid"),) if vendor == "sqlite" else ()
        ):
            cur.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", ids)
    _insert_rows(cur, vendor, rows)
    return len(rows) + len(removed)


def _ocr_only(clean_terms: str, raw_text: str) -> str:
    """Terms of the raw (OCR) text that the clean text lacks: OCR spellings stay findable."""
    clean = set(clean_terms.split())
    return " ".join(t for t in dict.fromkeys(analyze.terms(raw_text)) if t not in clean)


def _fts_row(row: dict) -> tuple[int, str, str]:
    body = analyze.analyse(row["text"])
    return row["item_id"], body, _ocr_only(body, row["raw_text"])


def _pg_text(text: str) -> str:
    """PostgreSQL's parser splits on straight apostrophes only; ligatures are spelt out."""
    return analyze.typography(text)


def _create_tables(cur, vendor: str) -> None:
    """(Re)create the index tables, empty: the refresh then fills every row."""
    if vendor == "postgresql":
        cur.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        cur.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [PG_CONFIG])
        if cur.fetchone() is None:
            cur.execute(f"CREATE TEXT SEARCH CONFIGURATION {PG_CONFIG} (COPY = french)")
            cur.execute(
                f"ALTER TEXT SEARCH CONFIGURATION {PG_CONFIG} "
                "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem"
            )
    cur.execute(f"CREATE TABLE IF NOT EXISTS {STATE} (key TEXT PRIMARY KEY, value TEXT)")
    tables = (DOC, ADDRESSEE, FTS, VOCAB) if vendor == "sqlite" else (DOC, ADDRESSEE)
    for table in tables:
        cur.execute(f"DROP TABLE IF EXISTS {table}")
    id_type, tsv = ("INTEGER", "") if vendor == "sqlite" else ("BIGINT", ", tsv TSVECTOR")
    cur.execute(
        f"CREATE TABLE {DOC} (item_id {id_type} PRIMARY KEY, status TEXT, part TEXT, "
        f"meeting INTEGER, year INTEGER, sort_key TEXT, strength TEXT, sig TEXT{tsv})"
    )
    cur.execute(f"CREATE TABLE {ADDRESSEE} (item_id {id_type}, addressee TEXT)")
    cur.execute(f"CREATE INDEX {ADDRESSEE}_idx ON {ADDRESSEE} (addressee, item_id)")
    cur.execute(f"CREATE INDEX {ADDRESSEE}_item ON {ADDRESSEE} (item_id, addressee)")
    if vendor == "sqlite":
        # Terms are already analysed (a-z0-9): unicode61 only splits them on spaces.
        cur.execute(
            f"CREATE VIRTUAL TABLE {FTS} USING fts5(body, ocr, "
            "tokenize = 'unicode61 remove_diacritics 0')"
        )
        cur.execute(f"CREATE VIRTUAL TABLE {VOCAB} USING fts5vocab({FTS}, row)")


def _insert_rows(cur, vendor: str, rows: list[dict]) -> None:
    cur.executemany(
        f"INSERT INTO {DOC} (item_id, status, part, meeting, year, sort_key, strength, sig) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        [
            (r["item_id"], r["status"], r["part"], r["meeting"], r["year"], r["sort_key"],
             r["strength"], r["sig"])
            for r in rows
        ],
    )  # fmt: skip
    cur.executemany(
        f"INSERT INTO {ADDRESSEE} (item_id, addressee) VALUES (%s, %s)",
        [(r["item_id"], a) for r in rows for a in r["addressees"]],
    )
    if vendor == "sqlite":
        cur.executemany(
            f"INSERT INTO {FTS} (rowid, body, ocr) VALUES (%s, %s, %s)",
            [_fts_row(r) for r in rows],
        )
    else:
        cur.executemany(
            f"UPDATE {DOC} SET tsv = setweight(to_tsvector(%s, %s), 'A') || "
            "setweight(to_tsvector(%s, %s), 'D') WHERE item_id = %s",
            [
                (PG_CONFIG, _pg_text(r["text"]), PG_CONFIG, _pg_text(r["raw_text"]),
                 r["item_id"])
                for r in rows
            ],
        )  # fmt: skip


def _finish(cur, vendor: str) -> None:
    """After a full build: merge the FTS5 segments / build the GIN index and statistics."""
    if vendor == "sqlite":
        cur.execute(f"INSERT INTO {FTS} ({FTS}) VALUES ('optimize')")
    else:
        cur.execute(f"CREATE INDEX {DOC}_tsv ON {DOC} USING GIN (tsv)")
        cur.execute(f"ANALYZE {DOC}")


def vocabulary_sql(vendor: str) -> str:
    if vendor == "sqlite":
        return f"SELECT term, doc FROM {VOCAB}"
    return f"SELECT word, ndoc FROM ts_stat('SELECT tsv FROM {DOC}')"
