"""The searchable items as columns in memory: filters as masks, facets as counts, one pass.

A search matches once (lexical and semantic, see `engine`) into a score per row; the
filters are boolean masks over these columns and every facet is a count of the matched
rows under the *other* filters, so the total, the page and the facets all come from the
same match (no query is run again per facet). The table is read from the search index
(`recueil_search_doc`, addressees) and the theme assignments once per process and index
version: a few arrays per item (~50 bytes), so a million items stay in ~50 MB.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass

import numpy as np
from django.db import connections

from recueil.model import to_roman
from recueil.search import index
from recueil.store.db import current_alias
from recueil.store.models import Assignment, Theme

PART_LABELS = {"A": "Groupe de travail (A)", "B": "Conférence des Parties (B)"}


@dataclass
class DocTable:
    """Index rows in document order (sort key, then status): position = row number."""

    ids: np.ndarray  # item primary keys
    status: np.ndarray  # str
    part: np.ndarray  # str
    meeting: np.ndarray  # int
    year: np.ndarray  # int, 0 when unknown
    strength: np.ndarray  # str
    addr_pos: np.ndarray  # (position, addressee) pairs
    addr_val: np.ndarray
    theme_pos: np.ndarray  # (position, theme id) pairs
    theme_id: np.ndarray
    version: str
    rows_version: str = ""  # the index rows' version: same rows, only themes to reload

    def __post_init__(self) -> None:
        # id → position as a dense array (-1: not searchable): numpy maps a whole result
        # set at once, where a dict would cost a Python lookup per matched row.
        self.id_pos = np.full(int(self.ids.max()) + 1 if len(self.ids) else 1, -1, np.int64)
        self.id_pos[self.ids] = np.arange(len(self.ids))
        # string columns as small integer codes: facets are bincounts, not sorts of strings
        self.codes = {}
        for name in ("part", "strength", "status"):
            labels, code = np.unique(getattr(self, name), return_inverse=True)
            self.codes[name] = (labels.tolist(), code.astype(np.int64))
        keys = np.stack([self.codes["part"][1], self.meeting, self.year], axis=1)
        if len(keys):
            groups, code = np.unique(keys, axis=0, return_inverse=True)
        else:
            groups, code = np.zeros((0, 3), np.int64), np.zeros(0, np.int64)
        code = code.reshape(-1).astype(np.int64)
        first = np.zeros(len(groups), np.int64)
        first[code[::-1]] = np.arange(len(code))[::-1]  # a row of each group
        self.meeting_groups = [(str(self.part[first[g]]), int(m), int(y))
                               for g, (_p, m, y) in enumerate(groups.tolist())]  # fmt: skip
        self.meeting_code = code
        labels, code = np.unique(self.addr_val, return_inverse=True)
        self.addr_labels, self.addr_code = labels.tolist(), code.astype(np.int64)

    def __len__(self) -> int:
        return len(self.ids)

    def positions(self, ids) -> np.ndarray:
        ids = np.asarray(ids, dtype=np.int64)
        ids = ids[(ids >= 0) & (ids < len(self.id_pos))]
        pos = self.id_pos[ids]
        return pos[pos >= 0]

    def mask_from(self, pos: np.ndarray) -> np.ndarray:
        out = np.zeros(len(self), dtype=bool)
        out[pos] = True
        return out


_tables: dict[str, DocTable] = {}
_lock = threading.Lock()


def _themes(cur, pos_of) -> tuple[np.ndarray, np.ndarray]:
    cur.execute(f"SELECT item_id, theme_id FROM {Assignment._meta.db_table}")
    pairs = [(pos_of[i], t) for i, t in cur.fetchall() if i in pos_of]
    return (np.array([p for p, _ in pairs], dtype=np.int64),
            np.array([t for _, t in pairs], dtype=np.int64))  # fmt: skip


def table(version: str, rows_version: str = "") -> DocTable:
    """The current store's table at this index version (read once per process and version).

    When only theme assignments changed (same `rows_version`), only they are read again."""
    alias = current_alias()
    with _lock:
        cached = _tables.get(alias)
        if cached is not None and cached.version == version:
            return cached
    conn = connections[alias]
    if cached is not None and rows_version and cached.rows_version == rows_version:
        fresh = copy.copy(cached)  # shares the row arrays, codes and id map
        with conn.cursor() as cur:
            pos_of = {int(i): p for p, i in enumerate(cached.ids.tolist())}
            fresh.theme_pos, fresh.theme_id = _themes(cur, pos_of)
        fresh.version = version
        with _lock:
            _tables[alias] = fresh
        return fresh
    with conn.cursor() as cur:
        cur.execute(
            f"SELECT item_id, status, part, meeting, year, strength FROM {index.DOC} "
            "ORDER BY sort_key, status"
        )
        rows = cur.fetchall()
        cur.execute(f"SELECT item_id, addressee FROM {index.ADDRESSEE}")
        addr = cur.fetchall()
        cols = list(zip(*rows, strict=True)) if rows else [()] * 6
        ids = np.array(cols[0], dtype=np.int64)
        pos_of = {int(i): p for p, i in enumerate(ids.tolist())}
        theme_pos, theme_id = _themes(cur, pos_of)
    addr = [(pos_of[i], a) for i, a in addr if i in pos_of]
    t = DocTable(
        ids=ids,
        status=np.array(cols[1], dtype=object).astype(str),
        part=np.array(cols[2], dtype=object).astype(str),
        meeting=np.array([m or 0 for m in cols[3]], dtype=np.int64),
        year=np.array([y or 0 for y in cols[4]], dtype=np.int64),
        strength=np.array(cols[5], dtype=object).astype(str),
        addr_pos=np.array([p for p, _ in addr], dtype=np.int64),
        addr_val=np.array([a for _, a in addr], dtype=object).astype(str),
        theme_pos=theme_pos,
        theme_id=theme_id,
        version=version,
        rows_version=rows_version,
    )
    with _lock:
        _tables[alias] = t
    return t


# --- filters: name → mask -----------------------------------------------------------------


_labels: dict[tuple[str, str], dict[int, str]] = {}


def theme_labels(t: DocTable) -> dict[int, str]:
    """Theme id → label, read once per table version (any theme edit moves the version)."""
    key = (current_alias(), t.version)
    labels = _labels.get(key)
    if labels is None:
        labels = dict(Theme.objects.values_list("id", "label"))
        _labels.clear()
        _labels[key] = labels
    return labels


def filter_masks(t: DocTable, filters: dict[str, tuple]) -> dict[str, np.ndarray]:
    """One mask per active filter; `filters` as built by `engine._filters`."""
    out = {}
    for name, spec in filters.items():
        kind = spec[0]
        if kind == "eq" and spec[1] in t.codes:  # ("eq", column, value): compare codes
            labels, code = t.codes[spec[1]]
            out[name] = code == (labels.index(spec[2]) if spec[2] in labels else -1)
        elif kind == "eq":
            out[name] = getattr(t, spec[1]) == spec[2]
        elif kind == "meeting":  # ("meeting", part or None, number)
            m = t.meeting == spec[2]
            out[name] = m & (t.part == spec[1]) if spec[1] else m
        elif kind == "theme":  # ("theme", [theme ids])
            out[name] = t.mask_from(t.theme_pos[np.isin(t.theme_id, spec[1])])
        elif kind == "addressee":  # ("addressee", value)
            out[name] = t.mask_from(t.addr_pos[t.addr_val == spec[1]])
    return out


def combine(masks: dict[str, np.ndarray], n: int, exclude: str | None = None) -> np.ndarray:
    out = np.ones(n, dtype=bool)
    for name, m in masks.items():
        if name != exclude:
            out &= m
    return out


# --- facets -------------------------------------------------------------------------------


def _counts(labels: list, codes: np.ndarray) -> dict:
    n = np.bincount(codes, minlength=len(labels))
    return {labels[i]: int(c) for i in np.flatnonzero(n).tolist() for c in (n[i],)}


def facets(
    t: DocTable, matched: np.ndarray, masks: dict[str, np.ndarray], addressee_labels: dict,
    strength_labels: dict,
) -> dict[str, list[dict]]:  # fmt: skip
    """Every facet's values and counts over the matched rows under the other filters:
    exact counts, one bincount each over the table's integer codes (~1 ms at 100 k rows),
    so no cap or approximation is needed."""
    n = len(t)
    every = matched & combine(masks, n)

    def rows(name: str) -> np.ndarray:
        if name not in masks:  # the facet's own filter is not set: all filters apply
            return every
        return matched & combine(masks, n, exclude=name)

    out: dict[str, list[dict]] = {}
    labels, code = t.codes["part"]
    counts = _counts(labels, code[rows("part")])
    out["part"] = [{"value": v, "label": PART_LABELS.get(v, v), "count": counts[v]}
                   for v in sorted(counts)]  # fmt: skip

    per_group = np.bincount(t.meeting_code[rows("meeting")], minlength=len(t.meeting_groups))
    out["meeting"] = []
    for g in sorted(np.flatnonzero(per_group).tolist(), key=lambda g: t.meeting_groups[g]):
        part, number, year = t.meeting_groups[g]
        roman = to_roman(number)
        what = "Réunion" if part == "A" else "Session"
        label = f"{what} {roman}" + (f" ({year})" if year else "")
        out["meeting"].append({"value": f"{part}:{roman}", "label": label,
                               "count": int(per_group[g]), "part": part,
                               "year": year or None})  # fmt: skip

    sel = rows("theme")
    ids = t.theme_id[sel[t.theme_pos]] if len(t.theme_pos) else np.zeros(0, np.int64)
    per_theme = np.bincount(ids) if len(ids) else np.zeros(0, np.int64)
    counts = {int(k): int(per_theme[k]) for k in np.flatnonzero(per_theme).tolist()}
    labels = theme_labels(t)
    out["theme"] = sorted(
        ({"value": labels[k], "label": labels[k], "count": c} for k, c in counts.items()
         if k in labels),
        key=lambda f: (-f["count"], f["label"]),
    )  # fmt: skip

    sel = rows("addressee")
    codes = t.addr_code[sel[t.addr_pos]] if len(t.addr_pos) else np.zeros(0, np.int64)
    counts = _counts(t.addr_labels, codes)
    out["addressee"] = [{"value": v, "label": label, "count": counts[v]}
                        for v, label in addressee_labels.items() if v in counts]  # fmt: skip

    labels, code = t.codes["strength"]
    counts = _counts(labels, code[rows("strength")])
    out["strength"] = [{"value": v, "label": label, "count": counts[v]}
                       for v, label in strength_labels.items() if v in counts]  # fmt: skip
    return out
