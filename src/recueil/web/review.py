"""Thematic indexing for editors: the review queue, decisions, the audit trail, the vocabulary.

Thin views over `recueil.index.review` (suggestions and the queue) and
`recueil.store.curation` (every decision, audited and revertible). Changes are POST forms
with CSRF tokens; editors review and assign, admins change the vocabulary (roles.py).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from recueil.index import review
from recueil.store import Store, curation, queries
from recueil.web.roles import admin_required, editor_required, is_admin
from recueil.web.views import _or_404, parse_meeting_key, theme_label

ORIGINS = {
    "imported": gettext_noop("from the 2021 index"),
    "curated": gettext_noop("added by an editor"),
    "suggested-accepted": gettext_noop("suggestion accepted"),
    "suggested": gettext_noop("suggested"),
}
ACTIONS = {
    "accept": gettext_noop("accepted"),
    "add": gettext_noop("added"),
    "remove": gettext_noop("removed"),
    "reject": gettext_noop("rejected"),
    "revert": gettext_noop("reverted"),
    "moved": gettext_noop("moved by a merge"),
    "create": gettext_noop("theme created"),
    "edit": gettext_noop("theme edited"),
    "rename": gettext_noop("theme renamed"),
    "merge": gettext_noop("theme merged"),
    "retire": gettext_noop("theme retired"),
    "restore": gettext_noop("theme restored"),
}


def store() -> Store:
    return Store(getattr(settings, "RECUEIL_DB_ALIAS", "default"), "")


def _next(request: HttpRequest, fallback: str) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return fallback


def _score(value: str | None) -> float | None:
    try:
        return None if value in (None, "") else float(value)
    except ValueError:
        return None


def decorate_assignment(a: dict) -> dict:
    a["origin_label"] = _(ORIGINS[a["origin"]]) if a["origin"] in ORIGINS else a["origin"]
    a["display"] = theme_label({"label": a["theme"], "label_en": a.get("theme_en")})
    return a


def decorate_event(e: dict) -> dict:
    e["action_label"] = _(ACTIONS[e["action"]]) if e["action"] in ACTIONS else e["action"]
    return e


def decorate_suggestions(rows: list[dict], themes: list[dict]) -> list[dict]:
    """Each suggestion's theme in the interface language (the French label stays the key)."""
    shown = {t["label"]: t["display"] for t in themes}
    for s in rows:
        s["display"] = shown.get(s["theme"], s["theme"])
    return rows


def live_themes() -> list[dict]:
    """Themes an editor may give (retired ones excluded), in the interface language."""
    from recueil.store.models import Theme

    rows = Theme.objects.filter(retired=False).order_by("label").values("label", "label_en")
    return [{**r, "display": theme_label(r)} for r in rows]


# --- the queue ------------------------------------------------------------------------------


@editor_required
def review_home(request: HttpRequest) -> HttpResponse:
    """Meetings and sessions with how many of their items have no theme yet."""
    from django.db.models import Count, Q

    from recueil.store.models import Meeting

    rows = []
    for m in Meeting.objects.annotate(
        n=Count("items", filter=Q(items__status="adopted"), distinct=True),
        unindexed=Count(
            "items",
            filter=Q(items__status="adopted", items__assignments__isnull=True),
            distinct=True,
        ),
    ).order_by("part", "number"):
        if m.n:
            rows.append({"key": f"{m.part}:{m.roman}", "title": m.title, "items": m.n,
                         "unindexed": m.unindexed, "part": m.part})  # fmt: skip
    return render(request, "web/review_home.html", {"meetings": rows})


@editor_required
def review_meeting(request: HttpRequest, key: str) -> HttpResponse:
    part, n = parse_meeting_key(key)
    todo = request.GET.get("show") == "todo"
    q = _or_404(review.meeting_queue, store(), part, n, todo=todo)
    themes = live_themes()
    for row in q["items"]:
        for a in row["assignments"]:
            decorate_assignment(a)
        decorate_suggestions(row["suggestions"], themes)
    context = {
        "q": q, "key": key, "todo": todo, "themes": themes,
        "bulk_threshold": review.DEFAULT_BULK_THRESHOLD,
    }  # fmt: skip
    return render(request, "web/review_meeting.html", context)


@editor_required
def decide(request: HttpRequest) -> HttpResponse:
    """One decision on an (item, theme) pair: accept, reject, add, remove."""
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    action = request.POST.get("action", "")
    if action not in curation.DECISION_ACTIONS:
        raise Http404("action must be accept, reject, add or remove")
    ref, theme = request.POST.get("ref", ""), (request.POST.get("theme") or "").strip()
    fallback = reverse("item", args=[ref]) if ref else reverse("review")
    try:
        e = curation.decide(action, ref, theme, user=request.user.get_username(),
                            score=_score(request.POST.get("score")))  # fmt: skip
    except queries.NotFound as exc:
        return _answer(request, fallback, str(exc), status=404)
    except curation.CurationError as exc:
        return _answer(request, fallback, str(exc), status=409)
    msg = _("%(ref)s: %(theme)s %(action)s.") % {
        "ref": e["ref"], "theme": e["theme"], "action": _(ACTIONS[action])
    }  # fmt: skip
    return _answer(request, fallback, msg, event=e)


def _answer(request, fallback: str, message: str, *, status: int = 200, event=None):
    """JSON for scripts (Accept: application/json), else a message and a redirect back."""
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"message": message, "event": event}, status=status)
    (messages.success if status == 200 else messages.error)(request, message)
    return redirect(_next(request, fallback))


