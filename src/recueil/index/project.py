"""The indexing operations every interface calls: train, suggest (with evidence), evaluate.

Like Annif's `project.py`: the CLI (and later the API and web pages) are thin skins over
these. A trained model is a file beside the database, named by the fingerprint of its
training data, so a change to any assignment, text or theme triggers a retrain.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import pickle
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from recueil.index.backends import get_backend
from recueil.index.backends.base import Suggester
from recueil.index.corpus import Doc, TrainingSet, load_training_set
from recueil.index.embeddings import available as embeddings_available
from recueil.index.embeddings import shared_embedder, use_cache_file


def _code_version() -> str:
    """A hash of the suggesters' source: a model trained by other code is never loaded."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted([here / "analyzer.py", here / "corpus.py", *here.glob("backends/*.py")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def default_config() -> dict[str, Any]:
    """The production suggester: the calibrated ensemble, with embeddings when installed."""
    members = ["tfidf-lr", "label", "centroid", "knn"]
    if embeddings_available():
        members += ["embed-knn", "embed-label"]
    members += ["knn-labels", "maxsim"]
    return {"backend": "ensemble", "members": tuple(members)}


def make_suggester(ts_vocabulary, config: dict[str, Any]) -> Suggester:
    params = {k: v for k, v in config.items() if k != "backend"}
    return get_backend(config["backend"])(ts_vocabulary, **params)


def model_dir(store) -> Path:
    """Where models live: beside a SQLite file, or in the user data dir for a server DB."""
    from django.db import connections

    cfg = connections.settings[store.alias]
    if cfg["ENGINE"].endswith("sqlite3"):
        db = Path(cfg["NAME"])
        return db.with_name(db.name + ".index")
    from platformdirs import user_data_dir

    key = hashlib.sha1(f"{cfg['HOST']}:{cfg.get('PORT')}/{cfg['NAME']}".encode()).hexdigest()
    return Path(user_data_dir("recueil", appauthor=False)) / "index" / key[:16]


@dataclass
class Model:
    suggester: Suggester
    fingerprint: str
    trained_at: float
    train_seconds: float
    n_docs: int
    path: Path | None = None
    retrained: bool = False


def _fingerprint(ts: TrainingSet, config: dict[str, Any]) -> str:
    """What a model was trained from: the vocabulary and the *indexed* items (texts and
    themes). Items awaiting themes are not training data: a new one changes nothing here,
    so it never forces a retrain before its suggestions can be shown."""
    payload = {
        "themes": [[t.label, t.parent, t.scope_note] for t in ts.vocabulary.themes],
        "docs": [[d.ref, d.full_text, sorted(d.themes)] for d in ts.indexed()],
    }
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    extra = repr(sorted(config.items())) + _code_version()
    return hashlib.sha256((blob + extra).encode()).hexdigest()


def training_version() -> str:
    """A cheap marker of the training data (run through `store.run`): a few aggregates
    over assignments, themes and documents, no text read. When it has not moved, the model
    this process already holds is still the right one (see `load_model`)."""
    from django.db.models import Count, Max, Sum

    from recueil.index.corpus import TRAINING_ORIGINS
    from recueil.store.models import Assignment, Document
    from recueil.store.models import Theme as ThemeRow

    a = Assignment.objects.filter(origin__in=TRAINING_ORIGINS).aggregate(
        n=Count("id"), top=Max("id"), themes=Sum("theme_id"), items=Sum("item_id")
    )
    t = ThemeRow.objects.aggregate(n=Count("id"), at=Max("updated_at"), top=Max("id"))
    d = Document.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    return repr((sorted(a.items()), sorted(t.items()), sorted(d.items())))


# (model directory, config) → (training_version, model): one load per process and data.
_loaded: dict[tuple[str, str], tuple[str, Model]] = {}


