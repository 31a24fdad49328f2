"""Read and curate operations shared by every interface (CLI now; web and API later).

Each function returns plain dicts with the stable field names of `recueil export`, so the
CLI, the API and the web pages show the same data the same way.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q

from recueil.collate import sorted_by
from recueil.model import Origin, Ref, Status, meeting_number
from recueil.store.models import Assignment, Document, IngestWarning, Item, Meeting, Theme

EXPORT_FIELDS = (
    "ref", "part", "meeting", "session", "number", "sub", "status", "kind", "symbol",
    "report_paragraph", "recommendation_number", "section", "instrument", "text", "raw_text",
    "themes", "source_file", "line", "language", "document_kind", "recommending_states",
    "response",
)  # fmt: skip


class NotFound(LookupError):
    """A reference, theme or meeting the user named does not exist."""


def _items_qs():
    return Item.objects.select_related("meeting", "document").prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.select_related("theme"))
    )


def item_dict(item: Item) -> dict:
    """An item's export fields. Part S items (cited by their document's symbol) have no
    meeting or session; `recommending_states` and `response` are UPR fields (else empty)."""
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
        "language": item.language,
        "document_kind": item.document.kind,
        "recommending_states": list(item.recommending_states or []),
        "response": item.response,
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
        number = meeting_number(meeting)
        qs = qs.filter(meeting__number=number)
    if theme:
        t = find_theme(theme)
        qs = qs.filter(assignments__theme__in=[t, *t.children.all()]).distinct()
    if status:
        qs = qs.filter(status=status)
    return [item_dict(i) for i in qs.order_by("sort_key", "status")]


def get_item(ref: str, *, status: str = Status.ADOPTED.value, lang: str | None = None) -> dict:
    """One item with its sources, conflicts, children and assignment provenance.

    `lang` picks a language version (`text`, `raw_text`, `language` are then that
    version's); `languages` lists every version there is."""
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
            "label": document_label(s.document),
            "symbol": s.document.symbol,
            "kind": s.document.kind,
            "line": s.line,
            "agrees": s.agrees,
            "text": s.text,
        }
        for s in item.sources.select_related("document").order_by("document__source_file")
    ]
    out["assignments"] = [assignment_dict(a) for a in item.assignments.all()]
    out["other_versions"] = [
        {"ref": o.ref, "status": o.status, "source_file": o.document.source_file}
        for o in Item.objects.filter(ref=key).exclude(id=item.id).select_related("document")
    ]
    out["citation"] = citation(item)
    out["document_label"] = document_label(item.document)
    out["enclosing_paragraph"] = enclosing_paragraph(item)
    versions = item_versions(item)
    out["languages"] = versions
    if lang and lang != item.language:
        version = next((v for v in versions if v["language"] == lang), None)
        if version is None:
            have = ", ".join(v["language"] for v in versions)
            raise NotFound(f"no {lang} version of {key} (versions: {have})")
        out.update(text=version["text"], raw_text=version["raw_text"], language=lang,
                   source_file=version["source_file"], line=version["line"])  # fmt: skip
    return out


def item_versions(item: Item) -> list[dict]:
    """The language versions of an item: its own text first, then one per other language
    (the first document read in that language)."""
    out = [{"language": item.language, "text": item.text, "raw_text": item.raw_text,
            "source_file": item.document.source_file, "line": item.line}]  # fmt: skip
    seen = {item.language}
    for s in item.sources.select_related("document").order_by("document__source_file"):
        language = s.language or s.document.language
        if language in seen:
            continue
        seen.add(language)
        out.append({"language": language, "text": s.text, "raw_text": s.raw_text,
                    "source_file": s.document.source_file, "line": s.line})  # fmt: skip
    return out


def enclosing_paragraph(item: Item) -> str | None:
    """The numbered report paragraph an item stands in when it has no number of its own.

    The 2020 and 2024 reports print "Recommandation 1, 2…" under one numbered paragraph
    ("3. … the Working Group adopted the recommendations below"): that paragraph is the
    item's place in the report. None when the item has its own paragraph number or its
    document numbers no paragraph before it."""
    from recueil.store.models import Paragraph

    if item.report_paragraph or item.line is None:
        return None
    before = (
        Paragraph.objects.filter(document_id=item.document_id, line__lte=item.line)
        .order_by("-line")
        .values_list("number", flat=True)
        .first()
    )
    return before or None


