"""Run a search against the current store: the engine's ranked matches, facets, snippets.

The matching, ranking (bm25 / ts_rank_cd, then document order) and facet counts are SQL
run by the store's own engine over the index of `index.py`; Python only parses the query,
corrects misspelt words against the index vocabulary and highlights the page of hits.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from django.db import connections

from recueil.model import Status, from_roman, is_roman
from recueil.search import analyze, docs, embed, index
from recueil.search.query import (
    And,
    Leaf,
    Not,
    Or,
    QueryError,
    is_plain,
    leaves,
    parse,
    relaxed,
    to_fts5,
    to_pg,
)
from recueil.search.snippet import highlight
from recueil.search.wording import ADDRESSEE_LABELS, STRENGTH_LABELS
from recueil.store.db import current_alias
from recueil.store.models import Assignment, Item, Theme
from recueil.text.analysis import in_dictionary

MAX_LIMIT = 200
BM25_WEIGHTS = (1.0, 0.25)  # clean text, OCR-only spellings
PROXIMITY_BOOST = 1.5  # SQLite: bm25 × 1.5 when the query's words stand within a few words
COORDINATION = 1.0  # lexical score × (share of the query's words the item holds) ** this
# Fusion (weighted reciprocal-rank fusion; constants chosen on the dev split of
# bench/search_eval.py, checked by its nested cross-validation):
# score = LEXICAL_WEIGHT × share of known query words / (RRF_K + lexical rank)
#       + SEMANTIC_WEIGHT / (RRF_K + semantic rank)
# The semantic rank orders the z-score fusion of two encoders and of the item's themes:
# z(cos e5) + USE_WEIGHT × z(cos USE) + THEME_WEIGHT × mean over the item's themes of
# [z(cos e5) + USE_WEIGHT × z(cos USE)] of the query and the theme (see `_semantic`).
RRF_K = 10
LEXICAL_WEIGHT = 0.3
SEMANTIC_WEIGHT = 1.0
USE_WEIGHT = 0.5
THEME_WEIGHT = 0.5
SEMANTIC_K = 20  # a plain-words query is widened with at most this many nearest items …
SEMANTIC_MARGIN = 0.08  # … whose cosine is within this of the best one
FEW_HITS = 5  # fewer word matches than this: suggestions (themes, corrected query)
FACETS = ("part", "meeting", "theme", "addressee", "strength")
PART_LABELS = docs.PART_LABELS


@dataclass
class SearchResults:
    query: str
    total: int
    hits: list[dict]
    facets: dict[str, list[dict]]
    corrections: dict[str, str] = field(default_factory=dict)  # misspelt word → word matched
    semantic: bool = False  # the ranking used the items' meaning (embeddings) too
    lexical_total: int = 0  # results holding a query word (the rest: similar meaning)
    suggestions: dict = field(default_factory=dict)  # few word matches: {"themes", "query"}


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


def _filters(*, part, meeting, year, theme, addressee, strength, status) -> dict[str, tuple]:
    """One condition per active filter, keyed by facet (see `docs.filter_masks`)."""
    out: dict[str, tuple] = {}
    if status:
        if status not in {s.value for s in Status}:
            raise QueryError(f"unknown status {status!r} (adopted or draft)")
        out["status"] = ("eq", "status", status)
    if part:
        p = str(part).upper()
        if p not in ("A", "B"):
            raise QueryError(f"unknown part {part!r} (A or B)")
        out["part"] = ("eq", "part", p)
    if meeting:
        m_part, number = _meeting_filter(meeting)
        out["meeting"] = ("meeting", m_part, number)
    if year:
        try:
            out["year"] = ("eq", "year", int(year))
        except (TypeError, ValueError):
            raise QueryError(f"not a year: {year!r}") from None
    if theme:
        out["theme"] = ("theme", _theme_ids(theme))
    if addressee:
        if addressee not in ADDRESSEE_LABELS:
            raise QueryError(f"unknown addressee {addressee!r} ({', '.join(ADDRESSEE_LABELS)})")
        out["addressee"] = ("addressee", addressee)
    if strength:
        if strength not in STRENGTH_LABELS:
            raise QueryError(f"unknown strength {strength!r} ({', '.join(STRENGTH_LABELS)})")
        out["strength"] = ("eq", "strength", strength)
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
    not near spellings, and the vocabulary is small enough to compare directly. A word of
    a dictionary is never "corrected" (`text.analysis.in_dictionary`): before that gate the
    questions of bench/search_eval.py had «pourquoi» → «poursuites», «home» → «homme».
    """
    vocab = _vocabulary(conn, fingerprint)
    known = {t for bucket in vocab.values() for t in bucket}
    fixes: dict[str, str] = {}
    for leaf in leaves(node, positive_only=True):
        if leaf.phrase or leaf.prefix or len(leaf.text) < 4:
            continue
        term = _engine_term(leaf, conn)
        if not term or term in known or in_dictionary(leaf.text):
            continue
        near = difflib.get_close_matches(term, vocab.get(term[0], []), n=1, cutoff=0.75)
        if near:
            leaf.alternatives = near
            leaf.fixed = _surface(near[0], conn)
            fixes[leaf.text] = leaf.fixed
    return fixes


