"""Suggesters over words: a linear classifier, theme-label matching, centroids, neighbours.

All read text through an analyser (stems, accents folded) and TF-IDF weights learned from
the training documents only, so nothing of a held-out meeting leaks into them.
"""

from __future__ import annotations

import functools
import itertools
from typing import Any

import numpy as np
from scipy import sparse

from recueil.index.analyzer import get_analyzer
from recueil.index.backends.base import Suggester
from recueil.index.corpus import Doc


def doc_tokens(analyzer, text: str) -> list[str]:
    """Unigram stems plus adjacent-stem bigrams ("entraid judiciair")."""
    return list(_doc_tokens(analyzer.name, text))


@functools.lru_cache(maxsize=20_000)
def _doc_tokens(analyzer_name: str, text: str) -> tuple[str, ...]:
    toks = get_analyzer(analyzer_name).tokens(text)
    return (*toks, *(f"{a} {b}" for a, b in itertools.pairwise(toks)))


class TfidfFeatures:
    """A TF-IDF space fitted on training texts (sublinear tf, L2-normalised rows)."""

    def __init__(self, analyzer, min_df: int = 1) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.analyzer = analyzer
        self.vectorizer = TfidfVectorizer(
            analyzer=lambda text: doc_tokens(self.analyzer, text),
            sublinear_tf=True,
            min_df=min_df,
            dtype=np.float32,
        )

    def fit_transform(self, texts: list[str]) -> sparse.csr_matrix:
        return self.vectorizer.fit_transform(texts).tocsr()

    def transform(self, texts: list[str]) -> sparse.csr_matrix:
        return self.vectorizer.transform(texts).tocsr()

    @property
    def terms(self) -> np.ndarray:
        return self.vectorizer.get_feature_names_out()

    def idf(self, term: str, default: float | None = None) -> float:
        vocab = self.vectorizer.vocabulary_
        if term in vocab:
            return float(self.vectorizer.idf_[vocab[term]])
        return default if default is not None else float(self.vectorizer.idf_.max())

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        vec = state["vectorizer"]
        state["vectorizer"] = None
        state["_fitted"] = (vec.vocabulary_, vec.idf_) if hasattr(vec, "vocabulary_") else None
        return state

    def __setstate__(self, state: dict) -> None:
        fitted = state.pop("_fitted")
        self.__dict__.update(state)
        self.__init__(state["analyzer"])
        if fitted is not None:
            vocab, idf = fitted
            self.vectorizer.vocabulary_ = vocab
            self.vectorizer.idf_ = idf


class _TfidfSuggester(Suggester):
    def _fit_space(self, docs: list[Doc]) -> sparse.csr_matrix:
        self.features = TfidfFeatures(self.analyzer)
        return self.features.fit_transform([d.full_text for d in docs])


def label_documents(vocabulary) -> list[Doc]:
    """One pseudo-document per theme: its label (and parent label), indexed with the theme
    (and its parent). Every theme, even one no item carries yet, then has training text
    that names it; the classifiers learn the vocabulary's own words, not only the items'."""
    out = []
    for t in vocabulary.themes:
        themes = {t.label} | ({t.parent} if t.parent in vocabulary else set())
        text = f"{t.label} {t.parent}" if t.parent else t.label
        out.append(Doc(ref=f"theme:{t.label}", text=text, themes=frozenset(themes)))
    return out


class LinearSuggester(_TfidfSuggester):
    """TF-IDF + one-vs-rest logistic regression (or linear SVM), one model per theme,
    trained on the items plus the themes' label documents (`label_docs`)."""

    name = "tfidf-lr"
    default_params = {"analyzer": "snowball", "C": 10.0, "model": "lr", "label_docs": True}

    def _train(self, docs: list[Doc], params: dict[str, Any]) -> None:
        from sklearn.linear_model import LogisticRegression
        from sklearn.svm import LinearSVC

        if params["label_docs"]:
            docs = [*docs, *label_documents(self.vocabulary)]
        x = self._fit_space(docs)
        y = self.label_matrix(docs)
        n_themes = y.shape[1]
        self.coef = np.zeros((n_themes, x.shape[1]), dtype=np.float32)
        self.intercept = np.full(n_themes, -10.0, dtype=np.float32)
        for j in range(n_themes):
            if y[:, j].sum() == 0 or y[:, j].sum() == len(docs):
                continue
            if params["model"] == "svm":
                clf = LinearSVC(C=params["C"] / 10, class_weight="balanced")
            else:
                clf = LogisticRegression(C=params["C"], solver="liblinear", class_weight="balanced")
            clf.fit(x, y[:, j])
            self.coef[j] = clf.coef_[0]
            self.intercept[j] = clf.intercept_[0]

    def decision(self, docs: list[Doc]) -> np.ndarray:
        x = self.features.transform([d.full_text for d in docs])
        return np.asarray(x @ self.coef.T) + self.intercept

    def _suggest(self, docs: list[Doc], params: dict[str, Any]) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.decision(docs)))


