"""Related items, agreed-language precedents, side-by-side comparison and draft fates.

Plain functions over the store (run them with `store.run(fn, …)` like `store.queries`),
returning dicts for the CLI, the API and the web pages alike. Candidates come from the
inverted index (`link.index`), cached per database and rebuilt when items change; only
the few candidates are then compared word by word (`link.compare`).
"""

from __future__ import annotations

import array
import re
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.db import connections
from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from recueil.link.compare import diff, overlap, relation
from recueil.link.index import TermIndex, cosine, features, weigh
from recueil.link.rank import (
    Fetch,
    candidates,
    precedent_score,
    rank_precedents,
    rank_related,
    related_score,
)
from recueil.link.text import terms
from recueil.model import Ref, Status, to_roman
from recueil.store.db import current_alias
from recueil.store.models import Document, Item
from recueil.store.queries import NotFound

FILE_CACHE_MIN_ITEMS = 2000  # below this, building in memory is faster than reading a file
CANDIDATES = 60  # index candidates compared word by word per query


STATUSES = tuple(s.value for s in Status)
PARTS = ("A", "B")


@dataclass
class Catalog:
    """The index of one database at one fingerprint, with what each position stands for.

    Arrays are memory-mapped from the cache folder when one exists: nothing is read at
    load time. Statuses and parts are small codes, refs UTF-8 bytes with a sorted copy
    (`sorted_refs`, positions `ref_order`) for O(log n) lookups by citation.
    """

    index: TermIndex
    ids: np.ndarray  # item primary keys, by position
    refs: np.ndarray  # bytes (UTF-8)
    status_codes: np.ndarray  # uint8 index into STATUSES
    part_codes: np.ndarray  # uint8 index into PARTS
    sorted_refs: np.ndarray  # refs, sorted
    ref_order: np.ndarray  # positions of sorted_refs
    dates: np.ndarray  # meeting start date as YYYYMMDD (0: unknown)
    fingerprint: str

    def __post_init__(self) -> None:
        self._masks: dict[tuple, np.ndarray] = {}

    def ref(self, pos: int) -> str:
        return bytes(self.refs[pos]).decode("utf-8")

    def status(self, pos: int) -> str:
        return STATUSES[int(self.status_codes[pos])]

    def mask(self, *, status: str | None = Status.ADOPTED.value, part: str | None = None):
        """Allowed positions (computed once per process and filter, then shared)."""
        key = (status, part.upper() if part else None)
        cached = self._masks.get(key)
        if cached is None:
            cached = np.ones(len(self.ids), dtype=bool)
            if status:
                cached &= self.status_codes == _code(STATUSES, status)
            if part:
                cached &= self.part_codes == _code(PARTS, part.upper())
            self._masks[key] = cached
        return cached

    def positions(self, ref: str, *, prefix: bool = False) -> np.ndarray:
        """Positions of the items cited `ref` (and, with `prefix`, of its subparagraphs
        `ref.…`), by binary search in the sorted refs."""
        key = ref.encode("utf-8")
        lo = np.searchsorted(self.sorted_refs, key, side="left")
        hi = np.searchsorted(self.sorted_refs, key + (b"/" if prefix else b""), side="right")
        found = np.asarray(self.ref_order[lo:hi])
        if prefix:  # [key, key + "/") also holds "A:I.1" → "A:I.10": keep key and "key."
            keep = [bytes(self.refs[p]) == key or bytes(self.refs[p]).startswith(key + b".")
                    for p in found]  # fmt: skip
            found = found[np.array(keep, dtype=bool)] if len(found) else found
        return found

    def with_prefix(self, prefix: str) -> np.ndarray:
        """Positions of the refs starting with `prefix` (e.g. "B:VI."), by binary search."""
        key = prefix.encode("utf-8")
        if not key:
            return np.arange(len(self.ids))
        upper = key[:-1] + bytes([key[-1] + 1]) if key[-1] < 255 else key + b"\xff"
        lo = np.searchsorted(self.sorted_refs, key, side="left")
        hi = np.searchsorted(self.sorted_refs, upper, side="left")
        return np.asarray(self.ref_order[lo:hi])


