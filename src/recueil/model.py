"""The domain vocabulary every layer shares: citations, kinds, statuses and parse records.

Parsers produce these plain records; the store persists them (its tables are the only
schema); publish/search/link read them back. Nothing here touches a database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Protocol


class Part(StrEnum):
    """Part A = Working Group recommendations; Part B = Conference of the Parties texts."""

    A = "A"
    B = "B"


class DocumentKind(StrEnum):
    REPORT = "report"
    DRAFT_ADDENDUM = "draft_addendum"
    COMPENDIUM = "compendium"
    SECRETARIAT_REPORT = "secretariat_report"
    RESOLUTION = "resolution"


class Distribution(StrEnum):
    GENERAL = "general"  # Distr. générale
    LIMITED = "limited"  # Distr. limitée (drafts)


class Status(StrEnum):
    ADOPTED = "adopted"
    DRAFT = "draft"


class ItemKind(StrEnum):
    RECOMMENDATION = "recommendation"  # a Working Group recommendation
    PREAMBULAR = "preambular"  # a preambular paragraph of a COP resolution ("al.")
    OPERATIVE = "operative"  # an operative paragraph of a COP decision/resolution
    SUBPARAGRAPH = "subparagraph"  # a lettered/roman subparagraph of any of the above


class Origin(StrEnum):
    IMPORTED = "imported"  # read from the published thematic index
    CURATED = "curated"  # set by an editor
    SUGGESTED = "suggested"  # proposed by a suggester, not yet reviewed
    SUGGESTED_ACCEPTED = "suggested-accepted"  # proposed by a suggester, accepted by an editor


class LinkRelation(StrEnum):
    """How a linked (or similar) item relates to another: see recueil.link.compare."""

    RESTATES = "restates"  # near-identical wording
    REVISES = "revises"  # same subject, changed wording
    RELATED = "related"  # same subject


class LinkOrigin(StrEnum):
    AUTO = "auto"  # proposed by similarity
    EXPLICIT = "explicit"  # the later text cites the earlier one ("recommandations 52 et 53")
    CURATED = "curated"  # added by an editor


class LinkStatus(StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


# --- Roman numerals -----------------------------------------------------------------

_ROMAN = [
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
]  # fmt: skip
_ROMAN_RE = re.compile(r"^(?=[MDCLXVI])M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$")


def to_roman(n: int) -> str:
    if n <= 0:
        raise ValueError(f"no roman numeral for {n}")
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def from_roman(s: str) -> int:
    s = s.upper()
    if not _ROMAN_RE.match(s):
        raise ValueError(f"not a roman numeral: {s!r}")
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for i, ch in enumerate(s):
        v = values[ch]
        total += -v if i + 1 < len(s) and values[s[i + 1]] > v else v
    return total


def is_roman(s: str) -> bool:
    return bool(s) and bool(_ROMAN_RE.match(s.upper()))


_ORDINALS_FR = [
    "Première", "Deuxième", "Troisième", "Quatrième", "Cinquième", "Sixième", "Septième",
    "Huitième", "Neuvième", "Dixième", "Onzième", "Douzième", "Treizième", "Quatorzième",
    "Quinzième", "Seizième", "Dix-septième", "Dix-huitième", "Dix-neuvième", "Vingtième",
]  # fmt: skip


def ordinal_fr(n: int) -> str:
    """French ordinal as the UN prints meeting titles ("Septième réunion")."""
    return _ORDINALS_FR[n - 1] if 1 <= n <= len(_ORDINALS_FR) else f"{n}e"


_ANY_SPACE_RE = re.compile(r"[\s\u00a0\u202f]+")


def text_key(text: str) -> str:
    """What 'the same text' means across sources: typography-insensitive, words exact.

    Spaces of every kind (incl. non-breaking) fold to one, curly apostrophes become
    straight; every letter, accent and punctuation mark still counts.
    """
    text = text.replace("’", "'").replace("‘", "'")
    return _ANY_SPACE_RE.sub(" ", text).strip()


# --- Citations ----------------------------------------------------------------------

_REF_RE = re.compile(r"^(?P<part>[AB]):(?P<meeting>[IVXLC]+)\.(?P<path>[0-9a-z]+(?:\.[0-9a-z]+)*)$")


@dataclass(frozen=True, order=False)
class Ref:
    """A stable citation: the compendium's own scheme with the part made explicit.

    `A:I.22` (Working Group meeting I, recommendation 22), `A:V.2.e` (subparagraph e),
    `B:I.b.iii` (COP session I, paragraph b, subparagraph iii), `B:VI.al.5` (fifth
    preambular paragraph of the session VI resolution). `path` holds the segments after
    the meeting/session number; a preambular paragraph's first segment is "al".
    """

    part: Part
    meeting: int
    path: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.path:
            raise ValueError("a reference needs at least a paragraph number")
        if self.path[0] == "al" and len(self.path) < 2:
            raise ValueError("a preambular reference needs its number: al.N")

    @classmethod
    def parse(cls, text: str) -> Ref:
        """Parse `A:I.22`, `B:VI.al.5` (also accepts `B:VI.al. 5`)."""
        cleaned = re.sub(r"\s+", "", text.strip())
        m = _REF_RE.match(cleaned)
        if not m:
            raise ValueError(
                f"not a recueil reference: {text!r} (expected e.g. A:I.22, A:V.2.e, B:VI.al.5)"
            )
        return cls(Part(m["part"]), from_roman(m["meeting"]), tuple(m["path"].split(".")))

    def __str__(self) -> str:
        return f"{self.part}:{to_roman(self.meeting)}." + ".".join(self.path)

    @property
    def compendium_ref(self) -> str:
        """The reference as the 2021 compendium prints it (`I.22`, `VI.al. 5`)."""
        path = ".".join(self.path)
        if self.path[0] == "al":
            path = "al. " + ".".join(self.path[1:])
        return f"{to_roman(self.meeting)}.{path}"

    @property
    def is_preambular(self) -> bool:
        return self.path[0] == "al"

    @property
    def number(self) -> str:
        """The top-level paragraph number (`22`, `b`, `al.5`)."""
        return ".".join(self.path[:2]) if self.is_preambular else self.path[0]

    @property
    def sub(self) -> str | None:
        """The subparagraph path below the top level (`e`, `iii`, `b.iii`), if any."""
        rest = self.path[2:] if self.is_preambular else self.path[1:]
        return ".".join(rest) or None

    @property
    def parent(self) -> Ref | None:
        depth = 2 if self.is_preambular else 1
        if len(self.path) <= depth:
            return None
        return Ref(self.part, self.meeting, self.path[:-1])

    def child(self, segment: str) -> Ref:
        return Ref(self.part, self.meeting, (*self.path, segment))

    def sort_key(self) -> tuple:
        """Document order: part, meeting, preamble before operative, numbers numerically."""

        def seg_key(i: int, seg: str) -> tuple[int, int, str]:
            if seg == "al":
                return (0, 0, "")
            if seg.isdigit():
                return (1, int(seg), "")
            prev = self.path[i - 1] if i else ""
            if prev and not prev.isdigit() and prev != "al" and is_roman(seg):
                return (2, from_roman(seg), "")  # i, ii, iii under a lettered paragraph
            return (3, 0, seg)

        return (
            self.part.value,
            self.meeting,
            tuple(seg_key(i, s) for i, s in enumerate(self.path)),
        )


class SourceLike(Protocol):
    """What the store needs to know of a file it saves (see ingest.read.SourceText)."""

    path: Path
    text: str
    format: str
    encoding: str | None
    sha256: str
    size: int


# --- Parse records ------------------------------------------------------------------


@dataclass
class ParsedItem:
    """One adopted (or draft) recommendation or COP paragraph, with its subparagraphs.

    `raw_text` is the exact source slice (markdown, OCR noise and line wraps included);
    `text` is the clean text after the documented normalisation (see ingest.normalize).
    """

    ref: Ref
    kind: ItemKind
    raw_text: str
    text: str
    status: Status = Status.ADOPTED
    section: str | None = None  # cluster heading, e.g. "B. Recommandations relatives …"
    instrument: str | None = None  # COP texts: "Décision 1/6", "Résolution 6/3"
    symbol: str | None = None  # symbol of the report/document the item was adopted in
    report_paragraph: str | None = None  # paragraph in that report ("25", "8 e)")
    recommendation_number: str | None = None  # "Recommandation 22" numbering, when used
    line: int | None = None  # 1-based line in the source file where the item starts
    children: list[ParsedItem] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class ParsedMeeting:
    """A Working Group meeting (part A) or a COP session (part B)."""

    part: Part
    number: int
    title: str  # "Première réunion", "Sixième session"
    date_text: str | None = None  # as printed: "du 30 mai au 1er juin 2012"
    start_date: date | None = None
    end_date: date | None = None
    venue: str | None = None
    report_symbol: str | None = None
    instruments: list[str] = field(default_factory=list)  # COP: "Décision 1/6 — title"


@dataclass
class ParsedParagraph:
    """A numbered paragraph of a report (context, not a recommendation)."""

    number: str
    raw_text: str
    text: str
    section: str | None = None
    line: int | None = None


@dataclass
class ThemeDef:
    label: str
    parent: str | None = None


@dataclass
class IndexEntry:
    """One (theme, item) pair of the published thematic index, with where it was read."""

    theme: str
    ref: Ref
    symbol: str | None = None
    instrument: str | None = None
    paragraph: str | None = None  # the "Paragraphe" cell fragment for this ref
    recommendation: str | None = None  # the "Recommandations" cell fragment
    line: int | None = None


@dataclass
class IndexRow:
    """One printed row of the thematic index, cells as printed (for round-trip checks)."""

    theme: str
    part: Part
    refs: str  # "II.17 à 23"
    symbol: str | None
    instrument: str | None
    paragraph: str | None
    recommendation: str | None
    line: int
    refs_expanded: list[Ref] = field(default_factory=list)


@dataclass
class ParsedDocument:
    """Everything one source file yields."""

    kind: DocumentKind
    title: str
    symbol: str | None = None
    body: str | None = (
        None  # "Groupe de travail sur le trafic illicite de migrants", "Conférence des Parties"
    )
    meeting: int | None = None  # Working Group meeting number (reports)
    session: int | None = None  # COP session number
    start_date: date | None = None
    end_date: date | None = None
    issued: date | None = None  # date printed under "Distr."
    venue: str | None = None
    language: str = "fr"
    original_language: str | None = None
    distribution: Distribution | None = None
    meetings: list[ParsedMeeting] = field(default_factory=list)
    items: list[ParsedItem] = field(default_factory=list)  # top level; children nested
    paragraphs: list[ParsedParagraph] = field(default_factory=list)
    themes: list[ThemeDef] = field(default_factory=list)
    index_entries: list[IndexEntry] = field(default_factory=list)
    index_rows: list[IndexRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Numbered-sequence problems (ingest.sequence_check): the file is refused unless the
    # user accepts them (--accept-gaps); accepted ones are saved as warnings of kind "gap".
    gaps: list[str] = field(default_factory=list)

    def all_items(self):
        for item in self.items:
            yield from item.walk()
