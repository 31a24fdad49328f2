"""Reads Parts A and B of the 2021 compendium into meetings and citable items.

The compendium is the only source that prints every adopted text with its citation number
(`I.22`, `V.2.e`, `I.b.iii`, `VI.al. 5`), so its body defines the items the index points to.

Layout rules taken from the file (see tests/test_compendium_body.py for what they yield):

* The body starts at the "A. Recommandations adoptées…" heading that follows the
  "Introduction" heading (the table of contents above it repeats every heading) and ends
  at the "Index thématique" heading.
* Meetings/sessions open with "I. Première réunion, du 30 mai au 1^{er} juin 2012".
* A paragraph opens with a label: `12.`, `a)`, `- e)*`, `- i)*`. Any other line continues
  the item opened last (page breaks split paragraphs mid-sentence).
* Footnote bodies (lines starting with a superscript digit), bare page numbers and the
  stray margin label "Al. 5" are page furniture: they belong to no item.
* Part B: each session holds one instrument ("Décision 1/6", "Résolution 5/3") followed by
  its title and the line "La Conférence des Parties …" (the chapeau, not a paragraph; in
  decisions 3/3 and 4/5 it carries "rappelant …" clauses, which the compendium does not
  number: its index cites no `III.al`/`IV.al`, "al." numbering is for resolutions).
  Unlabelled paragraphs before the first numbered paragraph are preambular (`al. 1` …);
  a preambular paragraph ends with a comma, so a line after one that does not is its
  page-break continuation.
* Decisions number their paragraphs a), b) … with roman subparagraphs i), ii) …; a label
  "i)" is read as roman when the open lettered paragraph ends with ":" or already has
  roman subparagraphs, otherwise as the letter i.

Each item keeps `raw_text`: its own source lines, label included, exactly as printed
(blank lines of a page break kept; footnotes and margin labels between its lines replaced
by one blank line). `text` is `clean_text` of that slice without the leading label. A
parent's raw/clean text is its chapeau only; subparagraphs are its `children`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

from recueil.ingest.errors import IngestError
from recueil.ingest.normalize import FOOTNOTE_MARKS, clean_text
from recueil.ingest.parsers.header import parse_date_span
from recueil.model import (
    ItemKind,
    ParsedItem,
    ParsedMeeting,
    Part,
    Ref,
    Status,
    from_roman,
    is_roman,
    to_roman,
)

_PART_A_RE = re.compile(r"^A\.\s+Recommandations\s+adoptées\b")
_PART_B_RE = re.compile(r"^B\.\s+Résolutions\s+et\s+décisions\s+adoptées\b")
_INDEX_RE = re.compile(r"^\**\s*Index\s+thématique\b")
_HEADING_RE = re.compile(
    r"^(?P<num>[IVXLC]+)\.\s+(?P<title>\S+\s+(?P<word>réunion|session)),\s+(?P<date>.+?)\s*$"
)
_INSTRUMENT_RE = re.compile(r"^(?P<instrument>(?:Décision|Résolution)\s+\d+/\d+)\s*$")
_OPENER_RE = re.compile(r"^La\s+Conférence\s+des\s+Parties\b")
_NUMBER_RE = re.compile(r"^\s*(?:-\s+)?(?P<label>\d{1,3})\.\s+(?=\S)")
_LETTER_RE = re.compile(r"^\s*(?:-\s+)?\*?(?P<label>[a-z]{1,6})\)\*?\s+(?=\S)")
_FOOTNOTE_LINE_RE = re.compile(f"^\\s*[{FOOTNOTE_MARKS}]+\\s")
_MARGIN_LABEL_RE = re.compile(r"^\s*Al\.\s*\d+\s*$")
_PAGE_NUMBER_RE = re.compile(r"^\s*\d{1,3}\s*$")


def parse_french_dates(text: str) -> tuple[date, date]:
    """First and last day of "du 30 mai au 1er juin 2012", "les 4 et 5 juillet 2018"…

    Strict wrapper over header.parse_date_span: a meeting heading must carry its dates,
    so anything else raises ValueError.
    """
    start, end = parse_date_span(clean_text(text).lower())
    if start is None or end is None:
        raise ValueError(f"not a French date range: {text!r}")
    if start > end:
        raise ValueError(f"date range ends before it starts: {text!r}")
    return start, end


# --- Building items line by line ------------------------------------------------------


@dataclass
class _Draft:
    """An item being read: its ParsedItem and the 0-based source lines that are its own."""

    item: ParsedItem
    label_end: int  # characters of the first line taken by the label ("12. ", "- a)* ")
    lines: list[int] = field(default_factory=list)
    children: list[_Draft] = field(default_factory=list)


class _Reader:
    """Reads the paragraphs of one meeting/session block into drafts, checking numbering."""

    def __init__(
        self,
        lines: list[str],
        part: Part,
        meeting: int,
        path: str | None,
        *,
        instrument: str | None = None,
        section: str | None = None,
    ) -> None:
        self.lines = lines
        self.part = part
        self.meeting = meeting
        self.path = path
        self.instrument = instrument
        self.section = section
        self.tops: list[_Draft] = []
        self.preamble: list[_Draft] = []
        self.top_style: str | None = None  # "number" or "letter"
        self.current: _Draft | None = None  # the item continuation lines go to

    # -- helpers

    def _error(self, i: int, problem: str) -> IngestError:
        return IngestError(self.path, problem, line=i + 1)

    def _new(self, i: int, path: tuple[str, ...], kind: ItemKind, label_end: int) -> _Draft:
        item = ParsedItem(
            ref=Ref(self.part, self.meeting, path),
            kind=kind,
            raw_text="",
            text="",
            status=Status.ADOPTED,
            section=self.section,
            instrument=self.instrument,
            line=i + 1,
        )
        return _Draft(item=item, label_end=label_end, lines=[i])

    def _where(self) -> str:
        return f"{self.part}:{to_roman(self.meeting)}"

    @staticmethod
    def _chapeau_ends_with_colon(draft: _Draft, lines: list[str]) -> bool:
        text = clean_text("\n".join(lines[i] for i in draft.lines))
        return text.endswith(":")

    # -- line handlers

    def feed(self, i: int) -> None:
        line = self.lines[i]
        m = _NUMBER_RE.match(line)
        if m:
            self._number(i, int(m["label"]), m.end())
            return
        m = _LETTER_RE.match(line)
        if m:
            self._letter(i, m["label"], m.end())
            return
        self._unlabelled(i)

    def _number(self, i: int, n: int, label_end: int) -> None:
        if self.top_style == "letter":
            raise self._error(i, f"{self._where()}: numbered paragraph {n}. after lettered ones")
        self.top_style = "number"
        expected = len(self.tops) + 1
        if n != expected:
            raise self._error(
                i, f"{self._where()}: expected paragraph {expected}., found {n}. (gap or repeat)"
            )
        kind = ItemKind.RECOMMENDATION if self.part == Part.A else ItemKind.OPERATIVE
        draft = self._new(i, (str(n),), kind, label_end)
        self.tops.append(draft)
        self.current = draft

    def _letter(self, i: int, label: str, label_end: int) -> None:
        if self.top_style is None and self.part == Part.B:
            self.top_style = "letter"
        if self.top_style == "letter":
            top = self.tops[-1] if self.tops else None
            if top is not None and is_roman(label):
                expected_roman = to_roman(len(top.children) + 1).lower()
                opens_list = top.children or self._chapeau_ends_with_colon(top, self.lines)
                if label == expected_roman and opens_list:
                    self._child(i, top, label, label_end)
                    return
            expected = chr(ord("a") + len(self.tops))
            if label != expected:
                raise self._error(
                    i, f"{self._where()}: expected paragraph {expected}), found {label})"
                )
            draft = self._new(i, (label,), ItemKind.OPERATIVE, label_end)
            self.tops.append(draft)
            self.current = draft
            return
        if not self.tops:
            raise self._error(
                i, f"{self._where()}: subparagraph {label}) before any numbered paragraph"
            )
        top = self.tops[-1]
        expected = chr(ord("a") + len(top.children))
        if label != expected:
            raise self._error(
                i,
                f"{self._where()}.{top.item.ref.path[0]}: expected subparagraph "
                f"{expected}), found {label})",
            )
        self._child(i, top, label, label_end)

    def _child(self, i: int, parent: _Draft, label: str, label_end: int) -> None:
        draft = self._new(i, (*parent.item.ref.path, label), ItemKind.SUBPARAGRAPH, label_end)
        parent.children.append(draft)
        self.current = draft

    def _unlabelled(self, i: int) -> None:
        if self.part == Part.B and self.top_style is None:
            # before the first numbered paragraph: preamble ("al. N")
            last = self.preamble[-1] if self.preamble else None
            if last is not None and not clean_text(
                "\n".join(self.lines[j] for j in last.lines)
            ).endswith(","):
                last.lines.append(i)  # page-break continuation of an unfinished paragraph
                return
            n = len(self.preamble) + 1
            draft = self._new(i, ("al", str(n)), ItemKind.PREAMBULAR, 0)
            self.preamble.append(draft)
            self.current = draft
            return
        if self.current is None:
            raise self._error(
                i, f"{self._where()}: text before the first paragraph (expected '1.' or 'a)')"
            )
        self.current.lines.append(i)

    # -- output

    def items(self) -> list[ParsedItem]:
        return [self._finish(d) for d in [*self.preamble, *self.tops]]

    def _finish(self, draft: _Draft) -> ParsedItem:
        item = draft.item
        item.raw_text = _slice(self.lines, draft.lines)
        body = item.raw_text[draft.label_end :]
        item.text = clean_text(body)
        if not item.text:
            raise IngestError(self.path, f"{item.ref}: empty paragraph", line=item.line)
        item.children = [self._finish(c) for c in draft.children]
        return item


def _slice(lines: list[str], own: list[int]) -> str:
    """The item's lines as printed; blank runs between them kept, page furniture dropped."""
    out = [lines[own[0]]]
    for prev, nxt in pairwise(own):
        gap = lines[prev + 1 : nxt]
        if all(not g.strip() for g in gap):
            out.extend(gap)
        else:
            out.append("")  # footnotes/margin labels between: one blank line stands for them
        out.append(lines[nxt])
    return "\n".join(out)