@contextlib.contextmanager
def _training_lock(directory: Path):
    """One training at a time per model directory, across processes (server workers, a
    `recueil train` started beside them): the others wait, then reuse its model."""
    directory.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # not POSIX: no cross-process lock
        yield
        return
    with (directory / "train.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def train(
    store, config: dict[str, Any] | None = None, ts: TrainingSet | None = None,
    *, reuse: bool = False,
) -> Model:  # fmt: skip
    """Train on every indexed item of the store and save the model file. With `reuse`, a
    model another process trained on the same data meanwhile is loaded instead."""
    config = config or default_config()
    ts = ts or store.run(load_training_set)
    directory = model_dir(store)
    with _training_lock(directory):
        existing = directory / f"model-{_fingerprint(ts, config)[:20]}.pkl"
        if reuse and existing.exists():
            use_cache_file(directory / "embeddings.npz")
            with existing.open("rb") as f:
                model: Model = pickle.load(f)
            model.path = existing
            return model
        return _train(store, config, ts, directory)


def _train(store, config: dict[str, Any], ts: TrainingSet, directory: Path) -> Model:
    use_cache_file(directory / "embeddings.npz")
    start = time.perf_counter()
    suggester = make_suggester(ts.vocabulary, config)
    suggester.train(ts.docs)
    elapsed = time.perf_counter() - start
    fp = _fingerprint(ts, config)
    model = Model(suggester, fp, time.time(), elapsed, len(ts.indexed()))
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"model-{fp[:20]}.pkl"
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as f:
        pickle.dump(model, f, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    for old in directory.glob("model-*.pkl"):
        if old != path:
            old.unlink(missing_ok=True)
    _embed_unindexed(suggester, ts)
    shared_embedder().save()
    model.path, model.retrained = path, True
    return model


def _embed_unindexed(suggester: Suggester, ts: TrainingSet) -> None:
    """Compute the vectors of the items waiting for themes now, with the training, so an
    editor's queue answers without running the transformer (cached beside the model)."""
    member = getattr(suggester, "member", None)
    if member is not None and member("embed-knn") is not None:
        from recueil.index.backends.embedding import embed_docs

        embed_docs([d for d in ts.docs if not d.themes])


def load_model(store, config: dict[str, Any] | None = None, *, retrain: bool = True) -> Model:
    """The model for the store's current training data; retrained if that data changed.

    Held per process: while `training_version` has not moved, the model already loaded is
    returned without reading the training set or the model file again."""
    config = config or default_config()
    key = (str(model_dir(store)), repr(sorted(config.items())))
    version = store.run(training_version)
    held = _loaded.get(key)
    if held is not None and held[0] == version:
        return dataclasses.replace(held[1], retrained=False)  # this call trained nothing
    model = _load_model(store, config, retrain=retrain)
    _loaded[key] = (version, model)
    return model


def _load_model(store, config: dict[str, Any], *, retrain: bool) -> Model:
    ts = store.run(load_training_set)
    fp = _fingerprint(ts, config)
    directory = model_dir(store)
    path = directory / f"model-{fp[:20]}.pkl"
    if path.exists():
        use_cache_file(directory / "embeddings.npz")
        with path.open("rb") as f:
            model: Model = pickle.load(f)
        model.path = path
        return model
    if not retrain:
        raise FileNotFoundError(f"no model trained for the current data in {directory}")
    return train(store, config, ts)


# --- suggestions with evidence ------------------------------------------------------------


def docs_for(store, refs: list[str] | None = None, *, unindexed: bool = False) -> list[Doc]:
    """The adopted items `refs` as suggesters see them (only those rows are read), or with
    `unindexed` every adopted item awaiting themes."""
    from recueil.model import Ref
    from recueil.store.queries import NotFound

    if unindexed:
        return [d for d in store.run(load_training_set).docs if not d.themes]
    keys = [str(Ref.parse(r)) for r in refs or []]
    by_ref = store.run(_docs_by_ref, keys)
    out = []
    for r in refs or []:
        key = str(Ref.parse(r))
        if key not in by_ref:
            raise NotFound(f"no adopted item {key}")
        out.append(by_ref[key])
    return out


def _docs_by_ref(keys: list[str]) -> dict[str, Doc]:
    """Like `load_training_set`'s records, for a few adopted items only."""
    from recueil.index.corpus import TRAINING_ORIGINS
    from recueil.model import Status
    from recueil.store.models import Assignment, Item

    rows = list(
        Item.objects.filter(status=Status.ADOPTED.value, ref__in=keys).values_list(
            "id", "ref", "text", "parent__text"
        )
    )
    labels: dict[int, set[str]] = {}
    for item_id, label in Assignment.objects.filter(
        item_id__in=[r[0] for r in rows], origin__in=TRAINING_ORIGINS, theme__retired=False
    ).values_list("item_id", "theme__label"):
        labels.setdefault(item_id, set()).add(label)
    return {
        ref: Doc(ref, text, frozenset(labels.get(pk, ())), parent_text or "")
        for pk, ref, text, parent_text in rows
    }


def suggest(
    model: Model,
    docs: list[Doc],
    *,
    top: int = 10,
    threshold: float | None = None,
    neighbours: int = 3,
) -> dict[str, list[dict]]:
    """{ref: [{"theme", "score", "evidence": {"similar_items", "matched_words"}}]}, best
    first. An item is never its own evidence. `threshold` drops lower scores."""
    s = model.suggester
    scores = s.suggest(docs)
    sims = _similarities(s, docs)
    knn = getattr(s, "member", lambda _n: None)("knn")
    train_refs = knn.refs if knn is not None else []
    train_labels = knn.labels if knn is not None else None
    out: dict[str, list[dict]] = {}
    for i, d in enumerate(docs):
        key = d.ref or f"text-{i + 1}"
        rows = []
        for j in np.argsort(-scores[i])[:top]:
            score = float(scores[i, j])
            if threshold is not None and score < threshold:
                continue
            theme = s.vocabulary.labels[j]
            similar = []
            if sims is not None and train_labels is not None:
                for n in np.argsort(-sims[i]):
                    if len(similar) >= neighbours:
                        break
                    if train_labels[n, j] and train_refs[n] != d.ref:
                        similar.append(
                            {"ref": train_refs[n], "similarity": round(float(sims[i, n]), 3)}
                        )
            rows.append(
                {
                    "theme": theme,
                    "score": round(score, 3),
                    "evidence": {
                        "similar_items": similar,
                        "matched_words": matched_words(s, d, j),
                    },
                }
            )
        out[key] = rows
    return out


def _similarities(s: Suggester, docs: list[Doc]) -> np.ndarray | None:
    """Item-to-training-item similarity: the mean of TF-IDF and embedding cosines."""
    member = getattr(s, "member", None)
    if member is None:
        return None
    knn, eknn = member("knn"), member("embed-knn")
    if knn is None:
        return None
    sims = knn.similarities(docs)
    if eknn is not None:
        sims = (sims + eknn.similarities(docs)) / 2
    return sims


def matched_words(s: Suggester, doc: Doc, j: int, limit: int = 8) -> list[str]:
    """Words of the item (as written) that speak for theme j: those in the theme's label
    or its parent's, then those the linear model weighs most for the theme."""
    member = getattr(s, "member", None)
    lr = member("tfidf-lr") if member else None
    theme = s.vocabulary.themes[j]
    analyzer = s.analyzer
    label_stems = set(analyzer.tokens(theme.label + " " + (theme.parent or "")))
    pairs = analyzer.surface_tokens(doc.text)
    weights: dict[str, float] = {}
    if lr is not None:
        vocab = lr.features.vectorizer.vocabulary_
        toks = [t for _w, t in pairs]
        for k, (word, tok) in enumerate(pairs):
            for term in (tok, f"{toks[k - 1]} {tok}" if k else None):
                if term and term in vocab:
                    c = float(lr.coef[j, vocab[term]])
                    if c > 0:
                        weights[word.lower()] = max(weights.get(word.lower(), 0.0), c)
    out: list[str] = []
    for word, tok in pairs:
        common = lr is not None and lr.features.idf(tok) < 2.0  # in over a third of items
        if tok in label_stems and not common and word.lower() not in out:
            out.append(word.lower())
    for word, _c in sorted(weights.items(), key=lambda kv: -kv[1]):
        if word not in out and weights[word] > 0.5:
            out.append(word)
    return out[:limit]


# --- evaluation -------------------------------------------------------------------------


def evaluate(store, config: dict[str, Any] | None = None):
    """Leave-one-meeting-out on Part A I–VI; returns the pooled `evaluate.Result`."""
    from recueil.index import evaluate as ev

    config = config or default_config()
    ts = store.run(load_training_set)
    use_cache_file(model_dir(store) / "embeddings.npz")
    result = ev.run(ts, lambda v: make_suggester(v, config), config["backend"])
    shared_embedder().save()
    return ts, result
