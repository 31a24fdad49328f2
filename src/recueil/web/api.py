"""The REST API (django-ninja, OpenAPI at /api/openapi.json, docs at /api/docs).

Every endpoint returns what a query of recueil.store.queries returns, with the field names
of `recueil export`; the HTML pages call the same functions (views.py).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError

from recueil.store import queries
from recueil.web import views
from recueil.web.params import MAX_OFFSET, YEARS

api = NinjaAPI(
    title="recueil API",
    version="1",
    description=(
        "The UN's recommendations, resolutions and decisions on the smuggling of migrants: "
        "items (with citations and themes), themes, meetings, documents and full-text search; "
        "agreed language: related items, precedents of a draft paragraph with word-level "
        "diffs, side-by-side comparison, uptake of Working Group recommendations by the "
        "Conference, and the fate of a draft. Item fields are those of `recueil export`."
    ),
    urls_namespace="api",
)


class ItemOut(Schema):
    """One item: exactly the fields of `recueil export`."""

    ref: str
    part: str
    meeting: str | None
    session: str | None
    number: str
    sub: str | None
    status: str
    kind: str
    symbol: str | None
    report_paragraph: str | None
    recommendation_number: str | None
    section: str | None
    instrument: str | None
    text: str
    raw_text: str
    themes: list[str]
    source_file: str
    line: int | None
    language: str
    document_kind: str
    recommending_states: list[str]
    response: str | None


class ItemPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ItemOut]


class SourceOut(Schema):
    source_file: str
    label: str  # how the source is cited: its symbol, else its printed title and date
    symbol: str | None
    kind: str
    line: int | None
    agrees: bool
    text: str


class AssignmentOut(Schema):
    theme: str
    theme_en: str | None = None
    origin: str
    user: str | None
    created_at: str
    note: str | None
    score: float | None = None


class OtherVersion(Schema):
    ref: str
    status: str
    source_file: str


class ItemDetail(ItemOut):
    """An item with its citation, sources (conflicting readings flagged), provenance."""

    citation: str
    document_label: str  # the source document as cited: symbol, else printed title and date
    enclosing_paragraph: str | None = None  # the report paragraph a numbered recommendation
    # stands in when it has no paragraph number of its own (meetings VII and XI)
    meeting_title: str
    meeting_dates: str | None
    parent: str | None
    children: list[str]
    sources: list[SourceOut]
    assignments: list[AssignmentOut]
    other_versions: list[OtherVersion]
    previous: str | None
    next: str | None


class ThemeOut(Schema):
    label: str
    label_en: str | None
    parent: str | None
    items: int
    part_a: int
    part_b: int


class MeetingOut(Schema):
    """A meeting or session with the named counts of its adopted items (queries.COUNT_FIELDS:
    the same numbers on the home page, `recueil meetings` and the publication)."""

    part: str
    number: str
    title: str
    dates: str | None
    start_date: str | None
    report_symbol: str | None
    recommendations: int
    paragraphs: int
    preambular: int
    subparagraphs: int
    items: int
    drafts: int


class DocumentOut(Schema):
    source_file: str
    label: str  # how the document is cited: its symbol, else its printed title and date
    symbol: str | None
    kind: str
    title: str
    meeting: int | None
    session: int | None
    distribution: str | None
    issued: str | None
    items: int
    paragraphs: int
    checksum: str


class FacetValue(Schema):
    value: Any
    label: str
    count: int


class SearchHit(Schema):
    ref: str
    status: str
    score: float
    snippet: str
    text: str
    part: str
    meeting: str | None
    session: str | None
    year: int | None
    symbol: str | None
    themes: list[str]
    citation: str
    language: str = "fr"  # the language of the item's text
    match: str | None = None  # "words" (holds query words) or "meaning" (similar meaning)
    similarity: float | None = None  # cosine of the query and the item (semantic search)


class SearchSuggestions(Schema):
    themes: list[str] = []  # labels sharing a query word, then the closest in meaning
    query: str | None = None  # the query with its misspelt words corrected


class SearchOut(Schema):
    query: str
    total: int
    limit: int
    offset: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetValue]]
    corrections: dict[str, str] = {}  # misspelt query word → the indexed word it matched
    semantic: bool = False  # the ranking also used the texts' meaning (cross-lingual)
    lexical_total: int = 0  # results holding a query word; the others match by meaning
    suggestions: SearchSuggestions | None = None  # given when few results hold query words


class ItemFilters(Schema):
    part: str | None = None
    meeting: str | None = None
    theme: str | None = None
    status: str = "adopted"
    limit: int = 50
    offset: int = 0


def invalid(name: str, value, allowed) -> HttpError:
    """A 422 naming the parameter, the value received and the values allowed."""
    return HttpError(422, f"invalid {name}={value!r}: allowed values are {allowed}")


def check_choice(name: str, value: str | None, choices: tuple[str, ...]) -> str | None:
    if value is None or value == "":
        return None
    if value not in choices and value.upper() not in choices:
        raise invalid(name, value, " | ".join(choices))
    return value.upper() if value.upper() in choices else value


def check_range(name: str, value: int, low: int, high: int) -> int:
    if not low <= value <= high:
        raise invalid(name, value, f"integers from {low} to {high}")
    return value


def check_meeting(meeting: str | None, part: str | None) -> None:
    """`meeting` must name a meeting or session holding items (roman or arabic)."""
    if not meeting:
        return
    from recueil.model import meeting_number, to_roman

    keys = queries.meeting_keys(part)
    text = meeting.strip().upper()
    try:
        wanted = to_roman(meeting_number(text))
    except ValueError:
        wanted = None
    if not any(k.split(":")[1] == wanted for k in keys):
        raise invalid("meeting", meeting, ", ".join(k.split(":")[1] + f" ({k})" for k in keys))


def _call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except queries.NotFound as exc:
        raise HttpError(404, str(exc)) from exc
    except ValueError as exc:
        raise HttpError(400, str(exc)) from exc


@api.get("/items", response=ItemPage, summary="List items (filter and paginate)")
def list_items(request: HttpRequest, filters: Query[ItemFilters]):
    """Items in document order. `part` is A or B; `meeting` is roman or arabic (VII or 7);
    `theme` includes its sub-themes; `status` is adopted (the default, as every count of
    recueil), draft or all; `limit` from 1 to 500. A bad value is a 422 listing the
    allowed ones."""
    params = filters.dict()
    params["part"] = check_choice("part", params["part"], ("A", "B"))
    status = check_choice("status", params["status"], ("adopted", "draft", "all"))
    params["status"] = None if status == "all" else status
    check_range("limit", params["limit"], 1, 500)
    check_range("offset", params["offset"], 0, MAX_OFFSET)
    check_meeting(params["meeting"], params["part"])
    return _call(queries.items_page, **params)


@api.get("/items/{ref}", response=ItemDetail, summary="One item by its citation")
def get_item(request: HttpRequest, ref: str, status: str = "adopted"):
    """`ref` as `A:I.22`, `A:V.2.e`, `B:VI.al.5`; `status=draft` for a draft."""
    status = check_choice("status", status, ("adopted", "draft"))
    item = _call(queries.get_item, ref, status=status)
    item.update(_call(queries.item_neighbours, ref, status=status))
    return item


@api.get("/themes", response=list[ThemeOut], summary="The thematic index vocabulary")
def list_themes(request: HttpRequest):
    """Every theme (sub-themes after their parent) with item counts per part."""
    rows = []
    for node in queries.theme_tree():
        rows.append(node)
        rows.extend(node["children"])
    return rows


@api.get("/themes/{path:label}", summary="One theme and its items by meeting")
def get_theme(request: HttpRequest, label: str):
    return _call(queries.theme_detail, label)


@api.get("/meetings", response=list[MeetingOut], summary="Working Group meetings and COP sessions")
def list_meetings(request: HttpRequest):
    return queries.list_meetings()


@api.get("/meetings/{key}", summary="One meeting or session with its items by cluster")
def get_meeting(request: HttpRequest, key: str):
    """`key` as `A:VII` (Working Group meeting VII) or `B:VI` (COP session VI)."""
    try:
        part, number = views.parse_meeting_key(key)
    except Exception as exc:
        raise HttpError(404, str(exc)) from exc
    return _call(queries.meeting_detail, part, number)


@api.get("/documents", response=list[DocumentOut], summary="Ingested source documents")
def list_documents(request: HttpRequest):
    return queries.list_documents()


@api.get("/documents/{source_file}", summary="One document's metadata and warnings")
def get_document(request: HttpRequest, source_file: str):
    return _call(queries.document_detail, source_file)


@api.get("/search", response=SearchOut, summary="Full-text search with facets")
def search(
    request: HttpRequest,
    q: str,
    part: str | None = None,
    meeting: str | None = None,
    year: int | None = None,
    theme: str | None = None,
    addressee: str | None = None,
    strength: str | None = None,
    limit: int = 20,
    offset: int = 0,
):
    """Ranked search: every word counts (items with more of the words rank higher; one
    missing word never empties the result), French-aware (accents and case ignored,
    stemmed); "phrases" in quotes, AND, OR, NOT/-word and prefix* keep their exact meaning.
    With semantic search on, items of similar meaning are found too, in any query language
    (`match`: "meaning"). Snippets are HTML with `<mark>` around the matched words;
    `corrections` maps misspelt words to the indexed words they matched."""
    filters = {
        "part": part, "meeting": meeting, "year": year, "theme": theme,
        "addressee": addressee, "strength": strength,
    }  # fmt: skip
    check_range("limit", limit, 1, 100)
    check_range("offset", offset, 0, MAX_OFFSET)
    if year is not None:
        check_range("year", year, *YEARS)
    filters["part"] = check_choice("part", part, ("A", "B"))
    try:
        res = views.run_search(q, filters, limit=limit, offset=offset)
    except views.SearchUnavailable as exc:
        raise HttpError(503, str(exc)) from exc
    except ValueError as exc:
        raise HttpError(400, str(exc)) from exc
    # Built field by field as SearchOut declares them (the schema documents the endpoint and
    # schemathesis checks it): validating a page of hits and every facet through pydantic
    # took a sixth of a search's time at 100 k items.
    return JsonResponse({
        "query": res.query,
        "total": res.total,
        "limit": limit,
        "offset": offset,
        "hits": [{f: h.get(f, d) for f, d in HIT_FIELDS.items()} for h in res.hits],
        "facets": {k: [{"value": f["value"], "label": f["label"], "count": f["count"]}
                       for f in v] for k, v in res.facets.items()},
        "corrections": res.corrections,
        "semantic": res.semantic,
        "lexical_total": res.lexical_total,
        "suggestions": ({"themes": res.suggestions.get("themes") or [],
                         "query": res.suggestions.get("query")}
                        if res.suggestions else None),
    })  # fmt: skip


# SearchHit's fields and defaults, in its order
HIT_FIELDS = {name: (None if f.is_required() else f.default)
              for name, f in SearchHit.model_fields.items()}  # fmt: skip


# --- Agreed language (recueil.link) ---------------------------------------------------------


class DiffSpan(Schema):
    """One span of a word-level diff from an old text (adopted) to a new one (draft):
    `delete` = words of the old text missing from the new, `insert` = the new text's
    additions; an `equal` span carries `new_text` when the new text spells it differently
    (accents, case, typography only)."""

    op: str
    text: str
    new_text: str | None = None


class RelatedOut(Schema):
    ref: str
    score: float
    relation: str
    time: str | None = None  # "earlier" / "later" / "same meeting" than the item
    year: int | None = None
    cosine: float
    shared: float
    text: str


class PrecedentIn(Schema):
    text: str
    limit: int = 10
    part: str | None = None


class PrecedentOut(Schema):
    ref: str
    score: float
    relation: str | None
    diff: list[DiffSpan]
    citation: str
    text: str


class CompareSide(Schema):
    ref: str
    status: str
    text: str


class CompareOut(Schema):
    a: CompareSide
    b: CompareSide
    cosine: float
    ratio: float
    shared: float
    score: float
    relation: str
    diff: list[DiffSpan]


class LinkOut(Schema):
    source: str
    target: str
    relation: str
    score: float
    origin: str
    status: str
    evidence: str | None
    user: str | None
    updated_at: str


class UptakeRow(Schema):
    ref: str
    meeting: str
    uptake: str
    links: list[LinkOut]
    text: str


class UptakeSummary(Schema):
    items: int
    taken_up: int
    not_taken_up: int
    no_later_session: int


class UptakeOut(Schema):
    meeting: str
    summary: UptakeSummary
    recommendations: list[UptakeRow]


class FateMatch(Schema):
    ref: str
    score: float
    relation: str | None
    diff: list[DiffSpan]
    text: str


class FateUnit(Schema):
    ref: str
    text: str
    fate: str
    match: FateMatch | None
    closest: FateMatch | None


class DraftFateOut(Schema):
    draft: str
    document: str
    scope: str
    units: list[FateUnit]
    summary: dict[str, int]


@api.get(
    "/items/{path:ref}/related", response=list[RelatedOut], summary="Items most similar to one"
)
def item_related(
    request: HttpRequest, ref: str, limit: int = 10, status: str = "adopted",
    part: str | None = None,
):  # fmt: skip
    """Adopted items closest to `ref` (itself, its parent and subparagraphs aside), each with
    `score` and `relation`: restates (near-identical wording), revises (same subject,
    changed wording) or related (same subject). As `recueil related REF --format json`."""
    from recueil import link

    check_range("limit", limit, 1, 200)
    status = check_choice("status", status, ("adopted", "draft"))
    part = check_choice("part", part, ("A", "B"))
    return _call(link.related, ref, limit, status=status, part=part)


@api.get("/items/{path:ref}/links", response=list[LinkOut], summary="Uptake links of an item")
def item_links(request: HttpRequest, ref: str):
    """Lineage links touching `ref` (as recommendation or as COP paragraph), with their
    status (proposed, confirmed, rejected) and origin (auto, explicit, curated)."""
    from recueil import link

    return _call(link.links_for, ref)


@api.post("/precedents", response=list[PrecedentOut], summary="Agreed language for a draft")
def precedents(request: HttpRequest, body: PrecedentIn):
    """The adopted paragraphs closest in wording to `text`, ranked, each with its citation
    and a word-level diff from the adopted text to the draft (case, accents and typography
    ignored). As `recueil precedent --text … --format json`."""
    from recueil import link
    from recueil.web import agreed

    if len(body.text) > agreed.MAX_TEXT_CHARS:
        raise HttpError(400, "text is too long (at most 20,000 characters)")
    check_range("limit", body.limit, 1, 200)
    part = check_choice("part", body.part, ("A", "B"))
    from recueil.drafts import restore_elisions

    rows = _call(link.precedent, restore_elisions(body.text), body.limit, part=part)
    return agreed.with_citations(rows)


@api.get("/compare", response=CompareOut, summary="Two items side by side")
def compare(
    request: HttpRequest, a: str, b: str, status_a: str = "adopted", status_b: str = "adopted"
):
    """Similarity measures, relation and the word-level diff from item `a` to item `b`."""
    from recueil import link

    return _call(link.compare, a, b, status_a=status_a, status_b=status_b)


@api.get("/meetings/{key}/uptake", response=UptakeOut, summary="Uptake of recommendations")
def meeting_uptake(request: HttpRequest, key: str):
    """Per recommendation of Working Group meeting `key` (e.g. `A:I`): taken up (with the
    later COP paragraphs and the links' status), not taken up, or no later session. Reads
    the stored links (editors recompute proposals from the web page or `recueil uptake`)."""
    from recueil import link

    try:
        part, number = views.parse_meeting_key(key)
    except Exception as exc:
        raise HttpError(404, str(exc)) from exc
    if part != "A":
        raise HttpError(404, "uptake is for Working Group meetings (Part A)")
    _call(queries.meeting_detail, part, number)
    rows = link.uptake(str(number), refresh=False)
    summary = {"items": len(rows), "taken_up": 0, "not_taken_up": 0, "no_later_session": 0}
    for row in rows:
        summary[row["uptake"].replace(" ", "_")] += 1
    return {"meeting": f"A:{rows[0]['meeting']}" if rows else key, "summary": summary,
            "recommendations": rows}  # fmt: skip


@api.get("/items/{path:ref}/draft-fate", response=DraftFateOut, summary="Where a draft's text went")
def item_draft_fate(request: HttpRequest, ref: str, scope: str = "meeting"):
    """Per unit of draft `ref` (item and subparagraphs): survived, changed (with the adopted
    item and the diff from the draft to it) or disappeared (with the closest item)."""
    from recueil import link

    return _call(link.draft_fate, ref, scope=scope)


from recueil.web.api_review import router as review_router  # noqa: E402

api.add_router("/", review_router)

from recueil.web.api_analytics import router as analytics_router  # noqa: E402

api.add_router("/", analytics_router)

# Items cited by a symbol hold slashes (`A/RES/80/228:op.5.b`): their route takes the rest
# of the path, and comes after every other /items/… route so it never shadows them (those
# take a `path` ref too, so /items/A/RES/80/228:op.5/related works).
from ninja import Router  # noqa: E402

symbol_router = Router()


@symbol_router.get(
    "/items/{path:ref}", response=ItemDetail, summary="One item cited by its document's symbol"
)
def get_symbol_item(request: HttpRequest, ref: str, status: str = "adopted"):
    """`ref` as `A/RES/80/228:op.5.b`, `A/HRC/28/4:145.12` (see docs/documents.md)."""
    return get_item(request, ref, status)


api.add_router("/", symbol_router)
