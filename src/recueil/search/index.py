"""The full-text index of the store, kept in the store's own database, updated by writers.

SQLite gets FTS5 tables of pre-analysed French text (see `analyze`); PostgreSQL gets a
tsvector column (`french` stemming + `unaccent`) under a GIN index. Both sit beside the
Django tables as a derived cache, kept in step by the writers, never by the readers:

- SQL triggers (migration 0006) append every write of items, assignments, themes,
  meetings and documents to the change log `recueil_change` (models.Change);
- the outermost `store.db.write_transaction` calls `sync()` before it commits: the items
  the log names since the index's watermark are analysed again (only those whose
  signature changed), removed ones dropped, and the watermark moved, in the same
  transaction as the data;
- a search reads `state()`: one small query (the watermark and the log's last `seq`), no
  table scan and no write, so it works on a read replica / hot standby and never waits
  for an ingest's lock.

`ensure_index(force=True)` rebuilds everything, `ensure_index(verify=True)` compares every
signature (repairs after a write that bypassed the store, e.g. a restored backup).
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass

from django.db import connections, transaction

from recueil.search import analyze
from recueil.search.wording import classify_item
from recueil.store.db import current_alias
from recueil.store.models import Change, Item, Meeting

# Bump when the analysis or the index layout changes: every store then rebuilds once.
INDEX_VERSION = "6"
PG_CONFIG = "recueil_fr"

DOC = "recueil_search_doc"
FTS = "recueil_search_fts"
VOCAB = "recueil_search_vocab"
ADDRESSEE = "recueil_search_addressee"
STATE = "recueil_search_state"
CHANGES = Change._meta.db_table

_lock = threading.Lock()
# Bumped by every refresh in this process (kept for callers keying caches on it).
generation = 0


class IndexMissing(RuntimeError):
    """The store's search index was never built (or by an older recueil): a writer builds
    it (`open_store` migrating, `recueil ingest`, `recueil import`, `recueil serve`)."""


@dataclass
class IndexInfo:
    vendor: str
    refreshed: bool  # False: the index was already up to date
    changed: int  # index rows written or removed by this call (-1: not looked at)
    fingerprint: str  # the version readers key their caches on (see `state`)


@dataclass
class IndexState:
    layout: str | None  # INDEX_VERSION the index was built with (None: never built)
    applied: int  # last change-log seq the index reflects
    head: int  # last change-log seq (any write that can change a search)
    rows: int = 0  # seq of the last sync that changed index rows (text-derived caches)

    @property
    def rows_version(self) -> str:
        """Changes only when index rows changed (not on a theme assignment)."""
        return f"{self.layout}|{self.rows}"

    @property
    def version(self) -> str:
        """Changes whenever a search result may: data written, or the index updated."""
        return f"{self.layout}|{self.applied}|{self.head}"


def _connection(alias: str | None = None):
    return connections[alias or current_alias()]


def state(alias: str | None = None) -> IndexState:
    """Where the index stands, in one read of three indexed values (no scan, no write)."""
    with _connection(alias).cursor() as cur:
        cur.execute(
            f"SELECT (SELECT value FROM {STATE} WHERE key = 'layout'), "
            f"(SELECT value FROM {STATE} WHERE key = 'applied'), (SELECT MAX(seq) FROM {CHANGES}), "
            f"(SELECT value FROM {STATE} WHERE key = 'rows')"
        )
        layout, applied, head, rows = cur.fetchone()
    return IndexState(layout, int(applied or 0), int(head or 0), int(rows or 0))


def fingerprint() -> str:
    """The version of the index and the data (kept name: what result caches key on)."""
    return state().version


def is_fresh(alias: str | None = None) -> bool:
    """Built with this version, and no item change waiting (every writer syncs it)."""
    st = state(alias)
    if st.layout != INDEX_VERSION:
        return False
    with _connection(alias).cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM {CHANGES} WHERE seq > %s AND kind IN ('i', 'm')",
                    [st.applied])  # fmt: skip
        return cur.fetchone()[0] == 0


def sync(alias: str | None = None) -> IndexInfo:
    """Apply the change log to the index: what the writers of this transaction (or any
    earlier one that bypassed `write_transaction`) changed. Cheap when nothing did."""
    return ensure_index(alias=alias)


def ensure_index(
    *, force: bool = False, verify: bool = False, alias: str | None = None
) -> IndexInfo:
    """Build or update the search index of the current store. A WRITE: call it from writers.

    The common case reads the change log after the watermark and re-analyses only the
    items it names (and the subparagraphs of a changed chapeau, the items of a changed
    meeting) whose signature changed. `verify` compares every signature (after a write
    that bypassed the triggers); `force` rebuilds every row and the tables from scratch.
    """
    conn = _connection(alias)
    vendor = conn.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise RuntimeError(f"search needs SQLite or PostgreSQL, not {vendor}")
    with _lock, transaction.atomic(using=conn.alias):
        if vendor == "postgresql":  # one refresh at a time across processes (SQLite: IMMEDIATE)
            with conn.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [0x72656376])
        st = state(conn.alias)
        with conn.cursor() as cur:
            rebuild = force or st.layout != INDEX_VERSION
            if rebuild:
                _create_tables(cur, vendor)
                changed = _refresh(cur, vendor, conn.alias, None)
                _finish(cur, vendor)
            elif verify:
                changed = _refresh(cur, vendor, conn.alias, None)
            else:
                cur.execute(f"SELECT kind, row_id FROM {CHANGES} WHERE seq > %s",
                            [st.applied])  # fmt: skip
                log = cur.fetchall()
                if not log:
                    return IndexInfo(vendor, False, 0, st.version)
                items = {r for k, r in log if k == "i" and r is not None}
                meetings = {r for k, r in log if k == "m" and r is not None}
                changed = _refresh(cur, vendor, conn.alias, _affected(items, meetings, conn.alias))
            if rebuild or verify:  # every reader's caches must move on
                cur.execute(f"INSERT INTO {CHANGES} (kind, row_id) VALUES ('r', NULL)")
            cur.execute(f"SELECT MAX(seq) FROM {CHANGES}")
            head = int(cur.fetchone()[0] or 0)
            _set(cur, "layout", INDEX_VERSION)
            _set(cur, "applied", str(head))
            if rebuild or changed:
                _set(cur, "rows", str(head))
            cur.execute(f"DELETE FROM {CHANGES} WHERE seq < %s", [head])  # keep the last
    global generation
    generation += 1
    return IndexInfo(vendor, True, changed, IndexState(INDEX_VERSION, head, head).version)


def _set(cur, key: str, value: str) -> None:
    cur.execute(f"DELETE FROM {STATE} WHERE key = %s", [key])
    cur.execute(f"INSERT INTO {STATE} (key, value) VALUES (%s, %s)", [key, value])


def _affected(items: set[int], meetings: set[int], alias: str) -> set[int]:
    """The items whose index rows may change: those written, the subparagraphs of a
    written chapeau (their wording is read with it), the items of a changed meeting."""
    out = set(items)
    ids = list(items)
    for i in range(0, len(ids), 500):
        out.update(Item.objects.using(alias).filter(parent_id__in=ids[i : i + 500])
                   .values_list("id", flat=True))  # fmt: skip
    if meetings:
        out.update(Item.objects.using(alias).filter(meeting_id__in=meetings)
                   .values_list("id", flat=True))  # fmt: skip
    return out


def _signature(item: Item, chapeau: str | None, meeting: tuple) -> str:
    parts = (item.text, item.raw_text, chapeau or "", item.part, item.kind, item.status,
             item.sort_key, str(item.meeting_id), repr(meeting))  # fmt: skip
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=12).hexdigest()


def _refresh(cur, vendor: str, alias: str, ids: set[int] | None) -> int:
    """Re-analyse the items (all, or `ids`) whose signature changed, drop removed ones.

    Returns how many index rows were written or removed.
    """
    years = {
        m.id: (m.number, m.start_date.year if m.start_date else None)
        for m in Meeting.objects.using(alias).all()
    }
    fields = ("id", "text", "raw_text", "part", "kind", "status", "sort_key", "meeting_id",
              "parent_id")  # fmt: skip
    if ids is None:
        cur.execute(f"SELECT item_id, sig FROM {DOC}")
        stored = dict(cur.fetchall())
        items = list(Item.objects.using(alias).order_by("id").only(*fields)
                     .iterator(chunk_size=5000))  # fmt: skip
    else:
        stored, items, wanted = {}, [], sorted(ids)
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cur.execute(f"SELECT item_id, sig FROM {DOC} WHERE item_id IN ({marks})", chunk)
            stored.update(cur.fetchall())
            items += Item.objects.using(alias).filter(id__in=chunk).only(*fields)
    parents = {i.parent_id for i in items if i.parent_id}
    chapeaux: dict[int, str] = {}
    plist = sorted(parents)
    for i in range(0, len(plist), 500):
        chapeaux.update(Item.objects.using(alias).filter(id__in=plist[i : i + 500])
                        .values_list("id", "text"))  # fmt: skip
    rows, seen = [], set()
    for item in items:
        seen.add(item.id)
        chapeau = chapeaux.get(item.parent_id) if item.parent_id else None
        sig = _signature(item, chapeau, years[item.meeting_id])
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
    if ids is not None:  # an id the log names that has no row in either: nothing to do
        removed = [i for i in removed if i in ids]
    stale = removed + [r["item_id"] for r in rows if r["item_id"] in stored]
    for chunk in range(0, len(stale), 500):
        part = stale[chunk : chunk + 500]
        marks = ", ".join(["%s"] * len(part))
        for table, column in ((DOC, "item_id"), (ADDRESSEE, "item_id")) + (
            ((FTS, "rowid"),) if vendor == "sqlite" else ()
        ):
            cur.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", part)
    _insert_rows(cur, vendor, rows)
    global analysed
    analysed += len(rows)
    return len(rows) + len(removed)


# Index rows analysed by this process (tests check that a change re-analyses only itself).
analysed = 0


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
    cur.execute(f"DELETE FROM {STATE} WHERE key = 'fingerprint'")  # before INDEX_VERSION 6
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
    """One INSERT per row and table, batched by the driver (PostgreSQL: the tsvector is
    computed in the same INSERT, not by a second UPDATE per row)."""
    doc_rows = [
        (r["item_id"], r["status"], r["part"], r["meeting"], r["year"], r["sort_key"],
         r["strength"], r["sig"])
        for r in rows
    ]  # fmt: skip
    columns = "item_id, status, part, meeting, year, sort_key, strength, sig"
    if vendor == "sqlite":
        cur.executemany(
            f"INSERT INTO {DOC} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", doc_rows
        )
        cur.executemany(
            f"INSERT INTO {FTS} (rowid, body, ocr) VALUES (%s, %s, %s)",
            [_fts_row(r) for r in rows],
        )
    else:
        cur.executemany(
            f"INSERT INTO {DOC} ({columns}, tsv) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, "
            "setweight(to_tsvector(%s, %s), 'A') || setweight(to_tsvector(%s, %s), 'D'))",
            [
                (*d, PG_CONFIG, _pg_text(r["text"]), PG_CONFIG, _pg_text(r["raw_text"]))
                for d, r in zip(doc_rows, rows, strict=True)
            ],
        )
    cur.executemany(
        f"INSERT INTO {ADDRESSEE} (item_id, addressee) VALUES (%s, %s)",
        [(r["item_id"], a) for r in rows for a in r["addressees"]],
    )


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
