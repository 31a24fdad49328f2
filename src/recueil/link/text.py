"""French-aware tokens for comparing texts: one tokeniser shared by similarity and diff.

Folding, stemming and function words come from the one analyser (`recueil.text.analysis`).

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

from recueil.text import analysis

# A word: letters/digits, with a French elision apostrophe kept on the elided part
# ("l'", "d'", "qu'"), so "l'Office" is two tokens; anything else non-space is one token.
_TOKEN_RE = re.compile(r"[^\W_]+(?:['’ʼ`´](?=[^\W_]))?|[^\w\s]|_", re.UNICODE)
_PUNCT_KEYS = {
    "«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "‹": '"', "›": '"',
    "–": "-", "—": "-", "‑": "-", "‐": "-", "−": "-", "…": "...",
}  # fmt: skip


@lru_cache(maxsize=500_000)
def fold(text: str) -> str:
    """Case, accents and typography folded: the key two spellings share when 'the same'."""
    text = _PUNCT_KEYS.get(text, text)
    return analysis.fold(analysis.typography(text))


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


def stem(word: str) -> str:
    """Snowball French stem of a printed word, then folded (the one analyser's `stem`)."""
    return analysis.stem(word)


def term_of(token: Token) -> str | None:
    """The index term of one token: its stem, or None for punctuation, numbers, elided
    articles, one-letter words and French function words."""
    key = token.key
    if (
        not token.is_word
        or len(key) < 2
        or key.endswith("'")  # elided articles and pronouns
        or analysis.is_function_word(key)  # kept in the diff, not in the index
        or key.isdigit()
    ):
        return None
    return stem(token.text)


def terms(text: str | list[Token]) -> list[str]:
    """The content-word stems of a text (or its tokens), in order: what the index counts."""
    tokens = tokenize(text) if isinstance(text, str) else text
    return [t for t in map(term_of, tokens) if t is not None]
