"""The one interface every theme suggester implements (Annif's backend design).

Public `train()` / `suggest()` merge default, configured and per-call parameters and then
call the protected `_train()` / `_suggest()` a backend overrides; scores are a
documents × themes matrix in [0, 1], columns in the vocabulary's order.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from recueil.index.analyzer import Analyzer, get_analyzer
from recueil.index.corpus import Doc, Vocabulary


class NotTrained(RuntimeError):
    """`suggest` was called before `train`."""


class Suggester:
    name: ClassVar[str] = "base"
    default_params: ClassVar[dict[str, Any]] = {"analyzer": "snowball"}

    def __init__(self, vocabulary: Vocabulary, **params: Any) -> None:
        self.vocabulary = vocabulary
        self.params = {**self.default_params, **params}
        self.trained = False

    @property
    def analyzer(self) -> Analyzer:
        return get_analyzer(self.params["analyzer"])

    def _merged(self, params: dict[str, Any]) -> dict[str, Any]:
        unknown = set(params) - set(self.default_params)
        if unknown:
            raise TypeError(f"{self.name}: unknown parameter(s) {', '.join(sorted(unknown))}")
        return {**self.params, **params}

    def train(self, docs: list[Doc], **params: Any) -> Suggester:
        """Learn from indexed documents (those without themes are ignored)."""
        indexed = [d for d in docs if d.themes]
        self._train(indexed, self._merged(params))
        self.trained = True
        return self

    def suggest(self, docs: list[Doc | str], **params: Any) -> np.ndarray:
        """Scores (len(docs) × len(vocabulary)) for documents or plain texts."""
        if not self.trained:
            raise NotTrained(f"backend {self.name!r} is not trained")
        as_docs = [d if isinstance(d, Doc) else Doc(ref="", text=d) for d in docs]
        if not as_docs:
            return np.zeros((0, len(self.vocabulary)))
        return self._suggest(as_docs, self._merged(params))

    # -- what a backend overrides ----------------------------------------------------------

    def _train(self, docs: list[Doc], params: dict[str, Any]) -> None:
        raise NotImplementedError

    def _suggest(self, docs: list[Doc], params: dict[str, Any]) -> np.ndarray:
        raise NotImplementedError

    # -- helpers shared by backends --------------------------------------------------------

    def label_matrix(self, docs: list[Doc]) -> np.ndarray:
        """Documents × themes 0/1 matrix of the documents' themes (unknown themes ignored)."""
        y = np.zeros((len(docs), len(self.vocabulary)), dtype=np.float32)
        for i, d in enumerate(docs):
            for label in d.themes:
                if label in self.vocabulary:
                    y[i, self.vocabulary.index(label)] = 1.0
        return y
