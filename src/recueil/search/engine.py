"""Run a search against the current store: the engine's ranked matches, facets, snippets.

The matching, ranking (bm25 / ts_rank_cd, then document order) and facet counts are SQL
run by the store's own engine over the index of `index.py`; Python only parses the query,
corrects misspelt words against the index vocabulary and highlights the page of hits.
"""

from __future__ import annotations

import copy
import difflib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Prefetch

from recueil.model import Status, from_roman, is_roman, to_roman
from recueil.search import analyze, index
from recueil.search.query import And, Leaf, QueryError, leaves, parse, to_fts5, to_pg
from recueil.search.snippet import highlight
from recueil.search.wording import ADDRESSEE_LABELS, STRENGTH_LABELS
from recueil.store.db import current_alias
from recueil.store.models import Assignment, Item, Theme

MAX_LIMIT = 200
BM25_WEIGHTS = (1.0, 0.25)  # clean text, OCR-only spellings
PROXIMITY_BOOST = 1.5  # SQLite: bm25 × 1.5 when the query's words stand within a few words
FACETS = ("part", "meeting", "theme", "addressee", "strength")
PART_LABELS = {"A": "Groupe de travail (A)", "B": "Conférence des Parties (B)"}


@dataclass
class SearchResults:
    query: str
    total: int
    hits: list[dict]
    facets: dict[str, list[dict]]
    corrections: dict[str, str] = field(default_factory=dict)  # misspelt word → index term


# --- filters ------------------------------------------------------------------------------


def _meeting_filter(value: str | int) -> tuple[str | None, int]:
    text = str(value).strip().upper()
    part = None
    if ":" in text:
        part, text = text.split(":", 1)
        if part not in ("A", "B"):
            raise QueryError(f"unknown part in meeting {value!r} (A or B)")
    if text.isdigit():
        return part, int(text)
    if is_roman(text):
        return part, from_roman(text)
    raise QueryError(f"not a meeting number: {value!r} (e.g. VII, 7 or A:VII)")


def _theme_ids(label: str) -> list[int]:
    theme = Theme.objects.filter(label=label).first() or (
        Theme.objects.filter(label__iexact=label).first()
    )
    if theme is None:
        raise QueryError(f"no theme {label!r}")
    return [theme.id, *theme.children.values_list("id", flat=True)]


def _filters(
    *, part, meeting, year, theme, addressee, strength, status
) -> dict[str, tuple[str, list]]:
    """SQL conditions on the index row `d`, one per active filter, keyed by facet."""
    out: dict[str, tuple[str, list]] = {}
    if status:
        if status not in {s.value for s in Status}:
            raise QueryError(f"unknown status {status!r} (adopted or draft)")
        out["status"] = ("d.status = %s", [status])
    if part:
        p = str(part).upper()
        if p not in ("A", "B"):
            raise QueryError(f"unknown part {part!r} (A or B)")
        out["part"] = ("d.part = %s", [p])
    if meeting:
        m_part, number = _meeting_filter(meeting)
        if m_part:
            out["meeting"] = ("d.part = %s AND d.meeting = %s", [m_part, number])
        else:
            out["meeting"] = ("d.meeting = %s", [number])
    if year:
        try:
            out["year"] = ("d.year = %s", [int(year)])
        except (TypeError, ValueError):
            raise QueryError(f"not a year: {year!r}") from None
    if theme:
        ids = _theme_ids(theme)
        marks = ", ".join(["%s"] * len(ids))
        out["theme"] = (
            f"d.item_id IN (SELECT item_id FROM {Assignment._meta.db_table} "
            f"WHERE theme_id IN ({marks}))",
            ids,
        )
    if addressee:
        if addressee not in ADDRESSEE_LABELS:
            raise QueryError(f"unknown addressee {addressee!r} ({', '.join(ADDRESSEE_LABELS)})")
        out["addressee"] = (
            f"d.item_id IN (SELECT item_id FROM {index.ADDRESSEE} WHERE addressee = %s)",
            [addressee],
        )
    if strength:
        if strength not in STRENGTH_LABELS:
            raise QueryError(f"unknown strength {strength!r} ({', '.join(STRENGTH_LABELS)})")
        out["strength"] = ("d.strength = %s", [strength])
    return out


# --- misspelt words -----------------------------------------------------------------------

_vocab_cache: dict[tuple[str, str], dict[str, list[str]]] = {}
_vocab_lock = threading.Lock()