def document_label(doc: Document) -> str:
    """How a source is cited to a reader: its symbol, else its printed title and date (the
    stored file name is provenance, shown only on the document's own page)."""
    if doc.symbol:
        return doc.symbol
    issued = f", {doc.issued.strftime('%d/%m/%Y')}" if doc.issued else ""
    return f"{doc.title}{issued}" if doc.title else doc.source_file


def assignment_dict(a: Assignment) -> dict:
    """One theme of an item with where it came from, who decided and when."""
    return {
        "theme": a.theme.label,
        "theme_en": a.theme.label_en,
        "origin": a.origin,
        "user": a.user,
        "created_at": a.created_at.isoformat(),
        "note": a.note,
        "score": a.score,
    }


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
    if item.part == "S":
        parts.append(_symbol_paragraph(Ref.parse(item.ref), item))
    elif item.report_paragraph:
        paragraph = item.report_paragraph
        parts.append(paragraph if paragraph.startswith("al.") else f"par. {paragraph}")
    elif item.recommendation_number:
        parts.append(f"recommandation {item.recommendation_number}")
    draft = " – projet" if item.status == Status.DRAFT.value else ""
    return f"{', '.join(parts)} (Recueil {item.ref}{draft})"


_PARAGRAPH_WORDS = {  # language -> (preambular, paragraph, annex, recommendation)
    "en": ("preambular para.", "para.", "annex", "recommendation"),
    "fr": ("alinéa", "par.", "annexe", "recommandation"),
}


def _symbol_paragraph(ref: Ref, item: Item) -> str:
    """`para. 5 (b) (ii)`, `preambular para. 3`, `annex, para. 12`, `para. 145,
    recommendation 12` (French: `par. 5 b) ii)`, `alinéa 3 du préambule` …)."""
    pre, para, annex, rec = _PARAGRAPH_WORDS.get(item.language, _PARAGRAPH_WORDS["en"])
    subs = ref.path[2:]
    if item.language == "fr":
        tail = "".join(f" {s})" for s in subs)
    else:
        tail = "".join(f" ({s})" for s in subs)
    head, number = ref.path[0], ref.path[1]
    if head == "pp":
        return f"{pre} {number}{tail}" + (" du préambule" if item.language == "fr" else "")
    if head == "op":
        return f"{para} {number}{tail}"
    if head.startswith("annex"):
        return f"{annex}{(' ' + head[5:]) if head[5:] else ''}, {para} {number}{tail}"
    return f"{para} {head}, {rec} {number}{tail}"  # UPR: report paragraph, recommendation


def find_theme(label: str) -> Theme:
    theme = (
        Theme.objects.filter(label=label).first()
        or Theme.objects.filter(label__iexact=label).first()
    )
    if theme is None:  # a former label of a renamed theme
        theme = next((t for t in Theme.objects.exclude(aliases=[]) if label in t.aliases), None)
    if theme is None:
        close = Theme.objects.filter(label__icontains=label).values_list("label", flat=True)[:5]
        hint = f"; did you mean: {' | '.join(close)}" if close else ""
        raise NotFound(f"no theme {label!r}{hint}")
    return theme


def list_themes() -> list[dict]:
    rows = []
    for t in sorted_by(Theme.objects.select_related("parent"), lambda t: t.label):
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


# One definition of every count (issue 14). An *item* is one citable unit stored with its
# own reference: a Working Group recommendation, a COP operative paragraph, a preambular
# paragraph ("al.") or a lettered subparagraph of any of them. Counts are of adopted items
# (drafts apart) and are named as the compendium names them.
COUNT_FIELDS = ("recommendations", "paragraphs", "preambular", "subparagraphs", "items", "drafts")
COUNT_KINDS = {
    "recommendations": "recommendation",  # Part A, top level ("recommandations")
    "paragraphs": "operative",  # Part B, top level ("paragraphes")
    "preambular": "preambular",  # Part B, top level ("alinéas du préambule", cited al. N)
    "subparagraphs": "subparagraph",  # a), b), i)… of any of the above ("alinéas")
}


