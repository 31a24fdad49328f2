"""The analyses as figures: an SVG chart, its data as a table, in the active language.

The web pages and the publication's statistics annex show the same figures; labels go
through Django's gettext (the active language decides), links through `items_url`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from recueil.analytics import svg

STRENGTH_NAMES = {
    "must": gettext_noop("must"),
    "urged": gettext_noop("urged"),
    "should": gettext_noop("should"),
    "encouraged": gettext_noop("encouraged / invited"),
    "may_wish": gettext_noop("may wish to"),
    "decides": gettext_noop("decides"),
    "notes": gettext_noop("notes / recalls"),
    "other": gettext_noop("other"),
}
ADDRESSEE_NAMES = {
    "states": gettext_noop("States parties"),
    "secretariat": gettext_noop("UNODC / Secretariat"),
    "working_group": gettext_noop("Working Group"),
    "conference": gettext_noop("Conference of the Parties"),
    "other": gettext_noop("others"),
}


def theme_name(row: dict, lang: str) -> str:
    return row.get("label_en") or row["label"] if lang == "en" else row["label"]


def heatmap_figure(
    data: dict, lang: str, items_url: Callable[[str, str], str], *, expand: str | None = None
) -> dict:
    """The overview heatmap (top-level themes) and, per top-level theme with sub-themes,
    its own heatmap (shown collapsed on the page)."""
    cols = data["columns"]
    keys = [c["key"] for c in cols]
    years = [str(c["year"] or "") for c in cols]

    def chart(uid: str, rows: list[dict], title: str) -> str:
        return svg.heatmap(
            uid, keys, years,
            [(theme_name(r, lang), r["counts"], r["depth"]) for r in rows],
            vmax=data["max"],
            href=lambda i, j: items_url(rows[i]["label"], keys[j]),
            title=title,
            desc=_("Number of items of each meeting or session (columns) that carry each theme "
                   "(rows); darker cells hold more items. Each cell links to its items."),
            cell_label=lambda i, j, n: ngettext(
                "%(theme)s, %(meeting)s: %(n)s item", "%(theme)s, %(meeting)s: %(n)s items", n
            ) % {"theme": theme_name(rows[i], lang), "meeting": keys[j], "n": n},
        )  # fmt: skip

    overview = chart("heatmap", data["rows"], _("Themes by meeting and session"))
    groups = []
    for k, top in enumerate(data["rows"]):
        if not top["children"]:
            continue
        rows = [top, *top["children"]]
        groups.append(
            {
                "label": theme_name(top, lang),
                "n": len(top["children"]),
                "open": expand == top["label"],
                "svg": chart(f"heatmap-{k}", rows, theme_name(top, lang)),
            }
        )
    columns = [_("Theme"), _("Parent theme"), _("Total"), *keys]
    rows = [
        [theme_name(r, lang), theme_name({"label": r["parent"]}, lang) if r["parent"] else "",
         r["total"], *r["counts"]]
        for top in data["rows"] for r in (top, *top["children"])
    ]  # fmt: skip
    untouched = [
        {
            "key": c["key"],
            "year": c["year"],
            "themes": data["untouched"][c["key"]],
            "indexed": any(r["counts"][j] for r in data["rows"]),
        }
        for j, c in enumerate(cols)
    ]
    return {"svg": overview, "groups": groups, "columns": columns, "rows": rows,
            "untouched": untouched}  # fmt: skip


def trends_figure(data: dict, lang: str, a: str | None, b: str | None) -> dict:
    """Two themes' shares per year compared (default: the two largest overall)."""
    themes = data["themes"]
    by_label = {t["label"]: t for t in themes}
    ranked = sorted(themes, key=lambda t: -sum(t["items"]))
    a = a if a in by_label else (ranked[0]["label"] if ranked else None)
    b = b if b in by_label else (next((t["label"] for t in ranked if t["label"] != a), None))
    chosen = [by_label[x] for x in (a, b) if x]
    years = data["years"]
    usable = [i for i, n in enumerate(data["indexed"]) if n]
    chart = svg.lines(
        "trends",
        [years[i] for i in usable],
        [(theme_name(t, lang), [t["shares"][i] for i in usable]) for t in chosen],
        title=_("Share of the indexed items per year"),
        desc=_("Each year, the indexed adopted items are shared among the top-level themes "
               "(an item with two themes gives half to each), so a year's shares add up to "
               "100 %."),
    )  # fmt: skip
    columns = [_("Theme"), *[str(y) for y in years]]
    rows = [[theme_name(t, lang), *[f"{100 * s:.1f} %" for s in t["shares"]]] for t in themes]
    rows.append([_("Indexed items"), *data["indexed"]])
    rows.append([_("Adopted items"), *data["items"]])
    options = [{"label": t["label"], "name": theme_name(t, lang)} for t in themes]
    return {"svg": chart, "columns": columns, "rows": rows, "a": a, "b": b, "options": options}