def _surface(term: str, conn) -> str:
    """An index term (a stem: "enfant", "accompagn") as a word of the texts ("enfants",
    "accompagnés"): the first word holding it in an item that has it."""
    with conn.cursor() as cur:
        if conn.vendor == "sqlite":
            cur.execute(f"SELECT rowid FROM {index.FTS} WHERE {index.FTS} MATCH %s LIMIT 1",
                        [f'"{term}"'])  # fmt: skip
        else:
            cur.execute(f"SELECT item_id FROM {index.DOC} d WHERE d.tsv @@ to_tsquery('simple', "
                        "%s) LIMIT 1", [term])  # fmt: skip
        row = cur.fetchone()
    text = Item.objects.filter(id=row[0]).values_list("text", flat=True).first() if row else None
    for tok in analyze.tokens(text or ""):
        if tok.term == term or analyze.fold(tok.word).startswith(term):
            return tok.word.lower()
    return term


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
    return _copy(hit)  # callers may change what they get


def _copy(res: SearchResults) -> SearchResults:
    """A copy deep enough for callers to change (hits, facets, their lists): ~50× cheaper
    than copy.deepcopy on a page of hits."""

    def value(v):
        return list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v

    return dataclasses.replace(
        res,
        hits=[{k: value(v) for k, v in h.items()} for h in res.hits],
        facets={k: [dict(f) for f in v] for k, v in res.facets.items()},
        corrections=dict(res.corrections),
        suggestions={k: value(v) for k, v in res.suggestions.items()},
    )


def _cache_put(key: tuple, results: SearchResults) -> None:
    with _cache_lock:
        _cache[key] = results
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


# --- matching -----------------------------------------------------------------------------


# --- postings: one engine pass per query word, kept per process and index version --------
# FTS5's bm25 is a sum over the query's phrases (each phrase's idf × its saturated term
# frequency), so the score of any boolean combination of words is the sum of the words'
# own scores over the rows the combination selects. Each word (leaf) is therefore matched
# once, alone, into (item ids, bm25) arrays kept per process until the index changes:
# count, ranking, coordination and facets of every query using that word come from them,
# and a word asked again (users repeat the words of their field) costs no SQL at all.

POSTINGS_BUDGET = 4_000_000  # matched rows kept per process (~48 MB)
_postings: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()
_postings_size = 0
_postings_lock = threading.Lock()


def _leaf_postings(expr: str, conn, fts_version: str) -> tuple[np.ndarray, np.ndarray]:
    """(item ids, bm25 score) of the rows one FTS5 leaf expression matches."""
    global _postings_size
    key = (conn.alias, fts_version, expr)
    with _postings_lock:
        hit = _postings.get(key)
        if hit is not None:
            _postings.move_to_end(key)
            return hit
    with conn.cursor() as cur:
        cur.execute(f"SELECT rowid, -bm25({index.FTS}, {BM25_WEIGHTS[0]}, {BM25_WEIGHTS[1]}) "
                    f"FROM {index.FTS} WHERE {index.FTS} MATCH %s", [expr])  # fmt: skip
        rows = cur.fetchall()
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    score = np.fromiter((r[1] or 0.0 for r in rows), dtype=np.float64, count=len(rows))
    with _postings_lock:
        for k in [k for k in _postings if k[0] == conn.alias and k[1] != fts_version]:
            _postings_size -= len(_postings.pop(k)[0])
        _postings[key] = (ids, score)
        _postings_size += len(ids)
        while _postings_size > POSTINGS_BUDGET and len(_postings) > 1:
            _postings_size -= len(_postings.popitem(last=False)[1][0])
    return ids, score


