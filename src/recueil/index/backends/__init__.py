"""The registry of theme suggesters: a backend name → its class (as in Annif).

`get_backend("tfidf-lr")` returns the class; the ensemble names its members by these names.
"""

from __future__ import annotations

from recueil.index.backends.base import NotTrained, Suggester


def _registry() -> dict[str, type[Suggester]]:
    from recueil.index.backends.embedding import EmbeddingKnnSuggester, EmbeddingLabelSuggester
    from recueil.index.backends.ensemble import CalibratedEnsemble
    from recueil.index.backends.lexical import (
        CentroidSuggester,
        KnnSuggester,
        LabelledKnnSuggester,
        LabelSuggester,
        LinearSuggester,
        MaxSimSuggester,
    )

    classes = [
        LinearSuggester,
        LabelSuggester,
        CentroidSuggester,
        KnnSuggester,
        LabelledKnnSuggester,
        MaxSimSuggester,
        EmbeddingKnnSuggester,
        EmbeddingLabelSuggester,
        CalibratedEnsemble,
    ]
    return {c.name: c for c in classes}


def backend_names() -> list[str]:
    return list(_registry())


def get_backend(name: str) -> type[Suggester]:
    try:
        return _registry()[name]
    except KeyError:
        known = ", ".join(_registry())
        raise ValueError(f"unknown suggester backend {name!r} (known: {known})") from None


__all__ = ["NotTrained", "Suggester", "backend_names", "get_backend"]