def _vocabulary(conn, fingerprint: str) -> dict[str, list[str]]:
    """Index terms bucketed by first letter, cached per store and index state."""
    key = (conn.alias, fingerprint)
    with _vocab_lock:
        if key not in _vocab_cache:
            buckets: dict[str, list[str]] = {}
            with conn.cursor() as cur:
                cur.execute(index.vocabulary_sql(conn.vendor))
                for term, _ndoc in cur.fetchall():
                    if term.isalnum() and term.isascii():
                        buckets.setdefault(term[0], []).append(term)
            for k in [k for k in _vocab_cache if k[0] == conn.alias]:
                del _vocab_cache[k]
            _vocab_cache[key] = buckets
        return _vocab_cache[key]


def _correct(node, conn, fingerprint: str) -> dict[str, str]:
    """Give each unknown positive word the closest index term as an alternative.

    difflib's ratio over the index vocabulary (a few thousand stems here, bucketed by first
    letter) catches OCR and typing slips that accent folding does not (enquete → enquet is
    folding; "enfnats", "cooperaton" need an edit). A trigram index would find substrings,
    not near spellings, and the vocabulary is small enough to compare directly.
    """
    vocab = _vocabulary(conn, fingerprint)
    known = {t for bucket in vocab.values() for t in bucket}
    fixes: dict[str, str] = {}
    for leaf in leaves(node, positive_only=True):
        if leaf.phrase or leaf.prefix or len(leaf.text) < 4:
            continue
        term = _engine_term(leaf, conn)
        if not term or term in known:
            continue
        near = difflib.get_close_matches(term, vocab.get(term[0], []), n=1, cutoff=0.75)
        if near:
            leaf.alternatives = near
            fixes[leaf.text] = near[0]
    return fixes


def _engine_term(leaf: Leaf, conn) -> str | None:
    if conn.vendor == "sqlite":
        return leaf.terms[0]
    with conn.cursor() as cur:
        cur.execute("SELECT plainto_tsquery(%s, %s)::text", [index.PG_CONFIG, leaf.text])
        text = (cur.fetchone() or [""])[0].strip().strip("'")
    return text if text.isalnum() else None


def _near_expression(node) -> str | None:
    """FTS5 NEAR group of a plain multi-word query (no operators), for the proximity boost.

    PostgreSQL's ts_rank_cd already rewards words found close together (cover density).
    """
    if not isinstance(node, And) or not all(
        isinstance(c, Leaf) and not c.prefix for c in node.children
    ):
        return None
    words = [t for c in node.children for t in c.terms]
    if len(words) < 2:
        return None
    return "NEAR(" + " ".join(f'"{w}"' for w in words) + f", {2 * len(words)})"


def _pg_variants(node, conn) -> None:
    """PostgreSQL only: make stems in -qu and -c meet (confisquer ≈ confiscation).

    The SQLite analyser folds them at index time (see analyze.analyse_word); PostgreSQL's
    french_stem does not, so the other spelling of the stem is OR-ed into the query.
    """
    for leaf in leaves(node, positive_only=True):
        if leaf.phrase or leaf.prefix:
            continue
        term = _engine_term(leaf, conn)
        if not term:
            continue
        if term.endswith("qu") and len(term) > 4:
            leaf.alternatives.append(term[:-2] + "c")
        elif term.endswith("c") and len(term) > 4:
            leaf.alternatives.append(term[:-1] + "qu")


# --- result cache -------------------------------------------------------------------------
# The same search is asked again and again (facet clicks, pages, popular queries); results
# are kept per store *and index fingerprint*, so any change of the data misses the cache.

CACHE_SIZE = 512
_cache: OrderedDict[tuple, SearchResults] = OrderedDict()
_cache_lock = threading.Lock()


def _cache_get(key: tuple) -> SearchResults | None:
    with _cache_lock:
        hit = _cache.get(key)
        if hit is None:
            return None
        _cache.move_to_end(key)
    return copy.deepcopy(hit)  # callers may change what they get


def _cache_put(key: tuple, results: SearchResults) -> None:
    with _cache_lock:
        _cache[key] = results
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


# --- search -------------------------------------------------------------------------------