def _code(values: tuple[str, ...], value: str) -> int:
    return values.index(value) if value in values else 255


_cache: dict[str, Catalog] = {}
_lock = threading.Lock()


def fingerprint() -> str:
    """Cheap (index lookups only, no count over the items) and changes whenever ingestion
    adds or edits items: an edited file bumps its document's `updated_at`, a new item a new
    maximum id. Items deleted elsewhere only leave dead positions, skipped when their text
    is fetched. Edits in this process by other means (the admin) drop the cache through the
    signal handlers below."""
    items = Item.objects.aggregate(top=Max("id"))
    docs = Document.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    return f"{items['top']}:{docs['n']}:{docs['at']}"


def _key(alias: str) -> str:
    """Replicas share their primary's index (same rows, same file)."""
    from recueil.store.routing import primary_of

    return primary_of(alias)


def invalidate(alias: str | None = None) -> None:
    """Forget the index of a database (memory and cache file): it is rebuilt on next use."""
    alias = _key(alias or current_alias())
    with _lock:
        _cache.pop(alias, None)
        path = _cache_file(alias)
        if path is not None:
            shutil.rmtree(path, ignore_errors=True)
            path.with_suffix(".npz").unlink(missing_ok=True)  # the former single-file cache


@receiver(post_save, sender=Item, dispatch_uid="recueil.link.item_saved")
@receiver(post_delete, sender=Item, dispatch_uid="recueil.link.item_deleted")
def _item_changed(sender, instance, using=None, **kwargs) -> None:
    key = _key(using) if using else None
    if key in _cache or (key and _cache_file(key) and _cache_file(key).exists()):
        invalidate(key)


def _cache_file(alias: str) -> Path | None:
    """`<db>.links/` beside a SQLite file; for PostgreSQL, a folder in the user data
    directory named after the server and database."""
    cfg = connections.settings.get(alias)
    if not cfg:
        return None
    if cfg["ENGINE"].endswith("sqlite3"):
        return Path(cfg["NAME"] + ".links")
    if cfg["ENGINE"].endswith("postgresql"):
        import hashlib

        from platformdirs import user_data_dir

        where = f"{cfg.get('HOST')}:{cfg.get('PORT')}/{cfg['NAME']}"
        key = hashlib.sha1(where.encode()).hexdigest()[:16]
        return Path(user_data_dir("recueil", appauthor=False)) / "links" / f"{key}.links"
    return None


def catalog() -> Catalog:
    """The index of the current database, from memory, the cache folder (memory-mapped),
    or built afresh (and saved)."""
    alias = _key(current_alias())
    fp = fingerprint()
    cached = _cache.get(alias)
    if cached is not None and cached.fingerprint == fp:
        return cached
    with _lock:
        cached = _cache.get(alias)
        if cached is not None and cached.fingerprint == fp:
            return cached
        path = _cache_file(alias)
        cat = _load(path, fp) if path else None
        if cat is None:
            cat = _build(fp)
            if path and len(cat.ids) >= FILE_CACHE_MIN_ITEMS:
                path.parent.mkdir(parents=True, exist_ok=True)
                cat.index.save(
                    path, ids=cat.ids, refs=cat.refs, status_codes=cat.status_codes,
                    part_codes=cat.part_codes, sorted_refs=cat.sorted_refs,
                    ref_order=cat.ref_order, dates=cat.dates, fingerprint=np.array(fp),
                )  # fmt: skip
                cat = _load(path, fp) or cat  # served from the mapped files from now on
        _cache[alias] = cat
        return cat


def _load(path: Path, fp: str) -> Catalog | None:
    if not path.is_dir():
        return None
    try:
        index, meta = TermIndex.load(path)
        if str(meta["fingerprint"]) != fp:
            return None
        return Catalog(index, meta["ids"], meta["refs"], meta["status_codes"],
                       meta["part_codes"], meta["sorted_refs"], meta["ref_order"],
                       meta["dates"], fp)  # fmt: skip
    except (OSError, ValueError, KeyError):
        return None