@editor_required
def bulk_accept(request: HttpRequest, key: str) -> HttpResponse:
    """Accept every open suggestion of the meeting at or above the threshold."""
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    part, n = parse_meeting_key(key)
    threshold = _score(request.POST.get("threshold"))
    back = reverse("review_meeting", args=[key])
    try:
        done = review.bulk_accept_meeting(store(), part, n, threshold or 0.0,
                                          user=request.user.get_username())  # fmt: skip
    except queries.NotFound as exc:
        raise Http404(str(exc)) from exc
    except ValueError:
        return _answer(request, back, _("The threshold must be a number above 0 and at most 1."),
                       status=400)  # fmt: skip
    msg = _("%(n)d suggestions accepted (score ≥ %(t)s).") % {"n": len(done), "t": threshold}
    return _answer(request, back, msg)


# --- the audit trail ------------------------------------------------------------------------


@editor_required
def history(request: HttpRequest) -> HttpResponse:
    """The audit trail: of one item (?ref=), one theme (?theme=), or all, newest first."""
    ref, theme = request.GET.get("ref") or None, request.GET.get("theme") or None
    events = _or_404(curation.history, ref=ref, theme=theme, limit=500)
    for e in events:
        decorate_event(e)
    context = {"events": events, "ref": ref, "theme": theme, "admin": is_admin(request.user)}
    return render(request, "web/history.html", context)


@editor_required
def revert(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    try:
        event_id = int(request.POST.get("event", ""))
    except ValueError as exc:
        raise Http404("event must be an event number") from exc
    back = reverse("history")
    try:
        done = curation.revert(event_id, user=request.user.get_username(),
                               vocabulary=is_admin(request.user))  # fmt: skip
    except queries.NotFound as exc:
        raise Http404(str(exc)) from exc
    except curation.NotAllowed:
        return _answer(request, back, _("Only administrators may revert vocabulary changes."),
                       status=403)  # fmt: skip
    except curation.CurationError as exc:
        return _answer(request, back, str(exc), status=409)
    msg = _("Event #%(id)s reverted.") % {"id": event_id}
    return _answer(request, back, msg, event=done)


# --- the vocabulary -------------------------------------------------------------------------


@admin_required
def vocabulary(request: HttpRequest) -> HttpResponse:
    """Every theme (retired ones too) with its labels, scope notes and use; a create form."""
    from django.db.models import Count

    from recueil.store.models import Theme

    if request.method == "POST":
        return _vocabulary_change(request, None)
    themes = Theme.objects.select_related("parent", "merged_into").annotate(n=Count("assignments"))
    rows = [
        {
            "label": t.label, "label_en": t.label_en, "scope_note": t.scope_note,
            "scope_note_en": t.scope_note_en, "parent": t.parent.label if t.parent else None,
            "items": t.n, "retired": t.retired,
            "merged_into": t.merged_into.label if t.merged_into else None,
        }
        for t in themes.order_by("label")
    ]  # fmt: skip
    return render(request, "web/vocabulary.html", {"themes": rows, "all": live_themes()})


@admin_required
def vocabulary_theme(request: HttpRequest, label: str) -> HttpResponse:
    """One theme: edit its labels and notes, move it, merge it into another, retire it."""
    theme = _or_404(queries.find_theme, label)
    if request.method == "POST":
        return _vocabulary_change(request, theme.label)
    detail = _or_404(queries.theme_detail, theme.label)
    context = {
        "t": theme, "detail": detail, "all": live_themes(),
        "translations": [(lang, (theme.translations or {}).get(lang, {}))
                         for lang in ("ar", "es", "ru", "zh")],
        "events": [decorate_event(e) for e in curation.history(theme=theme.label, limit=50)],
    }  # fmt: skip
    return render(request, "web/vocabulary_theme.html", context)


def _vocabulary_change(request: HttpRequest, label: str | None) -> HttpResponse:
    p, user = request.POST, request.user.get_username()
    op = p.get("op", "")
    back = reverse("vocabulary_theme", args=[label]) if label else reverse("vocabulary")
    try:
        if op == "create":
            e = curation.create_theme(
                p.get("label", ""), parent=p.get("parent") or None, label_en=p.get("label_en"),
                scope_note=p.get("scope_note"), scope_note_en=p.get("scope_note_en"), user=user,
            )  # fmt: skip
            back = reverse("vocabulary_theme", args=[e["theme"]])
        elif op == "edit" and label:
            translations = {
                lang: {"label": p.get(f"label_{lang}", ""), "scope_note": p.get(f"note_{lang}", "")}
                for lang in ("ar", "es", "ru", "zh")
            }
            e = curation.edit_theme(
                label, new_label=p.get("label") or None, label_en=p.get("label_en"),
                scope_note=p.get("scope_note"), scope_note_en=p.get("scope_note_en"),
                parent=p.get("parent") or None, translations=translations, user=user,
            )  # fmt: skip
            back = reverse("vocabulary_theme", args=[e["theme_now"]])
        elif op == "merge" and label:
            e = curation.merge_themes(label, p.get("target", ""), user=user, note=p.get("note"))
            back = reverse("vocabulary_theme", args=[e["other_theme"]])
        elif op == "retire" and label:
            e = curation.retire_theme(label, user=user, note=p.get("note"))
        elif op == "restore" and label:
            e = curation.restore_theme(label, user=user, note=p.get("note"))
        else:
            raise Http404("unknown vocabulary operation")
    except queries.NotFound as exc:
        return _answer(request, back, str(exc), status=404)
    except curation.CurationError as exc:
        return _answer(request, back, str(exc), status=409)
    msg = _("%(theme)s: %(action)s.") % {
        "theme": e["theme_now"] or e["theme"], "action": _(ACTIONS[e["action"]])
    }  # fmt: skip
    return _answer(request, back, msg, event=e)
