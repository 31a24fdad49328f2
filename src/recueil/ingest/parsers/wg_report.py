"""Reads a Working Group report (or its draft addendum) into its adopted recommendations and
its numbered paragraphs, from Markdown converted from PDF or from OCR plain text.

The reports are the primary source of every recommendation adopted after the compendium
(2021), and of the drafts the Working Group discussed. Layout rules, taken from the files:

* The cover block is read by `parsers.header`; the body starts at the first section heading.
* Headings: `II. Recommandations` (roman: a section), `A. …` (lettered), `1. …` when the
  number is not the next paragraph number and the line stands alone without final
  punctuation, and unnumbered lines standing alone after a finished sentence ("Déclarations",
  "Conseil de sécurité"). A lone label line ("A.", "IV.") is an OCR split: it is kept and
  put in front of the next heading ("IV." printed in the middle of paragraph 16 of the 2020
  report belongs to "Organisation de la réunion").
* A cluster heading is a lettered heading starting "Recommandations …" (or a lone letter
  followed by such a line); it runs over every line (blank lines included: OCR splits it)
  up to the next "Recommandation N" heading, and becomes each following item's `section`.
* "Recommandation N" (plain, `*…*`, `### *…*`) opens item N: its text runs to the next
  recommendation, heading or numbered paragraph. Lettered lines `a)`, `- a)` in sequence
  are its subparagraphs; when the letters are printed inline after a colon ("… : a) … ;
  b) …") the line is split at them (Markdown sources only, where the raw text is the
  structure text). The parent keeps the chapeau.
* Numbered paragraphs (`1. En application …`) must follow one another (1, 2, 3 …); a number
  out of sequence is text (an agenda list) or a numbered heading. Footnote bodies (lines
  starting with a superscript digit or `* `) and page furniture belong to no paragraph.

* French and English: "Recommandation N" / "Recommendation N", "Recommandations …" /
  "Recommendations …", `a)` / `(a)`, "La septième réunion … s'est tenue" / "The seventh
  meeting … was held" (see `_REC_WORDS`, `_CLUSTER_WORDS`, `_MEETING_HELD_RE`); the
  document's language is the one printed on the cover, else the one of its headings.
* A "Recommandation N" glued to the end or start of a paragraph is split onto its own
  line first when N is the next number (`split_glued_headings`).
* No silent loss (`ingest.sequence_check`): recommendation numbers must run 1, 2, 3 …
  (from any number in a draft addendum), a numbered paragraph out of sequence, a skipped
  subparagraph letter and a glued heading that is not the next number are gaps on
  `ParsedDocument.gaps` (the pipeline refuses the file unless --accept-gaps).
* The meeting: printed ordinal (cover line or "… s'est tenue"), else the manifest or
  --meeting; a given number contradicting the ordinal, or the number of earlier meetings
  whose dates the introduction lists, is an error.

OCR text (no Markdown, with OCR artefacts) is first repaired by `ingest.ocr.repair`, which
keeps the line count: structure is read from the repaired lines, `raw_text` is the same
line range of the original text, and `text` is `clean_text(dehyphenate(repaired slice))`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from recueil.ingest.errors import IngestError
from recueil.ingest.normalize import FOOTNOTE_MARKS, clean_text
from recueil.ingest.ocr import dehyphenate, is_furniture_line, repair
from recueil.ingest.parsers.header import (
    Header,
    find_symbol,
    find_venue_and_dates,
    language_code,
    ordinal_number,
    parse_date_span,
    plain_line,
    read_header,
)
from recueil.ingest.sequence_check import Gap, check_sequence, heading_inside
from recueil.model import (
    DocumentKind,
    ItemKind,
    ParsedDocument,
    ParsedItem,
    ParsedMeeting,
    ParsedParagraph,
    Part,
    Ref,
    Status,
    ordinal_fr,
)

__all__ = ["Body", "Unit", "is_ocr_text", "parse_wg_report", "read_body", "unit_raw", "unit_text"]

# Rule tables in French and English (one alternative per language: another UN language
# is one more alternative in _REC_WORDS, _CLUSTER_WORDS, _MEETING_HELD_RE, _WG_NAME_RE).
_REC_WORDS = {"fr": "Recommandation", "en": "Recommendation"}
_CLUSTER_WORDS = {"fr": "Recommandations", "en": "Recommendations"}
_REC_RE = re.compile(rf"^(?:{'|'.join(_REC_WORDS.values())})\s+(?P<n>\d{{1,3}})\s*$")
_ROMAN_RE = re.compile(r"^(?P<label>[IVX]+)\.\s+(?P<title>\S.*)$")
_LETTER_RE = re.compile(r"^(?P<label>[A-H])\.\s+(?P<title>\S.*)$")
_LONE_LABEL_RE = re.compile(r"^(?:[IVX]+|[A-H])\.$")
_NUMBER_RE = re.compile(r"^(?P<n>\d{1,3})\.\s+(?P<rest>\S.*)$")
_NUMBER_LABEL_RE = re.compile(r"^\s*\d{1,3}\.\s+")
# "a) …" (French), "(a) …" (English)
_SUB_RE = re.compile(r"^(?:[-*]\s+)?\*?\(?(?P<letter>[a-z])\)\*?\s+\S")
_SUB_LABEL_RE = re.compile(r"^\s*(?:[-*]\s+)?\*?\(?[a-z]\)\*?\s+")
_FOOTNOTE_RE = re.compile(f"^(?:[{FOOTNOTE_MARKS}]+|\\*{{1,3}})\\s+\\S")
_DASHES_RE = re.compile(r"^[-–—_*\s]+$")
_SENTENCE_END = (".", "!", "?", "…")
_CLUSTER_START_RE = re.compile(rf"^(?:{'|'.join(_CLUSTER_WORDS.values())})\b")
_INLINE_SUB_RE = re.compile(r"(?<=[:;])\s+(?P<mark>\(?(?P<letter>[a-z])\))\s+")
# A "Recommandation N" heading glued to the end of the previous paragraph's last line, or
# to the start of its own text ("… clandestine. Recommandation 21", "Recommendation 3 States
# parties …"): a layout that lost the heading's own line (PDF, HTML, DOCX one paragraph
# per block). The line is split in two before reading (only when N is the next number).
_GLUED_REC_RE = re.compile(
    rf"^(?P<before>.*?\S[.;:!?»)\]*])?[ \t]*(?P<heading>\**(?:{'|'.join(_REC_WORDS.values())})"
    r"\s+(?P<n>\d{1,3})\**)(?:[ \t]+(?P<after>\S.*))?$"
)
_MARKDOWN_RE = re.compile(r"^#{1,6}\s|\*\*|<sup>|\]\(", re.MULTILINE)
_OCR_SIGNS_RE = re.compile(r"[¢™]|(?<![\w’'])[1I]’(?=[aeiouyhé])|\bEtats\b|(?<=\w)é(?=tes\b)")
_MEETING_HELD_RE = re.compile(
    r"\b[Ll]a\s+(?P<ord>[^\W\d_][\w\-]*)\s+réunion\s+du\s+Groupe\s+de\s+travail\b[^.]*?"
    r"\bs[’']est\s+tenue\b"
    r"|\b[Tt]he\s+(?P<ord_en>[^\W\d_][\w\-]*)\s+meeting\s+of\s+the\s+Working\s+Group\b"
    r"[^.]*?\bwas\s+held\b"
)
# "Les précédentes réunions du Groupe de travail se sont tenues du … 2012, …, et les 5 et
# 6 octobre 2023." / "Previous meetings of the Working Group were held …": the dates of
# every earlier meeting, so this one is their number + 1.
_PREVIOUS_RE = re.compile(
    r"(?:[Ll]es\s+précédentes\s+réunions\s+du\s+Groupe\s+de\s+travail\s+se\s+sont\s+tenues"
    r"|[Pp]revious\s+meetings\s+of\s+the\s+Working\s+Group\s+(?:were|had\s+been)\s+held)"
    r"(?P<dates>[^.]*)\."
)
_YEAR_RE = re.compile(r"\b(?:19|20)\d\d\b")
_SYMBOL_BREAK_RE = re.compile(r"(?<=[A-Z]/)[ \t]*\n[ \t]*(?=[A-Z])")
_WG_NAME_RE = re.compile(
    r"Groupe\s+de\s+travail\s+sur\s+le\s+trafic\s+illicite\s+de\s+migrants"
    r"|Working\s+Group\s+on\s+the\s+Smuggling\s+of\s+Migrants"
)


def is_ocr_text(text: str) -> bool:
    """Plain text (no Markdown) showing several OCR misreadings (`¢`, `I’`, `Etats` …)."""
    return not _MARKDOWN_RE.search(text) and len(_OCR_SIGNS_RE.findall(text)) >= 3


# --- Reading the body into units ------------------------------------------------------------


@dataclass
class Unit:
    """A paragraph, recommendation or subparagraph: where it starts and its text lines."""

    kind: str  # "paragraph" | "recommendation" | "subparagraph"
    number: str
    line: int  # 0-based index of its first line (label or heading)
    section: str | None = None
    content: list[int] = field(default_factory=list)  # 0-based indices of its text lines
    children: list[Unit] = field(default_factory=list)
    inline: tuple[str, str] | None = None  # (raw, structure) text when split from one line

    @property
    def last(self) -> int:
        return self.content[-1] if self.content else self.line


@dataclass
class Body:
    paragraphs: list[Unit] = field(default_factory=list)
    recommendations: list[Unit] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)  # (0-based line, text)
    warnings: list[str] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)  # see ingest.sequence_check


class _BodyReader:
    def __init__(self, lines: list[str], path: str | None, symbols: list[str]) -> None:
        self.lines = lines
        self.plain = [plain_line(line) for line in lines]
        self.path = path
        self.symbols = symbols
        self.body = Body()
        self.current: Unit | None = None  # paragraph or recommendation being read
        self.sub: Unit | None = None  # its open subparagraph
        self.section: str | None = None  # nearest heading
        self.cluster: str | None = None  # cluster heading of the recommendations
        self.cluster_lines: list[int] | None = None  # cluster heading being collected
        self.pending_label: str | None = None
        self.expected: int | None = None  # next paragraph number

    # -- line kinds --

    def is_blank(self, i: int) -> bool:
        p = self.plain[i]
        return (
            not p
            or bool(_DASHES_RE.match(p))
            or is_furniture_line(p, self.symbols)
            or bool(_FOOTNOTE_RE.match(self.lines[i].strip()))
        )

    def standalone(self, i: int) -> bool:
        """Blank (or nothing) on both sides of line i."""
        before = i == 0 or self.is_blank(i - 1)
        after = i + 1 >= len(self.lines) or self.is_blank(i + 1)
        return before and after

    def sentence_done(self) -> bool:
        """Does the text read so far end a sentence (so a heading may follow)?"""
        unit = self.sub or self.current
        if unit is None or not unit.content:
            return True
        return self.plain[unit.content[-1]].rstrip(" *»").endswith(_SENTENCE_END)

    def heading_like(self, i: int) -> bool:
        p = self.plain[i]
        return (
            len(p) <= 160
            and not p.endswith((".", ",", ";", ":"))
            and self.standalone(i)
            and self.sentence_done()
            and not self.next_text(i)[:1].islower()  # a wrapped line goes on in lower case
        )

    def next_text(self, i: int) -> str:
        """The next non-blank line after i (plain), or ""."""
        for j in range(i + 1, min(i + 6, len(self.lines))):
            if not self.is_blank(j):
                return self.plain[j]
        return ""

    # -- actions --

    def close(self) -> None:
        if self.current is not None:
            target = (
                self.body.recommendations
                if self.current.kind == "recommendation"
                else self.body.paragraphs
            )
            target.append(self.current)
        self.current = self.sub = None

    def heading(self, i: int, text: str, *, roman: bool = False) -> None:
        self.close()
        if self.pending_label and not re.match(r"^(?:[IVX]+|[A-H])\.\s", text):
            text = f"{self.pending_label} {text}"
        self.pending_label = None
        text = clean_text(text)
        self.section = text
        if roman:
            self.cluster = None
        self.body.headings.append((i, text))

    def add(self, i: int) -> None:
        unit = self.sub or self.current
        if unit is None:
            self.body.warnings.append(
                f"line {i + 1}: text outside any paragraph: {self.plain[i]!r}"
            )
        else:
            unit.content.append(i)

    def finish_cluster(self) -> None:
        lines = [self.lines[j] for j in self.cluster_lines or []]
        text = clean_text(dehyphenate("\n".join(plain_line(s) for s in lines if s.strip())))
        if self.pending_label:
            text = f"{self.pending_label} {text}"
        self.pending_label = None
        self.cluster = self.section = text
        self.body.headings.append(((self.cluster_lines or [0])[0], text))
        self.cluster_lines = None

    def read(self, start: int) -> Body:
        i = start
        while i < len(self.lines):
            if self.step(i):
                i += 1
        self.close()
        if self.cluster_lines is not None:
            self.finish_cluster()
        return self.body

    def step(self, i: int) -> bool:
        """Read line i; False asks for the same line again (after a state change)."""
        p = self.plain[i]
        if self.cluster_lines is not None:
            if _REC_RE.match(p) or _ROMAN_RE.match(p) or self.is_paragraph(p):
                self.finish_cluster()
                return False
            if not self.is_blank(i):
                self.cluster_lines.append(i)
            return True
        if self.is_blank(i):
            return True
        if _LONE_LABEL_RE.match(p):
            self.pending_label = p
            return True
        if m := _REC_RE.match(p):
            self.close()
            self.current = Unit("recommendation", m["n"], i, section=self.cluster)
            return True
        if _ROMAN_RE.match(p) and self.sentence_done() and not p.endswith((".", ";", ",")):
            self.heading(i, p, roman=True)
            return True
        if (m := _LETTER_RE.match(p)) and self.sentence_done() and not p.endswith((".", ";")):
            if _CLUSTER_START_RE.match(m["title"]):
                self.close()
                self.pending_label = None
                self.cluster_lines = [i]
            else:
                self.heading(i, p)
            return True
        if self.pending_label and _CLUSTER_START_RE.match(p) and self.sentence_done():
            self.close()
            self.cluster_lines = [i]
            return True
        if m := _NUMBER_RE.match(p):
            n = int(m["n"])
            if (self.expected is None and not self.heading_like(i)) or n == self.expected:
                self.close()
                self.current = Unit("paragraph", m["n"], i, section=self.section)
                self.current.content.append(i)
                self.expected = n + 1
                return True
            if self.heading_like(i):
                self.heading(i, p)
                return True
            if self.expected is not None and n > self.expected and self.standalone_start(i):
                self.body.gaps.append(Gap(
                    "gap",
                    f"paragraph {n} found where {self.expected} was expected (read as text of "
                    f"paragraph {self.expected - 1})",
                    i + 1,
                ))  # fmt: skip
        if (
            self.current is not None
            and self.current.kind == "recommendation"
            and not self.current.content
            and not _SUB_RE.match(p)
        ):  # the first line after "Recommandation N" is its text, however short
            self.add(i)
            return True
        if self.current is not None and self.current.kind == "recommendation":
            m = _SUB_RE.match(p)
            expected_letter = chr(ord(self.sub.number) + 1) if self.sub else "a"
            if m and m["letter"] == expected_letter:
                self.sub = Unit("subparagraph", m["letter"], i, section=self.current.section)
                self.sub.content.append(i)
                self.current.children.append(self.sub)
                return True
            if m and self.sub is not None and m["letter"] > expected_letter:
                self.body.gaps.append(Gap(
                    "gap",
                    f"subparagraph {m['letter']}) of recommendation {self.current.number} "
                    f"follows {self.sub.number}) (read as text of {self.sub.number}))",
                    i + 1,
                ))  # fmt: skip
        if p[0].isupper() and self.heading_like(i) and not _NUMBER_RE.match(p):
            self.heading(i, p)
            return True
        self.add(i)
        return True

    def is_paragraph(self, p: str) -> bool:
        m = _NUMBER_RE.match(p)
        return bool(m) and self.expected is not None and int(m["n"]) == self.expected

    def standalone_start(self, i: int) -> bool:
        return i == 0 or self.is_blank(i - 1)


def read_body(
    lines: list[str], start: int, *, path: str | None = None, symbols: list[str] | None = None
) -> Body:
    """Split `lines[start:]` into headings, numbered paragraphs and recommendations."""
    return _BodyReader(lines, path, symbols or []).read(start)


def unit_raw(unit: Unit, raw_lines: list[str]) -> str:
    """The exact source slice of a unit: from its first line to its last text line."""
    if unit.inline is not None:
        return unit.inline[0]
    return "\n".join(raw_lines[unit.line : unit.last + 1])


def unit_text(unit: Unit, lines: list[str], *, ocr: bool) -> str:
    """Clean text of a unit from the structure lines (label and heading removed)."""
    if unit.inline is not None:
        return clean_text(_SUB_LABEL_RE.sub("", unit.inline[1], count=1))
    parts = [lines[j] for j in unit.content]
    if parts and unit.kind == "paragraph":
        parts[0] = _NUMBER_LABEL_RE.sub("", parts[0], count=1)
    elif parts and unit.kind == "subparagraph":
        parts[0] = _SUB_LABEL_RE.sub("", parts[0], count=1)
    joined = "\n".join(s for s in parts if s.strip())
    joined = _SYMBOL_BREAK_RE.sub("", joined)  # "CTOC/COP/" + "WG.7/2020/2" is one symbol
    return clean_text(dehyphenate(joined) if ocr else joined)


# --- Inline subparagraphs ---------------------------------------------------------------------


def _split_inline(rec: Unit, raw_lines: list[str]) -> tuple[str, str] | None:
    """Split "chapeau : a) … ; b) … ; c) …" printed on one line into child units.

    Returns the parent's (raw, structure) text, or None when the letters do not run
    a), b), c) … from a colon (then the recommendation stays whole).
    """
    if rec.children or len(rec.content) != 1:
        return None
    line = raw_lines[rec.content[0]]
    marks = []
    expected = "a"
    for m in _INLINE_SUB_RE.finditer(line):
        before = line[: m.start()].rstrip()[-1:]
        if m["letter"] == expected and (before == ":" if expected == "a" else before == ";"):
            marks.append(m)
            expected = chr(ord(expected) + 1)
    if len(marks) < 2:
        return None
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(line)
        piece = line[m.start("mark") : end].strip()
        rec.children.append(
            Unit(
                "subparagraph",
                m["letter"],
                rec.content[0],
                section=rec.section,
                content=[rec.content[0]],
                inline=(piece, piece),
            )
        )
    chapeau = line[: marks[0].start()].rstrip()
    head = "\n".join(raw_lines[rec.line : rec.content[0]])
    return (f"{head}\n{chapeau}" if head else chapeau, chapeau)


# --- The document ---------------------------------------------------------------------------


def _printed_meeting(text: str) -> int | None:
    folded = re.sub(r"\s+", " ", text)
    for m in _MEETING_HELD_RE.finditer(folded):
        n = ordinal_number(m["ord"] or m["ord_en"])
        if n:
            return n
    return None


def _ordinal_word(text: str, header: Header) -> str | None:
    """The ordinal word as printed ("douzième", "twelfth"), for messages."""
    m = _MEETING_HELD_RE.search(re.sub(r"\s+", " ", text))
    return (m["ord"] or m["ord_en"]) if m and not header.meeting else None


def _previous_meetings(text: str) -> int | None:
    """How many earlier meetings the report lists the dates of (one year each), or None."""
    m = _PREVIOUS_RE.search(re.sub(r"\s+", " ", text))
    if not m:
        return None
    return len(_YEAR_RE.findall(m["dates"])) or None


def _language(header: Header, lines: list[str]) -> str:
    """The language printed on the cover, else the one whose headings the body uses."""
    printed = language_code(header.language)
    if printed:
        return printed
    counts = {
        lang: sum(1 for line in lines if re.match(rf"^\W*{word}\s+\d", plain_line(line)))
        for lang, word in _REC_WORDS.items()
    }
    best = max(counts, key=lambda lang: counts[lang])
    if counts[best]:
        return best
    english = len(re.findall(r"\b(?:the|of|and)\b", " ".join(lines[:400])))
    french = len(re.findall(r"\b(?:le|la|les|des|et)\b", " ".join(lines[:400])))
    return "en" if english > french else "fr"


def split_glued_headings(lines: list[str]) -> tuple[list[str], list[Gap]]:
    """Split "Recommandation N" headings glued to text (see _GLUED_REC_RE) onto their own
    line, when N is the next recommendation; other glued headings are gaps."""
    out: list[str] = []
    gaps: list[Gap] = []
    last = 0
    for i, line in enumerate(lines):
        p = plain_line(line)
        if m := _REC_RE.match(p):
            last = int(m["n"])
            out.append(line)
            continue
        m = _GLUED_REC_RE.match(line.strip())
        if m and (m["before"] or m["after"]) and not (m["after"] or "")[:1].islower():
            n = int(m["n"])
            if n == last + 1:
                out += [s for s in (m["before"], "", m["heading"], "", m["after"]) if s is not None]
                last = n
                continue
            if m["before"]:
                inside = f"the text before it (line {i + 1})"
                gaps.append(heading_inside(m["heading"].strip("*"), line=i + 1, inside=inside))
        out.append(line)
    return out, gaps


def _item(
    unit: Unit,
    ref: Ref,
    kind: ItemKind,
    *,
    raw: str,
    text: str,
    status: Status,
    symbol: str | None,
) -> ParsedItem:
    return ParsedItem(
        ref=ref,
        kind=kind,
        raw_text=raw,
        text=text,
        status=status,
        section=unit.section,
        symbol=symbol,
        report_paragraph=None,
        recommendation_number=ref.path[0],
        line=unit.line + 1,
    )


def report_paragraphs(body, raw_lines: list[str], lines: list[str], *, ocr: bool):
    """The numbered paragraphs of a report body, raw slice and clean text each."""
    return [
        ParsedParagraph(
            number=u.number,
            raw_text=unit_raw(u, raw_lines),
            text=unit_text(u, lines, ocr=ocr),
            section=u.section,
            line=u.line + 1,
        )
        for u in body.paragraphs
    ]


def parse_wg_report(
    text: str,
    path: str | None = None,
    *,
    meeting: int | None = None,
    symbol: str | None = None,
) -> ParsedDocument:
    """Parse a Working Group report or draft addendum (Markdown or OCR plain text).

    `meeting` and `symbol` fill what the document does not print (from the manifest);
    a printed meeting number that contradicts `meeting` is an error.
    """
    raw_lines, glued_gaps = split_glued_headings(text.split("\n"))
    text = "\n".join(raw_lines)
    warnings: list[str] = []
    gaps: list[Gap] = list(glued_gaps)
    ocr = is_ocr_text(text)
    printed_symbol = find_symbol(raw_lines)
    if ocr:
        furniture = [s for s in (printed_symbol, symbol) if s]
        lines = repair(text, furniture=furniture).text.split("\n")
        if len(lines) != len(raw_lines):
            raise IngestError(path, "OCR repair changed the number of lines (expected the same)")
    else:
        lines = raw_lines
    header: Header = read_header(lines)
    header.symbol = header.symbol or printed_symbol

    doc_symbol = header.symbol or symbol
    if header.symbol and symbol and header.symbol != symbol:
        warnings.append(f"symbol {header.symbol} is printed; the manifest says {symbol}")

    symbols = [s for s in (printed_symbol, symbol) if s]
    body = read_body(lines, header.end, path=path, symbols=symbols)
    warnings.extend(body.warnings)
    gaps.extend(body.gaps)

    structure_text = "\n".join(lines)
    printed = header.meeting or _printed_meeting(structure_text)
    if printed and meeting and printed != meeting:
        raise IngestError(
            path,
            f"meeting {meeting} was given, but the report prints that it is of meeting "
            f"{printed} (its ordinal: '{_ordinal_word(structure_text, header) or printed}')",
        )
    previous = _previous_meetings(structure_text)
    if meeting and not printed and previous and previous + 1 != meeting:
        raise IngestError(
            path,
            f"meeting {meeting} was given, but the report lists the dates of {previous} "
            f"earlier meetings: it is the report of meeting {previous + 1}",
        )
    meeting_no = printed or meeting
    if body.recommendations and meeting_no is None:
        raise IngestError(
            path,
            "the meeting number is needed to cite the recommendations (A:<meeting>.<n>) and "
            "the report does not print it: give it in manifest.toml (meeting = N)",
            line=body.recommendations[0].line + 1,
        )

    draft = header.is_draft
    status = Status.DRAFT if draft else Status.ADOPTED
    language = _language(header, lines)
    rec_word = _REC_WORDS.get(language, "Recommendation")
    gaps += check_sequence(
        [(u.number, u.line + 1) for u in body.recommendations],
        what=rec_word,
        start=None if draft else 1,  # a draft addendum may hold recommendations 22 to 24
    )
    items = []
    for rec in body.recommendations:
        assert meeting_no is not None
        ref = Ref(Part.A, meeting_no, (rec.number,))
        split = None if ocr else _split_inline(rec, raw_lines)
        if split is not None:
            raw, chapeau = split
            item_text = clean_text(chapeau)
        else:
            raw = unit_raw(rec, raw_lines)
            item_text = unit_text(rec, lines, ocr=ocr)
        if not item_text:
            raise IngestError(
                path, f"Recommandation {rec.number} has no text (expected a paragraph after "
                "its heading)", line=rec.line + 1,
            )  # fmt: skip
        item = _item(rec, ref, ItemKind.RECOMMENDATION, raw=raw, text=item_text, status=status,
                     symbol=doc_symbol)  # fmt: skip
        for child in rec.children:
            child_item = _item(
                child,
                ref.child(child.number),
                ItemKind.SUBPARAGRAPH,
                raw=unit_raw(child, raw_lines),
                text=unit_text(child, lines, ocr=ocr),
                status=status,
                symbol=doc_symbol,
            )
            child_item.recommendation_number = rec.number
            item.children.append(child_item)
        items.append(item)

    paragraphs = report_paragraphs(body, raw_lines, lines, ocr=ocr)

    venue, date_text = header.venue, header.date_text
    start, end = header.start_date, header.end_date
    if venue is None:
        for p in paragraphs:
            found = find_venue_and_dates(p.text)
            if found:
                venue, date_text = found
                start, end = parse_date_span(date_text)
                break

    body_name = header.body
    if body_name is None and (m := _WG_NAME_RE.search(structure_text)):
        body_name = re.sub(r"\s+", " ", m.group())

    title = header.title
    if title is None:
        title = doc_symbol or (Path(path).name if path else "")
        warnings.append(f"no title printed; the document is listed as {title!r}")

    meetings = []
    if meeting_no is not None:
        meetings.append(
            ParsedMeeting(
                part=Part.A,
                number=meeting_no,
                title=f"{ordinal_fr(meeting_no)} réunion",
                date_text=date_text,
                start_date=start,
                end_date=end,
                venue=venue,
                report_symbol=None if draft else doc_symbol,
            )
        )

    return ParsedDocument(
        kind=DocumentKind.DRAFT_ADDENDUM if draft else DocumentKind.REPORT,
        title=title,
        symbol=doc_symbol,
        body=body_name,
        meeting=meeting_no,
        start_date=start,
        end_date=end,
        issued=header.issued,
        venue=venue,
        language=language,
        original_language=header.original_language,
        distribution=header.distribution,
        meetings=meetings,
        items=items,
        paragraphs=paragraphs,
        warnings=warnings,
        gaps=[str(g) for g in gaps],
    )
