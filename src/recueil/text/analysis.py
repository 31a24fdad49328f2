"""The one French text analyser of recueil: folding, stemming and stop words, per-use options.

Every consumer reads the same French (often OCR'd) text, so each normalisation lives here
once: apostrophes, ligatures, case and accents folded (`fold`, `typography`), Snowball
French stems taken *before* accents are stripped, since the stemmer relies on them
(`stem`, `analyse_word`), and one list of function words (`FUNCTION_WORDS`) with the
boilerplate of UN recommendations as an option (`BOILERPLATE_WORDS`). The uses differ only
by options:

- search (`analyse`, `terms`, `tokens`): every word becomes an index term (stop words
  stay in the index, so phrase positions stay true; queries drop them), stems in -qu
  spelt -c so confisquer ≈ confiscation, OCR accent slips folded (enquétes ≈ enquêtes);
- thematic indexing (`recueil.index.analyzer`): `content_words(text, boilerplate=True)`,
  elisions cut, function words and the recommendations' boilerplate dropped;
- linking (`recueil.link.text`): the `fold` key (typography too) to compare spellings,
  stems of content words (`is_function_word`) for the similarity index.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

import Stemmer

_stemmer = Stemmer.Stemmer("french")

# Letters, digits and in-word hyphens; apostrophes of every kind split an elision (l'enfant).
_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "′": "'"})
_LIGATURES = {"œ": "oe", "Œ": "Oe", "æ": "ae", "Æ": "Ae", "ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff",
              "ﬃ": "ffi", "ﬄ": "ffl", "ß": "ss"}  # fmt: skip
_LIGATURE_RE = re.compile("|".join(map(re.escape, _LIGATURES)))
# Words written with an elided article or pronoun (l'enfant, qu'ils, jusqu'à).
ELISION_RE = re.compile(r"^(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu|quoiqu)['’]", re.IGNORECASE)

# French function words (articles, pronouns, prepositions, conjunctions, auxiliaries) and
# the elided forms (l', d', qu' … written without their apostrophe): they carry no subject.
FUNCTION_WORDS = frozenset(
    """
    a à au aux avec c ce ces cet cette d dans de des du elle elles en et eux il ils j je l
    la le les leur leurs lui m ma mais me même meme mes moi mon n ne ni nos notre nous on
    ou où par pas pour qu que qui s sa se ses si son sont sur t ta te tes toi ton tu un une
    vos votre vous y est été être ont sera ainsi afin dont lors cas
    """.split()
)
# The boilerplate of UN recommendations ("les États parties devraient …", "il y a lieu"):
# frequent in every item, so useless to tell subjects apart (thematic indexing drops them).
BOILERPLATE_WORDS = frozenset(
    """
    aussi autre autres auxquelles auxquels avoir ceci cela celle celles celui ceux comme
    conviendra convient desquels devraient devrait doit doivent duquel entre étant faire
    fait laquelle lequel lesquelles lesquels lieu notamment peut peuvent plus pourraient
    selon sous tant tous tout toute toutes très
    """.split()
)


def typography(text: str) -> str:
    """Apostrophes of every kind made straight, ligatures spelt out (case and accents kept)."""
    return _LIGATURE_RE.sub(lambda m: _LIGATURES[m.group()], text.translate(_APOSTROPHES))


def strip_accents(text: str) -> str:
    """Accents (combining marks) removed; case and everything else kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Lowercase, ligatures spelt out, accents stripped: what every index term looks like."""
    return strip_accents(_LIGATURE_RE.sub(lambda m: _LIGATURES[m.group()], text.casefold()))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball French stem of a word (lowercased first, accents kept for the stemmer), folded."""
    lower = _LIGATURE_RE.sub(lambda m: _LIGATURES[m.group()], word.casefold())
    return fold(_stemmer.stemWord(lower.translate(_APOSTROPHES)))


