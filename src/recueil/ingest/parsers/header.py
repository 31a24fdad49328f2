"""Reads the cover block UN documents print above their first section (distribution, dates,
languages, body, session, venue, title) so every parser records the same facts the same way.

What is read (each field stays None when the document does not print it):

Every rule reads French and English (the tables `MONTHS`, `_LANGUAGES`, `_ORDINALS` and
the `_FR`/`_EN` patterns: another UN language is one more entry in each).

* `Distr. générale` / `Distr.: General` / `Distr. limitée` / `Distr.: Limited` →
  `distribution`; the date line under it (`26 juillet 2024`, `26 July 2024`) → `issued`;
  `Français` / `English` → `language`; `Original : anglais` / `Original: English` →
  `original_language` (as printed).
* `Conférence des Parties à la Convention …` / `Conference of the Parties …` →
  `conference`; `Groupe de travail sur …` / `Working Group on …` (a line of its own, or
  inside the title: "Rapport de la réunion du Groupe de travail … tenue à …", "Report on
  the meeting of the Working Group … held in …") → `working_group`; `body` is the more
  specific of the two.
* `Dixième session` / `Tenth session` → `session` = 10; `Septième réunion` / `Seventh
  meeting` → `meeting` = 7.
* `Vienne, 12-16 octobre 2020`, `Vienna, 12–16 October 2020`, "… tenue à Vienne les 11 et
  12 juillet 2024", "… held in Vienna on 11 and 12 July 2024" → `venue`, `date_text`,
  `start_date`, `end_date`.
* `Point 2 c) de l'ordre du jour provisoire*` / `Item 2 (c) of the provisional agenda*`
  → `agenda_item`, the paragraph after it →
  `agenda_title`; the next free paragraphs → `title`, then `subtitle` ("Rapport du
  Secrétariat", "Additif").
* `symbol`: a UN symbol standing alone on a line anywhere in the text (cover line or
  running page header such as `CTOC/COP/WG.7/2020/4`); never guessed.

The cover block ends at the first section heading (`I. Introduction`), numbered paragraph
or "Recommandation N" heading; `Header.end` is that line's 0-based index. Markdown
(`#`, `**`, `*`) is removed with `normalize.strip_markup` before anything is matched.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date

from recueil.ingest.normalize import fold_whitespace, strip_markup
from recueil.model import Distribution, ordinal_fr

__all__ = [
    "Header",
    "find_symbol",
    "find_venue_and_dates",
    "language_code",
    "ordinal_number",
    "parse_date",
    "parse_date_span",
    "parse_french_date",
    "plain_line",
    "read_header",
]

MONTHS = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
_LANGUAGES = {
    "français": "fr", "anglais": "en", "espagnol": "es", "arabe": "ar", "chinois": "zh",
    "russe": "ru",
    "english": "en", "french": "fr", "spanish": "es", "arabic": "ar", "chinese": "zh",
    "russian": "ru",
}  # fmt: skip
_ORDINALS_EN = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth", "twentieth",
)  # fmt: skip

_DAY = r"(\d{1,2})(?:er|re|st|nd|rd|th)?"
_MONTH = r"([^\W\d_]+)"
_YEAR = r"(\d{4})"
# "12-16 octobre 2020"
_SPAN_DASH_RE = re.compile(rf"^{_DAY}\s*[-–]\s*{_DAY}\s+{_MONTH}\s+{_YEAR}$")
# "les 11 et 12 juillet 2024", "du 30 mai au 1er juin 2012", "du 11 au 13 novembre 2013",
# "on 11 and 12 July 2024", "from 30 May to 1 June 2012", "30 May–1 June 2012"
_SPAN_WORDS_RE = re.compile(
    rf"^(?:(?:les|du|on|from)\s+)?{_DAY}(?:\s+{_MONTH})?(?:\s+{_YEAR})?"
    rf"\s*(?:\s(?:et|au|and|to)\s|[-–])\s*{_DAY}\s+{_MONTH}\s+{_YEAR}$"
)
# "26 juillet 2024", "le 8 septembre 2020", "on 8 September 2020"
_SINGLE_RE = re.compile(rf"^(?:(?:le|on)\s+)?{_DAY}\s+{_MONTH}\s+{_YEAR}$")

_DATES_TEXT = (
    r"(?:(?:les|le|du|on|from)\s+)?\d{1,2}(?:er|re|st|nd|rd|th)?\b[^.;\n]*?\b\d{4}"
)
# "Vienne, 12-16 octobre 2020"
_VENUE_LINE_RE = re.compile(rf"^(?P<venue>[^\W\d_][^\d,]*?),\s+(?P<dates>{_DATES_TEXT})$")
# "… tenue à Vienne les 11 et 12 juillet 2024", "qu'il a tenue a Vienne les 8 et 9 …"
# "… held in Vienna on 11 and 12 July 2024"
_HELD_AT_RE = re.compile(
    rf"\b(?:tenue\s+[àa]|held\s+(?:in|at))\s+"
    rf"(?P<venue>[A-ZÀ-Ý][\w\-]*(?:[ \-][A-ZÀ-Ý][\w\-]*)*)\s+(?P<dates>{_DATES_TEXT})"
)

_DISTRIBUTIONS = {
    "generale": Distribution.GENERAL, "limitee": Distribution.LIMITED,
    "general": Distribution.GENERAL, "limited": Distribution.LIMITED,
}  # fmt: skip
_DISTR_RE = re.compile(r"^Distr\.\s*:?\s*(?P<kind>[^\W\d_]+)", re.IGNORECASE)
_ORIGINAL_RE = re.compile(r"^Original\s*:\s*(?P<lang>\S.*?)\s*$", re.IGNORECASE)
_SESSION_RE = re.compile(r"^(?P<ord>[^\W\d_][\w\-]*)\s+session$", re.IGNORECASE)
_MEETING_RE = re.compile(r"^(?P<ord>[^\W\d_][\w\-]*)\s+(?:réunion|meeting)$", re.IGNORECASE)
_AGENDA_RE = re.compile(
    r"^(?:Point\s+\S.*\bordre\s+du\s+jour|Item\s+\S.*\bagenda)\b", re.IGNORECASE
)
_WORKING_GROUP_RE = re.compile(
    r"\b(?P<wg>(?:Groupe\s+de\s+travail\s+(?:sur|chargé|intergouvernemental)|"
    r"Working\s+Group\s+on)\b.*?)"
    r"(?=\s+(?:tenue|held)\b|\s*[,;:(]|\s*$)"
)
_CONFERENCE_RE = re.compile(r"^(?:Conférence|Conference)\s+(?:des|of\s+the)\s+Parties\b")
_WG_LINE_RE = re.compile(r"^(?:Groupe\s+de\s+travail|Working\s+Group)\b")
_SYMBOL_RE = re.compile(r"^[A-Z]{1,8}(?:/[A-Z0-9][A-Za-z0-9.\-]*)+$")
# Where the cover block ends: a section heading, a numbered paragraph, a recommendation.
_BODY_START_RE = re.compile(
    r"^(?:[IVX]+\.\s+\S|\d{1,3}\.\s+\S|Recomm[ae]ndation\s+\d+\s*$)"
)
_HEADING_MARKS_RE = re.compile(r"^\s*#+\s*")


def _fold(word: str) -> str:
    """Lowercase without accents: OCR and typists drop or swap them ("septiéme")."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_ORDINALS = (
    {_fold(ordinal_fr(n)): n for n in range(1, 21)}
    | {"premier": 1, "premiere": 1}
    | {word: n for n, word in enumerate(_ORDINALS_EN, 1)}
)


