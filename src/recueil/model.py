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
    """Part A = Working Group recommendations; Part B = Conference of the Parties texts.

    S = any other document, its items cited by the document's own symbol
    (`A/RES/80/228:op.5.b`, see `Ref`); its items hang under one pseudo-meeting per
    symbol so every query that groups items by meeting keeps working.
    """

    A = "A"
    B = "B"
    S = "S"


class DocumentKind(StrEnum):
    REPORT = "report"
    DRAFT_ADDENDUM = "draft_addendum"
    COMPENDIUM = "compendium"
    SECRETARIAT_REPORT = "secretariat_report"
    RESOLUTION = "resolution"  # GA / ECOSOC / CCPCJ / COP resolution or decision, adopted
    DRAFT_RESOLUTION = "draft_resolution"  # A/C.3/80/L.5, E/CN.15/2024/L.3, A/80/L.8
    UPR_REPORT = "upr_report"  # HRC Working Group on the Universal Periodic Review


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
    ANNEX = "annex"  # a numbered paragraph of an annex (e.g. a declaration) to a resolution


class UprResponse(StrEnum):
    """The State under review's response to a UPR recommendation, as the report prints it."""

    SUPPORTED = "supported"
    NOTED = "noted"
    TO_BE_EXAMINED = "to be examined"
    PENDING = "pending"  # "the following recommendations were made": no response printed


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


# Meeting and session numbers of any size a database column holds (PostgreSQL `integer`);
# beyond the largest roman numeral they are written in figures (`A:4000.1`, which parses).
MAX_MEETING = 2**31 - 1
MAX_ROMAN = 3999  # MMMCMXCIX


def to_roman(n: int) -> str:
    """`n` in roman figures (VII); above MAX_ROMAN in arabic figures, never a string of
    thousands of M."""
    if not 0 < n <= MAX_MEETING:
        raise ValueError(f"no meeting number {n} (1 to {MAX_MEETING})")
    if n > MAX_ROMAN:
        return str(n)
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


def meeting_number(text: str | int) -> int:
    """A meeting or session number written in arabic or roman figures (`7`, `VII`), from 1
    to MAX_MEETING; ValueError otherwise. Bounded so that no number from a URL, a form or a
    file reaches the database beyond its integer columns."""
    text = str(text).strip()
    if text.isdigit():
        if len(text) > 10 or not 0 < int(text) <= MAX_MEETING:
            raise ValueError(f"not a meeting number: {text[:20]!r} (1 to {MAX_MEETING})")
        return int(text)
    n = from_roman(text)
    if not 0 < n <= MAX_MEETING:
        raise ValueError(f"not a meeting number: {text[:20]!r} (1 to {MAX_MEETING})")
    return n


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

_REF_RE = re.compile(
    r"^(?P<part>[AB]):(?P<meeting>[IVXLCDM]+|[0-9]+)\.(?P<path>[0-9a-z]+(?:\.[0-9a-z]+)*)$"
)
# a document cited by its own symbol: anything without spaces or colons, then the path
_SYMBOL_REF_RE = re.compile(
    r"^(?P<symbol>[A-Za-z][A-Za-z0-9./_()-]*[A-Za-z0-9)]):(?P<path>[0-9a-z]+(?:\.[0-9a-z]+)*)$"
)
# the first path segment of a symbol-cited item: preamble, operative part, annex
SYMBOL_PREFIXES = ("pp", "op", "annex")
_ANNEX_RE = re.compile(r"^annex\d*$")  # `annex`, or `annex1`, `annex2` … when several


def is_symbol_prefix(seg: str) -> bool:
    return seg in ("pp", "op") or bool(_ANNEX_RE.match(seg))