def warm(share: float = 0.5) -> dict:
    """Load before a server forks what its workers would each load on their first queries:
    the table of searchable items, the vocabulary and (SQLite) the postings of the most
    frequent words up to `share` of POSTINGS_BUDGET. A word's first match costs in
    proportion to how many items hold it, so warming the most frequent ones bounds the
    cost of every other word's first match by the last warmed word's frequency. Returns
    {"terms", "postings"}."""
    st = index.state()
    if st.layout != index.INDEX_VERSION:
        return {"terms": 0, "postings": 0}
    conn = connections[current_alias()]
    version = f"{st.version}|{index.generation}"
    fts_version = f"{st.rows_version}|{index.generation}"
    docs.table(version, fts_version)
    _known_terms(conn, fts_version)
    terms = used = 0
    if conn.vendor == "sqlite":
        with conn.cursor() as cur:
            cur.execute(f"SELECT term, doc FROM {index.VOCAB} ORDER BY doc DESC")
            vocab = cur.fetchall()
        for term, ndoc in vocab:
            if used + ndoc > POSTINGS_BUDGET * share:
                break
            if term.isalnum() and term.isascii() and not analyze.is_stopword(term):
                used += len(_leaf_postings(f'"{term}"', conn, fts_version)[0])
                terms += 1
    return {"terms": terms, "postings": used}


def clear_postings() -> None:
    global _postings_size
    with _postings_lock:
        _postings.clear()
        _postings_size = 0


def _evaluate(node, conn, t: docs.DocTable, fts_version: str, leaf_hits: dict):
    """(mask, bm25 score) over the table's rows for a relaxed query tree (SQLite)."""
    n = len(t)
    if isinstance(node, Leaf):
        expr = to_fts5(node)
        if expr not in leaf_hits:
            ids, sc = _leaf_postings(expr, conn, fts_version)
            pos = t.id_pos[ids[ids < len(t.id_pos)]]
            keep = pos >= 0
            leaf_hits[expr] = (pos[keep], sc[ids < len(t.id_pos)][keep])
        pos, sc = leaf_hits[expr]
        mask = np.zeros(n, dtype=bool)
        mask[pos] = True
        score = np.zeros(n, dtype=np.float64)
        score[pos] = sc
        return mask, score
    if isinstance(node, Or):
        mask, score = np.zeros(n, dtype=bool), np.zeros(n, dtype=np.float64)
        for child in node.children:
            m, sc = _evaluate(child, conn, t, fts_version, leaf_hits)
            mask |= m
            score += sc
        return mask, score
    mask, score = np.ones(n, dtype=bool), np.zeros(n, dtype=np.float64)
    for child in node.children:  # And (a Not only ever appears inside one)
        if isinstance(child, Not):
            m, _sc = _evaluate(child.child, conn, t, fts_version, leaf_hits)
            mask &= ~m
        else:
            m, sc = _evaluate(child, conn, t, fts_version, leaf_hits)
            mask &= m
            score += sc
    return mask, np.where(mask, score, 0.0)


NEAR_EXACT = 5000  # a larger collection: the proximity boost looks at the best rows only
NEAR_CANDIDATES = 100


