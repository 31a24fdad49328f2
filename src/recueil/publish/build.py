"""Builds the publication from the database: meetings in order, items, and the thematic index.

Reads only through `recueil.store.queries` (adopted items; imported and curated theme
assignments), so any set of meetings and sessions can be published, always up to date.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from recueil.model import Part, Ref, meeting_number, ordinal_fr, to_roman
from recueil.publish.model import (
    Cluster,
    IndexLine,
    IndexTheme,
    Instrument,
    PubItem,
    Publication,
    PubMeeting,
)
from recueil.publish.refs import compress_paragraphs, compress_refs, join_fr
from recueil.publish.typography import collation_key

TITLE = (
    "Trafic illicite de personnes migrantes : Recueil et index thématique des "
    "recommandations, résolutions et décisions"
)
INDEX_NOTE = [
    "Note : Les zones grisées de l'index contiennent des références aux résolutions et "
    "décisions de la Conférence des Parties.",
    "L'abréviation « al. » signifie alinéa du préambule.",
]
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip
LANGUAGES = ("fr",)


class SelectionError(ValueError):
    """A --meetings value that names no meeting the way recueil writes them."""


@dataclass(frozen=True)
class MeetingRange:
    part: Part
    first: int | None  # None = the whole part
    last: int | None

    def __contains__(self, key: tuple[str, int]) -> bool:
        part, number = key
        if part != self.part.value:
            return False
        return self.first is None or self.first <= number <= (self.last or self.first)


_SELECTION_RE = re.compile(
    r"^(?P<part>[AB])(?::(?P<first>[IVXLC]+|\d+)(?:-(?P<last>[IVXLC]+|\d+))?)?$"
)


def parse_selection(values: Iterable[str]) -> list[MeetingRange]:
    """`A:I-VI`, `B:VI`, `A:7`, `A` (a whole part); several values or comma-separated."""
    out = []
    for value in values:
        for token in filter(None, (t.strip() for t in value.split(","))):
            m = _SELECTION_RE.match(token.upper())
            if not m:
                raise SelectionError(
                    f"not a meeting selection: {token!r} (expected e.g. A:I-VI, B:VI, A:7, A)"
                )

            def num(text: str | None) -> int | None:
                if text is None:
                    return None
                return meeting_number(text)

            first, last = num(m["first"]), num(m["last"])
            if first is not None and last is not None and last < first:
                raise SelectionError(f"empty meeting range: {token!r}")
            out.append(MeetingRange(Part(m["part"]), first, last))
    return out


# --- Dates ------------------------------------------------------------------------------


def french_date(d: date) -> str:
    day = "1er" if d.day == 1 else str(d.day)
    return f"{day} {MONTHS[d.month - 1]} {d.year}"


def french_date_range(start: date | None, end: date | None) -> str | None:
    """As UN documents print meeting dates: "du 11 au 13 novembre 2013", "les 4 et 5 juillet
    2018", "du 30 mai au 1er juin 2012", "le 8 septembre 2020"."""
    if start is None:
        return None
    if end is None or end == start:
        return f"le {french_date(start)}"
    d1 = "1er" if start.day == 1 else str(start.day)
    if (start.year, start.month) == (end.year, end.month):
        word, link = ("les", "et") if (end - start).days == 1 else ("du", "au")
        return f"{word} {d1} {link} {french_date(end)}"
    if start.year == end.year:
        return f"du {d1} {MONTHS[start.month - 1]} au {french_date(end)}"
    return f"du {french_date(start)} au {french_date(end)}"


# --- Parts A and B ------------------------------------------------------------------------


def _label(ref: Ref) -> str:
    if ref.is_preambular and len(ref.path) == 2:
        return ""
    last = ref.path[-1]
    return f"{last}." if last.isdigit() else f"{last})"


def _item(node: dict) -> PubItem:
    ref = Ref.parse(node["ref"])
    return PubItem(
        ref=ref,
        label=_label(ref),
        text=node["text"],
        kind=node["kind"],
        children=[_item(c) for c in node["children"]],
    )