def _build(fp: str) -> Catalog:
    """Index every item (streamed from the database, so a million texts never sit in
    memory at once); positions follow document order."""
    ids = array.array("q")
    refs: list[bytes] = []
    statuses = array.array("B")
    parts = array.array("B")
    dates = array.array("q")

    def analysed():
        rows = Item.objects.order_by("sort_key", "status").values_list(
            "id", "ref", "status", "part", "meeting__start_date", "text"
        )
        for item_id, ref, status, part, start, text in rows.iterator(chunk_size=5000):
            ids.append(item_id)
            refs.append(ref.encode("utf-8"))
            statuses.append(_code(STATUSES, status))
            parts.append(_code(PARTS, part))
            dates.append(_yyyymmdd(start))
            yield features(terms(text))

    index = TermIndex.build(analysed())
    ref_array = np.array(refs, dtype=f"S{max((len(r) for r in refs), default=1)}")
    order = np.argsort(ref_array, kind="stable").astype(np.int64)
    return Catalog(
        index,
        np.frombuffer(ids, dtype=np.int64).copy(),
        ref_array,
        np.frombuffer(statuses, dtype=np.uint8).copy(),
        np.frombuffer(parts, dtype=np.uint8).copy(),
        ref_array[order],
        order,
        np.frombuffer(dates, dtype=np.int64).copy(),
        fp,
    )


def _yyyymmdd(day) -> int:
    return day.year * 10000 + day.month * 100 + day.day if day else 0


# A text cannot restate or revise a later one: seen from the earlier item, a later item
# sharing its wording restated or revised it (took it up).
LATER_RELATIONS = {"restates": "restated_later", "revises": "revised_later"}


def time_order(item_date: int, other_date: int) -> str | None:
    """"earlier" / "later" / "same meeting" (same start date) of another item relative to
    an item, by their meetings' start dates; None when either date is unknown."""
    if not item_date or not other_date:
        return None
    if other_date == item_date:
        return "same meeting"
    return "earlier" if other_date < item_date else "later"


def _family(ref: Ref, status: str, cat: Catalog) -> np.ndarray:
    """Positions of the item itself, its ancestors and its descendants, of its status (a
    draft's adopted namesake is another text, worth comparing): a few binary searches."""
    found = [cat.positions(str(ref), prefix=True)]
    parent = ref.parent
    while parent is not None:
        found.append(cat.positions(str(parent)))
        parent = parent.parent
    positions = np.concatenate(found)
    code = _code(STATUSES, status)
    return positions[np.asarray(cat.status_codes[positions]) == code]


def _fetch(cat: Catalog) -> Fetch:
    def fetch(positions):
        ids = {int(cat.ids[p]): p for p in positions}
        rows = Item.objects.filter(id__in=list(ids)).values_list("id", "text")
        return {ids[i]: text for i, text in rows}

    return fetch


def _candidates(text: str, cat: Catalog, allowed: np.ndarray, n: int,
                exclude: np.ndarray | None = None) -> list[dict]:  # fmt: skip
    """Index candidates with their measures, each also carrying its "ref" and "status"."""
    out = candidates(text, cat.index, _fetch(cat), n, allowed, exclude)
    for c in out:
        c["ref"], c["status"] = cat.ref(c["pos"]), cat.status(c["pos"])
    return out


def _item_text(ref: str, status: str) -> tuple[Ref, str]:
    key = Ref.parse(ref)
    text = Item.objects.filter(ref=str(key), status=status).values_list("text", flat=True).first()
    if text is None:
        raise NotFound(f"no {status} item {key}")
    return key, text


