"""Highlighted, HTML-safe snippets of an item's clean text for a search hit.

The index holds analysed terms, not the text, so highlighting is done here on the
original words with the same analyser: every word whose term the query looked for is
wrapped in <mark>; everything else is escaped, so the snippet can be inserted as HTML.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape as _html_escape

from recueil.search.analyze import is_stopword, tokens


def escape(text: str) -> str:
    """&, <, > and " escaped (safe in element content and double-quoted attributes)."""
    return _html_escape(text, quote=False).replace('"', "&quot;")


WINDOW = 36  # words shown around the best passage of a long text


def _matches(term: str, wanted: set[str], prefixes: tuple[str, ...]) -> bool:
    if term in wanted:
        return not is_stopword(term)
    return bool(prefixes) and term.startswith(prefixes)


@lru_cache(maxsize=8192)
def _tokens(text: str) -> tuple:
    """The analysed words of an item's text, once per process (a hit's text is shown again
    and again)."""
    return tuple(tokens(text))


def highlight(text: str, wanted: set[str], prefixes: tuple[str, ...] = ()) -> str:
    """The text (or its best window of WINDOW words) with query words in <mark>."""
    words = _tokens(text)
    hits = [i for i, t in enumerate(words) if _matches(t.term, wanted, prefixes)]
    if len(words) <= WINDOW + 8:
        first, last = 0, len(words)
    else:
        # The window holding the most matched words (the earliest on a tie).
        best, first = -1, 0
        flags = [0] * len(words)
        for i in hits:
            flags[i] = 1
        n = sum(flags[:WINDOW])
        for start in range(0, len(words) - WINDOW + 1):
            if start:
                n += flags[start + WINDOW - 1] - flags[start - 1]
            if n > best:
                best, first = n, start
            if not hits:
                break
        first = max(0, first - 4) if hits else 0
        last = min(len(words), first + WINDOW)
    hit_set = set(hits)
    out: list[str] = []
    start_char = words[first].start if first > 0 and words else 0
    end_char = words[last - 1].end if last < len(words) and words else len(text)
    pos = start_char
    for i in range(first, last):
        tok = words[i]
        if i in hit_set:
            out.append(escape(text[pos : tok.start]))
            out.append(f"<mark>{escape(tok.word)}</mark>")
            pos = tok.end
    out.append(escape(text[pos:end_char]))
    snippet = "".join(out).strip()
    if first > 0:
        snippet = "… " + snippet
    if last < len(words):
        snippet = snippet + " …"
    return snippet
