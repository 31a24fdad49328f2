"""The agreed-language pages: precedent finder, side-by-side comparison, uptake, draft fate.

Thin views over recueil.link (the API in api.py calls the same functions, so a page and
its JSON twin agree); editors confirm or reject lineage links here, audited by the core.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from recueil import link
from recueil.ingest.errors import IngestError
from recueil.store import queries
from recueil.web.roles import is_editor
from recueil.web.views import _or_404, parse_meeting_key

UPLOAD_SUFFIXES = (".txt", ".md", ".docx", ".pdf")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_TEXT_CHARS = 20_000

LABELS = {
    # relations
    "restates": gettext_noop("restates"),
    "revises": gettext_noop("revises"),
    "related": gettext_noop("related"),
    "unrelated": gettext_noop("unrelated"),
    "restated_later": gettext_noop("restated later"),
    "revised_later": gettext_noop("revised later"),
    # time order of a related item
    "earlier": gettext_noop("earlier"),
    "later": gettext_noop("later"),
    "same meeting": gettext_noop("same meeting"),
    # uptake of a recommendation
    "taken up": gettext_noop("taken up"),
    "not taken up": gettext_noop("not taken up"),
    "no later session": gettext_noop("no later session"),
    # link status and origin
    "proposed": gettext_noop("proposed"),
    "confirmed": gettext_noop("confirmed"),
    "rejected": gettext_noop("rejected"),
    "auto": gettext_noop("similar wording"),
    "explicit": gettext_noop("explicit citation"),
    "curated": gettext_noop("added by an editor"),
    # draft fate
    "survived": gettext_noop("survived"),
    "changed": gettext_noop("changed"),
    "disappeared": gettext_noop("disappeared"),
}


def label(value: str | None) -> str:
    """The interface-language label of a relation, uptake, link status/origin or fate."""
    return _(LABELS[value]) if value in LABELS else (value or "")


def diff_spans(spans: list[dict], side: str = "both") -> list[dict]:
    """Diff spans ready for the template: the leading spacing kept outside <del>/<ins>.

    `side` "old" keeps equal + delete spans (the adopted text), "new" equal (in the new
    text's spelling) + insert spans, "both" everything (a unified view)."""
    out = []
    for s in spans:
        op = s["op"]
        if (side == "old" and op == "insert") or (side == "new" and op == "delete"):
            continue
        text = s.get("new_text", s["text"]) if side == "new" and op == "equal" else s["text"]
        body = text.lstrip()
        out.append({"op": op, "lead": text[: len(text) - len(body)], "body": body})
    return out


def _edit_counts(spans: list[dict]) -> dict:
    return {
        "deleted": sum(len(s["text"].split()) for s in spans if s["op"] == "delete"),
        "inserted": sum(len(s["text"].split()) for s in spans if s["op"] == "insert"),
    }


def with_citations(rows: list[dict], key: str = "ref") -> list[dict]:
    """Add each adopted item's citation (one query for all rows)."""
    from recueil.store.models import Item

    refs = {r[key] for r in rows}
    items = Item.objects.filter(ref__in=refs, status="adopted").select_related("document")
    cites = {i.ref: queries.citation(i) for i in items}
    for r in rows:
        r["citation"] = cites.get(r[key], r[key])
    return rows


def _decorate_precedents(rows: list[dict]) -> list[dict]:
    with_citations(rows)
    for r in rows:
        r["relation"] = r["relation"] or "unrelated"
        r["relation_label"] = label(r["relation"])
        r["spans"] = diff_spans(r["diff"])
        r["edits"] = _edit_counts(r["diff"])
    return rows


def decorate_link(lk: dict, ref: str | None = None) -> dict:
    """A link dict of recueil.link with labels and, seen from `ref`, the other end."""
    lk["relation_label"] = label(lk["relation"])
    lk["status_label"] = label(lk["status"])
    lk["origin_label"] = label(lk["origin"])
    if ref is not None:
        lk["other"] = lk["target"] if lk["source"] == ref else lk["source"]
        lk["direction"] = "out" if lk["source"] == ref else "in"
    return lk


def _read_upload(upload) -> str:
    """The text of an uploaded draft (.txt, .md, .docx, .pdf), read like an ingested file."""
    from recueil.ingest.read import read_source

    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise ValueError(
            _("Unsupported file type %(suffix)s: use .txt, .docx or .pdf.")
            % {"suffix": suffix or "?"}
        )
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValueError(_("The file is larger than 10 MB."))
    with tempfile.TemporaryDirectory(prefix="recueil-draft-") as folder:
        path = Path(folder) / ("draft" + suffix)
        with path.open("wb") as f:
            for chunk in upload.chunks():
                f.write(chunk)
        try:
            return read_source(path).text
        except IngestError as exc:
            reason = f"{upload.name}: {exc.problem}"
            message = _("The file could not be read: %(reason)s") % {"reason": reason}
            raise ValueError(message) from exc


def precedents(request: HttpRequest) -> HttpResponse:
    """Paste a draft paragraph (or upload a draft): the closest adopted paragraphs, ranked,
    each with a word-level diff from the adopted text to the draft."""
    context: dict = {"text": "", "limit": 10, "results": None, "paragraphs": None,
                     "error": None, "filename": None}  # fmt: skip
    if request.method == "POST":
        text = (request.POST.get("text") or "").strip()
        try:
            limit = max(1, min(int(request.POST.get("limit") or 10), 50))
        except ValueError:
            limit = 10
        context["text"], context["limit"] = text, limit
        upload = request.FILES.get("file")
        try:
            if upload is not None:
                context["filename"] = upload.name
                document = _read_upload(upload)
                paragraphs = link.precedent_document(document, min(limit, 5))
                for p in paragraphs:
                    _decorate_precedents(p["precedents"])
                context["paragraphs"] = paragraphs
            elif text:
                if len(text) > MAX_TEXT_CHARS:
                    raise ValueError(_("The text is too long (at most 20,000 characters)."))
                context["results"] = _decorate_precedents(link.precedent(text, limit))
            else:
                context["error"] = _("Paste a paragraph or choose a file.")
        except ValueError as exc:
            context["error"] = str(exc)
    return render(request, "web/precedents.html", context)


def compare(request: HttpRequest) -> HttpResponse:
    """Two items side by side: A's words missing from B struck through, B's additions marked."""
    a = (request.GET.get("a") or "").strip()
    b = (request.GET.get("b") or "").strip()
    status_a = request.GET.get("status_a") or "adopted"
    status_b = request.GET.get("status_b") or "adopted"
    context: dict = {"a": a, "b": b, "status_a": status_a, "status_b": status_b, "r": None}
    if a and b:
        if {status_a, status_b} - {"adopted", "draft"}:
            raise Http404("status must be adopted or draft")
        r = _or_404(link.compare, a, b, status_a=status_a, status_b=status_b)
        r["relation_label"] = label(r["relation"])
        r["old_spans"] = diff_spans(r["diff"], "old")
        # B's side from the reverse diff: its equal spans keep B's own spacing exactly
        reverse = link.diff(r["b"]["text"], r["a"]["text"])
        r["new_spans"] = [
            {**s, "op": "insert" if s["op"] == "delete" else s["op"]}
            for s in diff_spans(reverse, "old")
        ]
        r["edits"] = _edit_counts(r["diff"])
        context["r"] = r
    return render(request, "web/compare.html", context)


def meeting_uptake(request: HttpRequest, key: str) -> HttpResponse:
    """Which recommendations of a Working Group meeting the COP took up, where, and which
    not (the stored links; proposals are recomputed only when an editor asks)."""
    part, n = parse_meeting_key(key)
    if part != "A":
        raise Http404(_("Uptake is shown for Working Group meetings (Part A)."))
    m = _or_404(queries.meeting_detail, part, n)
    rows = link.uptake(str(n), refresh=False)
    summary = {"items": len(rows), "taken_up": 0, "not_taken_up": 0, "no_later_session": 0}
    for row in rows:
        summary[row["uptake"].replace(" ", "_")] += 1
        row["uptake_label"] = label(row["uptake"])
        for lk in row["links"]:
            decorate_link(lk)
    return render(
        request,
        "web/uptake.html",
        {
            "m": m,
            "rows": rows,
            "summary": summary,
            "no_links": bool(rows) and summary["not_taken_up"] == summary["items"],
            "editor": is_editor(request.user),
        },
    )


def meeting_uptake_refresh(request: HttpRequest, key: str) -> HttpResponse:
    """Editors: propose links again for this meeting (decided links are kept)."""
    if request.method != "POST":
        return redirect("meeting_uptake", key=key)
    if not is_editor(request.user):
        return HttpResponseForbidden(_("Only editors may recompute links."))
    part, n = parse_meeting_key(key)
    if part != "A":
        raise Http404(_("Uptake is shown for Working Group meetings (Part A)."))
    counts = link.propose_links(str(n))
    messages.success(
        request,
        _("Links proposed again: %(created)s new, %(updated)s kept, %(removed)s removed.") % counts,
    )
    return redirect("meeting_uptake", key=key)


def draft_fate(request: HttpRequest, ref: str) -> HttpResponse:
    """Whether and where a draft's text survived, changed or disappeared in adopted items."""
    scope = request.GET.get("scope") or "meeting"
    r = _or_404(link.draft_fate, ref, scope=scope)
    for u in r["units"]:
        u["fate_label"] = label(u["fate"])
        shown = u["match"] or u["closest"]
        if shown:
            shown["relation_label"] = label(shown["relation"])
            shown["spans"] = diff_spans(shown["diff"])
    r["summary_rows"] = [(label(k), k, v) for k, v in r["summary"].items()]
    return render(request, "web/draft_fate.html", {"r": r})


def decide_link(request: HttpRequest) -> HttpResponse:
    """Editors confirm or reject a lineage link (POST; audited as a LinkEvent)."""
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    if not is_editor(request.user):
        return HttpResponseForbidden(_("Only editors may confirm or reject links."))
    action = request.POST.get("action")
    fn = {"confirm": link.confirm, "reject": link.reject}.get(action or "")
    if fn is None:
        raise Http404("action must be confirm or reject")
    source, target = request.POST.get("source", ""), request.POST.get("target", "")
    note = (request.POST.get("note") or "").strip() or None
    r = _or_404(fn, source, target, user=request.user.get_username(), note=note)
    messages.success(
        request,
        _("Link %(source)s → %(target)s: %(status)s.")
        % {"source": r["source"], "target": r["target"], "status": label(r["status"])},
    )
    nxt = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = reverse("item", args=[r["source"]])
    return redirect(nxt)