def related(
    ref: str,
    limit: int = 10,
    *,
    status: str = Status.ADOPTED.value,
    part: str | None = None,
) -> list[dict]:
    """The adopted items most similar to `ref` (itself, its parent and subparagraphs aside).

    Each: {"ref", "score", "relation", "time", "year", "cosine", "shared", "text"};
    `time` says whether the hit is "earlier" or "later" than the item (or "same meeting";
    None when a date is unknown) and relation is restates / revises (the item takes up the
    earlier hit's wording) or, for a later hit, restated_later / revised_later (the later
    text took up the item's: a text never restates a later one), or related (thresholds
    in `link.compare`); items on no shared subject are left out. `score` = (cosine +
    shared wording) / 2, the ranking.
    """
    key, text = _item_text(ref, status)
    cat = catalog()
    family = _family(key, status, cat)
    cands = _candidates(text, cat, cat.mask(part=part), max(CANDIDATES, 3 * limit), family)
    own = [p for p in cat.positions(str(key)) if cat.status(p) == status]
    own_date = int(cat.dates[own[0]]) if own else 0
    keep = ("cosine", "shared")
    out = []
    for r in rank_related(cands, limit):
        other = int(cat.dates[r["pos"]])
        when = time_order(own_date, other)
        relation = r["relation"]
        if when == "later":
            relation = LATER_RELATIONS.get(relation, relation)
        out.append({
            "ref": r["ref"],
            "score": round(r["score"], 3),
            "relation": relation,
            "time": when,
            "year": other // 10000 or None,
            **{k: round(r[k], 3) for k in keep},
            "text": r["text"],
        })  # fmt: skip
    return out


def precedent(text: str, limit: int = 10, *, part: str | None = None) -> list[dict]:
    """Adopted paragraphs closest in wording to a draft `text`, each with a word-level diff
    from the adopted text to the draft. Each: {"ref", "score", "relation", "diff", "text"}.

    `score` (see `rank.precedent_score`) is near 1 for a lightly edited copy of an item,
    high for a fragment of it, lower for items that merely share its subject.
    """
    if not text or not text.strip():
        raise ValueError("precedent needs a non-empty text")
    cat = catalog()
    cands = _candidates(text, cat, cat.mask(part=part), max(CANDIDATES, 3 * limit))
    return [
        {
            "ref": r["ref"],
            "score": round(r["score"], 3),
            "relation": r["relation"],
            "diff": r["diff"],
            "text": r["text"],
        }  # fmt: skip
        for r in rank_precedents(text, cands, limit)
    ]


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_NUMBERING = re.compile(r"^\s*(?:\d+\.|[a-z]\)|[ivx]+\)|[-•*])\s+")


def draft_paragraphs(text: str, *, min_words: int = 5) -> list[str]:
    """A draft document cut into paragraphs (blank lines), numbering marks removed,
    lines folded; fragments under `min_words` words (headings, signatures) are dropped."""
    out = []
    for block in _PARAGRAPH_BREAK.split(text):
        para = " ".join(_NUMBERING.sub("", block.strip()).split())
        if len(para.split()) >= min_words:
            out.append(para)
    return out


def precedent_document(text: str, limit: int = 5, *, part: str | None = None) -> list[dict]:
    """`precedent` for each paragraph of a draft document: [{"paragraph": n (1-based),
    "text", "precedents": [...]}]."""
    paragraphs = draft_paragraphs(text)
    if not paragraphs:
        raise ValueError("the draft has no paragraph of five words or more")
    return [
        {"paragraph": n, "text": para, "precedents": precedent(para, limit, part=part)}
        for n, para in enumerate(paragraphs, 1)
    ]


def compare(
    ref_a: str,
    ref_b: str,
    *,
    status_a: str = Status.ADOPTED.value,
    status_b: str = Status.ADOPTED.value,
) -> dict:
    """Any two items side by side: measures, relation and the diff from A to B."""
    key_a, text_a = _item_text(ref_a, status_a)
    key_b, text_b = _item_text(ref_b, status_b)
    m = measures(text_a, text_b)
    return {
        "a": {"ref": str(key_a), "status": status_a, "text": text_a},
        "b": {"ref": str(key_b), "status": status_b, "text": text_b},
        **{k: round(m[k], 3) for k in ("cosine", "ratio", "shared", "score")},
        "relation": m["relation"] or "unrelated",
        "diff": diff(text_a, text_b),
    }