# --- Blocks -------------------------------------------------------------------------


def _content_lines(lines: list[str], start: int, end: int) -> list[int]:
    """Indices of the lines in [start, end) that carry text (no blanks, no page furniture)."""
    out = []
    in_footnote = False
    for i in range(start, end):
        line = lines[i]
        if not line.strip():
            in_footnote = False
            continue
        if _FOOTNOTE_LINE_RE.match(line):
            in_footnote = True
            continue
        if in_footnote:  # a footnote body wrapped onto a following line
            continue
        if _MARGIN_LABEL_RE.match(line) or _PAGE_NUMBER_RE.match(line):
            continue
        out.append(i)
    return out


def _headings(
    lines: list[str], start: int, end: int, word: str, path: str | None
) -> list[tuple[int, re.Match[str]]]:
    found = []
    for i in range(start, end):
        m = _HEADING_RE.match(lines[i])
        if m and m["word"] == word:
            found.append((i, m))
    if not found:
        raise IngestError(
            path, f"no '{word}' heading (e.g. 'I. Première {word}, du …') found", line=start + 1
        )
    return found


def _meeting(part: Part, i: int, m: re.Match[str], expected: int, path: str | None):
    try:
        number = from_roman(m["num"])
    except ValueError:
        raise IngestError(path, f"bad roman numeral {m['num']!r}", line=i + 1) from None
    if number != expected:
        raise IngestError(
            path, f"part {part}: expected {to_roman(expected)}, found {m['num']}", line=i + 1
        )
    date_text = clean_text(m["date"])
    try:
        start, end = parse_french_dates(date_text)
    except ValueError as exc:
        raise IngestError(path, f"unreadable meeting dates: {exc}", line=i + 1) from None
    return ParsedMeeting(
        part=part,
        number=number,
        title=clean_text(m["title"]),
        date_text=date_text,
        start_date=start,
        end_date=end,
    )