def ordinal_number(word: str) -> int | None:
    """`Dixième` → 10, `septiéme` → 7, `Twelfth` → 12 (case- and accent-insensitive);
    None if not an ordinal word."""
    return _ORDINALS.get(_fold(word.strip()))


def language_code(name: str | None) -> str | None:
    """`Français` → "fr"; None when unknown."""
    return _LANGUAGES.get(name.strip().lower()) if name else None


def plain_line(line: str) -> str:
    """A line without Markdown heading marks, emphasis, links or tags, trimmed."""
    return strip_markup(_HEADING_MARKS_RE.sub("", line)).strip()


def _month(name: str | None) -> int | None:
    return MONTHS.get(_fold(name)) if name else None


def _make_date(year: str | int, month: int | None, day: str | int) -> date | None:
    if month is None:
        return None
    try:
        return date(int(year), month, int(day))
    except ValueError:
        return None


def parse_french_date(text: str) -> date | None:
    """`26 juillet 2024`, `le 1er juin 2012`, `26 July 2024` → a date; None if the text is
    not one date (English month names are read too: the name is kept for its callers)."""
    m = _SINGLE_RE.match(fold_whitespace(text))
    return _make_date(m[3], _month(m[2]), m[1]) if m else None


parse_date = parse_french_date


def parse_date_span(text: str) -> tuple[date | None, date | None]:
    """First and last day of `12-16 octobre 2020`, `les 11 et 12 juillet 2024`,
    `du 30 mai au 1er juin 2012` or a single date; (None, None) if not understood."""
    text = fold_whitespace(text)
    m = _SPAN_DASH_RE.match(text)
    if m:
        month = _month(m[3])
        return _make_date(m[4], month, m[1]), _make_date(m[4], month, m[2])
    m = _SPAN_WORDS_RE.match(text)
    if m:
        end_month = _month(m[5])
        start_month = _month(m[2]) if m[2] else end_month
        start = _make_date(m[3] or m[6], start_month, m[1])
        return start, _make_date(m[6], end_month, m[4])
    single = parse_french_date(text)
    return single, single


def find_venue_and_dates(text: str) -> tuple[str, str] | None:
    """(`Vienne`, `les 8 et 9 septembre 2020`) from "… tenue à Vienne les 8 et 9 septembre
    2020" anywhere in `text`, or from a whole `Vienne, 12-16 octobre 2020` line."""
    text = fold_whitespace(text)
    m = _VENUE_LINE_RE.match(text)
    if m and parse_date_span(m["dates"])[0]:
        return m["venue"].strip(), m["dates"]
    for m in _HELD_AT_RE.finditer(text):
        if parse_date_span(m["dates"])[0]:
            return m["venue"], m["dates"]
    return None


