"""Alphabetical order as readers expect it in French and English: accents and case are
secondary differences, so "Échange d'informations" sorts with E, before "Victimes".

The Unicode Collation Algorithm with its default table (pyuca, pure Python): the same
order as ICU's root collation, which French (France) and English use unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TypeVar

T = TypeVar("T")


@lru_cache(maxsize=1)
def _collator():
    from pyuca import Collator

    return Collator()


@lru_cache(maxsize=65536)
def collation_key(text: str) -> tuple:
    """The sort key of `text` (case and accents second, then the text itself as tie-break)."""
    return (_collator().sort_key(text or ""), text or "")


def sorted_by(rows: Iterable[T], key: Callable[[T], str]) -> list[T]:
    """`rows` in alphabetical order of `key(row)`."""
    return sorted(rows, key=lambda row: collation_key(key(row)))