def _parse_part_a(lines: list[str], start: int, end: int, path: str | None):
    meetings: list[ParsedMeeting] = []
    items: list[ParsedItem] = []
    heads = _headings(lines, start, end, "réunion", path)
    bounds = [h[0] for h in heads[1:]] + [end]
    for (i, m), stop in zip(heads, bounds, strict=True):
        meeting = _meeting(Part.A, i, m, len(meetings) + 1, path)
        meetings.append(meeting)
        reader = _Reader(lines, Part.A, meeting.number, path)
        for j in _content_lines(lines, i + 1, stop):
            reader.feed(j)
        found = reader.items()
        if not found:
            raise IngestError(path, f"meeting {m['num']} has no recommendations", line=i + 1)
        items.extend(found)
    return meetings, items


def _parse_part_b(lines: list[str], start: int, end: int, path: str | None):
    meetings: list[ParsedMeeting] = []
    items: list[ParsedItem] = []
    heads = _headings(lines, start, end, "session", path)
    bounds = [h[0] for h in heads[1:]] + [end]
    for (i, m), stop in zip(heads, bounds, strict=True):
        meeting = _meeting(Part.B, i, m, len(meetings) + 1, path)
        meetings.append(meeting)
        content = _content_lines(lines, i + 1, stop)
        if not content or not (im := _INSTRUMENT_RE.match(lines[content[0]].strip())):
            raise IngestError(
                path,
                f"session {m['num']}: expected 'Décision N/N' or 'Résolution N/N'",
                line=(content[0] if content else i) + 1,
            )
        instrument = re.sub(r"\s+", " ", im["instrument"])
        opener = next((k for k, j in enumerate(content) if _OPENER_RE.match(lines[j])), None)
        if opener is None or opener < 2:
            raise IngestError(
                path,
                f"{instrument}: expected its title, then 'La Conférence des Parties …'",
                line=content[0] + 1,
            )
        title = clean_text(" ".join(lines[j] for j in content[1:opener]))
        meeting.instruments.append(instrument)
        reader = _Reader(
            lines, Part.B, meeting.number, path,
            instrument=instrument, section=f"{instrument} — {title}",
        )  # fmt: skip
        for j in content[opener + 1 :]:
            if _INSTRUMENT_RE.match(lines[j].strip()):
                raise IngestError(
                    path, f"session {m['num']}: a second instrument (expected one)", line=j + 1
                )
            reader.feed(j)
        found = reader.items()
        if not found:
            raise IngestError(path, f"{instrument} has no paragraphs", line=i + 1)
        items.extend(found)
    return meetings, items


