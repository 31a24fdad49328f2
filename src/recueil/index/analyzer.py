"""French analysers: text → normalised tokens, the second small plug-point of indexing.

Every suggester turns text into features through one of these (as Annif's analyzers do):
lower-case, split into words, stem or lemmatise *before* folding accents (the Snowball
stemmer uses them), drop stop words; `surface_tokens` keeps the words as written for evidence.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

_WORD_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
_ELISION_RE = re.compile(r"^(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu|quoiqu)['’]", re.IGNORECASE)

# Function words and the boilerplate of UN recommendations ("les États parties devraient").
STOP_WORDS = frozenset(
    """
    a au aux avec ce ces cet cette comme dans de des du elle elles en entre et être eux il
    ils je la le les leur leurs lui ma mais me même mes moi mon ne nos notre nous on ou où
    par pas pour qu que qui sa se ses si son sont sur ta te tes toi ton tu un une vos votre
    vous y été étant ont avoir fait faire afin ainsi autres autre aussi cas celle celles
    celui ceux cela dont doit doivent lors leur plus selon sous tant tous tout toute toutes
    très peut peuvent pourraient devraient devrait convient conviendra il y lieu notamment
    ceci lequel laquelle lesquels lesquelles auxquels auxquelles desquels duquel
    """.split()
)


def fold_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Words as written (elided articles cut: "l'entraide" → "entraide")."""
    out = []
    for m in _WORD_RE.finditer(text):
        word = _ELISION_RE.sub("", m.group(0))
        out.extend(w for w in re.split(r"['’]", word) if w)
    return out


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
        for word in words(text):
            low = word.lower()
            if len(low) < 2 or low in STOP_WORDS:
                continue
            token = self.normalize_word(low)
            if token:
                out.append((word, token))
        return out


class SnowballAnalyzer(Analyzer):
    """Snowball French stemmer (PyStemmer), stems then folds accents."""

    name = "snowball"

    def __init__(self) -> None:
        import Stemmer

        self._stem = functools.lru_cache(maxsize=200_000)(Stemmer.Stemmer("french").stemWord)

    def normalize_word(self, word: str) -> str:
        return fold_accents(self._stem(word))

    def __getstate__(self) -> dict:
        return {}

    def __setstate__(self, state: dict) -> None:
        self.__init__()


class LemmaAnalyzer(Analyzer):
    """simplemma French lemmatiser, then accent folding."""

    name = "simplemma"

    def __init__(self) -> None:
        import simplemma

        self._lemma = functools.lru_cache(maxsize=200_000)(
            lambda w: simplemma.lemmatize(w, lang="fr")
        )

    def normalize_word(self, word: str) -> str:
        return fold_accents(self._lemma(word).lower())

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