def meeting_counts() -> dict[int, dict]:
    """Per meeting id: the named counts of COUNT_FIELDS (one query for every page)."""
    from django.db.models import Count

    adopted = Q(items__status=Status.ADOPTED.value)
    annotations = {
        f"n_{name}": Count("items", filter=adopted & Q(items__kind=kind))
        for name, kind in COUNT_KINDS.items()
    }
    annotations["n_items"] = Count("items", filter=adopted)
    annotations["n_drafts"] = Count("items", filter=Q(items__status=Status.DRAFT.value))
    rows = Meeting.objects.annotate(**annotations).values("id", *annotations)
    return {row["id"]: {k: row[f"n_{k}"] for k in COUNT_FIELDS} for row in rows}


def list_meetings() -> list[dict]:
    counts = meeting_counts()
    return [
        {
            "part": m.part,
            "number": m.roman,
            "title": m.title,
            "dates": m.date_text,
            "start_date": m.start_date.isoformat() if m.start_date else None,
            "report_symbol": m.report_symbol,
            **counts[m.id],
        }
        for m in Meeting.objects.order_by("part", "number")
    ]


def meeting_keys(part: str | None = None) -> list[str]:
    """The meetings/sessions holding items, as `A:VII` (for error messages)."""
    qs = Meeting.objects.filter(items__isnull=False).distinct().order_by("part", "number")
    if part:
        qs = qs.filter(part=part.upper())
    return [f"{m.part}:{m.roman}" for m in qs]


