"""The HTML pages: each view calls one query of recueil.store.queries (or recueil.search).

The REST API (api.py) calls the very same functions, so a page and its JSON twin never
disagree; views only choose a template and translate query errors into 404s.
"""

from __future__ import annotations

import mimetypes
import re
import tempfile
import threading
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, get_language_info, gettext_noop
from django.utils.translation import gettext as _

from recueil.model import Ref, meeting_number
from recueil.store import queries
from recueil.web.params import MAX_PAGE, YEARS, int_param

SEARCH_FILTERS = ("part", "meeting", "year", "theme", "addressee", "strength")
PUBLICATION_FORMATS = {
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


NAV_SECTIONS = {
    "meetings": "meetings", "meeting": "meetings", "item": "meetings",
    "themes": "themes", "theme": "themes",
    "documents": "documents", "document": "documents",
    "search": "search",
    "precedents": "precedents", "compare": "precedents", "draft_fate": "precedents",
    "meeting_uptake": "meetings",
    "review": "review", "review_meeting": "review", "history": "review",
    "vocabulary": "vocabulary", "vocabulary_theme": "vocabulary",
    "analytics": "analytics", "analytics_trends": "analytics", "analytics_uptake": "analytics",
    "analytics_wording": "analytics", "analytics_coverage": "analytics",
    "analytics_items": "analytics",
}  # fmt: skip


def site_context(request: HttpRequest) -> dict:
    """Context every template gets: the languages offered and the current path."""
    match = request.resolver_match
    name = match.url_name if match else None
    from recueil.web.roles import is_admin, is_editor

    user = getattr(request, "user", None)
    return {
        "can_edit": user is not None and is_editor(user),
        "can_admin": user is not None and is_admin(user),
        "nav": NAV_SECTIONS.get(name),
        "languages_offered": settings.LANGUAGES,
        "current_path": request.get_full_path(),
        "publication_formats": list(PUBLICATION_FORMATS),
    }


def _or_404(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except (queries.NotFound, ValueError) as exc:
        raise Http404(str(exc)) from exc


def parse_meeting_key(key: str) -> tuple[str, int]:
    """`A:VII` (or `A:7`) → ("A", 7); 404 for anything else."""
    part, _sep, number = key.partition(":")
    part = part.upper()
    try:
        n = meeting_number(number)
    except ValueError as exc:
        raise Http404(f"not a meeting: {key!r} (expected e.g. A:VII or B:VI)") from exc
    if part not in ("A", "B") or n <= 0:
        raise Http404(f"not a meeting: {key!r} (expected e.g. A:VII or B:VI)")
    return part, n


def theme_label(row: dict) -> str:
    """A theme's label in the interface language when a translation exists."""
    if get_language() == "en" and row.get("label_en"):
        return row["label_en"]
    return row["label"]


# --- Pages ----------------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    summary = queries.collection_summary()
    return render(request, "web/home.html", {"summary": summary})


def meetings(request: HttpRequest) -> HttpResponse:
    summary = queries.collection_summary()
    rows = [m for m in summary["meetings"] if m["items"] or m["drafts"]]
    return render(
        request,
        "web/meetings.html",
        {
            "part_a": [m for m in rows if m["part"] == "A"],
            "part_b": [m for m in rows if m["part"] == "B"],
        },
    )


def meeting(request: HttpRequest, key: str) -> HttpResponse:
    part, n = parse_meeting_key(key)
    m = _or_404(queries.meeting_detail, part, n)
    return render(request, "web/meeting.html", {"m": m})


def item(request: HttpRequest, ref: str) -> HttpResponse:
    status = request.GET.get("status") or "adopted"
    if status not in ("adopted", "draft"):
        raise Http404("status must be adopted or draft")
    head, dot, tail = ref.partition(".")
    try:
        canonical = str(Ref.parse(ref))
    except ValueError as exc:
        try:  # a hand-typed a:i.22 or A:i.22 means A:I.22
            canonical = str(Ref.parse(head.upper() + dot + tail))
        except ValueError:
            raise Http404(str(exc)) from exc
    if canonical != ref:
        url = reverse("item", args=[canonical])
        return redirect(url + (f"?status={status}" if status != "adopted" else ""))
    data = _or_404(queries.get_item, ref, status=status)
    data["conflicts"] = [s for s in data["sources"] if not s["agrees"]]
    nav = queries.item_neighbours(ref, status=status)
    lang = request.GET.get("lang") or None
    if lang and lang != data["language"]:
        data = _or_404(queries.get_item, ref, status=status, lang=lang)
        data["conflicts"] = [s for s in data["sources"] if not s["agrees"]]
    meeting_key = (
        None if data["part"] == "S" else f"{data['part']}:{data['meeting'] or data['session']}"
    )
    from recueil import link
    from recueil.web import agreed

    related = link.related(ref, 8, status=status)
    for r in related:
        r["relation_label"] = agreed.label(r["relation"])
        r["time_label"] = agreed.label(r.get("time"))
    links = link.links_for(ref) if status == "adopted" else []
    for lk in links:
        agreed.decorate_link(lk, ref)
    editor = agreed.is_editor(request.user)
    context = {
        "item": data, "nav": nav, "meeting_key": meeting_key, "status": status,
        "related": related, "links": links, "editor": editor,
    }  # fmt: skip
    if editor and status == "adopted":
        context.update(_review_context(ref, data))
    return render(request, "web/item.html", context)


def _review_context(ref: str, data: dict) -> dict:
    """What an editor sees on an item page: its themes with their origin, the open theme
    suggestions with evidence, and the decisions (as in the review queue)."""
    from recueil.index import review as suggestions
    from recueil.web import review

    row = {"ref": ref, "assignments": [], "suggestions": []}
    for a in data["assignments"]:
        row["assignments"].append(review.decorate_assignment(dict(a)))
    training, threshold, themes = False, None, review.live_themes()
    try:
        found = suggestions.item_suggestions(review.store(), [ref])
        row["suggestions"], threshold = found["suggestions"][ref], found["threshold"]
        review.decorate_suggestions(row["suggestions"], themes)
    except suggestions.ModelNotReady:
        training = True
    return {"row": row, "themes": themes, "threshold": threshold, "training": training}


def themes(request: HttpRequest) -> HttpResponse:
    from recueil.collate import sorted_by

    tree = queries.theme_tree()
    for node in tree:
        node["display"] = theme_label(node)
        for child in node["children"]:
            child["display"] = theme_label(child)
        node["children"] = sorted_by(node["children"], lambda n: n["display"])
    tree = sorted_by(tree, lambda n: n["display"])  # the order of the labels shown
    return render(request, "web/themes.html", {"tree": tree})


def theme(request: HttpRequest, label: str) -> HttpResponse:
    data = _or_404(queries.theme_detail, label)
    data["display"] = theme_label(data)
    return render(request, "web/theme.html", {"theme": data})


def documents(request: HttpRequest) -> HttpResponse:
    return render(request, "web/documents.html", {"documents": queries.list_documents()})


def document(request: HttpRequest, source_file: str) -> HttpResponse:
    data = _or_404(queries.document_detail, source_file)
    data["original_available"] = _original_file(source_file, data["checksum"]) is not None
    return render(request, "web/document.html", {"doc": data})


def document_text(request: HttpRequest, source_file: str) -> HttpResponse:
    """The stored text of the document, exactly as ingested (UTF-8 plain text)."""
    text, _checksum = _or_404(queries.document_raw_text, source_file)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    stem = re.sub(r"[\x00-\x1f\x7f]", "_", Path(source_file).stem)  # no CR/LF in a header
    response["Content-Disposition"] = content_disposition_header(True, f"{stem}.txt")
    return response


def document_original(request: HttpRequest, source_file: str) -> FileResponse:
    """The original file, when a source folder still holds it with the same checksum."""
    detail = _or_404(queries.document_detail, source_file)
    path = _original_file(source_file, detail["checksum"])
    if path is None:
        raise Http404(_("The original file is not available on this server."))
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        content_type=content_type,
        filename=re.sub(r"[\x00-\x1f\x7f]", "_", path.name),
    )


def _original_file(source_file: str, checksum: str) -> Path | None:
    import hashlib

    for folder in source_dirs():
        path = folder / source_file
        if (
            path.is_file()
            and path.resolve().parent == folder.resolve()
            and hashlib.sha256(path.read_bytes()).hexdigest() == checksum
        ):
            return path
    return None


def source_dirs() -> list[Path]:
    """Folders where original files are looked up (RECUEIL_SOURCE_DIRS; the bundled corpus)."""
    import os

    dirs = [Path(p) for p in os.environ.get("RECUEIL_SOURCE_DIRS", "").split(os.pathsep) if p]
    bundled = Path(__file__).resolve().parents[3] / "corpus"
    return [*dirs, bundled]


def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    filters = {k: request.GET.get(k) or None for k in SEARCH_FILTERS}
    page = int_param(request.GET, "page", default=1, low=1, high=MAX_PAGE)
    limit = 20
    context: dict = {"q": q, "filters": filters, "results": None, "error": None,
                     "collection_languages": _collection_languages()}  # fmt: skip
    if q:
        try:
            results = run_search(q, filters, limit=limit, offset=(page - 1) * limit)
        except SearchUnavailable as exc:
            context["error"] = str(exc)
        except ValueError as exc:  # a malformed query (unbalanced quotes…)
            context["error"] = _("The query could not be read: %(reason)s") % {"reason": exc}
        else:
            context["results"] = results
            context["text_languages"] = _text_languages(results.hits)
            context["facets"] = _facet_links(q, filters, results.facets)
            context["active_filters"] = _active_filters(q, filters)
            context["page"] = page
            context["pages"] = _pages(q, filters, page, limit, results.total)
    return render(request, "web/search.html", context)


def _text_languages(hits: list[dict]) -> str:
    """The languages of the texts on the page, most frequent first, named in the
    interface language (a cross-lingual result should say what the user will read)."""
    return _language_names(Counter(h.get("language") or "fr" for h in hits))


def _collection_languages() -> str:
    """The languages the collection's documents are written in, most documents first."""
    from django.db.models import Count

    from recueil.store.models import Document

    rows = Document.objects.values_list("language").annotate(n=Count("id"))
    return _language_names(Counter({code or "fr": n for code, n in rows}))


def _language_names(counts: Counter) -> str:
    names = []
    for code, _n in counts.most_common():
        try:
            names.append(str(get_language_info(code)["name_translated"]))
        except KeyError:
            names.append(code)
    return ", ".join(names)


class SearchUnavailable(RuntimeError):
    """The search engine module is not installed in this build."""


def run_search(q: str, filters: dict, *, limit: int = 20, offset: int = 0):
    """Call recueil.search.search with the page's filters (only those that are set)."""
    try:
        from recueil.search import search as engine
    except ImportError as exc:
        raise SearchUnavailable(_("Search is not available on this server.")) from exc
    from recueil.search.index import IndexMissing

    kwargs = {k: v for k, v in filters.items() if v}
    if "year" in kwargs:
        kwargs["year"] = int_param(kwargs, "year", default=None, low=YEARS[0], high=YEARS[1])
    try:
        return engine(q, limit=limit, offset=offset, **kwargs)
    except IndexMissing as exc:  # a store no writer has set up yet
        raise SearchUnavailable(_("Search is not available on this server.")) from exc


FACET_TITLES = {
    "part": gettext_noop("Part"),
    "meeting": gettext_noop("Meeting or session"),
    "year": gettext_noop("Year"),
    "theme": gettext_noop("Theme"),
    "addressee": gettext_noop("Addressee"),
    "strength": gettext_noop("Strength of the wording"),
}


def _query_string(q: str, filters: dict, **changes) -> str:
    params = {"q": q, **{k: v for k, v in filters.items() if v}}
    for k, v in changes.items():
        if v is None:
            params.pop(k, None)
        else:
            params[k] = v
    return "?" + urlencode(params)


def _facet_links(q: str, filters: dict, facets: dict) -> list[dict]:
    out = []
    for name in SEARCH_FILTERS:
        values = facets.get(name) or []
        if not values:
            continue
        rows = []
        for v in values:
            value = str(v["value"])
            selected = (filters.get(name) or "") == value
            rows.append(
                {
                    "label": v.get("label") or value,
                    "count": v.get("count"),
                    "selected": selected,
                    "url": _query_string(q, filters, **{name: None if selected else value}),
                }
            )
        out.append({"name": name, "title": _(FACET_TITLES[name]), "values": rows})
    return out


def _active_filters(q: str, filters: dict) -> list[dict]:
    return [
        {"name": _(FACET_TITLES[k]), "value": v, "remove": _query_string(q, filters, **{k: None})}
        for k, v in filters.items()
        if v
    ]


def _pages(q: str, filters: dict, page: int, limit: int, total: int) -> dict:
    last = max(1, -(-total // limit))
    return {
        "last": last,
        "previous": _query_string(q, filters, page=str(page - 1)) if page > 1 else None,
        "next": _query_string(q, filters, page=str(page + 1)) if page < last else None,
    }


# --- Publication download -------------------------------------------------------------------

_publication_cache: dict[tuple[str, str, str], Path] = {}
_publication_lock = threading.Lock()


def publication(request: HttpRequest, fmt: str) -> FileResponse:
    """The Recueil regenerated from the database (recueil.publish), cached per data version."""
    if fmt not in PUBLICATION_FORMATS:
        raise Http404(f"no publication format {fmt!r}")
    from recueil.publish import publish
    from recueil.store import Store
    from recueil.store.db import current_alias

    alias = current_alias()
    key = (alias, fmt, queries.data_version())
    with _publication_lock:  # PDF and DOCX take seconds: build each version once
        path = _publication_cache.get(key)
        if path is None or not path.exists():
            folder = Path(tempfile.mkdtemp(prefix="recueil-publication-"))
            path = folder / f"recueil.{fmt}"
            publish(Store(alias, ""), fmt, path)
            _publication_cache[key] = path
    # The HTML edition is read in the browser; `?download=1` (and every other format) saves.
    inline = fmt == "html" and request.GET.get("download") != "1"
    return FileResponse(
        path.open("rb"),
        as_attachment=not inline,
        filename=f"recueil.{fmt}",
        content_type=PUBLICATION_FORMATS[fmt],
    )


# --- Error pages (settings: handler400/403/404/500 in urls.py) -------------------------------

ERROR_TITLES = {
    400: gettext_noop("The request could not be read"),
    403: gettext_noop("You may not open this page"),
    404: gettext_noop("Page not found"),
    500: gettext_noop("Something went wrong on the server"),
}


def error_page(request: HttpRequest, status: int, detail: str = "") -> HttpResponse:
    """A page of the site (navigation, language, a way forward) for an HTTP error.

    Rendered with the request's context when it can be; the 500 page must not depend on the
    database, so it falls back to a minimal context if the full one fails."""
    context = {"status": status, "error_title": _(ERROR_TITLES[status]), "detail": detail}
    path = request.path
    if path.startswith("/items/"):
        context["hint"] = "item"
    elif path.startswith("/meetings/"):
        context["hint"] = "meeting"
    elif path.startswith("/documents/"):
        context["hint"] = "document"
    elif path.startswith("/themes/"):
        context["hint"] = "theme"
    try:
        return render(request, "web/error.html", context, status=status)
    except Exception:
        return HttpResponse(
            f"<!doctype html><title>{status}</title><h1>{context['error_title']}</h1>"
            '<p><a href="/">recueil</a></p>',
            status=status,
        )


def bad_request(request, exception=None):
    return error_page(request, 400)


def _message(exception) -> str:
    if exception is not None and exception.args and isinstance(exception.args[0], str):
        return exception.args[0]
    return ""


def permission_denied(request, exception=None):
    return error_page(request, 403, _message(exception))


def page_not_found(request, exception=None):
    return error_page(request, 404, _message(exception))


def server_error(request):
    return error_page(request, 500)
