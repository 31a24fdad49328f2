"""Highlighted, HTML-safe snippets of an item's clean text for a search hit.

The index holds analysed terms, not the text, so highlighting is done here on the
original words with the same analyser: every word whose term the query looked for is
wrapped in <mark>; everything else is escaped, so the snippet can be inserted as HTML.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape as _html_escape

from recueil.search.analyze import is_stopword
from recueil.text.analysis import spans_and_terms


def escape(text: str) -> str:
    """&, <, > and " escaped (safe in element content and double-quoted attributes)."""
    return _html_escape(text, quote=False).replace('"', "&quot;")


WINDOW = 36  # words shown around the best passage of a long text


@lru_cache(maxsize=8192)
def _words(text: str) -> tuple[list[tuple[int, int]], list[str]]:
    """The word offsets and terms of an item's text, once per process (a hit's text is
    shown again and again)."""
    return spans_and_terms(text)


def highlight(text: str, wanted: set[str], prefixes: tuple[str, ...] = ()) -> str:
    """The text (or its best window of WINDOW words) with query words in <mark>."""
    spans, terms = _words(text)
    wanted = {w for w in wanted if not is_stopword(w)}
    if prefixes:
        hits = [i for i, t in enumerate(terms) if t in wanted or t.startswith(prefixes)]
    else:
        hits = [i for i, t in enumerate(terms) if t in wanted]
    n = len(spans)
    if n <= WINDOW + 8:
        first, last = 0, n
    else:
        # The window holding the most matched words (the earliest on a tie).
        best, first = -1, 0
        flags = [0] * n
        for i in hits:
            flags[i] = 1
        count = sum(flags[:WINDOW])
        for start in range(0, n - WINDOW + 1):
            if start:
                count += flags[start + WINDOW - 1] - flags[start - 1]
            if count > best:
                best, first = count, start
            if not hits:
                break
        first = max(0, first - 4) if hits else 0
        last = min(n, first + WINDOW)
    out: list[str] = []
    start_char = spans[first][0] if first > 0 and spans else 0
    end_char = spans[last - 1][1] if last < n and spans else len(text)
    pos = start_char
    for i in hits:
        if first <= i < last:
            a, b = spans[i]
            out.append(escape(text[pos:a]))
            out.append(f"<mark>{escape(text[a:b])}</mark>")
            pos = b
    out.append(escape(text[pos:end_char]))
    snippet = "".join(out).strip()
    if first > 0:
        snippet = "… " + snippet
    if last < n:
        snippet = snippet + " …"
    return snippet
