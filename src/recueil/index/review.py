"""The review queue: theme suggestions for a meeting's items, minus what editors decided.

A retrain takes seconds, too long to wait for after every click. The web app therefore
serves suggestions from the newest model it has and, when the indexed data changed since
that model was trained (its fingerprint no longer matches), retrains in a background
thread; the next page uses the new model. The CLI keeps retraining before it answers.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
import time
from pathlib import Path

from recueil.index import project
from recueil.index.corpus import Doc, load_training_set

#: Suggestions below this score are not worth an editor's glance.
SHOW_MIN_SCORE = 0.05
#: Bulk accept's default: scores are calibrated, so ≥ 0.8 is right about 80 % of the time.
DEFAULT_BULK_THRESHOLD = 0.8


class ModelNotReady(RuntimeError):
    """No model exists yet and the first one is being trained in the background."""


class ModelCache:
    """One process's model: loaded once, replaced when a background retrain finishes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._models: dict[str, project.Model] = {}
        self._training: set[str] = set()
        self._versions: dict[str, str] = {}  # alias → training_version of its fresh model

    def get(self, store, *, block: bool = False) -> tuple[project.Model, bool]:
        """(model, fresh): the model for the store's current data if there is one, else the
        newest older model (fresh False) while a retrain runs in the background. With no
        model at all: train now if `block`, else start training and raise ModelNotReady."""
        config = project.default_config()
        current = self._models.get(store.alias)
        version = store.run(project.training_version)  # a few aggregates, no text read
        if current is not None and self._versions.get(store.alias) == version:
            return current, True
        ts = store.run(load_training_set)
        fp = project._fingerprint(ts, config)
        if current is not None and current.fingerprint == fp:
            self._versions[store.alias] = version
            return current, True
        try:
            model = project.load_model(store, config, retrain=False)
        except FileNotFoundError:
            model = None
        if model is not None:
            self._models[store.alias] = model
            self._versions[store.alias] = version
            return model, True
        stale = current or _newest_model(project.model_dir(store))
        if stale is None:  # nothing to serve yet
            if not block:
                self._retrain_in_background(store, config)
                raise ModelNotReady("the theme suggester is being trained for the first time")
            model = project.train(store, config, ts, reuse=True)
            self._models[store.alias] = model
            return model, True
        self._models[store.alias] = stale
        self._retrain_in_background(store, config)
        return stale, False

    def _retrain_in_background(self, store, config) -> None:
        with self._lock:
            if store.alias in self._training:
                return
            self._training.add(store.alias)
        ctx = contextvars.copy_context()  # the store's database routing goes along
        thread = threading.Thread(
            target=ctx.run, args=(self._retrain, store, config), daemon=True,
            name="recueil-retrain",
        )  # fmt: skip
        thread.start()

    def _retrain(self, store, config) -> None:
        from django.db import connections

        try:
            self._models[store.alias] = project.train(store, config, reuse=True)
        finally:
            connections[store.alias].close()
            with self._lock:
                self._training.discard(store.alias)

    def warm(self, store) -> None:
        """Make sure a model exists or is being trained (the server calls this at start)."""
        with contextlib.suppress(ModelNotReady):
            self.get(store)

    def training(self, store) -> bool:
        return store.alias in self._training

    def wait(self, timeout: float = 120.0) -> None:
        """Block until background retrains end (tests, benchmarks)."""
        deadline = time.monotonic() + timeout
        while self._training and time.monotonic() < deadline:
            time.sleep(0.05)


def _newest_model(directory: Path) -> project.Model | None:
    import pickle

    files = sorted(directory.glob("model-*.pkl"), key=lambda p: p.stat().st_mtime)
    for path in reversed(files):
        try:
            with path.open("rb") as f:
                model = pickle.load(f)
        except Exception:  # a model file of older code, or half written: skip it
            continue
        model.path = path
        project.use_cache_file(directory / "embeddings.npz")
        return model
    return None


MODELS = ModelCache()


def threshold_of(model: project.Model) -> float:
    """The calibrated assignment threshold the ensemble learned (0.5 when it has none)."""
    return float(getattr(model.suggester, "threshold", 0.5) or 0.5)