@lru_cache(maxsize=200_000)
def analyse_word(word: str) -> str:
    """One word → its search index term: its `stem`, with stems in -qu spelt -c.

    A stem ending in "qu" is spelt "c" so that verbs and their nouns meet: confisquer →
    confisqu → confisc = confiscation → confisc (likewise appliquer/application,
    pratiquer/pratic…). Snowball alone gives them different stems.
    """
    term = stem(word)
    if term.endswith("qu") and len(term) > 4:
        term = term[:-2] + "c"
    return term


class Token(NamedTuple):
    """A word of the original text with its offsets and its index term (a named tuple:
    a search highlights thousands of words per query, a frozen dataclass costs ×3)."""

    start: int
    end: int
    word: str
    term: str


def spans_and_terms(text: str) -> tuple[list[tuple[int, int]], list[str]]:
    """Offsets and index terms of every word of `text`, as two lists: what `tokens` gives,
    without one object per word (snippets of a page of hits read thousands of words)."""
    spans = [m.span() for m in _WORD_RE.finditer(text)]
    return spans, [analyse_word(text[a:b]) for a, b in spans]


def tokens(text: str) -> Iterator[Token]:
    """Every word of `text` with offsets into `text` (apostrophe variants all split)."""
    for m in _WORD_RE.finditer(text):
        yield Token(m.start(), m.end(), m.group(), analyse_word(m.group()))


def analyse(text: str) -> str:
    """The text as the search index stores it: space-separated terms, in order.

    Apostrophes of every kind are not word characters, so l’enfant and l'enfant both
    split into l + enfant without any translation first.
    """
    return " ".join(map(analyse_word, _WORD_RE.findall(text)))


def terms(text: str) -> list[str]:
    """The search terms of a query word or phrase (in order; stop words kept)."""
    return list(map(analyse_word, _WORD_RE.findall(text)))


def is_function_word(word: str, *, boilerplate: bool = False) -> bool:
    """A French function word (as written, any case/accents; elided forms with or without
    their apostrophe), or with `boilerplate` also a word of the recommendations' formulas."""
    low = word.casefold().translate(_APOSTROPHES).rstrip("'")
    return low in FUNCTION_WORDS or (boilerplate and low in BOILERPLATE_WORDS)


_WORDS_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)


def words(text: str) -> list[str]:
    """Words as written, digits left out, elided articles cut: "l'entraide" → "entraide"."""
    out = []
    for m in _WORDS_RE.finditer(text):
        word = ELISION_RE.sub("", m.group(0))
        out.extend(w for w in re.split(r"['’]", word) if w)
    return out


def content_words(text: str, *, boilerplate: bool = False, min_length: int = 2) -> list[str]:
    """The words of `text` (as written) that are not function words (nor, with
    `boilerplate`, formula words), at least `min_length` letters long: what indexers count."""
    return [
        w for w in words(text)
        if len(w) >= min_length and not is_function_word(w, boilerplate=boilerplate)
    ]  # fmt: skip


#: Search index terms of the function words: queries drop them (see `is_stopword`).
STOPWORDS = frozenset(analyse_word(w) for w in FUNCTION_WORDS)


def is_stopword(term: str) -> bool:
    """An analysed search term that is a function word's (le, de, l', qu' …)."""
    return term in STOPWORDS


#: A word this common (wordfreq Zipf) in one of these languages is a real word, not a slip.
DICTIONARY_ZIPF = 2.5
DICTIONARY_LANGUAGES = ("fr", "en", "es")


@lru_cache(maxsize=65536)
def in_dictionary(word: str) -> bool:
    """Is `word` in common use in French, English or Spanish (wordfreq, Zipf ≥ 2.5)?

    Spelling correction offers the nearest index term only for a word that is in no
    dictionary: «pourquoi» is not a slip for «poursuites», «marins» for «main» or «home»
    for «homme» — a real word absent from the collection is left to the semantic side.
    Slips such as «enfnats» or «cooperaton» are in no dictionary (Zipf 0)."""
    from wordfreq import zipf_frequency

    word = word.lower()
    return any(zipf_frequency(word, lang) >= DICTIONARY_ZIPF for lang in DICTIONARY_LANGUAGES)
