"""French typography for the publication: non-breaking spaces, ordinals, collation order.

Stored texts keep their own spacing; publishing only swaps the space before « ; : ! ? » and
inside « » for a non-breaking one (adding it where missing), so lines never start with
punctuation, and marks ordinals (1er, 2e) so renderers can set them in superscript.
"""

from __future__ import annotations

import re
import unicodedata

NBSP = "\u00a0"  # the fonts we embed lack U+202F; UN French documents use U+00A0 too

_BEFORE_PUNCT_RE = re.compile(r"(?<=[\w)\]»%°*])[ \u00a0\u202f]?(?=[;:!?](?:\s|$|[»)]))")
_AFTER_OPEN_QUOTE_RE = re.compile(r"«[ \u00a0\u202f]?(?=\S)")
_BEFORE_CLOSE_QUOTE_RE = re.compile(r"(?<=\S)[ \u00a0\u202f]?»")
_ORDINAL_RE = re.compile(r"\b(\d{1,4})(er|re|ère|e|ème|es|ers|res)\b")


def nbsp(text: str) -> str:
    """Non-breaking spaces before ; : ! ? and » and after « (inserted when missing)."""
    text = _BEFORE_PUNCT_RE.sub(NBSP, text)
    text = _AFTER_OPEN_QUOTE_RE.sub("«" + NBSP, text)
    return _BEFORE_CLOSE_QUOTE_RE.sub(NBSP + "»", text)


def segments(text: str) -> list[tuple[str, bool]]:
    """`text` with French spacing, cut into (chunk, is_superscript): "1er juin" →
    [("1", False), ("er", True), (" juin", False)]."""
    text = nbsp(text)
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in _ORDINAL_RE.finditer(text):
        out.append((text[pos : m.start(2)], False))
        out.append((m.group(2), True))
        pos = m.end()
    out.append((text[pos:], False))
    return [(chunk, sup) for chunk, sup in out if chunk]


def plain(text: str) -> str:
    """`text` with French spacing and no markup (Markdown, plain text)."""
    return nbsp(text)


_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "’": "'", "ß": "ss"})


_WORD_RE = re.compile(r"[^\W_]+")


def collation_key(label: str) -> tuple:
    """French index order, word by word ("ordre mot à mot"): accents and case ignored first
    (É sorts with E, œ as oe), a shorter word before a longer one ("de Vienne" before "des
    Nations", "d'informations" before "de renseignements", "enquêtes" before "enquêtes
    financières"); then accents, then case, so the order is total and stable."""
    folded = unicodedata.normalize("NFD", label.translate(_LIGATURES))
    bare = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    return tuple(_WORD_RE.findall(bare)), bare, unicodedata.normalize("NFD", label), label


__all__ = ["NBSP", "collation_key", "nbsp", "plain", "segments"]
