"""Numbers of any size: items of meetings and sessions past 999 (and paragraphs past 9999)
keep document order in the store's sort keys, and keys of small numbers are unchanged."""

from __future__ import annotations

from recueil.model import Part, Ref
from recueil.store.writer import sort_key


def test_sort_keys_follow_meeting_and_paragraph_numbers_of_any_size():
    refs = [Ref(Part.A, m, (str(n),)) for m in (1, 7, 399, 999, 1000, 1200, 25000)
            for n in (1, 2, 10, 9999, 10000, 123456)]  # fmt: skip
    keys = [sort_key(r) for r in refs]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    assert sort_key(Ref(Part.A, 7, ("5",))) == sort_key(Ref.parse("A:VII.5"))
    assert sort_key(Ref(Part.A, 7, ("5",))).startswith("A007.")  # stored keys stay valid