def find_symbol(lines: list[str]) -> str | None:
    """The UN symbol printed alone on a line (cover or running header), most frequent first."""
    counts: Counter[str] = Counter()
    for line in lines:
        atom = plain_line(line)
        if _SYMBOL_RE.match(atom) and any(ch.isdigit() for ch in atom):
            counts[atom] += 1
    if not counts:
        return None
    return counts.most_common(1)[0][0]


@dataclass
class Header:
    """The facts printed in a document's cover block (None = not printed)."""

    end: int = 0  # 0-based index of the first line after the cover block
    symbol: str | None = None
    distribution: Distribution | None = None
    issued: date | None = None
    language: str | None = None  # as printed: "Français"
    original_language: str | None = None  # as printed: "anglais"
    conference: str | None = None  # "Conférence des Parties à la Convention …"
    working_group: str | None = None  # "Groupe de travail sur le trafic illicite de migrants"
    session: int | None = None
    meeting: int | None = None
    venue: str | None = None
    date_text: str | None = None  # as printed: "12-16 octobre 2020"
    start_date: date | None = None
    end_date: date | None = None
    agenda_item: str | None = None  # "Point 2 c) de l'ordre du jour provisoire"
    agenda_title: str | None = None
    title: str | None = None
    subtitle: str | None = None  # "Rapport du Secrétariat", "Additif"

    @property
    def body(self) -> str | None:
        """The most specific body printed: the Working Group, else the Conference."""
        return self.working_group or self.conference

    @property
    def is_draft(self) -> bool:
        return self.distribution == Distribution.LIMITED or bool(
            self.title and re.match(r"^Projet\s+de\s+rapport\b", self.title)
        )


def _cover_end(lines: list[str]) -> int:
    for i, line in enumerate(lines):
        if _BODY_START_RE.match(plain_line(line)):
            return i
    return len(lines)


class _CoverReader:
    def __init__(self, header: Header) -> None:
        self.h = header
        self.free: list[str] = []  # lines of the free-text paragraph being read
        self.after_agenda = False

    def flush(self) -> None:
        if not self.free:
            return
        text = fold_whitespace(strip_markup(" ".join(self.free)))
        self.free = []
        h = self.h
        if self.after_agenda and h.agenda_title is None:
            h.agenda_title = text
        elif h.title is None:
            h.title = text
            self._from_title(text)
        elif h.subtitle is None:
            h.subtitle = text
        self.after_agenda = False

    def _from_title(self, title: str) -> None:
        h = self.h
        wg = _WORKING_GROUP_RE.search(title)
        if wg and h.working_group is None:
            h.working_group = wg["wg"]
        if h.venue is None:
            self.venue(title)

    def venue(self, text: str) -> bool:
        found = find_venue_and_dates(text)
        if not found:
            return False
        h = self.h
        h.venue, h.date_text = found
        h.start_date, h.end_date = parse_date_span(h.date_text)
        return True

    def line(self, raw: str) -> None:
        h = self.h
        plain = plain_line(raw)
        if not plain:
            self.flush()
            return
        if m := _DISTR_RE.match(plain):
            h.distribution = _DISTRIBUTIONS.get(_fold(m["kind"]))
        elif (d := parse_french_date(plain)) is not None and h.issued is None:
            h.issued = d
        elif plain.lower() in _LANGUAGES and h.language is None:
            h.language = plain
        elif m := _ORIGINAL_RE.match(plain):
            h.original_language = m["lang"]
        elif _CONFERENCE_RE.match(plain) and h.conference is None:
            h.conference = plain
        elif _WG_LINE_RE.match(plain) and h.working_group is None:
            h.working_group = plain
        elif (m := _SESSION_RE.match(plain)) and ordinal_number(m["ord"]):
            h.session = ordinal_number(m["ord"])
        elif (m := _MEETING_RE.match(plain)) and ordinal_number(m["ord"]):
            h.meeting = ordinal_number(m["ord"])
        elif _VENUE_LINE_RE.match(plain) and h.venue is None and self.venue(plain):
            pass
        elif _AGENDA_RE.match(plain):
            self.flush()
            h.agenda_item = plain.rstrip("*").rstrip()
            self.after_agenda = True
            return
        else:
            # Free text: keep the markup until the paragraph is joined (bold may span lines).
            self.free.append(_HEADING_MARKS_RE.sub("", raw).strip())
            return
        self.flush()


def read_header(lines: list[str]) -> Header:
    """Read the cover block at the top of `lines` (and the symbol wherever it stands alone)."""
    header = Header(end=_cover_end(lines), symbol=find_symbol(lines))
    reader = _CoverReader(header)
    for raw in lines[: header.end]:
        reader.line(raw)
    reader.flush()
    return header
