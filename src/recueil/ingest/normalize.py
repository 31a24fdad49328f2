"""The documented, reversible normalisation from a source slice to an item's clean text.

The raw slice is always stored beside the clean text, so every step here can be undone by
showing the raw text. Steps (in order): markup removal (Markdown emphasis, links, HTML
tags, `^{er}` superscripts), footnote-marker removal, whitespace folding. French
typography (« », non-breaking spaces before ; : ! ?) is kept as printed.
"""

from __future__ import annotations

import re
import unicodedata

from recueil.model import text_key

# Superscript digits used as footnote calls in the converted PDFs ("organisée¹ au titre").
FOOTNOTE_MARKS = "¹²³⁴⁵⁶⁷⁸⁹⁰"
_FOOTNOTE_RE = re.compile(f"(?<=[^\\s{FOOTNOTE_MARKS}])[{FOOTNOTE_MARKS}]+")
_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_EMPHASIS_RE = re.compile(r"(\*\*|\*|__)(?=\S)(.+?)(?<=\S)\1")
_LONE_STARS_RE = re.compile(r"(?<=\))\*|(?<=\s)\*(?=\s)")  # "- e)*" leftovers
_HTML_TAG_RE = re.compile(r"</?(?:i|b|em|strong|sup|sub|span|u)\b[^>]*>", re.IGNORECASE)
_SUPERSCRIPT_RE = re.compile(r"\^\{([^}]*)\}")
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!])")
_SPACES_RE = re.compile(r"[ \t\r\n\f\v]+")


def strip_markup(text: str) -> str:
    """Remove Markdown/HTML presentation marks, keeping every word."""
    text = _LINK_RE.sub(r"\1", text)
    text = _HTML_TAG_RE.sub("", text)
    text = _SUPERSCRIPT_RE.sub(r"\1", text)
    for _ in range(2):  # nested **_x_**
        text = _EMPHASIS_RE.sub(r"\2", text)
    text = _LONE_STARS_RE.sub("", text)
    return _ESCAPE_RE.sub(r"\1", text)


def strip_footnote_marks(text: str) -> str:
    return _FOOTNOTE_RE.sub("", text)


def fold_whitespace(text: str) -> str:
    """Collapse runs of ordinary whitespace to one space; keep non-breaking spaces."""
    return _SPACES_RE.sub(" ", text).strip()


def clean_text(raw: str) -> str:
    """The clean text of an item from its raw source slice (NFC, no markup, folded)."""
    text = unicodedata.normalize("NFC", raw)
    text = strip_markup(text)
    text = strip_footnote_marks(text)
    return fold_whitespace(text)


def comparable(text: str) -> str:
    """A key for 'same text?' checks on raw or clean text (see model.text_key)."""
    return text_key(clean_text(text))
