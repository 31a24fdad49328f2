"""French text analysis for the SQLite full-text index: one function for texts and queries.

FTS5 has no French stemmer, so recueil indexes pre-analysed text: Snowball French stems
(taken *before* accents are stripped, since the stemmer relies on them), then lowercase,
accents, ligatures and apostrophes folded, so enfants ≈ enfant, surveillées ≈ surveillée,
Etats ≈ États and OCR's enquétes ≈ enquêtes. Queries go through the very same function.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

_stemmer = Stemmer.Stemmer("french")

# Letters, digits and in-word hyphens; apostrophes of every kind split an elision (l'enfant).
_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "′": "'"})
_LIGATURES = {"œ": "oe", "Œ": "Oe", "æ": "ae", "Æ": "Ae", "ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff",
              "ﬃ": "ffi", "ﬄ": "ffl", "ß": "ss"}  # fmt: skip
_LIGATURE_RE = re.compile("|".join(map(re.escape, _LIGATURES)))

# Elided articles and pronouns (l', d', qu'…) and the most frequent function words: not
# worth a query term on their own. They stay in the index so phrase positions stay true.
_STOPWORDS_TEXT = """a au aux avec ce ces d dans de des du elle en et il ils j l la le les leur
    leurs lui
    m ma mais me meme mes n ne nos notre nous on ou par pas pour qu que qui s sa se ses son
    sur t ta te tes toi ton tu un une vos votre vous y c est sont été être cet cette"""


def typography(text: str) -> str:
    """Apostrophes of every kind made straight, ligatures spelt out (case and accents kept)."""
    return _LIGATURE_RE.sub(lambda m: _LIGATURES[m.group()], text.translate(_APOSTROPHES))


def fold(text: str) -> str:
    """Lowercase, ligatures spelt out, accents stripped: what every index term looks like."""
    text = _LIGATURE_RE.sub(lambda m: _LIGATURES[m.group()], text.lower())
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=200_000)
def analyse_word(word: str) -> str:
    """One word → its index term: stem of the accented lowercase word, then folded.

    A stem ending in "qu" is spelt "c" so that verbs and their nouns meet: confisquer →
    confisqu → confisc = confiscation → confisc (likewise appliquer/application,
    pratiquer/pratic…). Snowball alone gives them different stems.
    """
    lower = _LIGATURE_RE.sub(lambda m: _LIGATURES[m.group()], word.lower())
    term = fold(_stemmer.stemWord(lower))
    if term.endswith("qu") and len(term) > 4:
        term = term[:-2] + "c"
    return term


@dataclass(frozen=True)
class Token:
    """A word of the original text with its offsets and its index term."""

    start: int
    end: int
    word: str
    term: str


def tokens(text: str) -> Iterator[Token]:
    """Every word of `text` with offsets into `text` (apostrophe variants all split)."""
    for m in _WORD_RE.finditer(text):
        yield Token(m.start(), m.end(), m.group(), analyse_word(m.group()))


def analyse(text: str) -> str:
    """The text as the index stores it: space-separated terms, in order.

    Apostrophes of every kind are not word characters, so l’enfant and l'enfant both
    split into l + enfant without any translation first.
    """
    return " ".join(map(analyse_word, _WORD_RE.findall(text)))


def terms(text: str) -> list[str]:
    """The terms of a query word or phrase (in order; stop words kept)."""
    return list(map(analyse_word, _WORD_RE.findall(text)))


STOPWORDS = frozenset(analyse_word(w) for w in _STOPWORDS_TEXT.split())


def is_stopword(term: str) -> bool:
    return term in STOPWORDS