def list_documents() -> list[dict]:
    return [
        {
            "source_file": d.source_file,
            "label": document_label(d),
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
    """An editor gives a theme to an adopted item (origin curated, who and when; audited
    by `recueil.store.curation`)."""
    from recueil.store import curation

    key = str(Ref.parse(ref))
    if create_theme and not Theme.objects.filter(label=theme_label).exists():
        curation.create_theme(theme_label, user=user)
    e = curation.add(key, theme_label, user=user)
    return {"ref": key, "theme": e["theme"], "origin": e["after"]["assignment"]["origin"],
            "created": e["before"]["assignment"] is None, "event": e["id"]}  # fmt: skip


def unassign(ref: str, theme_label: str, *, user: str = "cli") -> dict:
    """Take a theme off an item (audited; remembered so a re-ingest does not bring it back)."""
    from recueil.store import curation

    key = str(Ref.parse(ref))
    try:
        e = curation.remove(key, theme_label, user=user)
    except curation.CurationError as exc:
        raise NotFound(str(exc)) from exc
    return {"ref": key, "theme": e["theme"], "removed": True, "event": e["id"]}


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
    meetings = Meeting.objects.exclude(part="S").order_by("part", "number")
    items = Item.objects.filter(status=Status.ADOPTED.value).exclude(part="S")
    items = items.select_related("meeting")
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
    qs = (
        Assignment.objects.filter(item__status=Status.ADOPTED.value, origin__in=list(origins))
        .exclude(item__part="S")  # documents cited by symbol are not in the compendium
        .select_related("item", "item__meeting", "theme", "theme__parent")
    )
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


# --- Web reads (issue 4: each web page and its JSON twin in the REST API call these) ------


def _meeting_number(meeting: str | int) -> int:
    return meeting_number(meeting)


def filter_items(
    qs,
    *,
    part: str | None = None,
    meeting: str | None = None,
    theme: str | None = None,
    status: str | None = None,
):
    """The item filters of `list_items`, on any item queryset (shared by pages and API)."""
    if part:
        qs = qs.filter(part=part.upper())
    if meeting:
        qs = qs.filter(meeting__number=_meeting_number(meeting))
    if theme:
        t = find_theme(theme)
        qs = qs.filter(assignments__theme__in=[t, *t.children.all()]).distinct()
    if status:
        qs = qs.filter(status=status)
    return qs


def items_page(
    *,
    part: str | None = None,
    meeting: str | None = None,
    theme: str | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict:
    """One page of `list_items` (same filters, same dicts) with the total count."""
    qs = filter_items(_items_qs(), part=part, meeting=meeting, theme=theme, status=status)
    qs = qs.order_by("sort_key", "status")
    limit = max(1, min(int(limit), 500))
    offset = max(0, int(offset))
    return {
        "count": qs.count(),
        "limit": limit,
        "offset": offset,
        "items": [item_dict(i) for i in qs[offset : offset + limit]],
    }


def _meeting_key(m: Meeting) -> str:
    return f"{m.part}:{m.roman}"


def _meeting_head(m: Meeting) -> dict:
    return {
        "key": _meeting_key(m),
        "part": m.part,
        "number": m.roman,
        "title": m.title,
        "dates": m.date_text,
        "start_date": m.start_date.isoformat() if m.start_date else None,
        "year": m.start_date.year if m.start_date else None,
        "venue": m.venue,
        "report_symbol": m.report_symbol,
        "instruments": list(m.instruments or []),
    }


def collection_summary() -> dict:
    """What the collection holds: per part and per meeting counts, the latest meeting."""
    counts = meeting_counts()
    rows = []
    documents_by_symbol = {"items": 0, "top_level": 0, "documents": 0}
    for m in Meeting.objects.order_by("part", "number"):
        if m.part == "S":  # documents cited by their symbol are not meetings of the WG/COP
            c = counts[m.id]
            documents_by_symbol["items"] += c["items"]
            documents_by_symbol["top_level"] += c["items"] - c["subparagraphs"]
            documents_by_symbol["documents"] += 1
            continue
        row = _meeting_head(m)
        row.update(counts[m.id])
        rows.append(row)
    with_items = [r for r in rows if r["items"]]
    dated = [r for r in with_items if r["start_date"]]
    latest = max(dated, key=lambda r: r["start_date"]) if dated else None
    parts = {}
    for part in ("A", "B"):
        mine = [r for r in rows if r["part"] == part]
        parts[part] = {
            "meetings": sum(1 for r in mine if r["items"]),
            **{k: sum(r[k] for r in mine) for k in COUNT_FIELDS},
        }
    return {
        "parts": parts,
        "other_documents": documents_by_symbol,
        "meetings": rows,
        "latest": latest,
        "documents": Document.objects.count(),
        "themes": Theme.objects.count(),
        "assignments": Assignment.objects.count(),
        "drafts": Item.objects.filter(status=Status.DRAFT.value).count(),
    }


def _tree(items: list[Item]) -> list[dict]:
    """Item dicts nested under their parents (document order kept)."""
    nodes: dict[int, dict] = {}
    roots: list[dict] = []
    for item in items:
        node = item_dict(item)
        node["children"] = []
        nodes[item.id] = node
        parent = nodes.get(item.parent_id) if item.parent_id else None
        (parent["children"] if parent is not None else roots).append(node)
    return roots


def meeting_detail(part: str, number: str | int) -> dict:
    """One meeting or session: its metadata, then its items grouped by cluster heading."""
    part = part.upper()
    n = _meeting_number(number)
    m = Meeting.objects.filter(part=part, number=n).first()
    if m is None:
        raise NotFound(f"no meeting {part}:{number}")
    out = _meeting_head(m)
    items = list(_items_qs().filter(meeting=m).order_by("sort_key", "status"))
    clusters: list[dict] = []
    for node in _tree([i for i in items if i.status == Status.ADOPTED.value]):
        heading = node["section"] or node["instrument"]
        if not clusters or clusters[-1]["heading"] != heading:
            clusters.append({"heading": heading, "items": []})
        clusters[-1]["items"].append(node)
    out["clusters"] = clusters
    out["drafts"] = _tree([i for i in items if i.status == Status.DRAFT.value])
    out["documents"] = sorted({i.document.source_file for i in items})
    siblings = list(Meeting.objects.filter(part=part).order_by("number"))
    idx = next(i for i, s in enumerate(siblings) if s.id == m.id)
    out["previous"] = _meeting_key(siblings[idx - 1]) if idx > 0 else None
    out["next"] = _meeting_key(siblings[idx + 1]) if idx + 1 < len(siblings) else None
    return out


def item_neighbours(ref: str, *, status: str = Status.ADOPTED.value) -> dict:
    """The items just before and after `ref` in document order (same status)."""
    key = str(Ref.parse(ref))
    item = Item.objects.filter(ref=key, status=status).first()
    if item is None:
        raise NotFound(f"no {status} item {key}")
    same = Item.objects.filter(status=status)
    prev = same.filter(sort_key__lt=item.sort_key).order_by("-sort_key").first()
    nxt = same.filter(sort_key__gt=item.sort_key).order_by("sort_key").first()
    return {"previous": prev.ref if prev else None, "next": nxt.ref if nxt else None}


def theme_tree() -> list[dict]:
    """Top-level themes with their sub-themes, each with item counts for Part A and B."""
    from django.db.models import Count

    themes = Theme.objects.annotate(
        n_items=Count("assignments__item", distinct=True),
        n_a=Count("assignments__item", filter=Q(assignments__item__part="A"), distinct=True),
        n_b=Count("assignments__item", filter=Q(assignments__item__part="B"), distinct=True),
    ).order_by("label")
    nodes = {
        t.id: {
            "label": t.label,
            "label_en": t.label_en,
            "parent": None,
            "items": t.n_items,
            "part_a": t.n_a,
            "part_b": t.n_b,
            "children": [],
            "_parent_id": t.parent_id,
        }
        for t in sorted_by(themes, lambda t: t.label)  # French order: É with E (collate.py)
        if not (t.retired and t.n_items == 0)  # merged away or retired unused: history only
    }
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.pop("_parent_id"))
        if parent is not None:
            node["parent"] = parent["label"]
            parent["children"].append(node)
        else:
            roots.append(node)
    return roots


def theme_detail(label: str) -> dict:
    """One theme: its parent and sub-themes, and its items (sub-themes' included) by meeting."""
    t = find_theme(label)
    themes = [t, *t.children.all()]
    items = (
        _items_qs().filter(assignments__theme__in=themes).distinct().order_by("sort_key", "status")
    )
    groups: list[dict] = []
    for item in items:
        key = f"{item.part}:{item.meeting.roman}"
        if not groups or groups[-1]["key"] != key:
            groups.append({**_meeting_head(item.meeting), "items": []})
        groups[-1]["items"].append(item_dict(item))
    return {
        "label": t.label,
        "label_en": t.label_en,
        "scope_note": t.scope_note,
        "parent": t.parent.label if t.parent else None,
        "children": [c.label for c in t.children.order_by("label")],
        "count": sum(len(g["items"]) for g in groups),
        "part_a": sum(len(g["items"]) for g in groups if g["part"] == "A"),
        "part_b": sum(len(g["items"]) for g in groups if g["part"] == "B"),
        "meetings": groups,
    }


def document_detail(source_file: str) -> dict:
    """One ingested document: its metadata, what it yielded, its warnings (no raw text)."""
    d = Document.objects.filter(source_file=source_file).first()
    if d is None:
        raise NotFound(f"no document {source_file!r}")
    row = next(r for r in list_documents() if r["source_file"] == source_file)
    row.update(
        body=d.body,
        venue=d.venue,
        start_date=d.start_date.isoformat() if d.start_date else None,
        end_date=d.end_date.isoformat() if d.end_date else None,
        language=d.language,
        original_language=d.original_language,
        format=d.format,
        encoding=d.encoding,
        size=d.size,
        characters=len(d.raw_text),
        ingested_at=d.ingested_at.isoformat(),
        refs=list(d.items.order_by("sort_key").values_list("ref", flat=True)[:2000]),
        warnings=[
            {"line": w.line, "kind": w.kind, "ref": w.ref, "message": w.message}
            for w in d.warnings.all()
        ],
    )
    return row


def document_raw_text(source_file: str) -> tuple[str, str]:
    """The stored text of a document exactly as ingested, with its checksum."""
    d = Document.objects.filter(source_file=source_file).only("raw_text", "checksum").first()
    if d is None:
        raise NotFound(f"no document {source_file!r}")
    return d.raw_text, d.checksum


def data_version() -> str:
    """Changes whenever items, themes or assignments change (cache key for downloads)."""
    from django.db.models import Count, Max

    d = Document.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    a = Assignment.objects.aggregate(n=Count("id"), t=Max("created_at"))
    t = Theme.objects.aggregate(n=Count("id"), t=Max("created_at"))
    return "|".join(str(x) for x in (d["n"], d["t"], a["n"], a["t"], t["n"], t["t"]))
