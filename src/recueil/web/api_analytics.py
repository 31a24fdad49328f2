"""REST API twins of the analytics pages and the export downloads.

`/api/analytics/{name}` returns the dict the page charts (recueil.analytics); `/api/export`
the items in any export format, filtered like `/api/items`.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from recueil import analytics, exports
from recueil.store import queries

router = Router(tags=["analytics and exports"])


@router.get("/analytics/heatmap", summary="Themes × meetings: items per theme and meeting")
def heatmap(request: HttpRequest, part: str | None = None):
    if part and part.upper() not in ("A", "B", "S"):
        raise HttpError(400, "part must be A, B or S")
    return analytics.heatmap(part)


@router.get("/analytics/trends", summary="Share of the indexed items per top-level theme, per year")
def trends(request: HttpRequest, part: str | None = None):
    if part and part.upper() not in ("A", "B", "S"):
        raise HttpError(400, "part must be A, B or S")
    return analytics.trends(part)


@router.get("/analytics/uptake", summary="Lineage links with time to uptake, per WG meeting")
def uptake(request: HttpRequest):
    return analytics.uptake()


@router.get("/analytics/wording", summary="Addressees and wording strength by meeting")
def wording(request: HttpRequest):
    return analytics.wording()


@router.get("/analytics/coverage", summary="Indexing coverage and suggestion calibration")
def coverage(request: HttpRequest):
    return analytics.coverage()


class ExportFilters(Schema):
    format: str = "json"
    part: str | None = None
    meeting: str | None = None
    theme: str | None = None
    status: str | None = None


@router.get("/export", summary="Items in an export format (csv, xlsx, jsonl, akn, ris, csljson…)")
def export(request: HttpRequest, filters: Query[ExportFilters]):
    fmt = filters.format
    if fmt not in exports.FORMATS:
        raise HttpError(400, f"format must be one of {', '.join(exports.FORMATS)}")
    if filters.status and filters.status not in ("adopted", "draft"):
        raise HttpError(400, "status must be adopted or draft")
    try:
        rows = queries.list_items(part=filters.part, meeting=filters.meeting,
                                  theme=filters.theme, status=filters.status)  # fmt: skip
    except queries.NotFound as exc:
        raise HttpError(404, str(exc)) from exc
    except ValueError as exc:
        raise HttpError(400, str(exc)) from exc
    media, ext, _binary = exports.FORMATS[fmt]
    response = HttpResponse(exports.render(rows, fmt, columns=queries.EXPORT_FIELDS),
                            content_type=media)  # fmt: skip
    response["Content-Disposition"] = f'attachment; filename="recueil.{ext}"'
    return response