def _meeting(row: dict) -> PubMeeting:
    part = Part(row["part"])
    meeting = PubMeeting(
        part=part,
        number=row["number"],
        roman=to_roman(row["number"]),
        title=row["title"],
        dates=row["date_text"] or french_date_range(row["start_date"], row["end_date"]),
        symbol=row["report_symbol"],
    )
    if part == Part.A:
        for node in row["items"]:
            heading = node["section"]
            if not meeting.clusters or meeting.clusters[-1].heading != heading:
                meeting.clusters.append(Cluster(heading, []))
            meeting.clusters[-1].items.append(_item(node))
        return meeting
    for node in row["items"]:
        name = node["instrument"] or (row["instruments"] or [""])[0]
        if not meeting.instruments or meeting.instruments[-1].name != name:
            title = None
            section = node["section"] or ""
            if " — " in section:
                title = section.split(" — ", 1)[1]
            meeting.instruments.append(Instrument(name, title, [], []))
        item = _item(node)
        target = meeting.instruments[-1].preamble if item.ref.is_preambular else None
        (target if target is not None else meeting.instruments[-1].operative).append(item)
    return meeting


# --- Thematic index -----------------------------------------------------------------------


def _most_common(values: Iterable[str | None]) -> str | None:
    counts = Counter(v for v in values if v)
    return counts.most_common(1)[0][0] if counts else None


def index_line(rows: Sequence[dict]) -> IndexLine:
    """The printed line for one theme's assignments in one meeting or session."""
    rows = sorted(rows, key=lambda r: Ref.parse(r["ref"]).sort_key())
    refs = [Ref.parse(r["ref"]) for r in rows]
    part = refs[0].part
    paragraphs, recommendations = [], []
    for r in rows:
        if part == Part.A and r["recommendation_number"]:
            recommendations.append(r["recommendation_number"])
        elif r["report_paragraph"]:
            paragraphs.append(r["report_paragraph"])
    return IndexLine(
        part=part,
        meeting=refs[0].meeting,
        refs=compress_refs(refs),
        symbol=_most_common(r["symbol"] for r in rows) or rows[0]["meeting_symbol"],
        instrument=_most_common(r["instrument"] for r in rows) if part == Part.B else None,
        paragraph=compress_paragraphs(paragraphs) if paragraphs else None,
        recommendation=compress_paragraphs(recommendations) if recommendations else None,
        items=refs,
    )


def build_index(assignments: Sequence[dict]) -> list[IndexTheme]:
    """One row group per theme, alphabetical in French; per theme one line per meeting,
    Part A lines first, then Part B."""
    by_theme: dict[str, dict[tuple[str, int], list[dict]]] = defaultdict(lambda: defaultdict(list))
    parents: dict[str, str | None] = {}
    for a in assignments:
        by_theme[a["theme"]][(a["part"], a["meeting"])].append(a)
        parents[a["theme"]] = a["theme_parent"]
    themes = []
    for label in sorted(by_theme, key=collation_key):
        groups = by_theme[label]
        lines = [index_line(groups[key]) for key in sorted(groups)]
        themes.append(IndexTheme(label, parents[label], lines))
    return themes


# --- The publication -------------------------------------------------------------------


def _roman_series(numbers: Sequence[int]) -> str:
    """ "I à VII et XI" (runs of three or more as ranges, as the index writes them)."""
    numbers = sorted(set(numbers))
    out: list[str] = []
    start = 0
    for i in range(1, len(numbers) + 1):
        if i == len(numbers) or numbers[i] != numbers[i - 1] + 1:
            run = numbers[start:i]
            if len(run) >= 3:
                out.append(f"{to_roman(run[0])} à {to_roman(run[-1])}")
            else:
                out.extend(to_roman(n) for n in run)
            start = i
    return join_fr(out)


def _span(numbers: Sequence[int], noun: str) -> str:
    """ "de sa première à sa sixième réunion" when contiguous from 1, else "à ses réunions
    I à VII et XI"."""
    numbers = sorted(numbers)
    if numbers == list(range(1, len(numbers) + 1)):
        if len(numbers) == 1:
            return f"à sa première {noun}"
        return f"de sa première à sa {ordinal_fr(numbers[-1]).lower()} {noun}"
    return f"à ses {noun}s {_roman_series(numbers)}"


