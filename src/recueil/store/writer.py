"""Saving one parsed document: idempotent, never losing curated data or adopted text.

Rules: the same bytes twice change nothing; an edited file updates the items it is the
primary source of and keeps every curated assignment; a second source with a different
text for the same citation is recorded as a conflicting reading and flagged, not applied;
a draft is keyed apart from the adopted item, so it can never replace it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from recueil.model import (
    DocumentKind,
    Origin,
    ParsedDocument,
    ParsedItem,
    Part,
    Ref,
    SourceLike,
    Status,
    ordinal_fr,
    text_key,
)
from recueil.store.db import write_transaction
from recueil.store.models import (
    Assignment,
    Document,
    IngestWarning,
    Item,
    ItemSource,
    Meeting,
    Paragraph,
    Theme,
    ThemeRejection,
)


@dataclass
class SaveResult:
    """What one `save_document` call did, for the ingest summary."""

    source_file: str
    status: str  # created | updated | unchanged
    items_created: int = 0
    items_updated: int = 0
    items_unchanged: int = 0
    items_removed: int = 0
    items_kept_curated: int = 0
    sources_added: int = 0
    conflicts: int = 0
    paragraphs: int = 0
    themes_created: int = 0
    assignments_created: int = 0
    assignments_removed: int = 0
    warnings: list[str] = field(default_factory=list)


def _ordinal(n: int, width: int) -> str:
    """`n` zero-padded to `width` digits, or — for a number of any larger size — "~", its
    digit count and its digits: sorts after every padded number and in numeric order among
    the large ones, while keys already stored for smaller numbers stay as they were."""
    text = str(n)
    return text.zfill(width) if len(text) <= width else f"~{len(text):03d}{text}"


def sort_key(ref: Ref) -> str:
    """A string that orders items in document order under plain text comparison.

    Meetings up to 999 keep their three digits and paragraph numbers up to 9999 their
    four; larger ones sort after them (see `_ordinal`). A symbol reference sorts by its
    symbol (`SA/RES/80/228.…`).
    """
    segs = ".".join(f"{k}{_ordinal(n, 4)}{s:<6}" for k, n, s in ref.sort_key()[2])
    if ref.symbol:
        return f"{ref.part}{ref.symbol}.{segs}"
    n = ref.meeting
    number = f"{n:03d}" if n < 1000 else f"~{len(str(n))}{n}"
    return f"{ref.part}{number}.{segs}"


def save_document(
    alias: str, source: SourceLike, parsed: ParsedDocument, *, user: str | None = None
) -> SaveResult:
    name = Path(source.path).name
    with write_transaction(alias):
        doc = Document.objects.filter(source_file=name).first()
        if doc is not None and doc.checksum == source.sha256:
            return SaveResult(name, "unchanged")
        twin = Document.objects.filter(checksum=source.sha256).exclude(source_file=name).first()
        if twin is not None:
            res = SaveResult(name, "unchanged")
            res.warnings.append(f"{name}: same content as already ingested {twin.source_file}")
            return res
        status = "updated" if doc is not None else "created"
        doc = _save_document_row(doc, name, source, parsed)
        res = SaveResult(name, status)
        IngestWarning.objects.filter(document=doc).delete()
        for message in parsed.warnings:
            line, message = _split_location(message)
            _warn(res, doc, "parser", message, line=line)
        for message in parsed.gaps:  # accepted with --accept-gaps (see ingest.sequence_check)
            m = _GAP_LINE_RE.match(message)
            line, message = (int(m[1]), message[m.end() :]) if m else (None, message)
            _warn(res, doc, "gap", message, line=line)
        _save_meetings(doc, parsed)
        _save_items(doc, parsed, res)
        _save_paragraphs(doc, parsed, res)
        _save_themes_and_assignments(doc, parsed, res, user)
        return res


def _save_document_row(
    doc: Document | None, name: str, source: SourceLike, parsed: ParsedDocument
) -> Document:
    values = {
        "symbol": parsed.symbol,
        "title": parsed.title,
        "body": parsed.body,
        "kind": parsed.kind.value,
        "meeting": parsed.meeting,
        "session": parsed.session,
        "start_date": parsed.start_date,
        "end_date": parsed.end_date,
        "issued": parsed.issued,
        "venue": parsed.venue,
        "language": parsed.language,
        "original_language": parsed.original_language,
        "distribution": parsed.distribution.value if parsed.distribution else None,
        "format": source.format,
        "encoding": source.encoding,
        "checksum": source.sha256,
        "size": source.size,
        "raw_text": source.text,
    }
    if doc is None:
        return Document.objects.create(source_file=name, **values)
    for key, value in values.items():
        setattr(doc, key, value)
    doc.save()
    return doc


def _warn(res: SaveResult, doc: Document, kind: str, message: str, *, ref=None, line=None):
    IngestWarning.objects.create(
        document=doc, kind=kind, ref=str(ref) if ref else None, line=line, message=message
    )
    where = f"{doc.source_file}:{line}" if line else doc.source_file
    res.warnings.append(f"{where}: {message}")


_LOCATION_RE = re.compile(r"^\S+?:(\d+): ")
_GAP_LINE_RE = re.compile(r"^line (\d+): ")


def _split_location(message: str) -> tuple[int | None, str]:
    """Parsers may prefix "path:line: "; the warning row stores the line on its own."""
    m = _LOCATION_RE.match(message)
    return (int(m.group(1)), message[m.end() :]) if m else (None, message)


def _save_meetings(doc: Document, parsed: ParsedDocument) -> None:
    """Create meetings; fill in what is missing, never overwrite what another source gave."""
    for m in parsed.meetings:
        meeting, _ = Meeting.objects.get_or_create(
            part=m.part.value, number=m.number, defaults={"title": m.title}
        )
        changed = False
        for attr in ("date_text", "start_date", "end_date", "venue", "report_symbol"):
            value = getattr(m, attr)
            if value and not getattr(meeting, attr):
                setattr(meeting, attr, value)
                changed = True
        if m.instruments and not meeting.instruments:
            meeting.instruments = m.instruments
            changed = True
        if changed:
            meeting.save()
    if parsed.kind in (DocumentKind.REPORT, DocumentKind.DRAFT_ADDENDUM) and parsed.meeting:
        meeting, _ = Meeting.objects.get_or_create(
            part=Part.A.value,
            number=parsed.meeting,
            defaults={"title": f"{ordinal_fr(parsed.meeting)} réunion"},
        )
        if parsed.kind == DocumentKind.REPORT:
            for attr, value in (
                ("start_date", parsed.start_date),
                ("end_date", parsed.end_date),
                ("venue", parsed.venue),
                ("report_symbol", parsed.symbol),
            ):
                if value and not getattr(meeting, attr):
                    setattr(meeting, attr, value)
            meeting.save()


def _meeting_for(ref: Ref, parsed: ParsedDocument | None = None) -> Meeting:
    if ref.symbol:  # a document cited by its symbol: one pseudo-meeting per symbol (part S)
        meeting = Meeting.objects.filter(part=Part.S.value, report_symbol=ref.symbol).first()
        if meeting is None:
            last = Meeting.objects.filter(part=Part.S.value).order_by("-number").first()
            meeting = Meeting.objects.create(
                part=Part.S.value,
                number=(last.number + 1) if last else 1,
                title=ref.symbol[:200],
                report_symbol=ref.symbol,
                start_date=parsed.start_date if parsed else None,
                end_date=parsed.end_date if parsed else None,
            )
        return meeting
    meeting, _ = Meeting.objects.get_or_create(
        part=ref.part.value,
        number=ref.meeting,
        defaults={
            "title": f"{ordinal_fr(ref.meeting)} {'réunion' if ref.part == 'A' else 'session'}"
        },
    )
    return meeting


_ITEM_FIELDS = (
    "kind", "section", "instrument", "symbol", "report_paragraph", "recommendation_number",
    "text", "raw_text", "line", "recommending_states", "response",
)  # fmt: skip


def _item_values(p: ParsedItem, language: str) -> dict:
    values = {f: getattr(p, f) for f in _ITEM_FIELDS}
    values["kind"] = p.kind.value
    values["language"] = p.language or language
    return values


def _save_items(doc: Document, parsed: ParsedDocument, res: SaveResult) -> None:
    seen_items: set[int] = set()
    by_key: dict[tuple[str, str], Item] = {}
    for p in parsed.all_items():
        key = (str(p.ref), p.status.value)
        if key in by_key:
            _warn(res, doc, "duplicate", f"{p.ref} appears twice; kept the first", ref=p.ref,
                  line=p.line)  # fmt: skip
            continue
        parent = None
        if p.ref.parent is not None:
            parent = (
                by_key.get((str(p.ref.parent), p.status.value))
                or Item.objects.filter(ref=str(p.ref.parent), status=p.status.value).first()
            )
        item = Item.objects.filter(ref=key[0], status=key[1]).first()
        values = _item_values(p, parsed.language)
        language = values["language"]
        if item is None:
            item = Item.objects.create(
                ref=key[0],
                status=key[1],
                part=p.ref.part.value,
                meeting=_meeting_for(p.ref, parsed),
                number=p.ref.number,
                sub=p.ref.sub,
                sort_key=sort_key(p.ref),
                parent=parent,
                document=doc,
                **values,
            )
            res.items_created += 1
        elif item.document_id == doc.id:
            changed = [f for f, v in values.items() if getattr(item, f) != v]
            if changed or item.parent_id != (parent.id if parent else None):
                for f in changed:
                    setattr(item, f, values[f])
                item.parent = parent
                item.save()
                res.items_updated += 1
            else:
                res.items_unchanged += 1
        elif item.language != language:
            res.items_unchanged += 1  # another language version of the same item
        else:
            _add_second_reading(doc, item, p, res)
        by_key[key] = item
        seen_items.add(item.id)
        source, created = ItemSource.objects.update_or_create(
            item=item,
            document=doc,
            defaults={
                "line": p.line,
                "raw_text": p.raw_text,
                "text": p.text,
                "agrees": item.language != language or text_key(item.text) == text_key(p.text),
                "language": language,
            },
        )
        res.sources_added += int(created)
    ItemSource.objects.filter(document=doc).exclude(item_id__in=seen_items).delete()
    _remove_vanished_items(doc, seen_items, res)


def _add_second_reading(doc: Document, item: Item, p: ParsedItem, res: SaveResult) -> None:
    """Another document gives the same citation: keep the first text, flag a difference."""
    if text_key(item.text) != text_key(p.text):
        res.conflicts += 1
        _warn(
            res,
            doc,
            "conflict",
            f"text of {p.ref} differs from {item.document.source_file}; kept the existing text",
            ref=p.ref,
            line=p.line,
        )
    # metadata the first source did not know is added, never replaced
    changed = False
    for f in ("symbol", "report_paragraph", "recommendation_number", "section", "instrument"):
        if getattr(p, f) and not getattr(item, f):
            setattr(item, f, getattr(p, f))
            changed = True
    if changed:
        item.save()
    res.items_unchanged += 1


def _remove_vanished_items(doc: Document, seen: set[int], res: SaveResult) -> None:
    """Items an edited file no longer has go, unless an editor curated them."""
    gone = Item.objects.filter(document=doc).exclude(id__in=seen).order_by("-sort_key")
    for item in gone:
        if item.assignments.filter(origin=Origin.CURATED.value).exists():
            res.items_kept_curated += 1
            _warn(res, doc, "kept", f"{item.ref} is no longer in the file but has curated "
                  "themes: kept", ref=item.ref)  # fmt: skip
            continue
        other = item.sources.exclude(document=doc).first()
        if other is not None:  # another document still has it: it becomes the primary source
            item.document = other.document
            item.text, item.raw_text, item.line = other.text, other.raw_text, other.line
            item.language = other.language or other.document.language
            item.save()
            continue
        item.delete()
        res.items_removed += 1


def _save_paragraphs(doc: Document, parsed: ParsedDocument, res: SaveResult) -> None:
    Paragraph.objects.filter(document=doc).delete()
    Paragraph.objects.bulk_create(
        Paragraph(
            document=doc,
            number=p.number,
            position=i,
            section=p.section,
            text=p.text,
            raw_text=p.raw_text,
            line=p.line,
        )
        for i, p in enumerate(parsed.paragraphs)
    )
    res.paragraphs = len(parsed.paragraphs)


def _theme_for(label: str) -> tuple[Theme, bool]:
    """The theme an index label names now: itself, the theme it was merged into, or the
    theme it was renamed to (former labels are kept as aliases); created if none."""
    theme = Theme.objects.filter(label=label).first()
    if theme is None:
        theme = next((t for t in Theme.objects.exclude(aliases=[]) if label in t.aliases), None)
    if theme is None:
        return Theme.objects.create(label=label), True
    seen = {theme.pk}
    while theme.merged_into_id and theme.merged_into_id not in seen:
        theme = theme.merged_into
        seen.add(theme.pk)
    return theme, False


def _save_themes_and_assignments(
    doc: Document, parsed: ParsedDocument, res: SaveResult, user: str | None
) -> None:
    themes: dict[str, Theme] = {}
    for t in parsed.themes:
        theme, created = _theme_for(t.label)
        res.themes_created += int(created)
        themes[t.label] = theme
    for t in parsed.themes:
        # a label that now leads elsewhere (renamed or merged theme): the editor's structure
        # of that theme stands
        if t.parent and themes[t.label].parent_id is None and themes[t.label].label == t.label:
            parent = themes.get(t.parent) or _theme_for(t.parent)[0]
            if parent.pk != themes[t.label].pk:
                themes[t.label].parent = parent
                themes[t.label].save()
    rejected = set(ThemeRejection.objects.values_list("item_id", "theme_id"))
    wanted: set[tuple[int, int]] = set()
    for e in parsed.index_entries:
        item = Item.objects.filter(ref=str(e.ref), status=Status.ADOPTED.value).first()
        if item is None:
            _warn(res, doc, "unresolved", f"index entry {e.ref} ({e.theme}) names no item",
                  ref=e.ref, line=e.line)  # fmt: skip
            continue
        theme = themes.get(e.theme) or _theme_for(e.theme)[0]
        if (item.id, theme.id) in rejected:
            _warn(res, doc, "kept-removed", f"index entry {e.ref} ({e.theme}) not re-imported:"
                  " an editor removed or rejected this theme for this item", ref=e.ref,
                  line=e.line)  # fmt: skip
            continue
        wanted.add((item.id, theme.id))
        note = " ".join(x for x in (e.symbol, e.instrument, e.paragraph or e.recommendation) if x)
        _, created = Assignment.objects.get_or_create(
            item=item,
            theme=theme,
            defaults={
                "origin": Origin.IMPORTED.value,
                "user": user,
                "note": f"{note} (line {e.line})" if e.line else note,
                "document": doc,
            },
        )
        res.assignments_created += int(created)
    stale = Assignment.objects.filter(document=doc, origin=Origin.IMPORTED.value)
    for a in stale:
        if (a.item_id, a.theme_id) not in wanted:
            a.delete()
            res.assignments_removed += 1
