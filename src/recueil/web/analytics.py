"""Analytics pages (/analytics/…), their CSV downloads, the filtered item list a heatmap
cell opens, and the export downloads (/exports/recueil.<format>, filtered like `items`).

Each page renders one analysis of recueil.analytics as server-side SVG (recueil.analytics
.charts) with its data as a table; the API twins (api_analytics.py) return the same dicts.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from recueil import analytics, exports
from recueil.analytics import charts
from recueil.store import queries
from recueil.web.params import MAX_OFFSET, int_param

SECTIONS = (
    ("analytics", gettext_noop("Themes × meetings")),
    ("analytics_trends", gettext_noop("Trends")),
    ("analytics_uptake", gettext_noop("Uptake")),
    ("analytics_wording", gettext_noop("Addressees and wording")),
    ("analytics_coverage", gettext_noop("Indexing coverage")),
)
TABLES = ("heatmap", "trends", "uptake", "uptake_links", "wording", "coverage", "calibration")
ITEM_FILTERS = ("part", "meeting", "theme", "status")


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "fr"


def _context(name: str, **extra) -> dict:
    tabs = [{"url": reverse(n), "label": _(label), "current": n == name} for n, label in SECTIONS]
    return {"tabs": tabs, "section": name, **extra}


def items_url(theme: str, meeting_key: str) -> str:
    part, number = meeting_key.split(":")
    return (
        reverse("analytics_items")
        + "?"
        + urlencode({"theme": theme, "part": part, "meeting": number})
    )


def heatmap(request: HttpRequest) -> HttpResponse:
    data = analytics.heatmap()
    fig = charts.heatmap_figure(data, _lang(), items_url, expand=request.GET.get("open"))
    return render(request, "web/analytics_heatmap.html", _context("analytics", fig=fig,
                  csv="heatmap", json="/api/analytics/heatmap"))  # fmt: skip


def trends(request: HttpRequest) -> HttpResponse:
    data = analytics.trends()
    fig = charts.trends_figure(data, _lang(), request.GET.get("a"), request.GET.get("b"))
    lead = _(
        "How attention moved over the years: each year's indexed items are shared among the "
        "top-level themes (an item with two themes gives half to each), so a year's shares add "
        "up to 100 %. Years without indexed items are left out."
    )
    return render(request, "web/analytics_trends.html", _context("analytics_trends", fig=fig,
                  csv="trends", json="/api/analytics/trends", lead=lead))  # fmt: skip


def uptake(request: HttpRequest) -> HttpResponse:
    fig = charts.uptake_figure(analytics.uptake(), _lang())
    return render(request, "web/analytics_uptake.html", _context("analytics_uptake", fig=fig,
                  csv="uptake", json="/api/analytics/uptake"))  # fmt: skip


def wording(request: HttpRequest) -> HttpResponse:
    figs = charts.wording_figures(analytics.wording(), _lang())
    return render(request, "web/analytics_figures.html", _context(
        "analytics_wording", figs=figs, csv="wording", json="/api/analytics/wording",
        title=_("Addressees and wording"),
        lead=_("Whom each meeting's texts address and how strongly they are worded, read by "
               "the rule classifiers that also power the search filters."),
    ))  # fmt: skip


def coverage(request: HttpRequest) -> HttpResponse:
    data = analytics.coverage()
    figs = charts.coverage_figures(data, _lang())
    figs[1]["csv"] = "calibration"
    return render(request, "web/analytics_figures.html", _context(
        "analytics_coverage", figs=figs, csv="coverage", json="/api/analytics/coverage",
        title=_("Indexing coverage"), coverage=data,
        lead=_("How much of the collection is indexed, by whom, and whether the suggester's "
               "scores match the editors' decisions."),
    ))  # fmt: skip


def table_csv(request: HttpRequest, name: str) -> HttpResponse:
    """One analysis as CSV (UTF-8 with BOM): the rows `recueil stats` prints."""
    if name not in TABLES:
        raise Http404(f"no analytics table {name!r}")
    base = "uptake" if name == "uptake_links" else "coverage" if name == "calibration" else name
    rows = analytics.tables((base,))[name]
    response = HttpResponse(exports.to_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="recueil-{name}.csv"'
    return response


def _filters(request: HttpRequest) -> dict:
    f = {k: (request.GET.get(k) or "").strip() or None for k in ITEM_FILTERS}
    if f["meeting"] and ":" in f["meeting"]:  # A:VII
        part, _sep, number = f["meeting"].partition(":")
        f["part"], f["meeting"] = part.upper(), number
    if f["part"] and f["part"].upper() not in ("A", "B", "S"):
        raise Http404("part must be A, B or S")
    if f["status"] and f["status"] not in ("adopted", "draft"):
        raise Http404("status must be adopted or draft")
    return f


def items(request: HttpRequest) -> HttpResponse:
    """The items of a theme in one meeting (what a heatmap cell counts), or any filter."""
    f = _filters(request)
    offset = int_param(request.GET, "offset", default=0, low=0, high=MAX_OFFSET)
    try:
        page = queries.items_page(**f, limit=100, offset=offset)
    except (queries.NotFound, ValueError) as exc:
        raise Http404(str(exc)) from exc
    query = urlencode({k: v for k, v in f.items() if v})
    downloads = [{"fmt": fmt, "url": reverse("export_download", args=[fmt]) + "?" + query}
                 for fmt in exports.FORMATS]  # fmt: skip
    meeting_key = None
    if f["part"] and f["meeting"]:
        meeting_key = f"{f['part'].upper()}:{f['meeting'].upper()}"
    return render(request, "web/analytics_items.html", _context(
        "analytics", page=page, filters=f, meeting_key=meeting_key, downloads=downloads,
        more=offset + len(page["items"]) < page["count"], next_offset=offset + 100,
        query=query,
    ))  # fmt: skip


def export_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The items (filtered by part, meeting, theme, status) in one export format."""
    if fmt not in exports.FORMATS:
        raise Http404(f"no export format {fmt!r}")
    f = _filters(request)
    try:
        rows = queries.list_items(**f)
    except (queries.NotFound, ValueError) as exc:
        raise Http404(str(exc)) from exc
    media, ext, _binary = exports.FORMATS[fmt]
    data = exports.render(rows, fmt, columns=queries.EXPORT_FIELDS)
    response = HttpResponse(data, content_type=media)
    response["Content-Disposition"] = f'attachment; filename="recueil.{ext}"'
    return response