def item_suggestions(store, refs: list[str], *, top: int = 10, block: bool = False) -> dict:
    """Open suggestions (not assigned, not rejected) for adopted items, with evidence."""
    from recueil.store import curation

    model, fresh = MODELS.get(store, block=block)
    docs = project.docs_for(store, refs)
    raw = project.suggest(model, docs, top=top)
    decided = store.run(curation.decided_pairs, list(raw))
    out = {
        ref: [s for s in rows if s["theme"] not in decided[ref] and s["score"] >= SHOW_MIN_SCORE]
        for ref, rows in raw.items()
    }
    return {
        "suggestions": out,
        "threshold": round(threshold_of(model), 3),
        "model": {"trained_at": model.trained_at, "items": model.n_docs, "fresh": fresh},
    }


def meeting_queue(
    store, part: str, number: int, *, top: int = 8, todo: bool = False, block: bool = False
) -> dict:
    """Every adopted item of a meeting with its themes and its open suggestions; an item
    needs review when it has no theme or an open suggestion above the learned threshold."""
    from recueil.store import queries

    detail = store.run(queries.meeting_detail, part, number)
    refs = [i["ref"] for i in _flatten(detail)]
    if not refs:
        return {**_head(detail), "items": [], "to_review": 0, "threshold": None, "model": None}
    try:
        found = item_suggestions(store, refs, top=top, block=block)
    except ModelNotReady:  # the page still lists the items; suggestions come shortly
        found = {"suggestions": {}, "threshold": None, "model": None}
    threshold = found["threshold"] if found["threshold"] is not None else 1.0
    themes_of = store.run(_assignments_of, refs)
    rows = []
    for item in _flatten(detail):
        ref = item["ref"]
        pending = found["suggestions"].get(ref, [])
        current = themes_of.get(ref, [])
        needs = not current or any(s["score"] >= threshold for s in pending)
        rows.append({**item, "assignments": current, "suggestions": pending, "to_review": needs})
    to_review = sum(r["to_review"] for r in rows)
    if todo:
        rows = [r for r in rows if r["to_review"]]
    return {
        **_head(detail),
        "items": rows,
        "to_review": to_review,
        "threshold": found["threshold"],
        "model": found["model"],
        "training": MODELS.training(store),
    }


def bulk_accept_meeting(store, part: str, number: int, threshold: float, *, user: str) -> list:
    """Accept every open suggestion of the meeting's queue scored at least `threshold`."""
    from recueil.store import curation

    if not 0 < threshold <= 1:
        raise ValueError("threshold must be above 0 and at most 1")
    q = meeting_queue(store, part, number)
    suggestions = {r["ref"]: r["suggestions"] for r in q["items"]}
    return store.run(curation.bulk_accept, suggestions, threshold, user=user)


def _head(detail: dict) -> dict:
    return {k: v for k, v in detail.items() if k not in ("clusters", "items")}


def _flatten(detail: dict) -> list[dict]:
    """The meeting's items in order, subparagraphs after their parent."""
    out: list[dict] = []

    def walk(nodes):
        for n in nodes:
            out.append({k: v for k, v in n.items() if k != "children"})
            walk(n.get("children", []))

    for cluster in detail.get("clusters", []):
        walk(cluster.get("items", []))
    if not out:
        walk(detail.get("items", []))
    return out


def _assignments_of(refs: list[str]) -> dict[str, list[dict]]:
    from recueil.store.models import Assignment
    from recueil.store.queries import assignment_dict

    out: dict[str, list[dict]] = {}
    rows = Assignment.objects.filter(item__ref__in=refs, item__status="adopted").select_related(
        "theme", "item"
    )
    for a in rows.order_by("theme__label"):
        out.setdefault(a.item.ref, []).append({**assignment_dict(a), "retired": a.theme.retired})
    return out


def suggest_text(store, text: str, *, top: int = 10, block: bool = False) -> list[dict]:
    """Suggestions for a pasted text (a draft recommendation not yet in the collection)."""
    model, _fresh = MODELS.get(store, block=block)
    return project.suggest(model, [Doc(ref="text-1", text=text)], top=top)["text-1"]
