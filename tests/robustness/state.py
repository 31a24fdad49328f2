"""A database's content as comparable values: what before/after checks compare.

Ids and timestamps are left out (a restarted ingest or a restored backup gives new ones);
everything an editor or a reader sees is in: documents, items, their sources, themes,
assignments, rejections, links, warnings and the audit trail's actions.
"""

from __future__ import annotations

import hashlib
import json

QUERIES = {
    "documents": "SELECT source_file, checksum, kind, symbol FROM recueil_document",
    "items": "SELECT i.ref, i.status, i.text, d.source_file FROM recueil_item i "
    "JOIN recueil_document d ON d.id = i.document_id",
    "sources": "SELECT i.ref, i.status, d.source_file, s.agrees FROM recueil_itemsource s "
    "JOIN recueil_item i ON i.id = s.item_id JOIN recueil_document d ON d.id = s.document_id",
    "paragraphs": "SELECT d.source_file, p.number, p.text FROM recueil_paragraph p "
    "JOIN recueil_document d ON d.id = p.document_id",
    "themes": "SELECT t.label, t.label_en, t.scope_note, t.retired, t.aliases, p.label, m.label "
    "FROM recueil_theme t LEFT JOIN recueil_theme p ON p.id = t.parent_id "
    "LEFT JOIN recueil_theme m ON m.id = t.merged_into_id",
    "assignments": "SELECT i.ref, i.status, t.label, a.origin, a.user, a.score "
    "FROM recueil_assignment a JOIN recueil_item i ON i.id = a.item_id "
    "JOIN recueil_theme t ON t.id = a.theme_id",
    "rejections": "SELECT i.ref, t.label, r.user FROM recueil_themerejection r "
    "JOIN recueil_item i ON i.id = r.item_id JOIN recueil_theme t ON t.id = r.theme_id",
    "links": "SELECT s.ref, s.status, t.ref, t.status, l.relation, l.status, l.origin "
    "FROM recueil_link l JOIN recueil_item s ON s.id = l.source_id "
    "JOIN recueil_item t ON t.id = l.target_id",
    "warnings": "SELECT d.source_file, w.kind, w.message FROM recueil_ingestwarning w "
    "JOIN recueil_document d ON d.id = w.document_id",
}
AUDIT = "SELECT action, item_ref, theme_label, user FROM recueil_indexevent ORDER BY id"


def _rows(cur, sql: str) -> list[list]:
    cur.execute(sql)
    return sorted(
        ([_plain(v) for v in row] for row in cur.fetchall()),
        key=lambda r: json.dumps(r, default=str),
    )


def _plain(value):
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, str) and value.startswith(("[", "{")):
        try:
            return json.loads(value)  # JSON fields: SQLite text, PostgreSQL jsonb
        except ValueError:
            return value
    return value


def snapshot(store, *, audit: bool = True) -> dict:
    """The content of `store` (a recueil.store.Store), table by table."""
    from django.db import connections

    def read():
        with connections[store.alias].cursor() as cur:
            out = {name: _rows(cur, sql) for name, sql in QUERIES.items()}
            if audit:
                cur.execute(AUDIT)
                out["audit"] = [list(r) for r in cur.fetchall()]
            return out

    try:
        return store.run(read)
    finally:
        store.close()


def digest(snap: dict) -> str:
    return hashlib.sha256(json.dumps(snap, sort_keys=True, default=str).encode()).hexdigest()


def differences(a: dict, b: dict) -> dict:
    """{table: (rows only in a, rows only in b)} counts, for assertion messages."""
    out = {}
    for name in sorted(set(a) | set(b)):
        ra = {json.dumps(r, default=str) for r in a.get(name, [])}
        rb = {json.dumps(r, default=str) for r in b.get(name, [])}
        if ra != rb or a.get(name) != b.get(name):
            out[name] = (len(ra - rb), len(rb - ra))
    return out