@dataclass(frozen=True, order=False)
class Ref:
    """A stable citation, in one of two forms (docs/documents.md has the full table).

    Compendium scheme, part made explicit, for Working Group and COP items: `A:I.22`
    (Working Group meeting I, recommendation 22), `A:V.2.e` (subparagraph e), `B:I.b.iii`
    (COP session I, paragraph b, subparagraph iii), `B:VI.al.5` (fifth preambular
    paragraph of the session VI resolution). Meeting numbers of any size, roman or arabic
    on input (`A:XII.3` = `A:12.3`), roman on output.

    Symbol scheme, for every other document (part S): `SYMBOL:PATH`, the path's first two
    segments naming the top-level paragraph: `A/RES/80/228:pp.3` (3rd preambular
    paragraph), `A/RES/80/228:op.5.b` (operative paragraph 5, subparagraph b),
    `A/RES/80/9:annex.12` (paragraph 12 of the annex), `A/HRC/28/4:145.12` (UPR report
    paragraph 145, recommendation 12). A document that prints no symbol gets a stable
    derived id instead (`UPR-Senegal-HRC11`).
    """

    part: Part
    meeting: int
    path: tuple[str, ...]
    symbol: str | None = None

    def __post_init__(self) -> None:
        if not self.path:
            raise ValueError("a reference needs at least a paragraph number")
        if (self.path[0] == "al" or is_symbol_prefix(self.path[0])) and len(self.path) < 2:
            raise ValueError(f"a reference needs the paragraph number: {self.path[0]}.N")
        if (self.part == Part.S) != bool(self.symbol):
            raise ValueError("a symbol reference is part S and needs its symbol")

    @classmethod
    def of_symbol(cls, symbol: str, path: tuple[str, ...]) -> Ref:
        return cls(Part.S, 0, tuple(path), symbol)

    @classmethod
    def parse(cls, text: str) -> Ref:
        """Parse `A:I.22`, `B:VI.al.5` (also `B:VI.al. 5`, `A:12.3`), `A/RES/80/228:op.5.b`."""
        cleaned = re.sub(r"\s+", "", text.strip())
        m = _REF_RE.match(cleaned)
        if m:
            try:
                number = meeting_number(m["meeting"])
            except ValueError as exc:
                raise ValueError(f"not a recueil reference: {text[:80]!r} ({exc})") from None
            return cls(Part(m["part"]), number, tuple(m["path"].split(".")))
        m = _SYMBOL_REF_RE.match(cleaned)
        if m and m["symbol"] not in ("A", "B", "S"):
            return cls.of_symbol(m["symbol"], tuple(m["path"].split(".")))
        raise ValueError(
            f"not a recueil reference: {text!r} (expected e.g. A:I.22, A:V.2.e, B:VI.al.5, "
            "A/RES/80/228:op.5.b)"
        )

    def __str__(self) -> str:
        if self.symbol:
            return f"{self.symbol}:" + ".".join(self.path)
        return f"{self.part}:{to_roman(self.meeting)}." + ".".join(self.path)

    @property
    def compendium_ref(self) -> str:
        """The reference as the 2021 compendium prints it (`I.22`, `VI.al. 5`)."""
        if self.symbol:
            return str(self)
        path = ".".join(self.path)
        if self.path[0] == "al":
            path = "al. " + ".".join(self.path[1:])
        return f"{to_roman(self.meeting)}.{path}"

    @property
    def is_preambular(self) -> bool:
        return self.path[0] in ("al", "pp")

    @property
    def depth(self) -> int:
        """How many path segments name the top-level paragraph (`al.5`, `op.5`, `145.12`: 2)."""
        return 2 if self.is_preambular or self.symbol else 1

    @property
    def number(self) -> str:
        """The top-level paragraph number (`22`, `b`, `al.5`, `op.5`, `145.12`)."""
        return ".".join(self.path[: self.depth])

    @property
    def sub(self) -> str | None:
        """The subparagraph path below the top level (`e`, `iii`, `b.iii`), if any."""
        return ".".join(self.path[self.depth :]) or None

    @property
    def parent(self) -> Ref | None:
        if len(self.path) <= self.depth:
            return None
        return Ref(self.part, self.meeting, self.path[:-1], self.symbol)

    def child(self, segment: str) -> Ref:
        return Ref(self.part, self.meeting, (*self.path, segment), self.symbol)

    def sort_key(self) -> tuple:
        """Document order: part, meeting, preamble before operative, numbers numerically."""

        def seg_key(i: int, seg: str) -> tuple[int, int, str]:
            if seg == "al" or (i == 0 and is_symbol_prefix(seg)):
                if seg in ("al", "pp"):
                    return (0, 0, "")
                return (0, 1, "") if seg == "op" else (0, 2 + int(seg[5:] or 0), "")
            if seg.isdigit():
                return (1, int(seg), "")
            prev = self.path[i - 1] if i else ""
            if (
                prev
                and not prev.isdigit()
                and prev != "al"
                and not (i == 1 and is_symbol_prefix(prev))
                and is_roman(seg)
            ):
                return (2, from_roman(seg), "")  # i, ii, iii under a lettered paragraph
            return (3, 0, seg)

        return (
            self.part.value,
            self.symbol or self.meeting,
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
    language: str | None = None  # ISO 639-1; None = the document's language
    recommending_states: list[str] = field(default_factory=list)  # UPR: "(Ecuador, Peru)"
    response: str | None = None  # UPR: an UprResponse value, where printed
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