class LabelSuggester(_TfidfSuggester):
    """Zero-shot: how much of a theme's label (and its parent's) the text says.

    Score = idf-weighted share of the label's stems found in the text; the parent label
    counts half. Works for a theme no item carries yet."""

    name = "label"
    default_params = {"analyzer": "snowball", "parent_weight": 0.5}

    def _train(self, docs: list[Doc], params: dict[str, Any]) -> None:
        self._fit_space(docs)  # idf from the training texts only
        self.label_terms: list[dict[str, float]] = []
        for theme in self.vocabulary.themes:
            weights: dict[str, float] = {}
            sources = [(theme.label, 1.0)]
            if theme.parent:
                sources.append((theme.parent, params["parent_weight"]))
            for text, w in sources:
                for tok in set(self.analyzer.tokens(text)):
                    weights[tok] = max(weights.get(tok, 0.0), w * self.features.idf(tok))
            self.label_terms.append(weights)

    def _suggest(self, docs: list[Doc], params: dict[str, Any]) -> np.ndarray:
        out = np.zeros((len(docs), len(self.vocabulary)), dtype=np.float32)
        for i, d in enumerate(docs):
            toks = set(self.analyzer.tokens(d.full_text))
            for j, weights in enumerate(self.label_terms):
                total = sum(weights.values())
                if total:
                    out[i, j] = sum(w for t, w in weights.items() if t in toks) / total
        return out


class CentroidSuggester(_TfidfSuggester):
    """Cosine to each theme's profile: the mean TF-IDF vector of its training items plus
    its label and parent label (so a theme without items still has a profile)."""

    name = "centroid"
    default_params = {"analyzer": "snowball", "label_weight": 0.5}

    def _train(self, docs: list[Doc], params: dict[str, Any]) -> None:
        from sklearn.preprocessing import normalize

        x = self._fit_space(docs)
        y = self.label_matrix(docs)
        label_texts = [
            t.label + (" " + t.parent if t.parent else "") for t in self.vocabulary.themes
        ]
        lx = self.features.transform(label_texts).toarray()
        counts = np.maximum(y.sum(axis=0), 1.0)[:, None]
        cent = np.asarray((sparse.csr_matrix(y.T) @ x).toarray()) / counts
        self.profiles = normalize(cent + params["label_weight"] * lx).astype(np.float32)

    def _suggest(self, docs: list[Doc], params: dict[str, Any]) -> np.ndarray:
        x = self.features.transform([d.full_text for d in docs])
        return np.clip(np.asarray(x @ self.profiles.T), 0.0, 1.0)


class KnnSuggester(_TfidfSuggester):
    """The themes of the most similar indexed items, weighted by similarity."""

    name = "knn"
    default_params = {"analyzer": "snowball", "k": 10}

    def _train(self, docs: list[Doc], params: dict[str, Any]) -> None:
        self.matrix = self._fit_space(docs)
        self.labels = self.label_matrix(docs)
        self.refs = [d.ref for d in docs]

    def similarities(self, docs: list[Doc]) -> np.ndarray:
        x = self.features.transform([d.full_text for d in docs])
        return np.asarray((x @ self.matrix.T).toarray())

    def _suggest(self, docs: list[Doc], params: dict[str, Any]) -> np.ndarray:
        return knn_scores(self.similarities(docs), self.labels, params["k"])


class LabelledKnnSuggester(KnnSuggester):
    """`knn` over the indexed items plus the themes' label documents: a label close to
    the text votes like an item of that theme."""

    name = "knn-labels"

    def _train(self, docs: list[Doc], params: dict[str, Any]) -> None:
        super()._train([*docs, *label_documents(self.vocabulary)], params)


class MaxSimSuggester(KnnSuggester):
    """Per theme, the mean of the `top` highest similarities between the text and the
    theme's items or label document (a theme is as close as its closest examples)."""

    name = "maxsim"
    default_params = {"analyzer": "snowball", "k": 10, "top": 2}

    def _train(self, docs: list[Doc], params: dict[str, Any]) -> None:
        super()._train([*docs, *label_documents(self.vocabulary)], params)
        self.members_of = [np.flatnonzero(self.labels[:, j]) for j in range(self.labels.shape[1])]

    def _suggest(self, docs: list[Doc], params: dict[str, Any]) -> np.ndarray:
        sims = self.similarities(docs)
        out = np.zeros((len(docs), len(self.members_of)), dtype=np.float32)
        for j, rows in enumerate(self.members_of):
            if len(rows):
                best = -np.sort(-sims[:, rows], axis=1)[:, : params["top"]]
                out[:, j] = best.mean(axis=1)
        return np.clip(out, 0.0, 1.0)


def knn_scores(sims: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Similarity-weighted vote of the k nearest training documents."""
    out = np.zeros((sims.shape[0], labels.shape[1]), dtype=np.float32)
    k = min(k, sims.shape[1])
    for i, row in enumerate(sims):
        top = np.argpartition(-row, k - 1)[:k]
        w = np.clip(row[top], 0.0, None)
        if w.sum() > 0:
            out[i] = (w @ labels[top]) / w.sum()
    return out