def search(
    query: str,
    *,
    part: str | None = None,
    meeting: str | int | None = None,
    year: int | None = None,
    theme: str | None = None,
    addressee: str | None = None,
    strength: str | None = None,
    status: str | None = Status.ADOPTED.value,
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """Search the current store's items (see `query` for the syntax).

    Hits are ranked by relevance (bm25 on SQLite, ts_rank_cd on PostgreSQL; higher score =
    better), ties in document order; an empty query lists every item in document order.
    Facets count the whole result set under the *other* active filters. Raises QueryError
    for a malformed query or an unknown filter value.
    """
    if not isinstance(query, str):
        raise QueryError("the query must be text")
    if not 0 <= int(limit) <= MAX_LIMIT:
        raise QueryError(f"limit must be between 0 and {MAX_LIMIT}")
    if int(offset) < 0:
        raise QueryError("offset must not be negative")
    node = parse(query)
    filters = _filters(
        part=part, meeting=meeting, year=year, theme=theme, addressee=addressee,
        strength=strength, status=status,
    )  # fmt: skip
    conn = connections[current_alias()]
    info = index.ensure_index()
    asked = {"part": part, "meeting": meeting, "year": year, "theme": theme,
             "addressee": addressee, "strength": strength, "status": status}  # fmt: skip
    key = (conn.alias, info.fingerprint, index.generation, query,
           tuple((k, repr(v)) for k, v in asked.items()), int(limit), int(offset))  # fmt: skip
    cached = _cache_get(key)
    if cached is not None:
        return cached
    corrections = _correct(node, conn, info.fingerprint) if node is not None else {}
    if node is not None and conn.vendor == "postgresql":
        _pg_variants(node, conn)

    # Rows matched by the query: the ranked page joins the FTS table (bm25 needs it); counts
    # and facets start from the matched ids (a subquery in FROM that LIMIT keeps SQLite from
    # flattening, and CROSS JOIN keeps as the outer loop), so MATCH runs once and index rows
    # are looked up by key instead of the FTS table being probed for every row.
    if conn.vendor == "sqlite":
        page_from = f"FROM {index.FTS} JOIN {index.DOC} d ON d.item_id = {index.FTS}.rowid"
        page_match = [f"{index.FTS} MATCH %s"]
        count_match = []
        match_from = (
            f"FROM (SELECT rowid AS item_id FROM {index.FTS} WHERE {index.FTS} MATCH %s "
            f"LIMIT -1) m CROSS JOIN {index.DOC} d ON d.item_id = m.item_id"
        )
        match_params = [to_fts5(node)] if node is not None else []
        rank_sql = f"-bm25({index.FTS}, {BM25_WEIGHTS[0]}, {BM25_WEIGHTS[1]})"
        rank_params: list = []
        near = _near_expression(node)
        if near:  # words typed together that also stand together rank higher
            rank_sql += (
                f" * (CASE WHEN {index.FTS}.rowid IN (SELECT rowid FROM {index.FTS} "
                f"WHERE {index.FTS} MATCH %s) THEN {PROXIMITY_BOOST} ELSE 1.0 END)"
            )
            rank_params = [near]
    else:
        page_from = match_from = f"FROM {index.DOC} d"
        match_params, rank_params = [], []
        page_match = count_match = []
        if node is not None:
            tsq, match_params = to_pg(node, index.PG_CONFIG)
            page_match = count_match = [f"d.tsv @@ {tsq}"]
            rank_sql, rank_params = f"ts_rank_cd(d.tsv, {tsq})", match_params
    if node is None:
        page_from = match_from = f"FROM {index.DOC} d"
        page_match, count_match, match_params = [], [], []
        rank_sql, rank_params = "0.0", []

    def where(exclude: str | None = None, *, page: bool = False) -> tuple[str, list]:
        conds, params = list(page_match if page else count_match), list(match_params)
        for name, (sql, p) in filters.items():
            if name != exclude:
                conds.append(f"({sql})")
                params += p
        return (" WHERE " + " AND ".join(conds)) if conds else "", params

    w, wp = where()
    pw, pwp = where(page=True)
    with conn.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) {match_from}{w}", wp)
        total = cur.fetchone()[0]
        cur.execute(
            f"SELECT d.item_id, ROUND(CAST({rank_sql} AS NUMERIC), 6) AS score {page_from}{pw} "
            "ORDER BY score DESC, d.sort_key, d.status LIMIT %s OFFSET %s",
            rank_params + pwp + [int(limit), int(offset)],
        )
        page = cur.fetchall()
        facets = _facets(cur, match_from, where)
    hits = _hits(page, node)
    results = SearchResults(query, total, hits, facets, corrections)
    _cache_put(key, results)
    return copy.deepcopy(results)


