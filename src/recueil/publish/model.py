"""The publication as plain records: what every renderer (HTML, PDF, DOCX, Markdown) draws.

Built once from the database by `publish.build`; renderers only lay it out, so the four
formats always carry the same meetings, items and index rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from recueil.model import Part, Ref


@dataclass
class PubItem:
    """A recommendation or COP paragraph with its subparagraphs, ready to print."""

    ref: Ref
    label: str  # as printed before the text: "12.", "a)", "iii)"; "" for preambular
    text: str
    kind: str
    children: list[PubItem] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return "item-" + str(self.ref).replace(":", "-").replace(".", "-")

    @property
    def margin_label(self) -> str | None:
        """Preambular paragraphs are unnumbered in print; the index cites them as `al. N`."""
        return f"al. {self.ref.path[1]}" if self.ref.is_preambular else None

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Cluster:
    """The items of a meeting under one cluster heading ("A. Recommandations …"), or none."""

    heading: str | None
    items: list[PubItem]


@dataclass
class Instrument:
    """A COP decision or resolution: its name, title, preamble and operative paragraphs."""

    name: str  # "Décision 1/6"
    title: str | None
    preamble: list[PubItem]
    operative: list[PubItem]


@dataclass
class PubMeeting:
    part: Part
    number: int
    roman: str
    title: str  # "Première réunion"
    dates: str | None  # "du 30 mai au 1er juin 2012"
    symbol: str | None
    clusters: list[Cluster] = field(default_factory=list)  # Part A
    instruments: list[Instrument] = field(default_factory=list)  # Part B

    @property
    def heading(self) -> str:
        return f"{self.roman}. {self.title}" + (f", {self.dates}" if self.dates else "")

    @property
    def anchor(self) -> str:
        return f"meeting-{self.part}-{self.roman}"

    @property
    def items(self) -> list[PubItem]:
        """Top-level items in print order."""
        if self.part == Part.A:
            return [i for c in self.clusters for i in c.items]
        return [i for ins in self.instruments for i in (*ins.preamble, *ins.operative)]


@dataclass
class IndexLine:
    """One printed line of the thematic index: one meeting or session's citations."""

    part: Part
    meeting: int
    refs: str  # "II.17 à 23"
    symbol: str | None
    instrument: str | None
    paragraph: str | None
    recommendation: str | None
    items: list[Ref]

    @property
    def shaded(self) -> bool:
        """Part B lines are the original's "zones grisées"."""
        return self.part == Part.B


@dataclass
class IndexTheme:
    label: str
    parent: str | None
    lines: list[IndexLine]  # Part A lines first, then Part B, each in meeting order

    @property
    def parts(self) -> list[Part]:
        return sorted({line.part for line in self.lines}, key=lambda p: p.value)

    def display_rows(self) -> list[tuple[str, Part, IndexLine | None]]:
        """Rows as printed: ("marker", part, None) for a "Partie A"/"Partie B" row, then
        ("line", part, line). "Partie A" is printed only when the theme also has Part B
        lines; "Partie B" always opens the (shaded) Part B lines."""
        rows: list[tuple[str, Part, IndexLine | None]] = []
        both = len(self.parts) == 2
        previous = None
        for line in self.lines:
            if line.part != previous and (both or line.part == Part.B):
                rows.append(("marker", line.part, None))
            previous = line.part
            rows.append(("line", line.part, line))
        return rows

    @property
    def part_a(self) -> list[IndexLine]:
        return [line for line in self.lines if line.part == Part.A]

    @property
    def part_b(self) -> list[IndexLine]:
        return [line for line in self.lines if line.part == Part.B]


@dataclass
class TocEntry:
    level: int  # 1, 2, 3
    text: str
    anchor: str


@dataclass
class Publication:
    title: str
    subtitle: str
    generated: date
    lang: str
    intro: list[str]
    part_a_heading: str
    part_b_heading: str
    part_a: list[PubMeeting]
    part_b: list[PubMeeting]
    index: list[IndexTheme]
    index_note: list[str]
    #: The optional statistics annex (`publish.statistics.Statistics`), None by default.
    statistics: object | None = None

    BODY_HEADING = "Recueil des recommandations et des résolutions et décisions pertinentes"
    INDEX_HEADING = (
        "Index thématique des recommandations et des résolutions et décisions pertinentes"
    )
    INDEX_COLUMNS = (
        "Thème",
        "Paragraphe/recommandations dans le recueil (section/paragraphe/alinéa)",
        "Cote",
        "Résolution/décision",
        "Paragraphe",
        "Recommandations",
    )

    def toc(self) -> list[TocEntry]:
        entries = [
            TocEntry(1, "Introduction", "introduction"),
            TocEntry(1, self.BODY_HEADING, "recueil"),
        ]
        if self.part_a:
            entries.append(TocEntry(2, self.part_a_heading, "part-A"))
            entries += [TocEntry(3, m.heading, m.anchor) for m in self.part_a]
        if self.part_b:
            entries.append(TocEntry(2, self.part_b_heading, "part-B"))
            entries += [TocEntry(3, m.heading, m.anchor) for m in self.part_b]
        if self.index:
            entries.append(TocEntry(1, self.INDEX_HEADING, "index"))
        if self.statistics is not None:
            entries.append(TocEntry(1, self.statistics.heading, self.statistics.ANCHOR))
        return entries