def _years(meetings: Sequence[dict]) -> str:
    years = sorted({m["start_date"].year for m in meetings if m["start_date"]})
    if not years:
        return ""
    return f" ({years[0]})" if len(years) == 1 else f" (de {years[0]} à {years[-1]})"


def _introduction(
    a_rows: list[dict], b_rows: list[dict], assignments: Sequence[dict], themes: int, when: date
) -> list[str]:
    out = [
        "Le présent recueil rassemble les recommandations adoptées par le Groupe de travail "
        "sur le trafic illicite de migrants et les résolutions et décisions pertinentes "
        "adoptées par la Conférence des Parties à la Convention des Nations Unies contre la "
        "criminalité transnationale organisée, telles qu'elles sont enregistrées dans la base "
        "de données à la date de la présente édition. Seuls les textes adoptés y figurent ; "
        "les projets n'y figurent pas."
    ]
    if a_rows:
        n = sum(len(m["items"]) for m in a_rows)
        out.append(
            f"La partie A contient les {n} recommandations adoptées par le Groupe de travail "
            f"{_span([m['number'] for m in a_rows], 'réunion')}{_years(a_rows)}, "
            "dans l'ordre chronologique des réunions."
        )
    if b_rows:
        names = [i for m in b_rows for i in m["instruments"]]
        listed = join_fr([n[0].lower() + n[1:] for n in names])
        out.append(
            "La partie B contient les résolutions et décisions adoptées par la Conférence des "
            f"Parties {_span([m['number'] for m in b_rows], 'session')}{_years(b_rows)}"
            + (f" : {listed}" if listed else "")
            + ". Elle en reproduit les alinéas du préambule et les paragraphes du dispositif."
        )
    if assignments:
        origins = Counter(a["origin"] for a in assignments)
        sources = []
        if origins.get("imported"):
            sources.append(f"{origins['imported']} repris de l'index thématique publié")
        if origins.get("curated"):
            sources.append(f"{origins['curated']} établis par les éditeurs")
        out.append(
            f"L'index thématique compte {themes} thèmes et {len(assignments)} rattachements "
            f"({join_fr(sources)}) ; une même recommandation peut se rattacher à plusieurs "
            "thèmes. Les références aux résolutions et décisions de la Conférence des Parties "
            "y figurent dans les zones grisées, et l'abréviation « al. » y désigne un alinéa "
            "du préambule (par exemple, al. 5 pour le cinquième alinéa)."
        )
    out.append(f"Édition produite le {french_date(when)}.")
    return out


def build_publication(
    store,
    *,
    meetings: Sequence[str] | None = None,
    lang: str = "fr",
    generated: date | None = None,
) -> Publication:
    """The publication for the selected meetings (default: every adopted item)."""
    from recueil.store import queries

    if lang not in LANGUAGES:
        raise ValueError(
            f"no publication language {lang!r} yet (available: {', '.join(LANGUAGES)})"
        )
    rows = store.run(queries.publication_meetings)
    if meetings:
        ranges = parse_selection(meetings)
        rows = [m for m in rows if any((m["part"], m["number"]) in r for r in ranges)]
        if not rows:
            raise SelectionError(f"no adopted items in the selected meetings {list(meetings)}")
    keys = [(m["part"], m["number"]) for m in rows]
    assignments = store.run(queries.publication_assignments, keys)
    a_rows = [m for m in rows if m["part"] == Part.A.value]
    b_rows = [m for m in rows if m["part"] == Part.B.value]
    index = build_index(assignments)
    when = generated or date.today()
    return Publication(
        title=TITLE,
        subtitle=f"Édition produite à partir de la base de données recueil le {french_date(when)}",
        generated=when,
        lang=lang,
        intro=_introduction(a_rows, b_rows, assignments, len(index), when),
        part_a_heading="A. Recommandations adoptées par le Groupe de travail "
        + _span([m["number"] for m in a_rows], "réunion"),
        part_b_heading="B. Résolutions et décisions adoptées par la Conférence des Parties "
        + _span([m["number"] for m in b_rows], "session"),
        part_a=[_meeting(m) for m in a_rows],
        part_b=[_meeting(m) for m in b_rows],
        index=index,
        index_note=INDEX_NOTE,
    )
