"""Import back what recueil exports: items as JSONL, theme assignments as an edited CSV.

Both read and check the whole file before writing anything: a bad line or row is refused
with its number, and the database is left exactly as it was. Both are idempotent.

- JSONL (`import_jsonl`): one item per line with the field names of `recueil export`. The
  bulk path into the store (batched inserts), for collections far larger than the corpus.
- CSV of assignments (`import_assignments`): the CSV export (one row per item, themes
  joined by "; ") after a desk officer edited the `themes` column; each added or removed
  theme is one audited editor decision (`recueil.store.curation`), as in the web app.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from recueil.exports import BOM, LIST_SEPARATOR
from recueil.model import (
    DocumentKind,
    ItemKind,
    Origin,
    Part,
    Ref,
    Status,
    meeting_number,
    to_roman,
)

BATCH = 2000


class ImportRefused(ValueError):
    """The file has bad lines or rows; nothing was written. `errors`: (number, message)."""

    def __init__(self, what: str, errors: list[tuple[int, str]]):
        self.errors = errors
        shown = "\n".join(f"{what} {n}: {msg}" for n, msg in errors[:50])
        more = f"\n… {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"{len(errors)} bad {what}(s), nothing imported:\n{shown}{more}")


@dataclass
class ImportResult:
    lines: int = 0
    items_created: int = 0
    items_updated: int = 0
    items_unchanged: int = 0
    documents_created: int = 0
    meetings_created: int = 0
    themes_created: int = 0
    assignments_created: int = 0
    assignments_kept_removed: int = 0
    events: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "events"} | (
            {"events": len(self.events)} if self.events else {}
        )


# --- JSONL ----------------------------------------------------------------------------------

_TEXT_FIELDS = ("section", "instrument", "symbol", "report_paragraph", "recommendation_number",
                "raw_text")  # fmt: skip


def _item_fields() -> set[str]:
    from recueil.store.models import Item

    return {f.name for f in Item._meta.concrete_fields}


def _meeting_number(value) -> int:
    return meeting_number(value)


def _ref_of(row: dict) -> Ref:
    """The item's citation: its `ref`, else part + meeting/session + number (+ sub), else
    the document symbol + paragraph number (a symbol-cited item)."""
    if row.get("ref"):
        return Ref.parse(str(row["ref"]))
    number = str(row.get("number") or "").strip()
    if not number:
        raise ValueError("no ref and no paragraph number")
    path = number + (f".{row['sub']}" if row.get("sub") else "")
    part = str(row.get("part") or "").upper()
    meeting = row.get("meeting") or row.get("session")
    if part in ("A", "B") and meeting:
        return Ref.parse(f"{part}:{to_roman(_meeting_number(meeting))}.{path}")
    if row.get("symbol"):
        return Ref.parse(f"{row['symbol']}:{path}")  # symbol-cited items (other documents)
    raise ValueError("no ref: give `ref`, or part + meeting/session + number, or symbol + number")


def _check_line(n: int, text: str, item_fields: set[str]) -> dict:
    try:
        row = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(row, dict):
        raise ValueError("not a JSON object")
    _check_values(row)
    if not isinstance(row.get("text"), str) or not row["text"].strip():
        raise ValueError("`text` is missing or empty")
    ref = _ref_of(row)
    status = row.get("status") or Status.ADOPTED.value
    if status not in {s.value for s in Status}:
        raise ValueError(f"status must be adopted or draft, not {status!r}")
    kind = row.get("kind") or _default_kind(ref)
    if kind not in {k.value for k in ItemKind}:
        raise ValueError(f"unknown kind {kind!r}")
    if row.get("part") and str(row["part"]).upper() != str(ref.part):
        raise ValueError(f"part {row['part']!r} does not match the ref {ref}")
    meeting = row.get("meeting") or row.get("session")
    if meeting and ref.part in ("A", "B") and _meeting_number(meeting) != ref.meeting:
        raise ValueError(f"meeting/session {meeting!r} does not match the ref {ref}")
    themes = row.get("themes") or []
    if not isinstance(themes, list) or not all(isinstance(t, str) and t.strip() for t in themes):
        raise ValueError("`themes` must be a list of theme labels")
    if any(len(t) > 300 for t in themes):
        raise ValueError("a theme label is longer than 300 characters")
    for f in _TEXT_FIELDS:
        if row.get(f) is not None and not isinstance(row[f], str):
            raise ValueError(f"`{f}` must be a string")
    line = row.get("line")
    if line is not None and (not isinstance(line, int) or line < 0):
        raise ValueError("`line` must be a positive integer")
    doc_kind = row.get("document_kind")
    if doc_kind and doc_kind not in {k.value for k in DocumentKind}:
        raise ValueError(f"unknown document_kind {doc_kind!r}")
    extra = {k: v for k, v in row.items() if k in item_fields and k not in _HANDLED}
    return {"ref": ref, "status": status, "kind": kind, "row": row, "themes": themes,
            "extra": extra, "line_no": n}  # fmt: skip


_NUMBERED = ("meeting", "session", "number", "sub")  # strings, or whole numbers
_DOCUMENT_FIELDS = {"source_file": 300, "language": 8, "document_kind": 16, "symbol": 120}
MAX_LINE = 2**31 - 1


def _check_values(row: dict) -> None:
    """Every value of a type and size the database stores: text (or null) for the text
    fields within their column's length (PostgreSQL refuses a longer one), no NUL character
    (PostgreSQL cannot store one), line numbers within 32 bits. Before, a number over 64
    bits, a list where text was due or a NUL ended in a traceback, not a line error."""
    from recueil.store.models import Item

    if _has_nul(row):
        raise ValueError("a value holds a NUL character (\\x00)")
    lengths = dict(_DOCUMENT_FIELDS)
    for f in Item._meta.concrete_fields:
        text = f.get_internal_type() in ("CharField", "TextField")
        if text and f.name in row and not f.is_relation:
            lengths.setdefault(f.name, f.max_length or 0)
    for name, limit in lengths.items():
        value = row.get(name)
        if value is None:
            continue
        if name in _NUMBERED and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise ValueError(f"`{name}` must be text, not {type(value).__name__}")
        if limit and len(value) > limit:
            raise ValueError(f"`{name}` is longer than {limit} characters")
    for name in ("meeting", "session"):
        value = row.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, str | int)):
            raise ValueError(f"`{name}` must be a number (7 or VII), not {type(value).__name__}")
    line = row.get("line")
    if line is not None and (isinstance(line, bool) or not isinstance(line, int)
                             or not 0 <= line <= MAX_LINE):  # fmt: skip
        raise ValueError(f"`line` must be a whole number from 0 to {MAX_LINE}")


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


_HANDLED = {"id", "ref", "status", "part", "meeting", "number", "sub", "sort_key", "parent",
            "kind", "text", "raw_text", "document", "line", *_TEXT_FIELDS}  # fmt: skip


def _default_kind(ref: Ref) -> str:
    if ref.parent is not None:
        return ItemKind.SUBPARAGRAPH.value
    if ref.is_preambular:
        return ItemKind.PREAMBULAR.value
    return ItemKind.RECOMMENDATION.value if ref.part == Part.A else ItemKind.OPERATIVE.value


def read_jsonl(lines: Iterable[str | bytes]) -> list[dict]:
    """Parse and check every line (text, or bytes decoded as UTF-8 here so that a bad
    byte is reported with its line); ImportRefused lists every bad one (1-based numbers)."""
    fields = _item_fields()
    rows, errors, seen = [], [], {}
    for n, text in enumerate(lines, start=1):
        if isinstance(text, bytes):
            try:
                text = text.decode("utf-8")
            except UnicodeDecodeError as exc:
                errors.append((n, f"not UTF-8 ({exc.reason} at byte {exc.start} of the line)"))
                continue
        text = text.lstrip(BOM) if n == 1 else text
        if not text.strip():
            continue
        try:
            row = _check_line(n, text, fields)
        except ValueError as exc:
            errors.append((n, str(exc)))
            continue
        key = (str(row["ref"]), row["status"])
        if key in seen:
            errors.append((n, f"{key[0]} ({key[1]}) already on line {seen[key]}"))
            continue
        seen[key] = n
        rows.append(row)
    if errors:
        raise ImportRefused("line", errors)
    return rows


def import_jsonl(lines: Iterable[str], *, source: str, user: str) -> dict:
    """Import items (created or updated, idempotently) with their documents, meetings,
    themes and assignments; everything or nothing. `source` names the file (recorded on
    the imported assignments)."""
    rows = read_jsonl(lines)
    from recueil.store.db import write_transaction
    from recueil.store.models import Item

    # The store's write transaction: the search index follows the imported items before
    # it commits (only the lines that created or changed an item are analysed).
    with write_transaction(Item.objects.db):
        res = _write(rows, source=source, user=user)
    return res.as_dict()


def _document_for(row: dict, ref: Ref, docs: dict, res: ImportResult):
    from recueil.store.models import Document

    name = row.get("source_file") or f"{row.get('symbol') or ref.part}.jsonl"
    doc = docs.get(name)
    if doc is None:
        doc = Document.objects.filter(source_file=name).first()
        if doc is None:
            kind = row.get("document_kind") or (
                DocumentKind.REPORT.value if ref.part == Part.A else DocumentKind.RESOLUTION.value
            )
            doc = Document.objects.create(
                source_file=name, title=row.get("symbol") or name, symbol=row.get("symbol"),
                kind=kind, language=row.get("language") or "fr", format="jsonl",
                checksum=hashlib.sha256(name.encode()).hexdigest(), raw_text="",
            )  # fmt: skip
            res.documents_created += 1
        docs[name] = doc
    return doc


LOOKUP_CHUNK = 5000  # refs per lookup query (SQLite allows 32 766 or 250 000 parameters)


def _write(rows: list[dict], *, source: str, user: str) -> ImportResult:
    from recueil.store.models import Assignment, Item, Meeting, ThemeRejection
    from recueil.store.writer import _meeting_for, _theme_for, sort_key

    res = ImportResult(lines=len(rows))
    meetings_before = Meeting.objects.count()
    refs = sorted({str(r["ref"]) for r in rows})
    existing = {
        (i.ref, i.status): i
        for start in range(0, len(refs), LOOKUP_CHUNK)  # SQLite caps a query's parameters
        for i in Item.objects.filter(ref__in=refs[start : start + LOOKUP_CHUNK])
    }
    docs: dict[str, object] = {}
    meetings: dict[tuple, object] = {}
    # parents before children: a subparagraph's parent gets its id first
    rows.sort(key=lambda r: len(r["ref"].path))
    by_key: dict[tuple[str, str], Item] = dict(existing)
    pending: list[Item] = []
    changed: list[Item] = []
    update_fields: set[str] = set()
    depth = None
    for r in rows:
        d = len(r["ref"].path)
        if depth is not None and d != depth and pending:  # flush a level before the next
            _insert_items(pending)
            pending = []
        depth = d
        ref, row = r["ref"], r["row"]
        key = (str(ref), r["status"])
        mkey = (ref.part, ref.meeting, getattr(ref, "symbol", None))
        if mkey not in meetings:
            meetings[mkey] = _meeting_for(ref)
        parent = by_key.get((str(ref.parent), r["status"])) if ref.parent else None
        if ref.parent and parent is None:
            parent = Item.objects.filter(ref=str(ref.parent), status=r["status"]).first()
        values = {
            "kind": r["kind"], "text": row["text"], "raw_text": row.get("raw_text") or row["text"],
            "line": row.get("line"), **{f: row.get(f) for f in _TEXT_FIELDS if f != "raw_text"},
            **r["extra"],
        }  # fmt: skip
        item = by_key.get(key)
        if item is None:
            item = Item(
                ref=key[0], status=key[1], part=str(ref.part), meeting=meetings[mkey],
                number=ref.number, sub=ref.sub, sort_key=sort_key(ref), parent=parent,
                document=_document_for(row, ref, docs, res), **values,
            )  # fmt: skip
            pending.append(item)
            by_key[key] = item
            res.items_created += 1
            continue
        diff = [f for f, v in values.items() if getattr(item, f) != v]
        if parent is not None and item.parent_id != parent.pk:
            item.parent = parent
            diff.append("parent")
        if diff:
            for f in diff:
                if f != "parent":
                    setattr(item, f, values[f])
            changed.append(item)
            update_fields.update(diff)
            res.items_updated += 1
        else:
            res.items_unchanged += 1
    if pending:
        _insert_items(pending)
    if changed:
        Item.objects.bulk_update(changed, sorted(update_fields), batch_size=BATCH)
    res.meetings_created = Meeting.objects.count() - meetings_before
    # themes and assignments
    themes: dict[str, object] = {}
    wanted: list[tuple[int, object, int]] = []
    for r in rows:
        item = by_key[(str(r["ref"]), r["status"])]
        for label in r["themes"]:
            if label not in themes:
                theme, created = _theme_for(label)
                themes[label] = theme
                res.themes_created += int(created)
            wanted.append((item.pk, themes[label], r["line_no"]))
    ids = sorted({w[0] for w in wanted})
    have = {
        pair
        for start in range(0, len(ids), LOOKUP_CHUNK)
        for pair in Assignment.objects.filter(
            item_id__in=ids[start : start + LOOKUP_CHUNK]
        ).values_list("item_id", "theme_id")
    }
    rejected = set(ThemeRejection.objects.values_list("item_id", "theme_id"))
    new = []
    for item_id, theme, line_no in wanted:
        pair = (item_id, theme.pk)
        if pair in have:
            continue
        if pair in rejected:  # an editor removed or rejected it: that decision stands
            res.assignments_kept_removed += 1
            continue
        have.add(pair)
        new.append(Assignment(item_id=item_id, theme=theme, origin=Origin.IMPORTED.value,
                              user=user, note=f"{source} line {line_no}"))  # fmt: skip
    _insert(Assignment, new)
    res.assignments_created = len(new)
    return res


def _insert(model, objs: list) -> None:
    """Insert many rows: `COPY … FROM STDIN` on PostgreSQL, one `executemany` per batch on
    SQLite (Django's bulk_create builds one statement per ~40 rows there, under its 999
    parameters). Field values are prepared by Django's fields, as a save would."""
    from django.db import connections

    if not objs:
        return
    conn = connections[model.objects.db]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    table = conn.ops.quote_name(model._meta.db_table)
    columns = ", ".join(conn.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
    with conn.cursor() as cursor:
        for start in range(0, len(objs), BATCH):
            batch = objs[start : start + BATCH]
            for obj in batch:  # a parent inserted in an earlier level has its id now
                for f in fields:
                    if f.is_relation and getattr(obj, f.attname) is None:
                        related = getattr(obj, f.name, None)
                        if related is not None:
                            setattr(obj, f.attname, related.pk)
            rows = [[f.get_db_prep_save(f.pre_save(obj, True), conn) for f in fields]
                    for obj in batch]  # fmt: skip
            if conn.vendor == "postgresql":  # COPY: the bulk path of PostgreSQL
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(sql, rows)


def _insert_items(items: list) -> None:
    """Insert items, then read their ids back (their children and themes need them)."""
    from recueil.store.models import Item

    _insert(Item, items)
    by_key = {(i.ref, i.status): i for i in items}
    refs = list({i.ref for i in items})
    for start in range(0, len(refs), 500):
        for ref, status, pk in Item.objects.filter(ref__in=refs[start : start + 500]).values_list(
            "ref", "status", "id"
        ):
            obj = by_key.get((ref, status))
            if obj is not None:
                obj.pk = pk
                obj._state.adding = False


# --- CSV of theme assignments ---------------------------------------------------------------


def read_assignments(text: str) -> list[dict]:
    """Rows of an edited CSV export: {"row", "ref", "status", "themes"}; the columns needed
    are `ref` and `themes` (`status` optional). Checks every row against the store."""
    from recueil.store.models import Item, Theme

    reader = csv.DictReader(io.StringIO(text.lstrip(BOM)))
    if not reader.fieldnames or not {"ref", "themes"} <= set(reader.fieldnames):
        raise ImportRefused("row", [(1, "the header must name the columns `ref` and `themes`")])
    live = {t.label: t for t in Theme.objects.all()}
    rows, errors, seen = [], [], {}
    for n, rec in enumerate(reader, start=2):  # row 1 is the header
        try:
            ref = str(Ref.parse(rec.get("ref") or ""))
        except ValueError as exc:
            errors.append((n, str(exc)))
            continue
        status = (rec.get("status") or Status.ADOPTED.value).strip()
        labels = [t.strip() for t in (rec.get("themes") or "").split(LIST_SEPARATOR.strip())]
        labels = list(dict.fromkeys(t for t in labels if t))
        problems = []
        item = Item.objects.filter(ref=ref, status=status).first()
        if item is None:
            problems.append(f"no {status} item {ref}")
        for label in labels:
            t = live.get(label)
            if t is None:
                problems.append(f"no theme {label!r}")
            elif t.retired:
                problems.append(f"theme {label!r} is retired")
        if (ref, status) in seen:
            problems.append(f"{ref} already on row {seen[(ref, status)]}")
        seen[(ref, status)] = n
        if item is not None and status != Status.ADOPTED.value:
            current = set(item.assignments.values_list("theme__label", flat=True))
            if current != set(labels):
                problems.append("only adopted items can be re-indexed (this row is a draft)")
        if problems:
            errors.append((n, "; ".join(problems)))
            continue
        rows.append({"row": n, "ref": ref, "status": status, "themes": labels})
    if errors:
        raise ImportRefused("row", errors)
    return rows


def import_assignments(text: str, *, user: str, note: str | None = None) -> dict:
    """Apply an edited CSV of theme assignments: each theme added to or removed from an
    item is one audited decision (curation.add / curation.remove, the web's own); all or
    nothing. Returns {"rows", "added", "removed", "unchanged", "events": [ids]}."""
    from recueil.store import curation
    from recueil.store.models import Assignment

    rows = read_assignments(text)
    note = note or "CSV import"
    added = removed = unchanged = 0
    events: list[int] = []
    from recueil.store.db import write_transaction

    with write_transaction(Assignment.objects.db):
        for r in rows:
            if r["status"] != Status.ADOPTED.value:
                unchanged += 1
                continue
            current = set(
                Assignment.objects.filter(
                    item__ref=r["ref"], item__status=Status.ADOPTED.value
                ).values_list("theme__label", flat=True)
            )
            wanted = set(r["themes"])
            if current == wanted:
                unchanged += 1
            for label in sorted(wanted - current):
                events.append(curation.add(r["ref"], label, user=user, note=note)["id"])
                added += 1
            for label in sorted(current - wanted):
                events.append(curation.remove(r["ref"], label, user=user, note=note)["id"])
                removed += 1
    return {"rows": len(rows), "added": added, "removed": removed, "unchanged": unchanged,
            "events": events}  # fmt: skip
