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
    if item.report_paragraph:
        parts.append(f"par. {item.report_paragraph}")
    elif item.recommendation_number:
        parts.append(f"recommandation {item.recommendation_number}")
    draft = " – projet" if item.status == Status.DRAFT.value else ""
    head = ", ".join(parts) if parts else item.document.source_file
    return f"{head} (Recueil {item.ref}{draft})"


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