def _lexical(node, conn, t: docs.DocTable, fts_version: str) -> tuple[np.ndarray, np.ndarray]:
    """(positions, score) of every row the (relaxed) query matches: one match pass.

    Score: the engine's relevance (bm25 with the OCR column weighted 0.25 on SQLite,
    ts_rank_cd on PostgreSQL) × a proximity boost (SQLite: the words stand within a few
    words of each other) × the coordination factor: the share of the query's words the row
    holds, so that every word counts and more matching words rank higher. On SQLite the
    words' postings (see `_leaf_postings`) give all three; on PostgreSQL one statement
    returns the rank and which query words each row holds.
    """
    matched = relaxed(node)
    positive = leaves(node, positive_only=True)
    if conn.vendor == "sqlite":
        leaf_hits: dict = {}
        mask, full = _evaluate(matched, conn, t, fts_version, leaf_hits)
        pos = np.flatnonzero(mask)
        score = full[pos]
        if len(positive) > 1 and len(pos):
            have = np.zeros(len(t), dtype=np.float64)
            for leaf in positive:
                expr = to_fts5(leaf)
                if expr not in leaf_hits:
                    _evaluate(leaf, conn, t, fts_version, leaf_hits)
                have[leaf_hits[expr][0]] += 1.0
            score *= (have[pos] / len(positive)) ** COORDINATION
        near = _near_expression(node)
        if near and len(pos):  # words typed together that also stand together rank higher
            score *= np.where(_near_rows(near, node, conn, t, pos, score), PROXIMITY_BOOST, 1.0)
        return pos, score
    tsq, tparams = to_pg(matched, index.PG_CONFIG)
    coord = [to_pg(leaf, index.PG_CONFIG) for leaf in positive] if len(positive) > 1 else []
    has = "".join(f", (d.tsv @@ {sql})" for sql, _p in coord)
    sql = (f"SELECT d.item_id, ts_rank_cd(d.tsv, {tsq}){has} FROM {index.DOC} d "
           f"WHERE d.tsv @@ {tsq}")  # fmt: skip
    params = tparams + [p for _sql, ps in coord for p in ps] + tparams
    with conn.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    pos = np.full(len(ids), -1, dtype=np.int64)
    ok = ids < len(t.id_pos)
    pos[ok] = t.id_pos[ids[ok]]
    inside = pos >= 0
    score = np.array([float(r[1] or 0.0) for r in rows], dtype=np.float64)
    if coord and len(rows):
        have = np.array([sum(bool(x) for x in r[2:]) for r in rows], dtype=np.float64)
        score *= (have / len(positive)) ** COORDINATION
    return pos[inside], score[inside]


