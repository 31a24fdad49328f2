"""Reference compression: how the thematic index writes a list of citations in one cell.

The 2021 index never lists three consecutive citations one by one: `II.17 à 23`,
`V.2.a à d`, `I.21, I.22, I.25 et I.27`, `VI.al. 1 à 7 ; VI.6, VI.7, VI.19 et VI.20`; its
paragraph cells follow the same rules (`8 a) à d) et f) et 9`). One place for those rules.

Rules (read from every row of the 2021 edition; tests/test_publish_refs.py):

* refs are written in document order, each in full (`I.21`), except a run of three or
  more consecutive siblings, written `FIRST à LAST-SEGMENT` (`II.17 à 23`, `V.2.a à d`);
  two consecutive siblings stay apart (`II.22 et II.23`);
* the elements are joined with ", " and the last with " et " (`A, B et C`);
* preambular paragraphs come first and are separated from operative ones by " ; ";
* paragraph cells: values sharing a paragraph number are grouped under it
  (`8 a), c) et k)`); plain numbers use the rules above (`10 à 14, 18, 21 et 23`); groups
  with subparagraphs are joined like list elements (`7 d) et 8 e) et f)`,
  `3, 9 b), 10 et 11`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from recueil.model import Ref, from_roman, is_roman

RANGE_MIN = 3  # shortest run written as a range


def join_fr(elements: Sequence[str]) -> str:
    """`A`, `A et B`, `A, B et C`."""
    if not elements:
        return ""
    if len(elements) == 1:
        return elements[0]
    return ", ".join(elements[:-1]) + " et " + elements[-1]


def _segment_ordinal(kind: int, number: int, text: str) -> tuple[int, int] | None:
    """A comparable position for a path segment (from Ref.sort_key), None if not countable."""
    if kind in (1, 2):  # arabic number, or roman subparagraph under a letter
        return kind, number
    if kind == 3 and len(text) == 1 and text.isalpha():
        return kind, ord(text)
    return None


def _runs(ordinals: Sequence[tuple | None], same_parent: Sequence[bool]) -> list[tuple[int, int]]:
    """[start, end] index pairs of maximal consecutive runs (a lone value is a run of one)."""
    runs: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(ordinals) + 1):
        consecutive = (
            i < len(ordinals)
            and same_parent[i]
            and ordinals[i] is not None
            and ordinals[i - 1] is not None
            and ordinals[i][0] == ordinals[i - 1][0]
            and ordinals[i][1] == ordinals[i - 1][1] + 1
        )
        if not consecutive:
            runs.append((start, i - 1))
            start = i
    return runs


def _series(refs: list[Ref]) -> list[str]:
    ordinals = [_segment_ordinal(*r.sort_key()[2][-1]) for r in refs]
    same_parent = [False] + [
        refs[i].path[:-1] == refs[i - 1].path[:-1] for i in range(1, len(refs))
    ]
    out: list[str] = []
    for start, end in _runs(ordinals, same_parent):
        if end - start + 1 >= RANGE_MIN:
            out.append(f"{refs[start].compendium_ref} à {refs[end].path[-1]}")
        else:
            out.extend(r.compendium_ref for r in refs[start : end + 1])
    return out


def compress_refs(refs: Sequence[Ref]) -> str:
    """The refs cell for citations of one meeting or session: `II.17 à 23`."""
    unique = sorted(set(refs), key=Ref.sort_key)
    if not unique:
        return ""
    if len({(r.part, r.meeting) for r in unique}) > 1:
        raise ValueError(f"compress_refs: one meeting per cell, got {[str(r) for r in unique]}")
    preamble = [r for r in unique if r.is_preambular]
    operative = [r for r in unique if not r.is_preambular]
    chunks = [join_fr(_series(group)) for group in (preamble, operative) if group]
    return " ; ".join(chunks)


# --- Paragraph / recommendation cells -----------------------------------------------------

_VALUE_RE = re.compile(
    r"^(?:al\.\s*(?P<al>\d+)|(?P<num>\d+)|(?P<letter>[a-z]+)\))(?P<subs>(?:\s*[a-z]+\))*)$"
)


def parse_paragraph(value: str) -> tuple[str, ...]:
    """`8 e)` → ("8", "e"); `b) iii)` → ("b", "iii"); `al. 5` → ("al", "5"); `25` → ("25",)."""
    m = _VALUE_RE.match(value.strip())
    if not m:
        raise ValueError(
            f"not a paragraph number: {value!r} (expected e.g. 25, 8 e), b) iii), al. 5)"
        )
    if m["al"]:
        head: tuple[str, ...] = ("al", m["al"])
    else:
        head = (m["num"] or m["letter"],)
    return head + tuple(re.findall(r"([a-z]+)\)", m["subs"]))


def _render_seg(seg: str) -> str:
    return seg if seg.isdigit() else f"{seg})"


def _seg_ordinal(seg: str, *, roman: bool) -> tuple[int, int] | None:
    if seg.isdigit():
        return 1, int(seg)
    if roman and is_roman(seg):
        return 2, from_roman(seg)
    if len(seg) == 1:
        return 3, ord(seg)
    return None


def _value_series(segs: list[str], *, roman: bool, prefix: str = "") -> list[str]:
    ordinals = [_seg_ordinal(s, roman=roman) for s in segs]
    runs = _runs(ordinals, [True] * len(segs))
    out: list[str] = []
    for start, end in runs:
        if end - start + 1 >= RANGE_MIN:
            out.append(f"{prefix}{_render_seg(segs[start])} à {_render_seg(segs[end])}")
        else:
            out.extend(prefix + _render_seg(s) for s in segs[start : end + 1])
    return out


def compress_paragraphs(values: Sequence[str]) -> str:
    """The Paragraphe (or Recommandations) cell for the given values, in the given order."""
    parsed = [parse_paragraph(v) for v in values]
    preamble = [p for p in parsed if p[0] == "al"]
    operative = [p for p in parsed if p[0] != "al"]
    chunks = []
    if preamble:
        numbers = [p[1] for p in preamble]
        chunks.append(join_fr(_al_series(numbers)))
    if operative:
        chunks.append(_operative_cell(operative))
    return " ; ".join(chunks)


def _al_series(numbers: list[str]) -> list[str]:
    ordinals = [(1, int(n)) for n in numbers]
    out = []
    for start, end in _runs(ordinals, [True] * len(numbers)):
        if end - start + 1 >= RANGE_MIN:
            out.append(f"al. {numbers[start]} à {numbers[end]}")
        else:
            out.extend(f"al. {n}" for n in numbers[start : end + 1])
    return out


def _operative_cell(values: list[tuple[str, ...]]) -> str:
    groups: list[tuple[str, list[tuple[str, ...]]]] = []
    for v in values:
        if groups and groups[-1][0] == v[0]:
            groups[-1][1].append(v[1:])
        else:
            groups.append((v[0], [v[1:]]))
    # roman numerals are subparagraphs only below a lettered paragraph (b) iii))
    if all(not any(subs) for _, subs in groups):
        return join_fr(_value_series([head for head, _ in groups], roman=False))
    elements: list[str] = []
    pending: list[str] = []  # consecutive plain heads, compressed together

    def flush() -> None:
        elements.extend(_value_series(pending, roman=False))
        pending.clear()

    for head, subs in groups:
        real = [s for s in subs if s]
        if not real:
            pending.append(head)
            continue
        flush()
        roman = not head.isdigit()
        tails = _sub_tails(real, roman=roman)
        elements.append(f"{_render_seg(head)} {join_fr(tails)}")
    flush()
    return join_fr(elements)


def _sub_tails(subs: list[tuple[str, ...]], *, roman: bool) -> list[str]:
    """`a), c) et k)` for one paragraph's subparagraphs (deeper levels written in full)."""
    if all(len(s) == 1 for s in subs):
        return _value_series([s[0] for s in subs], roman=roman)
    return [" ".join(_render_seg(x) for x in s) for s in subs]


__all__ = ["compress_paragraphs", "compress_refs", "join_fr", "parse_paragraph"]
