"""Hand-typed drafts made comparable: the apostrophes of French elisions put back.

A delegate typing a paragraph quickly writes "lEtat", "l Etat", "dinformations": the
comparison (recueil.link) splits elisions on the apostrophe, so without it those words
match nothing. `restore_elisions` restores them when the word as typed is unknown to the
collection and the elided word is one of its words. Used by the precedent finder of the
web app, the API and `recueil precedent`.
"""

from __future__ import annotations

import re

_ELIDED = re.compile(
    r"\b(jusqu|lorsqu|puisqu|qu|[cdjlmnst])(?:\s+)?([aeiouyhâàäéèêëîïôöûüœ][\w-]*)",
    re.IGNORECASE,
)
_vocabulary_cache: dict[str, frozenset[str]] = {}


def _vocabulary() -> frozenset[str]:
    """Folded words of the adopted texts (cached per data version)."""
    from recueil.link.text import keys
    from recueil.store import queries
    from recueil.store.db import current_alias
    from recueil.store.models import Item

    version = f"{current_alias()}:{queries.data_version()}"
    words = _vocabulary_cache.get(version)
    if words is None:
        texts = Item.objects.filter(status="adopted").values_list("text", flat=True)
        words = frozenset(k for t in texts.iterator() for k in keys(t) if k[:1].isalnum())
        _vocabulary_cache.clear()
        _vocabulary_cache[version] = words
    return words


def restore_elisions(text: str) -> str:
    """Put back the apostrophes of French elisions a hand-typed draft left out ("lEtat",
    "l Etat", "dinformations", "quen") when the word without them is unknown and the
    elided word is a word of the collection: "l'Etat", "d'informations", "qu'en".
    Typographic variants (’ or ', accents, case) are already folded by the comparison."""
    from recueil.link.text import fold

    vocabulary = _vocabulary()

    def repair(m: re.Match) -> str:
        whole, prefix, rest = m.group(0), m.group(1), m.group(2)
        spaced = " " in whole
        if not spaced and fold(whole) in vocabulary:
            return whole  # a word of its own ("leur", "simple", "donc")
        if len(rest) < 2 or fold(rest) not in vocabulary:
            return whole
        if spaced and len(prefix) > 2:
            return whole  # "lorsqu" etc. never stand alone anyway
        return f"{prefix}'{rest}"

    return _ELIDED.sub(repair, text)
