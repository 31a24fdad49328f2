"""Suggesters over sentence embeddings: nearest indexed items and theme profiles.

They catch the same idea in other words ("passeurs" / "trafiquants"), which stems miss;
the embedding model is packaged (see recueil.index.embeddings), never downloaded.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from recueil.index.backends.base import Suggester
from recueil.index.backends.lexical import knn_scores
from recueil.index.corpus import Doc
from recueil.index.embeddings import shared_embedder


def embed_docs(docs: list[Doc]) -> np.ndarray:
    return shared_embedder().encode([d.full_text for d in docs], "passage")


class EmbeddingKnnSuggester(Suggester):
    """The themes of the nearest indexed items in embedding space."""

    name = "embed-knn"
    default_params = {"analyzer": "snowball", "k": 10}

    def _train(self, docs: list[Doc], params: dict[str, Any]) -> None:
        self.matrix = embed_docs(docs)
        self.labels = self.label_matrix(docs)
        self.refs = [d.ref for d in docs]

    def similarities(self, docs: list[Doc]) -> np.ndarray:
        return embed_docs(docs) @ self.matrix.T

    def _suggest(self, docs: list[Doc], params: dict[str, Any]) -> np.ndarray:
        return knn_scores(self.similarities(docs), self.labels, params["k"])


class EmbeddingLabelSuggester(Suggester):
    """Cosine to a theme profile: its label (with parent) embedded, plus the mean of its
    training items' embeddings."""

    name = "embed-label"
    default_params = {"analyzer": "snowball", "label_weight": 1.0}

    def _train(self, docs: list[Doc], params: dict[str, Any]) -> None:
        texts = [f"{t.parent} : {t.label}" if t.parent else t.label for t in self.vocabulary.themes]
        lab = shared_embedder().encode(texts, "query")
        y = self.label_matrix(docs)
        x = embed_docs(docs)
        cent = (y.T @ x) / np.maximum(y.sum(axis=0), 1.0)[:, None]
        prof = params["label_weight"] * lab + cent
        self.profiles = prof / np.maximum(np.linalg.norm(prof, axis=1, keepdims=True), 1e-9)

    def _suggest(self, docs: list[Doc], params: dict[str, Any]) -> np.ndarray:
        return embed_docs(docs) @ self.profiles.T
