"""French analysers: text → normalised tokens, the second small plug-point of indexing.

Every suggester turns text into features through one of these (as Annif's analyzers do):
lower-case, split into words, stem or lemmatise *before* folding accents (the Snowball
stemmer uses them), drop stop words; `surface_tokens` keeps the words as written for evidence.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from recueil.text.analysis import (
    BOILERPLATE_WORDS,
    FUNCTION_WORDS,
    content_words,
    stem,
    strip_accents,
    words,
)

# Function words and the boilerplate of UN recommendations ("les États parties devraient"):
# both lists live in the one analyser (recueil.text.analysis).
STOP_WORDS = FUNCTION_WORDS | BOILERPLATE_WORDS
fold_accents = strip_accents
__all__ = ["STOP_WORDS", "Analyzer", "fold_accents", "get_analyzer", "words"]


class Analyzer:
    """Base class: `tokens(text)` gives the normalised tokens a suggester counts."""

    name = "base"

    def normalize_word(self, word: str) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def tokens(self, text: str) -> list[str]:
        return [t for _w, t in self.surface_tokens(text)]

    def surface_tokens(self, text: str) -> list[tuple[str, str]]:
        """(word as written, normalised token) pairs, stop words and 1-letter words dropped."""
        out = []
        for word in content_words(text, boilerplate=True):
            token = self.normalize_word(word.lower())
            if token:
                out.append((word, token))
        return out


class SnowballAnalyzer(Analyzer):
    """Snowball French stemmer (PyStemmer), stems then folds accents."""

    name = "snowball"

    def normalize_word(self, word: str) -> str:
        return stem(word)


class LemmaAnalyzer(Analyzer):
    """simplemma French lemmatiser, then accent folding."""

    name = "simplemma"

    def __init__(self) -> None:
        import simplemma

        self._lemma = functools.lru_cache(maxsize=200_000)(
            lambda w: simplemma.lemmatize(w, lang="fr")
        )

    def normalize_word(self, word: str) -> str:
        return strip_accents(self._lemma(word).lower())

    def __getstate__(self) -> dict:
        return {}

    def __setstate__(self, state: dict) -> None:
        self.__init__()


ANALYZERS: dict[str, Callable[[], Analyzer]] = {
    SnowballAnalyzer.name: SnowballAnalyzer,
    LemmaAnalyzer.name: LemmaAnalyzer,
}


@functools.cache
def get_analyzer(name: str = "snowball") -> Analyzer:
    try:
        return ANALYZERS[name]()
    except KeyError:
        raise ValueError(f"unknown analyzer {name!r} (known: {', '.join(ANALYZERS)})") from None
