"""Read and curate operations shared by every interface (CLI now; web and API later).

Each function returns plain dicts with the stable field names of `recueil export`, so the
CLI, the API and the web pages show the same data the same way.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch, Q

from recueil.model import Origin, Ref, Status, from_roman
from recueil.store.models import Assignment, Document, IngestWarning, Item, Meeting, Theme

EXPORT_FIELDS = (
    "ref", "part", "meeting", "session", "number", "sub", "status", "kind", "symbol",
    "report_paragraph", "recommendation_number", "section", "instrument", "text", "raw_text",
    "themes", "source_file", "line",
)  # fmt: skip


class NotFound(LookupError):
    """A reference, theme or meeting the user named does not exist."""


def _items_qs():
    return Item.objects.select_related("meeting", "document").prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.select_related("theme"))
    )


def item_dict(item: Item) -> dict:
    roman = item.meeting.roman
    return {
        "ref": item.ref,
        "part": item.part,
        "meeting": roman if item.part == "A" else None,
        "session": roman if item.part == "B" else None,
        "number": item.number,
        "sub": item.sub,
        "status": item.status,
        "kind": item.kind,
        "symbol": item.symbol,
        "report_paragraph": item.report_paragraph,
        "recommendation_number": item.recommendation_number,
        "section": item.section,
        "instrument": item.instrument,
        "text": item.text,
        "raw_text": item.raw_text,
        "themes": sorted(a.theme.label for a in item.assignments.all()),
        "source_file": item.document.source_file,
        "line": item.line,
    }


def list_items(
    *,
    part: str | None = None,
    meeting: str | None = None,
    theme: str | None = None,
    status: str | None = None,
) -> list[dict]:
    qs = _items_qs()
    if part:
        qs = qs.filter(part=part.upper())
    if meeting:
        number = int(meeting) if str(meeting).isdigit() else from_roman(str(meeting))
        qs = qs.filter(meeting__number=number)
    if theme:
        t = find_theme(theme)
        qs = qs.filter(assignments__theme__in=[t, *t.children.all()]).distinct()
    if status:
        qs = qs.filter(status=status)
    return [item_dict(i) for i in qs.order_by("sort_key", "status")]


def get_item(ref: str, *, status: str = Status.ADOPTED.value) -> dict:
    """One item with its sources, conflicts, children and assignment provenance."""
    key = str(Ref.parse(ref))
    item = _items_qs().filter(ref=key, status=status).first()
    if item is None:
        other = Item.objects.filter(ref=key).values_list("status", flat=True)
        hint = f" (exists as {', '.join(other)}: use --status)" if other else ""
        raise NotFound(f"no {status} item {key}{hint}")
    out = item_dict(item)
    out["meeting_title"] = item.meeting.title
    out["meeting_dates"] = item.meeting.date_text
    out["children"] = [c.ref for c in item.children.order_by("sort_key")]
    out["parent"] = item.parent.ref if item.parent else None
    out["sources"] = [
        {
            "source_file": s.document.source_file,
            "symbol": s.document.symbol,
            "kind": s.document.kind,
            "line": s.line,
            "agrees": s.agrees,
            "text": s.text,
        }
        for s in item.sources.select_related("document").order_by("document__source_file")
    ]
    out["assignments"] = [
        {
            "theme": a.theme.label,
            "origin": a.origin,
            "user": a.user,
            "created_at": a.created_at.isoformat(),
            "note": a.note,
        }
        for a in item.assignments.all()
    ]
    out["other_versions"] = [
        {"ref": o.ref, "status": o.status, "source_file": o.document.source_file}
        for o in Item.objects.filter(ref=key).exclude(id=item.id).select_related("document")
    ]
    out["citation"] = citation(item)
    return out


def citation(item: Item) -> str:
    """The citation a delegate copies: source symbol and paragraph, then the recueil ref."""
    parts = []
    if item.instrument:
        parts.append(item.instrument)
    if item.symbol:
        parts.append(item.symbol)
    else:  # no symbol printed: the document's own title and date identify it
        doc = item.document
        issued = f", {doc.issued.strftime('%d/%m/%Y')}" if doc.issued else ""
        parts.append(f"{doc.title}{issued}")
    if item.report_paragraph:
        paragraph = item.report_paragraph
        parts.append(paragraph if paragraph.startswith("al.") else f"par. {paragraph}")
    elif item.recommendation_number:
        parts.append(f"recommandation {item.recommendation_number}")
    draft = " – projet" if item.status == Status.DRAFT.value else ""
    return f"{', '.join(parts)} (Recueil {item.ref}{draft})"


def find_theme(label: str) -> Theme:
    theme = (
        Theme.objects.filter(label=label).first()
        or Theme.objects.filter(label__iexact=label).first()
    )
    if theme is None:
        close = Theme.objects.filter(label__icontains=label).values_list("label", flat=True)[:5]
        hint = f"; did you mean: {' | '.join(close)}" if close else ""
        raise NotFound(f"no theme {label!r}{hint}")
    return theme


def list_themes() -> list[dict]:
    rows = []
    for t in Theme.objects.select_related("parent").order_by("label"):
        items = Item.objects.filter(assignments__theme=t)
        rows.append(
            {
                "label": t.label,
                "parent": t.parent.label if t.parent else None,
                "items": items.count(),
                "part_a": items.filter(part="A").count(),
                "part_b": items.filter(part="B").count(),
            }
        )
    return rows


def list_meetings() -> list[dict]:
    return [
        {
            "part": m.part,
            "number": m.roman,
            "title": m.title,
            "dates": m.date_text,
            "start_date": m.start_date.isoformat() if m.start_date else None,
            "report_symbol": m.report_symbol,
            "items": m.items.filter(parent__isnull=True, status=Status.ADOPTED.value).count(),
        }
        for m in Meeting.objects.order_by("part", "number")
    ]


def list_documents() -> list[dict]:
    return [
        {
            "source_file": d.source_file,
            "symbol": d.symbol,
            "kind": d.kind,
            "title": d.title,
            "meeting": d.meeting,
            "session": d.session,
            "distribution": d.distribution,
            "issued": d.issued.isoformat() if d.issued else None,
            "items": d.items.count(),
            "paragraphs": d.paragraphs.count(),
            "checksum": d.checksum,
        }
        for d in Document.objects.order_by("source_file")
    ]


def list_warnings(kind: str | None = None) -> list[dict]:
    qs = IngestWarning.objects.select_related("document")
    if kind:
        qs = qs.filter(kind=kind)
    return [
        {
            "source_file": w.document.source_file,
            "line": w.line,
            "kind": w.kind,
            "ref": w.ref,
            "message": w.message,
        }
        for w in qs
    ]


def counts() -> dict:
    return {
        "documents": Document.objects.count(),
        "items": Item.objects.count(),
        "themes": Theme.objects.count(),
        "assignments": Assignment.objects.count(),
        "warnings": IngestWarning.objects.count(),
    }


def assign(ref: str, theme_label: str, *, user: str, create_theme: bool = False) -> dict:
    """An editor gives a theme to an adopted item (origin curated, who and when)."""
    key = str(Ref.parse(ref))
    item = Item.objects.filter(ref=key, status=Status.ADOPTED.value).first()
    if item is None:
        raise NotFound(f"no adopted item {key}")
    with transaction.atomic(using=Item.objects.db):
        if create_theme:
            theme, _ = Theme.objects.get_or_create(label=theme_label)
        else:
            theme = find_theme(theme_label)
        a, created = Assignment.objects.get_or_create(
            item=item, theme=theme, defaults={"origin": Origin.CURATED.value, "user": user}
        )
        if not created and a.origin != Origin.CURATED.value:
            a.origin, a.user = Origin.CURATED.value, user  # an editor confirmed it
            a.save()
    return {"ref": key, "theme": theme.label, "origin": a.origin, "created": created}


def unassign(ref: str, theme_label: str) -> dict:
    key = str(Ref.parse(ref))
    theme = find_theme(theme_label)
    deleted, _ = Assignment.objects.filter(
        Q(item__ref=key) & Q(item__status=Status.ADOPTED.value) & Q(theme=theme)
    ).delete()
    if not deleted:
        raise NotFound(f"{key} has no theme {theme.label!r}")
    return {"ref": key, "theme": theme.label, "removed": True}


# --- Publication reads (issue 3: recueil.publish builds the compendium from these) ---------


def _publication_item(item: Item) -> dict:
    return {
        "ref": item.ref,
        "part": item.part,
        "meeting": item.meeting.number,
        "kind": item.kind,
        "section": item.section,
        "instrument": item.instrument,
        "symbol": item.symbol,
        "report_paragraph": item.report_paragraph,
        "recommendation_number": item.recommendation_number,
        "text": item.text,
        "children": [],
    }


def publication_meetings(keys: list[tuple[str, int]] | None = None) -> list[dict]:
    """Meetings (A) and sessions (B) that have adopted items, each with its adopted items as a
    tree in document order. `keys` = [(part, number)] restricts; None means every meeting.
    Drafts are never returned."""
    meetings = Meeting.objects.order_by("part", "number")
    items = Item.objects.filter(status=Status.ADOPTED.value).select_related("meeting")
    if keys is not None:
        wanted = Q(pk__in=[])
        for part, number in keys:
            wanted |= Q(part=part, number=number)
        meetings = meetings.filter(wanted)
        items = items.filter(meeting__in=meetings)
    by_meeting: dict[int, list[dict]] = {}
    nodes: dict[int, dict] = {}
    for item in items.order_by("sort_key"):
        node = _publication_item(item)
        nodes[item.id] = node
        parent = nodes.get(item.parent_id) if item.parent_id else None
        if parent is not None:
            parent["children"].append(node)
        else:
            by_meeting.setdefault(item.meeting_id, []).append(node)
    return [
        {
            "part": m.part,
            "number": m.number,
            "title": m.title,
            "date_text": m.date_text,
            "start_date": m.start_date,
            "end_date": m.end_date,
            "venue": m.venue,
            "report_symbol": m.report_symbol,
            "instruments": list(m.instruments or []),
            "items": by_meeting[m.id],
        }
        for m in meetings
        if m.id in by_meeting
    ]


def publication_assignments(
    keys: list[tuple[str, int]] | None = None,
    origins: tuple[str, ...] = (Origin.IMPORTED.value, Origin.CURATED.value),
) -> list[dict]:
    """(theme, adopted item) pairs for the thematic index, with the item's citation cells.

    Suggested assignments are not reviewed and never published (default `origins`)."""
    qs = Assignment.objects.filter(
        item__status=Status.ADOPTED.value, origin__in=list(origins)
    ).select_related("item", "item__meeting", "theme", "theme__parent")
    if keys is not None:
        wanted = Q(pk__in=[])
        for part, number in keys:
            wanted |= Q(item__meeting__part=part, item__meeting__number=number)
        qs = qs.filter(wanted)
    return [
        {
            "theme": a.theme.label,
            "theme_parent": a.theme.parent.label if a.theme.parent else None,
            "origin": a.origin,
            "ref": a.item.ref,
            "part": a.item.part,
            "meeting": a.item.meeting.number,
            "meeting_symbol": a.item.meeting.report_symbol,
            "symbol": a.item.symbol,
            "instrument": a.item.instrument,
            "report_paragraph": a.item.report_paragraph,
            "recommendation_number": a.item.recommendation_number,
        }
        for a in qs.order_by("theme__label", "item__sort_key")
    ]