def measures(text_a: str, text_b: str) -> dict:
    """Cosine (with this database's idf), word overlap, related score and relation of two
    texts: {"cosine", "ratio", "shared", "score", "relation" (None if unrelated)}."""
    idf = catalog().index.idf
    cos = cosine(weigh(features(terms(text_a)), idf), weigh(features(terms(text_b)), idf))
    ov = overlap(text_a, text_b)
    m = {"cosine": cos, "ratio": ov.ratio, "shared": ov.shared}
    return {**m, "score": related_score(m), "relation": relation(ov.shared, cos)}


def draft_fate(draft_ref: str, *, scope: str = "meeting") -> dict:
    """Where a draft's text (the item and each subparagraph) went in the adopted items of
    the same meeting (`scope="meeting"`, the adopted version of that report) or of any
    meeting of the same part (`scope="all"`).

    Per unit: "survived" (same words; accents, case and typography aside), "changed" (an
    adopted item restates or revises it: `match` holds it and the diff from the draft to
    it), or "disappeared" (no adopted item shares its wording; `closest` is the nearest
    item on the same subject, if any, for the reader to judge).
    """
    key = Ref.parse(draft_ref)
    draft = Item.objects.filter(ref=str(key), status=Status.DRAFT.value).first()
    if draft is None:
        raise NotFound(f"no draft item {key}")
    if scope not in ("meeting", "all"):
        raise ValueError(f"scope must be 'meeting' or 'all', not {scope!r}")
    units = Item.objects.filter(status=Status.DRAFT.value, document=draft.document).filter(
        ref__regex=r"^" + str(key).replace(".", r"\.") + r"(\.|$)"
    )
    cat = catalog()
    allowed = cat.mask(part=key.part.value)
    if scope == "meeting" and key.symbol:
        # a draft resolution (A/C.3/80/L.5) and its adopted text (A/RES/80/228) share no
        # symbol: "its meeting" is the adopted documents of the same title, if any
        same = [s for s in Document.objects.filter(title=draft.document.title).exclude(
            id=draft.document_id).values_list("symbol", flat=True) if s]  # fmt: skip
        if same:
            in_docs = np.zeros(len(cat.ids), dtype=bool)
            for s in same:
                in_docs[cat.with_prefix(f"{s}:")] = True
            allowed = allowed & in_docs
    elif scope == "meeting":
        in_meeting = np.zeros(len(cat.ids), dtype=bool)
        in_meeting[cat.with_prefix(f"{key.part}:{to_roman(key.meeting)}.")] = True
        allowed = allowed & in_meeting
    out = []
    for unit in units.order_by("sort_key"):
        cands = _candidates(unit.text, cat, allowed, CANDIDATES)
        for c in cands:
            c["relation"] = relation(c["shared"], c["cosine"])
        taken = [c for c in cands if c["relation"] in ("restates", "revises")]
        best = max(taken, key=precedent_score, default=None)
        near = [c for c in cands if c["relation"] == "related"]
        closest = max(near, key=related_score, default=None)
        if best is not None and best["ratio"] == 1.0:
            fate = "survived"
        elif best is not None:
            fate = "changed"
        else:
            fate = "disappeared"
        shown = best if best is not None else closest
        match = None
        if shown is not None:
            match = {
                "ref": shown["ref"],
                "score": round(precedent_score(shown), 3),
                "relation": shown["relation"],
                "diff": diff(unit.text, shown["text"]),
                "text": shown["text"],
            }
        out.append(
            {
                "ref": unit.ref,
                "text": unit.text,
                "fate": fate,
                "match": match if best is not None else None,
                "closest": match if best is None else None,
            }
        )
    summary = {f: sum(u["fate"] == f for u in out) for f in ("survived", "changed", "disappeared")}
    return {"draft": str(key), "document": draft.document.source_file, "scope": scope,
            "units": out, "summary": summary}  # fmt: skip
