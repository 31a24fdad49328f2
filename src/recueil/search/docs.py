"""The searchable items as columns in memory: filters as masks, facets as counts, one pass.

A search matches once (lexical and semantic, see `engine`) into a score per row; the
filters are boolean masks over these columns and every facet is a count of the matched
rows under the *other* filters, so the total, the page and the facets all come from the
same match (no query is run again per facet). The table is read from the search index
(`recueil_search_doc`, addressees) and the theme assignments once per process and index
version: a few arrays per item (~50 bytes), so a million items stay in ~50 MB.
"""

from __future__ import annotations

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

    def __post_init__(self) -> None:
        self.pos_of = {int(i): p for p, i in enumerate(self.ids.tolist())}

    def __len__(self) -> int:
        return len(self.ids)

    def positions(self, ids) -> np.ndarray:
        return np.array([self.pos_of[int(i)] for i in ids if int(i) in self.pos_of],
                        dtype=np.int64)  # fmt: skip

    def mask_from(self, pos: np.ndarray) -> np.ndarray:
        out = np.zeros(len(self), dtype=bool)
        out[pos] = True
        return out


_tables: dict[str, DocTable] = {}
_lock = threading.Lock()


def table(version: str) -> DocTable:
    """The current store's table at this index version (read once per process and version)."""
    alias = current_alias()
    with _lock:
        cached = _tables.get(alias)
        if cached is not None and cached.version == version:
            return cached
    conn = connections[alias]
    with conn.cursor() as cur:
        cur.execute(
            f"SELECT item_id, status, part, meeting, year, strength FROM {index.DOC} "
            "ORDER BY sort_key, status"
        )
        rows = cur.fetchall()
        cur.execute(f"SELECT item_id, addressee FROM {index.ADDRESSEE}")
        addr = cur.fetchall()
        cur.execute(f"SELECT item_id, theme_id FROM {Assignment._meta.db_table}")
        themes = cur.fetchall()
    cols = list(zip(*rows, strict=True)) if rows else [()] * 6
    ids = np.array(cols[0], dtype=np.int64)
    pos_of = {int(i): p for p, i in enumerate(ids.tolist())}
    addr = [(pos_of[i], a) for i, a in addr if i in pos_of]
    themes = [(pos_of[i], t) for i, t in themes if i in pos_of]
    t = DocTable(
        ids=ids,
        status=np.array(cols[1], dtype=object).astype(str),
        part=np.array(cols[2], dtype=object).astype(str),
        meeting=np.array([m or 0 for m in cols[3]], dtype=np.int64),
        year=np.array([y or 0 for y in cols[4]], dtype=np.int64),
        strength=np.array(cols[5], dtype=object).astype(str),
        addr_pos=np.array([p for p, _ in addr], dtype=np.int64),
        addr_val=np.array([a for _, a in addr], dtype=object).astype(str),
        theme_pos=np.array([p for p, _ in themes], dtype=np.int64),
        theme_id=np.array([t for _, t in themes], dtype=np.int64),
        version=version,
    )
    with _lock:
        _tables[alias] = t
    return t


# --- filters: name → mask -----------------------------------------------------------------


def filter_masks(t: DocTable, filters: dict[str, tuple]) -> dict[str, np.ndarray]:
    """One mask per active filter; `filters` as built by `engine._filters`."""
    out = {}
    for name, spec in filters.items():
        kind = spec[0]
        if kind == "eq":  # ("eq", column, value)
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


def _counts(values: np.ndarray) -> dict:
    keys, counts = np.unique(values, return_counts=True)
    return {k: int(n) for k, n in zip(keys.tolist(), counts.tolist(), strict=True)}


def facets(
    t: DocTable, matched: np.ndarray, masks: dict[str, np.ndarray], addressee_labels: dict,
    strength_labels: dict,
) -> dict[str, list[dict]]:  # fmt: skip
    """Every facet's values and counts over the matched rows under the other filters."""
    n = len(t)

    def rows(name: str) -> np.ndarray:
        return matched & combine(masks, n, exclude=name)

    out: dict[str, list[dict]] = {}
    counts = _counts(t.part[rows("part")])
    out["part"] = [{"value": v, "label": PART_LABELS.get(v, v), "count": counts[v]}
                   for v in sorted(counts)]  # fmt: skip

    sel = rows("meeting")
    groups: dict[tuple, int] = {}
    for key in zip(t.part[sel].tolist(), t.meeting[sel].tolist(), t.year[sel].tolist(),
                   strict=True):  # fmt: skip
        groups[key] = groups.get(key, 0) + 1
    out["meeting"] = []
    for (part, number, year), count in sorted(groups.items()):
        roman = to_roman(number)
        what = "Réunion" if part == "A" else "Session"
        label = f"{what} {roman}" + (f" ({year})" if year else "")
        out["meeting"].append({"value": f"{part}:{roman}", "label": label, "count": count,
                               "part": part, "year": year or None})  # fmt: skip

    sel = rows("theme")
    counts = _counts(t.theme_id[sel[t.theme_pos]]) if len(t.theme_pos) else {}
    labels = dict(Theme.objects.filter(id__in=list(counts)).values_list("id", "label"))
    out["theme"] = sorted(
        ({"value": labels[k], "label": labels[k], "count": c} for k, c in counts.items()
         if k in labels),
        key=lambda f: (-f["count"], f["label"]),
    )  # fmt: skip

    sel = rows("addressee")
    counts = _counts(t.addr_val[sel[t.addr_pos]]) if len(t.addr_pos) else {}
    out["addressee"] = [{"value": v, "label": label, "count": counts[v]}
                        for v, label in addressee_labels.items() if v in counts]  # fmt: skip

    counts = _counts(t.strength[rows("strength")])
    out["strength"] = [{"value": v, "label": label, "count": counts[v]}
                       for v, label in strength_labels.items() if v in counts]  # fmt: skip
    return out