def _find(lines: list[str], pattern: re.Pattern[str], start: int, what: str, path: str | None):
    for i in range(start, len(lines)):
        if pattern.match(lines[i]):
            return i
    raise IngestError(path, f"compendium: no {what} heading after line {start}")


def parse_compendium_body(
    text: str, path: str | None = None
) -> tuple[list[ParsedMeeting], list[ParsedItem]]:
    """Meetings (part A then B) and top-level items (children nested) of the compendium."""
    lines = [line.rstrip("\r") for line in text.split("\n")]
    intro = next((i for i, line in enumerate(lines) if line.strip() == "Introduction"), None)
    if intro is None:
        raise IngestError(path, "compendium: no 'Introduction' heading after the contents")
    a = _find(lines, _PART_A_RE, intro + 1, "'A. Recommandations adoptées …'", path)
    b = _find(lines, _PART_B_RE, a + 1, "'B. Résolutions et décisions adoptées …'", path)
    end = _find(lines, _INDEX_RE, b + 1, "'Index thématique'", path)
    meetings_a, items_a = _parse_part_a(lines, a + 1, b, path)
    meetings_b, items_b = _parse_part_b(lines, b + 1, end, path)
    return [*meetings_a, *meetings_b], [*items_a, *items_b]


__all__ = ["parse_compendium_body", "parse_french_dates"]
