"""French-aware tokens for comparing texts: one tokeniser shared by similarity and diff.

Two paragraphs that differ only by typography (curly or straight apostrophes, « » or
quotes, non-breaking spaces, dashes), by case or by accents (OCR and hand-typed drafts
often drop them) must compare as equal; every other difference is a real edit. Each token
keeps its offsets, so a diff can be shown again in each side's own spelling.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# A word: letters/digits, with a French elision apostrophe kept on the elided part
# ("l'", "d'", "qu'"), so "l'Office" is two tokens; anything else non-space is one token.
_TOKEN_RE = re.compile(r"[^\W_]+(?:['’ʼ`´](?=[^\W_]))?|[^\w\s]|_", re.UNICODE)
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "´": "'", "‘": "'"})
_PUNCT_KEYS = {
    "«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "‹": '"', "›": '"',
    "–": "-", "—": "-", "‑": "-", "‐": "-", "−": "-", "…": "...",
}  # fmt: skip

# French function words: kept in the diff, left out of the similarity index (they carry
# no subject and would make every posting list as long as the collection).
STOPWORDS = frozenset(
    """
    a à au aux avec ce ces cet cette d' de des du elle elles en et eux il ils je l' la le
    les leur leurs lui m' ma mais me même mes moi mon n' ne ni nos notre nous on ou où par
    pas pour qu' que qui s' sa se ses si son sont sur ta te tes toi ton tu un une vos votre
    vous y ont été être est sera ainsi afin dont lors cas
    """.split()
)


@lru_cache(maxsize=500_000)
def fold(text: str) -> str:
    """Case, accents and typography folded: the key two spellings share when 'the same'."""
    text = text.translate(_APOSTROPHES)
    text = _PUNCT_KEYS.get(text, text)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("œ", "oe")


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # as printed
    key: str  # folded (see `fold`)
    start: int  # offsets in the source string
    end: int

    @property
    def is_word(self) -> bool:
        return self.key[:1].isalnum()


def tokenize(text: str) -> list[Token]:
    """Words and punctuation marks of `text` with their folded keys and offsets."""
    text = unicodedata.normalize("NFC", text)
    return [Token(m.group(), fold(m.group()), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


def keys(text: str) -> list[str]:
    return [t.key for t in tokenize(text)]


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer  # PyStemmer: Snowball French

    return Stemmer.Stemmer("french")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball French stem of a printed word, then folded (the stemmer needs accents)."""
    return fold(_stemmer().stemWord(word.casefold().translate(_APOSTROPHES)))


def term_of(token: Token) -> str | None:
    """The index term of one token: its stem, or None for punctuation, numbers, elided
    articles, one-letter words and French function words."""
    key = token.key
    if (
        not token.is_word
        or len(key) < 2
        or key.endswith("'")  # elided articles and pronouns
        or key in STOPWORDS
        or key.isdigit()
    ):
        return None
    return stem(token.text)


def terms(text: str | list[Token]) -> list[str]:
    """The content-word stems of a text (or its tokens), in order: what the index counts."""
    tokens = tokenize(text) if isinstance(text, str) else text
    return [t for t in map(term_of, tokens) if t is not None]