def uptake_figure(data: dict, lang: str) -> dict:
    meetings = data["meetings"]
    series = [("restated", _("restated")), ("revised", _("revised")),
              ("related", _("related")), ("not_taken_up", _("not taken up")),
              ("no_later_session", _("no later session in the collection"))]  # fmt: skip
    chart = svg.stacked_bars(
        "uptake",
        [f"{m['key']} ({m['year']})" for m in meetings],
        [name for _k, name in series],
        [[m[k] for m in meetings] for k, _n in series],
        title=_("Working Group recommendations taken up by the Conference"),
        desc=_("For each Working Group meeting, its recommendations by their strongest link "
               "to a later Conference text, or without one."),
        colors=("#0072B2", "#56B4E9", "#009E73", "#D55E00", "#BBBBBB"),
    )  # fmt: skip
    columns = [_("Meeting"), _("Year"), _("Items"), _("Taken up"), _("restated"),
               _("revised"), _("related"), _("not taken up"),
               _("no later session in the collection"), _("Median days to uptake")]  # fmt: skip
    rows = [
        [m["key"], m["year"], m["items"], m["taken_up"], m["restated"], m["revised"],
         m["related"], m["not_taken_up"], m["no_later_session"],
         "" if m["median_days"] is None else m["median_days"]]
        for m in meetings
    ]  # fmt: skip
    links = [
        [lk["source"], lk["target"], _(lk["relation"]), _(lk["status"]), lk["origin"],
         lk["source_date"] or "", lk["target_date"] or "", "" if lk["days"] is None else lk["days"]]
        for lk in data["links"]
    ]  # fmt: skip
    link_columns = [_("Recommendation"), _("Taken up in"), _("Relation"), _("Status"),
                    _("Origin"), _("Meeting date"), _("Session date"), _("Days")]  # fmt: skip
    return {"svg": chart, "columns": columns, "rows": rows, "links": links,
            "link_columns": link_columns}  # fmt: skip


def wording_figures(data: dict, lang: str) -> list[dict]:
    cats = [c["key"] for c in data["columns"]]
    out = []
    for uid, values, names, title in (
        ("strength", data["strengths"], STRENGTH_NAMES, _("Strength of the wording by meeting")),
        ("addressees", data["addressees"], ADDRESSEE_NAMES, _("Whom the texts address")),
    ):
        keys = [k for k, v in values.items() if any(v)]
        chart = svg.stacked_bars(
            uid, cats, [_(names[k]) for k in keys], [values[k] for k in keys], percent=True,
            title=title,
            desc=_("Share of each meeting's adopted items by the rule classifiers of the search "
                   "(a subparagraph takes its chapeau's values; an item may address several)."),
        )  # fmt: skip
        columns = [_("Meeting"), _("Items"), *[_(names[k]) for k in keys]]
        rows = [[c, data["items"][i], *[values[k][i] for k in keys]] for i, c in enumerate(cats)]
        out.append({"id": uid, "title": title, "svg": chart, "columns": columns, "rows": rows})
    return out


def coverage_figures(data: dict, lang: str) -> list[dict]:
    meetings = data["meetings"]
    series = [("reviewed", _("reviewed themes")), ("only_suggested", _("only suggested themes")),
              ("no_theme", _("no theme"))]  # fmt: skip
    chart = svg.stacked_bars(
        "coverage", [m["key"] for m in meetings], [n for _k, n in series],
        [[m[k] for m in meetings] for k, _n in series],
        title=_("Indexing coverage by meeting"),
        desc=_("Adopted items with at least one theme from the published index or an editor, "
               "with only themes proposed by the suggester, and with no theme."),
        colors=("#0072B2", "#E69F00", "#D55E00"),
    )  # fmt: skip
    cov = {
        "id": "coverage", "title": _("Indexing coverage by meeting"), "svg": chart,
        "columns": [_("Meeting"), _("Items"), *[n for _k, n in series]],
        "rows": [[m["key"], m["items"], *[m[k] for k, _n in series]] for m in meetings],
    }  # fmt: skip
    bands = data["bands"]
    decided = [b for b in bands if b["acceptance"] is not None]
    cal_chart = svg.lines(
        "calibration",
        [(b["low"] + b["high"]) / 2 for b in bands],
        [(_("accepted share"), [b["acceptance"] for b in bands]),
         (_("mean score"), [b["mean_score"] for b in bands])],
        title=_("Suggestion scores against editors' decisions"),
        desc=_("For each score band, the share of decided suggestions that editors accepted; "
               "a calibrated suggester's accepted share is close to its mean score."),
        y_max=1.0, x_labels=[b["band"] for b in bands],
    ) if decided else None  # fmt: skip
    cal = {
        "id": "calibration", "title": _("Suggestion scores against editors' decisions"),
        "svg": cal_chart,
        "columns": [_("Score band"), _("Accepted"), _("Rejected"), _("Accepted share"),
                    _("Mean score")],
        "rows": [[b["band"], b["accepted"], b["rejected"],
                  "" if b["acceptance"] is None else f"{100 * b['acceptance']:.0f} %",
                  "" if b["mean_score"] is None else f"{b['mean_score']:.2f}"] for b in bands],
    }  # fmt: skip
    return [cov, cal]
