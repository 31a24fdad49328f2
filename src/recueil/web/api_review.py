"""REST API of thematic indexing: suggestions, decisions, the audit trail, the vocabulary.

The same functions as the editors' pages (recueil.index.review, recueil.store.curation).
Reading suggestions and deciding need an editor: a logged-in session (with the CSRF token
for POST) or HTTP Basic credentials of an editor account, e.g. `curl -u editor:…`. The
vocabulary in SKOS is public.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBasicAuth

from recueil.index import review
from recueil.store import curation, queries
from recueil.web.auth import throttled_authenticate
from recueil.web.roles import is_admin, is_editor
from recueil.web.views import parse_meeting_key

router = Router(tags=["thematic indexing"])


def _editor(user):
    if user is None or not user.is_authenticated:
        return None
    if not is_editor(user):
        raise HttpError(403, "only editors may read suggestions and decide on themes")
    return user


class EditorSession(APIKeyCookie):
    """The web session of a logged-in editor (CSRF checked on POST by django-ninja)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None):
        return _editor(getattr(request, "user", None))


class EditorBasic(HttpBasicAuth):
    """HTTP Basic with an editor's username and password (for scripts)."""

    def authenticate(self, request: HttpRequest, username: str, password: str):
        user, locked = throttled_authenticate(request, username, password, "basic")
        if locked:
            raise HttpError(429, "too many failed logins: try again in a few minutes")
        if user is not None:
            request.user = user
        return _editor(user)


EDITOR = [EditorBasic(), EditorSession()]  # Basic first: no CSRF for scripts


class SimilarItem(Schema):
    ref: str
    similarity: float


class Evidence(Schema):
    similar_items: list[SimilarItem]
    matched_words: list[str]


class SuggestionOut(Schema):
    theme: str
    score: float
    evidence: Evidence


class TextIn(Schema):
    text: str
    top: int = 10


class DecisionIn(Schema):
    theme: str
    action: str  # accept | reject | add | remove
    score: float | None = None
    note: str | None = None


class BulkIn(Schema):
    threshold: float = review.DEFAULT_BULK_THRESHOLD


class EventOut(Schema):
    id: int
    action: str
    ref: str | None
    theme: str | None
    theme_now: str | None
    other_theme: str | None
    before: dict[str, Any]
    after: dict[str, Any]
    user: str
    note: str | None
    at: str
    reverts: int | None
    reverted_by: int | None
    revertible: bool


def _call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except queries.NotFound as exc:
        raise HttpError(404, str(exc)) from exc
    except curation.NotAllowed as exc:
        raise HttpError(403, str(exc)) from exc
    except curation.CurationError as exc:
        raise HttpError(409, str(exc)) from exc
    except review.ModelNotReady as exc:
        raise HttpError(503, f"{exc}; retry in a minute") from exc
    except ValueError as exc:
        raise HttpError(400, str(exc)) from exc


def _user(request: HttpRequest) -> str:
    return request.auth.get_username()


@router.get(
    "/items/{path:ref}/suggestions", response=dict[str, list[SuggestionOut]], auth=EDITOR,
    summary="Theme suggestions for an item, with evidence (editors)",
)  # fmt: skip
def item_suggestions(request: HttpRequest, ref: str, top: int = 10):
    """`{"A:VII.3": [{"theme", "score", "evidence": {"similar_items", "matched_words"}}]}`:
    calibrated scores (the probability the theme is right), best first, themes the item
    has or an editor rejected left out. As `recueil suggest REF --format json`."""
    from recueil.web.review import store

    found = _call(review.item_suggestions, store(), [ref], top=max(1, min(top, 50)))
    return found["suggestions"]


@router.post(
    "/suggest", response=list[SuggestionOut], auth=EDITOR,
    summary="Theme suggestions for a pasted text (editors)",
)  # fmt: skip
def suggest_text(request: HttpRequest, body: TextIn):
    from recueil.web.review import store

    if not body.text.strip() or len(body.text) > 20_000:
        raise HttpError(400, "text must be 1 to 20,000 characters")
    return _call(review.suggest_text, store(), body.text, top=max(1, min(body.top, 50)))


@router.get("/meetings/{key}/review", auth=EDITOR, summary="The review queue of a meeting")
def meeting_review(request: HttpRequest, key: str, todo: bool = False):
    """Every adopted item of the meeting with its themes (origin, user, time) and open
    suggestions; `to_review` marks items without a theme or with an open suggestion
    above the learned threshold."""
    from recueil.web.review import store

    part, n = parse_meeting_key(key)
    return _call(review.meeting_queue, store(), part, n, todo=todo)


@router.post(
    "/meetings/{key}/review/bulk-accept", response=list[EventOut], auth=EDITOR,
    summary="Accept every open suggestion at or above a threshold",
)  # fmt: skip
def meeting_bulk_accept(request: HttpRequest, key: str, body: BulkIn):
    from recueil.web.review import store

    part, n = parse_meeting_key(key)
    return _call(review.bulk_accept_meeting, store(), part, n, body.threshold,
                 user=_user(request))  # fmt: skip


@router.post(
    "/items/{path:ref}/themes", response=EventOut, auth=EDITOR,
    summary="Decide on a theme for an item: accept, reject, add, remove",
)  # fmt: skip
def decide(request: HttpRequest, ref: str, body: DecisionIn):
    """Stored as an assignment with its origin (suggested-accepted for accept, curated for
    add), user and time, and as an event of the audit trail."""
    return _call(curation.decide, body.action, ref, body.theme, user=_user(request),
                 score=body.score, note=body.note)  # fmt: skip


@router.get("/items/{path:ref}/history", response=list[EventOut], auth=EDITOR,
            summary="The audit trail of an item")  # fmt: skip
def item_history(request: HttpRequest, ref: str):
    return _call(curation.history, ref=ref)


@router.get("/history", response=list[EventOut], auth=EDITOR, summary="The whole audit trail")
def all_history(request: HttpRequest, limit: int = 200):
    return _call(curation.history, limit=max(1, min(limit, 5000)))


@router.get("/history/themes/{path:label}", response=list[EventOut], auth=EDITOR,
            summary="The audit trail of a theme")  # fmt: skip
def theme_history(request: HttpRequest, label: str):
    return _call(curation.history, theme=label)


@router.post("/history/{event_id}/revert", response=EventOut, auth=EDITOR,
             summary="Revert one decision (recorded as a new event)")  # fmt: skip
def revert(request: HttpRequest, event_id: int):
    """Refused (409) when the item or theme changed since: revert the later events first.
    Vocabulary changes are reverted by administrators only."""
    return _call(curation.revert, event_id, user=_user(request),
                 vocabulary=is_admin(request.auth))  # fmt: skip


@router.get("/vocabulary.ttl", summary="The vocabulary as SKOS (Turtle)")
def vocabulary_skos(request: HttpRequest):
    """Every theme with its French, English (and other) labels, scope notes, hierarchy,
    former labels (altLabel) and retired themes (owl:deprecated), for Annif or Skosmos."""
    from recueil.index import skos
    from recueil.index.corpus import load_training_set

    text = skos.to_turtle(load_training_set().vocabulary, details=skos.theme_details())
    return HttpResponse(text, content_type="text/turtle; charset=utf-8")
