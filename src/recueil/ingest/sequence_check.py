"""No silent loss: the checks every parser runs on the numbered sequences it reads.

A parser collects what it found (numbers or letters, with the 1-based source line of
each) and asks this module what is wrong with it. Every problem is a `Gap`; the parser
puts them on `ParsedDocument.gaps` (as strings, "line N: …"). The ingest pipeline then
refuses the file (IngestError, exit 1, database unchanged) unless the user passed
`--accept-gaps`, in which case the gaps are saved as warnings of kind "gap" and listed
by `recueil warnings`.

What is a gap (`Gap.kind`):

* `gap` — a number or letter skipped (1, 2, 4; a, b, d);
* `duplicate` — the same number twice (1, 2, 2, 3);
* `out_of_order` — a number lower than the one before (1, 2, 5, 3);
* `start` — a sequence that must start at 1 (or a) and does not;
* `heading_inside` — a heading that should open an item found inside another item's
  text (a "Recommendation 21" glued to the end of recommendation 20);
* `no_items` — a document of a kind that must have items yields none.

API (for parsers):

    gaps = check_sequence([(1, 12), (2, 15), (4, 20)], what="Recommendation")
    gaps += check_sequence([("i", 40), ("iii", 41)], what="subparagraph")  # roman, guessed
    gaps += check_sequence([("a", 30), ("c", 31)], what="subparagraph", letters=True,
                           parent="recommendation 5")
    gaps.append(no_items("recommendations", "a Working Group report"))
    gaps.append(heading_inside("Recommendation 21", line=219, inside="recommendation 20"))
    parsed.gaps.extend(str(g) for g in gaps)

`raise_gaps(path, gaps)` raises the IngestError listing them all (the pipeline does this
for `parsed.gaps`; a parser may call it itself when it has no ParsedDocument to return).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from recueil.ingest.errors import IngestError

__all__ = [
    "Gap",
    "GapError",
    "check_sequence",
    "heading_inside",
    "label_style",
    "letter_value",
    "no_items",
    "raise_gaps",
    "roman_value",
]


@dataclass(frozen=True)
class Gap:
    kind: str  # gap | duplicate | out_of_order | start | heading_inside | no_items
    message: str
    line: int | None = None  # 1-based source line

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class GapError(IngestError):
    """A file refused because of gaps in its numbered sequences."""

    def __init__(self, path, gaps: Sequence[str]) -> None:
        self.gaps = list(gaps)
        first = self.gaps[0]
        more = f" (and {len(self.gaps) - 1} more: {'; '.join(self.gaps[1:4])}" + (
            " …)" if len(self.gaps) > 4 else ")"
        ) if len(self.gaps) > 1 else ""
        super().__init__(
            path,
            f"items would be lost: {first}{more}; fix the file, or pass --accept-gaps to "
            "ingest it anyway (the gaps are then listed by `recueil warnings --kind gap`)",
        )


def letter_value(label: str) -> int | None:
    """a → 1, b → 2 … z → 26, aa → 27 (UN style doubles the letter); None if not letters."""
    label = label.strip().lower()
    if not label.isalpha() or not label.isascii():
        return None
    if len(label) == 1:
        return ord(label) - ord("a") + 1
    if len(set(label)) == 1:  # aa, bb …
        return 26 * (len(label) - 1) + ord(label[0]) - ord("a") + 1
    return None


_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def roman_value(label: str) -> int | None:
    """i → 1, iv → 4, xii → 12; None if not a (lower-case) roman numeral."""
    label = label.strip().lower()
    if not label or any(ch not in _ROMAN for ch in label):
        return None
    total = 0
    for k, ch in enumerate(label):
        value = _ROMAN[ch]
        total += -value if k + 1 < len(label) and _ROMAN[label[k + 1]] > value else value
    return total if _to_roman(total) == label else None


def _to_roman(n: int) -> str:
    out = ""
    for value, numeral in ((100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"),
                           (5, "v"), (4, "iv"), (1, "i")):  # fmt: skip
        while n >= value:
            out += numeral
            n -= value
    return out


def _label(value: int, style: str) -> str:
    if style == "roman":
        return _to_roman(value)
    if style != "letter":
        return str(value)
    return chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)


def label_style(labels: Sequence[int | str]) -> str:
    """"number", "roman" (i, ii, iii … when the first is i) or "letter"."""
    texts = [str(label) for label in labels]
    if all(t.isdigit() for t in texts):
        return "number"
    if texts and texts[0].lower() == "i" and all(roman_value(t) for t in texts):
        return "roman"
    return "letter"


def check_sequence(
    found: Iterable[tuple[int | str, int | None]],
    *,
    what: str,
    letters: bool = False,
    start: int | None = 1,
    parent: str | None = None,
    style: str | None = None,
) -> list[Gap]:
    """The gaps, duplicates and disorders in a numbered (or lettered) sequence.

    `found` holds (number or letter, 1-based line) in document order. `start` is the
    number the sequence must start with (None: any, e.g. a draft addendum holding
    recommendations 22 to 24 of a report). `what` names the items in messages
    ("Recommendation", "operative paragraph"), `parent` where they are ("paragraph 5").
    `style` is "number", "letter" (a, b … z, aa) or "roman" (i, ii, iii); `letters=True`
    means "letter"; None guesses it from the labels (`label_style`).
    """
    found = list(found)
    if style is None:
        style = "letter" if letters else label_style([raw for raw, _ in found])
    letters = style != "number"
    value_of = {"number": _int, "letter": lambda r: letter_value(str(r)),
                "roman": lambda r: roman_value(str(r))}[style]  # fmt: skip
    gaps: list[Gap] = []
    where = f" of {parent}" if parent else ""
    previous: int | None = None
    seen: set[int] = set()
    for raw, line in found:
        value = value_of(raw)
        shown = f"{raw})" if letters else str(raw)
        if value is None:
            gaps.append(Gap("gap", f"{what} {shown}{where} is not a valid label", line))
            continue
        if previous is None:
            if start is not None and value != start:
                gaps.append(
                    Gap("start", f"{what} {shown}{where} comes first; expected "
                        f"{_label(start, style)}{')' if letters else ''}", line)  # fmt: skip
                )
        elif value in seen:
            gaps.append(Gap("duplicate", f"{what} {shown}{where} appears twice", line))
        elif value < previous:
            gaps.append(
                Gap("out_of_order", f"{what} {shown}{where} follows {_label(previous, style)}",
                    line)  # fmt: skip
            )
        elif value > previous + 1:
            missing = [_label(v, style) for v in range(previous + 1, value)]
            listed = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
            gaps.append(
                Gap("gap", f"{what} {shown}{where} follows {_label(previous, style)}: "
                    f"missing {listed}", line)  # fmt: skip
            )
        seen.add(value)
        previous = value if previous is None else max(previous, value)
    return gaps


def _int(raw: int | str) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def no_items(what: str, kind: str, line: int | None = None) -> Gap:
    """A document of a kind that must have items yields none."""
    return Gap("no_items", f"no {what} found in {kind} (expected at least one)", line)


def heading_inside(heading: str, *, line: int | None, inside: str) -> Gap:
    """A heading that should open an item was found inside the text of another."""
    return Gap(
        "heading_inside",
        f"{heading!r} found inside the text of {inside} (two items merged?)",
        line,
    )


def raise_gaps(path, gaps: Sequence[Gap | str]) -> None:
    if gaps:
        raise GapError(path, [str(g) for g in gaps])