def _facets(cur, match_from: str, where) -> dict[str, list[dict]]:
    facets: dict[str, list[dict]] = {}

    w, p = where("part")
    cur.execute(f"SELECT d.part, COUNT(*) {match_from}{w} GROUP BY d.part ORDER BY d.part", p)
    facets["part"] = [
        {"value": v, "label": PART_LABELS.get(v, v), "count": n} for v, n in cur.fetchall()
    ]

    w, p = where("meeting")
    cur.execute(
        f"SELECT d.part, d.meeting, d.year, COUNT(*) {match_from}{w} "
        "GROUP BY d.part, d.meeting, d.year ORDER BY d.part, d.meeting",
        p,
    )
    facets["meeting"] = []
    for part, number, year, n in cur.fetchall():
        roman = to_roman(number)
        what = "Réunion" if part == "A" else "Session"
        label = f"{what} {roman}" + (f" ({year})" if year else "")
        facets["meeting"].append(
            {"value": f"{part}:{roman}", "label": label, "count": n, "part": part,
             "year": year}
        )  # fmt: skip

    w, p = where("theme")
    asg = Assignment._meta.db_table
    cur.execute(
        f"SELECT a.theme_id, COUNT(*) {match_from} JOIN {asg} a ON a.item_id = d.item_id"
        f"{w} GROUP BY a.theme_id",
        p,
    )
    counts = dict(cur.fetchall())
    labels = dict(Theme.objects.filter(id__in=list(counts)).values_list("id", "label"))
    facets["theme"] = sorted(
        ({"value": labels[t], "label": labels[t], "count": n} for t, n in counts.items()),
        key=lambda f: (-f["count"], f["label"]),
    )

    w, p = where("addressee")
    cur.execute(
        f"SELECT a.addressee, COUNT(*) {match_from} JOIN {index.ADDRESSEE} a "
        f"ON a.item_id = d.item_id{w} GROUP BY a.addressee",
        p,
    )
    counts = dict(cur.fetchall())
    facets["addressee"] = [
        {"value": v, "label": label, "count": counts[v]}
        for v, label in ADDRESSEE_LABELS.items()
        if v in counts
    ]

    w, p = where("strength")
    cur.execute(f"SELECT d.strength, COUNT(*) {match_from}{w} GROUP BY d.strength", p)
    counts = dict(cur.fetchall())
    facets["strength"] = [
        {"value": v, "label": label, "count": counts[v]}
        for v, label in STRENGTH_LABELS.items()
        if v in counts
    ]
    return facets


def _wanted_terms(node) -> tuple[set[str], tuple[str, ...]]:
    wanted: set[str] = set()
    prefixes: list[str] = []
    for leaf in leaves(node, positive_only=True):
        if leaf.prefix:
            wanted.update(leaf.terms[:-1])
            prefixes.append(leaf.terms[-1])
        else:
            wanted.update(leaf.terms)
            wanted.update(leaf.alternatives)
            # PostgreSQL alternatives are its own lexemes: also match our analysis of them
            wanted.update(analyze.analyse_word(a) for a in leaf.alternatives)
    return wanted, tuple(prefixes)


def _hits(page: list[tuple], node) -> list[dict]:
    from recueil.store.queries import citation

    ids = [row[0] for row in page]
    items = {
        i.id: i
        for i in Item.objects.filter(id__in=ids)
        .select_related("meeting", "document")
        .defer("raw_text", "document__raw_text")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("theme"))
        )
    }
    with connections[current_alias()].cursor() as cur:
        marks = ", ".join(["%s"] * len(ids)) or "NULL"
        cur.execute(
            f"SELECT d.item_id, d.strength, a.addressee FROM {index.DOC} d "
            f"LEFT JOIN {index.ADDRESSEE} a ON a.item_id = d.item_id "
            f"WHERE d.item_id IN ({marks})",
            ids,
        )
        wording: dict[int, tuple[str, list[str]]] = {}
        for item_id, strength, addressee in cur.fetchall():
            wording.setdefault(item_id, (strength, []))[1].append(addressee)
    wanted, prefixes = _wanted_terms(node)
    hits = []
    for item_id, score in page:
        item = items[item_id]
        roman = item.meeting.roman
        strength, addressees = wording.get(item_id, ("other", []))
        hits.append(
            {
                "ref": item.ref,
                "status": item.status,
                "score": round(float(score or 0.0), 6),
                "snippet": highlight(item.text, wanted, prefixes),
                "text": item.text,
                "part": item.part,
                "meeting": roman if item.part == "A" else None,
                "session": roman if item.part == "B" else None,
                "year": item.meeting.start_date.year if item.meeting.start_date else None,
                "symbol": item.symbol,
                "themes": sorted(a.theme.label for a in item.assignments.all()),
                "citation": citation(item),
                "kind": item.kind,
                "addressees": [a for a in ADDRESSEE_LABELS if a in addressees],
                "strength": strength,
            }
        )
    return hits
