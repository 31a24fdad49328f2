"""Analytics: what the whole collection says, computed from the store in a few queries.

Five analyses, each a pure function over the routed ORM (call through `Store.run` or in
a request) returning plain dicts: the themes × meetings heatmap, theme trends per year,
the uptake of Working Group recommendations by the Conference (from the lineage links),
addressees and wording strength by meeting, and the coverage of the thematic index.
`tables()` flattens them into the rows `recueil stats`, the CSV downloads and the API share.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict

from recueil.model import LinkStatus, Origin, Status, to_roman
from recueil.store.models import Assignment, Item, Link, Meeting, Theme, ThemeRejection

SUGGESTION_ORIGINS = (Origin.SUGGESTED.value, Origin.SUGGESTED_ACCEPTED.value)
#: Score bands of the calibration check: [0, 0.2), [0.2, 0.4) … [0.8, 1.0].
SCORE_BANDS = ((0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.0))
ANALYSES = ("heatmap", "trends", "uptake", "wording", "coverage")


def _key(part: str, number: int) -> str:
    """`A:VII`; a pseudo-meeting without a number (other documents) keeps its digits."""
    return f"{part}:{to_roman(number)}" if number > 0 else f"{part}:{number}"


def _columns(part: str | None = None) -> list[dict]:
    """Meetings and sessions that hold items, in order (part A first, then B)."""
    qs = Meeting.objects.filter(items__isnull=False).distinct().order_by("part", "number")
    if part:
        qs = qs.filter(part=part.upper())
    return [
        {
            "key": _key(m.part, m.number),
            "part": m.part,
            "number": m.roman,
            "title": m.title,
            "year": m.start_date.year if m.start_date else None,
            "start_date": m.start_date.isoformat() if m.start_date else None,
        }
        for m in qs
    ]


# --- Heatmap: themes × meetings -------------------------------------------------------------


def heatmap(part: str | None = None) -> dict:
    """How many items of each meeting carry each theme (a theme counts its sub-themes'
    items, as the thematic index does; an item counts once per theme).

    {"columns": [meeting heads], "rows": [{"label", "label_en", "parent", "depth",
    "counts": [n per column], "total", "children": [rows of sub-themes]}], "max": n,
    "untouched": {column key: [top-level theme labels with no item there]}}."""
    columns = _columns(part)
    index = {c["key"]: i for i, c in enumerate(columns)}
    items_of: dict[int, set[tuple[int, str]]] = defaultdict(set)
    pairs = Assignment.objects.values_list(
        "theme_id", "item_id", "item__meeting__part", "item__meeting__number"
    )
    for theme_id, item_id, p, n in pairs:
        if part and p != part.upper():
            continue
        items_of[theme_id].add((item_id, _key(p, n)))
    themes = list(Theme.objects.order_by("label"))
    children: dict[int, list[Theme]] = defaultdict(list)
    for t in themes:
        if t.parent_id:
            children[t.parent_id].append(t)

    def row(t: Theme, depth: int) -> dict:
        members = set(items_of.get(t.id, ()))
        for c in children.get(t.id, ()):
            members |= items_of.get(c.id, set())
        counts = [0] * len(columns)
        for _item, key in members:
            counts[index[key]] += 1
        return {
            "label": t.label,
            "label_en": t.label_en,
            "parent": None,
            "depth": depth,
            "counts": counts,
            "total": len(members),
            "children": [],
        }

    rows = []
    for t in themes:
        if t.parent_id or (t.retired and not items_of.get(t.id)):
            continue
        r = row(t, 0)
        for c in children.get(t.id, ()):
            if c.retired and not items_of.get(c.id):
                continue
            child = row(c, 1)
            child["parent"] = t.label
            r["children"].append(child)
        rows.append(r)
    every = [r for top in rows for r in (top, *top["children"])]
    untouched = {
        c["key"]: [r["label"] for r in rows if r["counts"][i] == 0] for i, c in enumerate(columns)
    }
    return {
        "columns": columns,
        "rows": rows,
        "max": max((n for r in every for n in r["counts"]), default=0),
        "untouched": untouched,
    }


# --- Trends: share of the recommendations per theme per year --------------------------------


def _top_theme_ids() -> dict[int, int]:
    """theme id → the id of its top-level theme."""
    parent = dict(Theme.objects.values_list("id", "parent_id"))

    def top(tid: int) -> int:
        seen = set()
        while parent.get(tid) and tid not in seen:
            seen.add(tid)
            tid = parent[tid]
        return tid

    return {tid: top(tid) for tid in parent}


def trends(part: str | None = None) -> dict:
    """Each year's indexed adopted items shared among the top-level themes.

    An item with k top-level themes (sub-themes roll up to their parent) gives 1/k to each,
    so a year's shares add up to 1: "what share of that year's attention went to theme T".
    {"years": [..], "items": [adopted items per year], "indexed": [.. with a theme],
    "themes": [{"label", "label_en", "shares": [..], "items": [items carrying it]}]}."""
    top = _top_theme_ids()
    themes = {t.id: t for t in Theme.objects.filter(parent__isnull=True)}
    adopted = Item.objects.filter(status=Status.ADOPTED.value, meeting__start_date__isnull=False)
    if part:
        adopted = adopted.filter(part=part.upper())
    year_of = dict(adopted.values_list("id", "meeting__start_date__year"))
    tops_of: dict[int, set[int]] = defaultdict(set)
    for item_id, theme_id in Assignment.objects.filter(item_id__in=list(year_of)).values_list(
        "item_id", "theme_id"
    ):
        tops_of[item_id].add(top[theme_id])
    years = sorted(set(year_of.values()))
    col = {y: i for i, y in enumerate(years)}
    items_per_year = Counter(year_of.values())
    indexed = Counter(year_of[i] for i in tops_of)
    share: dict[int, list[float]] = defaultdict(lambda: [0.0] * len(years))
    carrying: dict[int, list[int]] = defaultdict(lambda: [0] * len(years))
    for item_id, tids in tops_of.items():
        y = col[year_of[item_id]]
        for tid in tids:
            share[tid][y] += 1 / len(tids)
            carrying[tid][y] += 1
    rows = []
    for tid, t in sorted(themes.items(), key=lambda kv: kv[1].label):
        if tid not in share:
            continue
        rows.append(
            {
                "label": t.label,
                "label_en": t.label_en,
                "shares": [
                    s / indexed[y] if indexed[y] else 0.0
                    for s, y in zip(share[tid], years, strict=True)
                ],
                "items": carrying[tid],
            }
        )
    return {
        "years": years,
        "items": [items_per_year[y] for y in years],
        "indexed": [indexed[y] for y in years],
        "themes": rows,
    }


# --- Uptake: Working Group recommendations restated or revised by the Conference ------------


def uptake() -> dict:
    """The lineage links (rejected ones left out) with their time to uptake, and per
    Working Group meeting how many recommendations the Conference later took up.

    {"links": [{"source", "source_meeting", "source_date", "target", "target_session",
    "target_date", "relation", "origin", "status", "score", "days"}], "meetings": [{"key",
    "year", "items", "taken_up", "restated", "revised", "related", "not_taken_up",
    "no_later_session", "median_days"}]}. Links are proposed at ingest and decided by
    editors (recueil.link.lineage); this only reads them."""
    links = []
    for lk in (
        Link.objects.exclude(status=LinkStatus.REJECTED.value)
        .select_related("source__meeting", "target__meeting")
        .order_by("source__sort_key", "target__sort_key")
    ):
        s, t = lk.source.meeting, lk.target.meeting
        days = (t.start_date - s.start_date).days if s.start_date and t.start_date else None
        links.append(
            {
                "source": lk.source.ref,
                "source_meeting": _key(s.part, s.number),
                "source_date": s.start_date.isoformat() if s.start_date else None,
                "target": lk.target.ref,
                "target_session": _key(t.part, t.number),
                "target_date": t.start_date.isoformat() if t.start_date else None,
                "relation": lk.relation,
                "origin": lk.origin,
                "status": lk.status,
                "score": round(lk.score, 4),
                "days": days,
            }
        )
    by_source: dict[str, list[dict]] = defaultdict(list)
    for row in links:
        by_source[row["source"]].append(row)
    sessions = [m.start_date for m in Meeting.objects.filter(part="B") if m.start_date]
    meetings = []
    for m in Meeting.objects.filter(part="A").order_by("number"):
        refs = list(
            Item.objects.filter(meeting=m, status=Status.ADOPTED.value).values_list(
                "ref", flat=True
            )
        )
        if not refs:
            continue
        has_later = any(d > m.start_date for d in sessions) if m.start_date else bool(sessions)
        taken = [r for r in refs if r in by_source]
        firsts = [
            min(x["days"] for x in by_source[r] if x["days"] is not None)
            for r in taken
            if any(x["days"] is not None for x in by_source[r])
        ]

        def strongest(ref: str) -> str:
            relations = {x["relation"] for x in by_source[ref]}
            return next(r for r in ("restates", "revises", "related") if r in relations)

        kinds = Counter(strongest(r) for r in taken)
        missing = len(refs) - len(taken)
        meetings.append(
            {
                "key": _key(m.part, m.number),
                "year": m.start_date.year if m.start_date else None,
                "items": len(refs),
                "taken_up": len(taken),
                "restated": kinds["restates"],
                "revised": kinds["revises"],
                "related": kinds["related"],
                "not_taken_up": missing if has_later else 0,
                "no_later_session": 0 if has_later else missing,
                "median_days": statistics.median(firsts) if firsts else None,
            }
        )
    return {"links": links, "meetings": meetings}


# --- Addressees and wording strength by meeting ---------------------------------------------


def wording(part: str | None = None) -> dict:
    """Who each meeting's adopted items address and how strongly they are worded (the rule
    classifiers of recueil.search.wording; a subparagraph inherits its chapeau's values).

    {"columns": [meeting heads], "addressees": {value: [n per column]}, "strengths":
    {value: [n per column]}, "items": [n per column]} — an item may address several."""
    from recueil.search.wording import ADDRESSEE_LABELS, STRENGTH_LABELS, classify_item

    columns = _columns(part)
    index = {c["key"]: i for i, c in enumerate(columns)}
    addressees = {v: [0] * len(columns) for v in ADDRESSEE_LABELS}
    strengths = {v: [0] * len(columns) for v in STRENGTH_LABELS}
    items = [0] * len(columns)
    qs = Item.objects.filter(status=Status.ADOPTED.value).select_related("meeting", "parent")
    if part:
        qs = qs.filter(part=part.upper())
    for item in qs:
        key = _key(item.meeting.part, item.meeting.number)
        if key not in index:
            continue
        i = index[key]
        w = classify_item(
            item.text, part=item.part, kind=item.kind,
            chapeau=item.parent.text if item.parent else None,
        )  # fmt: skip
        items[i] += 1
        strengths[w.strength][i] += 1
        for a in w.addressees:
            addressees[a][i] += 1
    return {"columns": columns, "items": items, "addressees": addressees, "strengths": strengths}


# --- Coverage of the thematic index ---------------------------------------------------------


def _band(score: float) -> int:
    return min(int(score / 0.2), len(SCORE_BANDS) - 1) if score >= 0 else 0


def coverage() -> dict:
    """How much of the collection is indexed, by whom, and whether suggestion scores hold.

    {"columns": [meeting heads + "items", "no_theme", "only_suggested", "reviewed"],
    "totals": {...}, "origins": {origin: n}, "users": [{"user", "assignments",
    "rejections"}], "bands": [{"band", "low", "high", "accepted", "rejected",
    "acceptance", "mean_score"}]}. "only_suggested": every theme of the item came from the
    suggester (accepted by an editor, or not reviewed); "reviewed": at least one theme
    from the published index or chosen by an editor."""
    columns = _columns()
    per_item: dict[int, set[str]] = defaultdict(set)
    for item_id, origin in Assignment.objects.values_list("item_id", "origin"):
        per_item[item_id].add(origin)
    rows = []
    for c in columns:
        part, number = c["key"].split(":")
        ids = Item.objects.filter(
            status=Status.ADOPTED.value, meeting__part=part, meeting__number=_num(number)
        ).values_list("id", flat=True)
        row = {**c, "items": 0, "no_theme": 0, "only_suggested": 0, "reviewed": 0}
        for i in ids:
            row["items"] += 1
            origins = per_item.get(i)
            if not origins:
                row["no_theme"] += 1
            elif origins <= set(SUGGESTION_ORIGINS):
                row["only_suggested"] += 1
            else:
                row["reviewed"] += 1
        if row["items"]:
            rows.append(row)
    totals = {k: sum(r[k] for r in rows) for k in ("items", "no_theme", "only_suggested",
                                                    "reviewed")}  # fmt: skip
    origins = Counter(Assignment.objects.values_list("origin", flat=True))
    users: dict[str, dict] = {}
    for user, n in Counter(
        Assignment.objects.exclude(origin=Origin.IMPORTED.value).values_list("user", flat=True)
    ).items():
        users.setdefault(user or "", {"user": user or "", "assignments": 0, "rejections": 0})
        users[user or ""]["assignments"] = n
    for user, n in Counter(ThemeRejection.objects.values_list("user", flat=True)).items():
        users.setdefault(user or "", {"user": user or "", "assignments": 0, "rejections": 0})
        users[user or ""]["rejections"] = n
    accepted = Assignment.objects.filter(
        origin=Origin.SUGGESTED_ACCEPTED.value, score__isnull=False
    ).values_list("score", flat=True)
    rejected = ThemeRejection.objects.filter(score__isnull=False).values_list("score", flat=True)
    bands = [
        {"band": f"{lo:.1f}–{hi:.1f}", "low": lo, "high": hi, "accepted": 0, "rejected": 0,
         "acceptance": None, "mean_score": None, "_scores": []}
        for lo, hi in SCORE_BANDS
    ]  # fmt: skip
    for scores, field in ((accepted, "accepted"), (rejected, "rejected")):
        for s in scores:
            b = bands[_band(s)]
            b[field] += 1
            b["_scores"].append(s)
    for b in bands:
        scores = b.pop("_scores")
        decided = b["accepted"] + b["rejected"]
        if decided:
            b["acceptance"] = round(b["accepted"] / decided, 4)
            b["mean_score"] = round(sum(scores) / decided, 4)
    return {
        "meetings": rows,
        "totals": totals,
        "origins": {o.value: origins.get(o.value, 0) for o in Origin},
        "users": sorted(users.values(), key=lambda u: u["user"]),
        "bands": bands,
    }


def _num(roman: str) -> int:
    from recueil.model import from_roman

    return int(roman) if roman.lstrip("-").isdigit() else from_roman(roman)


# --- Flat tables (recueil stats, CSV downloads, the API) ------------------------------------


def heatmap_table(data: dict | None = None) -> list[dict]:
    data = data or heatmap()
    keys = [c["key"] for c in data["columns"]]
    out = []
    for top in data["rows"]:
        for r in (top, *top["children"]):
            out.append(
                {"theme": r["label"], "parent": r["parent"] or "", "total": r["total"],
                 **dict(zip(keys, r["counts"], strict=True))}
            )  # fmt: skip
    return out


def trends_table(data: dict | None = None) -> list[dict]:
    data = data or trends()
    out = []
    for r in data["themes"]:
        for y, share, n, total in zip(
            data["years"], r["shares"], r["items"], data["indexed"], strict=True
        ):
            out.append({"theme": r["label"], "year": y, "share": share, "items": n,
                        "indexed_items": total})  # fmt: skip
    return out


def wording_table(data: dict | None = None) -> list[dict]:
    data = data or wording()
    out = []
    for i, c in enumerate(data["columns"]):
        row = {"meeting": c["key"], "year": c["year"], "items": data["items"][i]}
        row.update({f"addressee_{k}": v[i] for k, v in data["addressees"].items()})
        row.update({f"strength_{k}": v[i] for k, v in data["strengths"].items()})
        out.append(row)
    return out


def coverage_table(data: dict | None = None) -> list[dict]:
    data = data or coverage()
    return [
        {k: r[k] for k in ("key", "year", "items", "no_theme", "only_suggested", "reviewed")}
        for r in data["meetings"]
    ]


def tables(names: tuple[str, ...] = ANALYSES) -> dict[str, list[dict]]:
    """The analyses as flat rows: {"heatmap", "trends", "uptake", "uptake_links",
    "wording", "coverage", "calibration"} (only those asked for)."""
    out: dict[str, list[dict]] = {}
    if "heatmap" in names:
        out["heatmap"] = heatmap_table()
    if "trends" in names:
        out["trends"] = trends_table()
    if "uptake" in names:
        u = uptake()
        out["uptake"] = u["meetings"]
        out["uptake_links"] = u["links"]
    if "wording" in names:
        out["wording"] = wording_table()
    if "coverage" in names:
        c = coverage()
        out["coverage"] = coverage_table(c)
        out["calibration"] = c["bands"]
    return out