def _near_rows(near: str, node, conn, t, pos: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Which matched rows hold the query's words close together (FTS5 NEAR), as a mask
    over `pos`. In a collection of more than NEAR_EXACT items only the NEAR_CANDIDATES
    best rows are looked at (their analysed text read by rowid; FTS5's NEAR would walk
    the positions of every row holding a common word): a row further down is not boosted."""
    if len(t) <= NEAR_EXACT:  # a small collection: FTS5's NEAR over every row is cheap
        with conn.cursor() as cur:
            cur.execute(f"SELECT rowid FROM {index.FTS} WHERE {index.FTS} MATCH %s", [near])
            close = t.mask_from(t.positions([r[0] for r in cur.fetchall()]))
        return close[pos]
    if len(pos) > NEAR_CANDIDATES:
        best = np.argpartition(-score, NEAR_CANDIDATES - 1)[:NEAR_CANDIDATES]
    else:
        best = np.arange(len(pos))
    ids = t.ids[pos[best]].tolist()
    words = [w for c in node.children for w in c.terms]
    span = 2 * len(words)
    out = np.zeros(len(pos), dtype=bool)
    with conn.cursor() as cur:
        marks = ", ".join(["%s"] * len(ids))
        cur.execute(f"SELECT rowid, body FROM {index.FTS} WHERE rowid IN ({marks})", ids)
        bodies = dict(cur.fetchall())
    for k, item_id in zip(best.tolist(), ids, strict=True):
        out[k] = _close(bodies.get(item_id, "").split(), words, span)
    return out


def _close(terms: list[str], words: list[str], span: int) -> bool:
    """FTS5's NEAR(w1 w2 …, span) over one analysed text: every word occurs and some
    occurrences of all of them have at most `span` other terms between the first and last."""
    wanted = set(words)
    hits = [(i, w) for i, w in enumerate(terms) if w in wanted]
    need, have, left = len(wanted), {}, 0
    for i, w in hits:
        have[w] = have.get(w, 0) + 1
        while len(have) == need:
            first = hits[left][0]
            if i - first - 1 <= span:
                return True
            lw = hits[left][1]
            have[lw] -= 1
            if not have[lw]:
                del have[lw]
            left += 1
    return False


def _ranks(score: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """1-based rank of each row of `rows` by descending score (ties: document order)."""
    order = rows[np.lexsort((rows, -score[rows]))]
    ranks = np.zeros(len(score), dtype=np.float64)
    ranks[order] = np.arange(1, len(order) + 1)
    return ranks


def _query_text(node, query: str = "") -> str:
    """What the embedding models read: a plain-words query as typed, stop words and
    punctuation included (the encoders were trained on sentences; on the dev questions it
    does as well as the bare words), a misspelt word replaced by its correction as the
    texts spell it; for a query with operators, its positive words and phrases."""
    positive = leaves(node, positive_only=True)
    if query and is_plain(node):
        text = query
        for leaf in positive:
            if leaf.alternatives and leaf.fixed:
                text = re.sub(rf"(?<!\w){re.escape(leaf.text)}(?!\w)", leaf.fixed, text)
        return " ".join(text.split())
    return " ".join(leaf.alternatives[0] if leaf.alternatives and leaf.fixed else leaf.text
                    for leaf in positive)  # fmt: skip


def known_share(node, vocab_known: set[str]) -> float:
    """Share of the query's positive words that occur in the collection (corrected words
    count half): how much the lexical ranking can be trusted for this query (an English
    or Chinese query over French texts has none of its words in the index)."""
    words = [leaf for leaf in leaves(node, positive_only=True) if not leaf.prefix]
    if not words:
        return 1.0
    got = 0.0
    for leaf in words:
        if all(term in vocab_known for term in leaf.terms):
            got += 1.0
        elif leaf.alternatives:
            got += 0.5
    return got / len(words)


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
    mode: str = "hybrid",
) -> SearchResults:
    """Search the current store's items (see `query` for the syntax).

    Ranked retrieval: plain words are matched as a ranked OR (every word counts, items
    with more of them rank higher; see `_lexical`), quotes, AND, OR, NOT and prefix* keep
    their exact boolean meaning. With the embedding model and the items' vectors present
    (`search.embed`), the lexical ranking is fused with the semantic one by weighted
    reciprocal-rank fusion, and a plain-words query is widened with the items closest in
    meaning (`hit["match"] == "semantic"`: no query word in it, e.g. an English query over
    French texts). `mode`: "hybrid" (default), "lexical" or "semantic" (benchmarks).
    Higher score = better, ties in document order; an empty query lists every item in
    document order. Facets count the whole result set under the *other* active filters.
    Raises QueryError for a malformed query or an unknown filter value.
    """
    if not isinstance(query, str):
        raise QueryError("the query must be text")
    if not 0 <= int(limit) <= MAX_LIMIT:
        raise QueryError(f"limit must be between 0 and {MAX_LIMIT}")
    if int(offset) < 0:
        raise QueryError("offset must not be negative")
    if mode not in ("hybrid", "lexical", "semantic"):
        raise QueryError(f"unknown mode {mode!r} (hybrid, lexical or semantic)")
    node = parse(query)
    filters = _filters(
        part=part, meeting=meeting, year=year, theme=theme, addressee=addressee,
        strength=strength, status=status,
    )  # fmt: skip
    conn = connections[current_alias()]
    st = index.state()  # one small read: never a scan, never a write (see index.py)
    if st.layout != index.INDEX_VERSION:
        raise index.IndexMissing(
            "the search index of this store is not built: open it with a writer first "
            "(recueil ingest, recueil import or recueil serve)"
        )
    version = f"{st.version}|{index.generation}"
    fts_version = f"{st.rows_version}|{index.generation}"
    asked = {"part": part, "meeting": meeting, "year": year, "theme": theme,
             "addressee": addressee, "strength": strength, "status": status}  # fmt: skip
    vectors_version = embed.version()
    key = (conn.alias, version, vectors_version, query, mode,
           tuple((k, repr(v)) for k, v in asked.items()), int(limit), int(offset))  # fmt: skip
    cached = _cache_get(key)
    if cached is not None:
        return cached
    t = docs.table(version, fts_version)
    n = len(t)
    masks = docs.filter_masks(t, filters)
    allowed = docs.combine(masks, n)
    status_ok = masks.get("status", np.ones(n, dtype=bool))
    corrections: dict[str, str] = {}
    score = np.zeros(n, dtype=np.float64)
    how = np.zeros(n, dtype=np.int8)  # 1 lexical, 2 semantic, 3 both
    similarity = np.zeros(n, dtype=np.float32)
    semantic_used = False
    if node is None:
        matched = np.ones(n, dtype=bool)
    else:
        known = _known_terms(conn, fts_version)
        corrections = _correct(node, conn, fts_version)  # misspelt → nearest word
        share = known_share(node, known)
        if conn.vendor == "postgresql":
            _pg_variants(node, conn)
        lex_pos, lex_score = _lexical(node, conn, t, fts_version)
        lex_mask = t.mask_from(lex_pos)
        lex_full = np.zeros(n, dtype=np.float64)
        lex_full[lex_pos] = lex_score
        sem = _semantic(node, t, version, query, vectors_version) if mode != "lexical" else None
        if sem is None:
            matched = lex_mask
            score = lex_full
            how[lex_mask] = 1
        else:
            semantic_used = True
            fused, cos = sem.score, sem.cos
            similarity = cos
            plain = is_plain(node)
            pool = status_ok & (cos > 0)  # rows with a vector
            sem_rank = _ranks(fused, np.flatnonzero(pool))
            widen = np.zeros(n, dtype=bool)
            if plain or mode == "semantic":
                best = np.flatnonzero(pool & (sem_rank > 0) & (sem_rank <= SEMANTIC_K))
                if len(best):
                    top = float(cos[best].max())
                    widen[best[cos[best] >= top - SEMANTIC_MARGIN]] = True
            if mode == "semantic":
                matched = widen if plain else lex_mask
                score = np.where(matched & (sem_rank > 0), 1.0 / (RRF_K + sem_rank), 0.0)
            else:
                matched = lex_mask | widen
                lex_rank = _ranks(lex_full, np.flatnonzero(lex_mask & status_ok))
                w_lex = LEXICAL_WEIGHT * share
                score = np.where(lex_rank > 0, w_lex / (RRF_K + lex_rank), 0.0) + np.where(
                    sem_rank > 0, SEMANTIC_WEIGHT / (RRF_K + sem_rank), 0.0
                )
                score = np.where(matched, score, 0.0)
            how[lex_mask] = 1
            how[widen & ~lex_mask] = 2
    rows = np.flatnonzero(matched & allowed)
    total = len(rows)
    page = _top(rows, np.round(score[rows], 6), int(offset) + int(limit))[int(offset) :]
    facets = docs.facets(t, matched, masks, ADDRESSEE_LABELS, STRENGTH_LABELS)
    hits = _hits(
        [(int(t.ids[p]), float(score[p]), int(how[p]), float(similarity[p])) for p in page],
        node, semantic_used, version,
    )  # fmt: skip
    results = SearchResults(query, total, hits, facets, corrections, semantic=semantic_used)
    lexical_total = int((matched & allowed & (how != 2)).sum()) if node is not None else total
    results.lexical_total = lexical_total
    if node is not None and lexical_total < FEW_HITS:
        results.suggestions = _suggestions(node, corrections, query, sem)
    _cache_put(key, results)
    return _copy(results)


def _top(rows: np.ndarray, score: np.ndarray, k: int) -> np.ndarray:
    """The k best rows by descending score, ties in document order (row number), without
    sorting the whole result set: only the rows scoring at least the k-th best are sorted."""
    if k <= 0:
        return rows[:0]
    if k < len(rows):
        kth = -np.partition(-score, k - 1)[k - 1]
        keep = score >= kth
        rows, score = rows[keep], score[keep]
    return rows[np.lexsort((rows, -score))][:k]


@dataclass
class Semantic:
    score: np.ndarray  # each row's fused semantic score (higher is closer)
    cos: np.ndarray  # each row's e5 cosine (0: no vector)
    theme_ids: np.ndarray  # sorted theme ids …
    theme_score: np.ndarray | None  # … and their fused score against the query


def _semantic(
    node, t: docs.DocTable, version: str, query: str = "", vectors_version: str | None = None
) -> Semantic | None:
    """Each row's semantic score and e5 cosine, or None without the model or any vector.

    The score fuses, as z-scores over the collection (cosines of different encoders are
    on different scales): the cosine of the query and the item under multilingual-e5-small
    and, weighted by USE_WEIGHT, under USE multilingual v3 (their errors differ); plus
    THEME_WEIGHT × the same fused score of the query and the item's themes, averaged over
    them (French and English labels and scope notes: the compendium's human index says
    what an item is about in words a question may use, "kids travelling alone" for a text
    on "mineurs non accompagnés"). An item without a theme gets the themed items' mean.
    No pseudo-relevance feedback: it raised the dev split (+0.02 FR, +0.035 EN) but not
    the nested cross-validation (bench/search_eval.py; docs/search.md).
    The e5 cosine says which rows have a vector and how close a hit is (`similarity`).
    """
    text = _query_text(node, query)
    if not text.strip():
        return None
    vv = vectors_version or embed.version()
    if not embed.has_item_vectors(version, vv):  # no O(n) work that cannot change the ranking
        return None
    weights = {embed.MODEL: 1.0, embed.USE: USE_WEIGHT}
    encoders = [name for name in embed.models() if weights.get(name)]
    matrices = {name: embed.matrix(t.ids, version, name, vv) for name in encoders}
    vectors = {name: embed.query_vector(text, name) for name in encoders}
    vectors = {name: q for name, q in vectors.items() if q is not None and len(matrices[name])}
    if embed.MODEL not in vectors:
        return None
    return _fuse(t, version, matrices, vectors, weights, vv)


def _fuse(t: docs.DocTable, version: str, matrices: dict, vectors: dict, weights: dict,
          vectors_version: str):  # fmt: skip
    """The fused semantic score of every row for these query vectors (see `_semantic`)."""
    fused = np.zeros(len(t), dtype=np.float64)
    theme_fused: np.ndarray | None = None
    theme_ids = np.zeros(0, dtype=np.int64)
    cos_e5 = np.zeros(len(t), dtype=np.float32)
    for name, q in vectors.items():
        cos = matrices[name] @ q
        if name == embed.MODEL:
            cos_e5 = cos
        fused += weights[name] * _zscore(cos, cos != 0)  # a row without a vector: exactly 0
        if THEME_WEIGHT or name == embed.MODEL:  # theme scores also feed the suggestions
            theme_ids, tm = embed.theme_matrix(version, name, vectors_version)
            if len(theme_ids) and tm.any():
                tcos = tm @ q
                tz = weights[name] * _zscore(tcos, tcos != 0)
                theme_fused = tz if theme_fused is None else theme_fused + tz
    if theme_fused is not None and THEME_WEIGHT and len(t.theme_pos):
        fused += THEME_WEIGHT * _theme_mean(t, theme_ids, theme_fused)
    return Semantic(fused, cos_e5, theme_ids, theme_fused)


def _zscore(values: np.ndarray, where: np.ndarray) -> np.ndarray:
    """(values − mean) / std over the rows `where` (0 elsewhere)."""
    if not where.any():
        return np.zeros(len(values))
    v = values[where].astype(np.float64)
    out = (values.astype(np.float64) - v.mean()) / max(float(v.std()), 1e-9)
    return np.where(where, out, 0.0)


def _theme_mean(t: docs.DocTable, theme_ids: np.ndarray, theme_score: np.ndarray) -> np.ndarray:
    """Each row's mean of its themes' scores; a row without a theme gets the themed rows'
    mean (neutral: neither raised nor lowered)."""
    n = len(t)
    at = np.searchsorted(theme_ids, t.theme_id)
    known = (at < len(theme_ids)) & (theme_ids[np.minimum(at, len(theme_ids) - 1)] == t.theme_id)
    pos = t.theme_pos[known]
    sums = np.bincount(pos, weights=theme_score[at[known]], minlength=n)
    counts = np.bincount(pos, minlength=n)
    has = counts > 0
    if not has.any():
        return np.zeros(n)
    mean = np.zeros(n)
    mean[has] = sums[has] / counts[has]
    mean[~has] = mean[has].mean()
    return mean


def _known_terms(conn, fingerprint: str) -> set[str]:
    vocab = _vocabulary(conn, fingerprint)
    key = (conn.alias, fingerprint)
    with _vocab_lock:
        known = _known_cache.get(key)
        if known is None:
            known = {term for bucket in vocab.values() for term in bucket}
            _known_cache.clear()
            _known_cache[key] = known
    return known


_known_cache: dict[tuple[str, str], set[str]] = {}


THEME_SUGGEST_Z = 3.5  # a theme this far above the mean of themes is suggested by meaning …
THEME_SUGGEST_GAP = 1.5  # … if within this of the closest theme (a query on nothing in the
THEME_SUGGEST_MEANING = 3  # collection, "weather forecast tomorrow", peaks at 3.1)


def _suggestions(node, corrections: dict[str, str], query: str, sem: Semantic | None) -> dict:
    """For few or no word matches: themes whose labels share a query word, then up to
    THEME_SUGGEST_MEANING themes closest in meaning (fused score of the query and the
    theme's labels and notes ≥ THEME_SUGGEST_Z: "kids travelling alone" or «enfance»
    suggest the theme of unaccompanied children), and the query as corrected."""
    wanted = {t for leaf in leaves(node, positive_only=True) for t in leaf.terms}
    wanted |= {a for leaf in leaves(node, positive_only=True) for a in leaf.alternatives}
    wanted = {w for w in wanted if not analyze.is_stopword(w) and len(w) > 2}
    labels = dict(Theme.objects.values_list("id", "label"))
    themes = [label for label in sorted(labels.values())
              if wanted & set(analyze.terms(label))]  # fmt: skip
    if sem is not None and sem.theme_score is not None and len(sem.theme_ids):
        order = np.argsort(-sem.theme_score, kind="stable")[:THEME_SUGGEST_MEANING]
        floor = max(THEME_SUGGEST_Z, float(sem.theme_score[order[0]]) - THEME_SUGGEST_GAP)
        themes += [labels[int(sem.theme_ids[i])] for i in order
                   if sem.theme_score[i] >= floor
                   and labels.get(int(sem.theme_ids[i])) not in (None, *themes)]  # fmt: skip
    corrected = None
    if corrections:
        corrected = query
        for word, fixed in corrections.items():
            corrected = corrected.replace(word, fixed)
    return {"themes": themes[:8], "query": corrected}


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


MATCH_KINDS = {0: None, 1: "words", 2: "meaning", 3: "words"}


_items_cache: dict[tuple[str, str], dict[int, dict]] = {}
_items_lock = threading.Lock()


def _item_rows(ids: list[int], version: str) -> dict[int, dict]:
    """What a hit shows of each item (citation, themes, wording…), read once per process
    and index version: popular items are not loaded from the database on every search."""
    from recueil.store.queries import citation

    key = (current_alias(), version)
    with _items_lock:
        known = _items_cache.get(key)
        if known is None:
            for k in [k for k in _items_cache if k[0] == key[0]]:
                del _items_cache[k]
            known = _items_cache[key] = {}
        missing = [i for i in ids if i not in known]
    if missing:
        items = (
            Item.objects.filter(id__in=missing)
            .select_related("meeting", "document")
            .defer("raw_text", "document__raw_text", "document__body")
        )
        themes: dict[int, list[str]] = {}
        with connections[current_alias()].cursor() as cur:
            marks = ", ".join(["%s"] * len(missing))
            cur.execute(
                f"SELECT a.item_id, t.label FROM {Assignment._meta.db_table} a "
                f"JOIN {Theme._meta.db_table} t ON t.id = a.theme_id "
                f"WHERE a.item_id IN ({marks})",
                missing,
            )
            for item_id, label in cur.fetchall():
                themes.setdefault(item_id, []).append(label)
            cur.execute(
                f"SELECT d.item_id, d.strength, a.addressee FROM {index.DOC} d "
                f"LEFT JOIN {index.ADDRESSEE} a ON a.item_id = d.item_id "
                f"WHERE d.item_id IN ({marks})",
                missing,
            )
            wording: dict[int, tuple[str, list[str]]] = {}
            for item_id, strength, addressee in cur.fetchall():
                wording.setdefault(item_id, (strength, []))[1].append(addressee)
        rows = {}
        for item in items:
            roman = item.meeting.roman
            strength, addressees = wording.get(item.id, ("other", []))
            rows[item.id] = {
                "ref": item.ref,
                "status": item.status,
                "text": item.text,
                "part": item.part,
                "meeting": roman if item.part == "A" else None,
                "session": roman if item.part == "B" else None,
                "year": item.meeting.start_date.year if item.meeting.start_date else None,
                "symbol": item.symbol,
                "themes": sorted(themes.get(item.id, [])),
                "citation": citation(item),
                "kind": item.kind,
                "addressees": [a for a in ADDRESSEE_LABELS if a in addressees],
                "strength": strength,
                "language": getattr(item, "language", None) or "fr",
            }
        with _items_lock:
            known.update(rows)
    return {i: known[i] for i in ids if i in known}


def _hits(page: list[tuple], node, semantic: bool = False, version: str = "") -> list[dict]:
    """The page's items as dicts; `match` says why each is there: "words" (holds query
    words, highlighted in the snippet) or "meaning" (semantic only: similar meaning)."""
    rows = _item_rows([row[0] for row in page], version)
    wanted, prefixes = _wanted_terms(node)
    hits = []
    for item_id, score, how, similarity in page:
        row = rows[item_id]
        hits.append({
            "ref": row["ref"],
            "status": row["status"],
            "score": round(float(score or 0.0), 6),
            "snippet": highlight(row["text"], wanted, prefixes),
            **{k: v for k, v in row.items() if k not in ("ref", "status")},
            "match": MATCH_KINDS[how] if node is not None else None,
            "similarity": round(similarity, 4) if semantic else None,
        })  # fmt: skip
    return hits  # the engine returns deep copies: the cached rows stay untouched
