"""A resolution or decision as its own document (GA, ECOSOC, CCPCJ, COP), adopted or draft.

Items are cited by the document's symbol (see `model.Ref`): `SYMBOL:pp.N` preambular,
`SYMBOL:op.N` operative, `SYMBOL:annex.N` paragraph of the annex, then subparagraph
letters and roman numerals (`SYMBOL:op.5.b.ii`). A draft (`…/L.N`, "Distr.: Limited",
"draft resolution") is stored with status draft under its own symbol, so it never
replaces an adopted text.

Rule table (English | French; a new language is a new column in `RULES`):

- symbol: first cover line that is a UN symbol alone (`A/RES/80/228`, `A/C.3/80/L.5`,
  `E/CN.15/2024/L.3/Rev.1`)
- draft: symbol with `/L.N`, or "Distr.: Limited" / "Distr. limitée", or "draft resolution"
  / "projet de résolution"
- adopted on: "Resolution adopted by the General Assembly on 18 December 2025" / "Résolution
  adoptée par l'Assemblée générale le 18 décembre 2025"
- title: "80/228. Title" (adopted) or the lines after "…: draft resolution" (draft), up to a
  blank line
- body starts: "The General Assembly," / "L'Assemblée générale," (also Economic and Social
  Council, Commission on …, Conference of the Parties, Human Rights Council)
- page furniture: lines around a page count `2/14`: the symbol, the job number `25-20946`,
  the running title — removed
- footnotes: from a `_____` rule to the next page furniture or the end — removed; their
  calls (`Crime,2`, `Women, 6`) removed in order 1, 2, 3 …
- preambular paragraph: before the first numbered paragraph, a line starting with an opener
  word (`Recalling`, `Deeply concerned`, `Rappelant`, `Profondément préoccupée`; English
  `-ing`/`-ed` words, French `-ant` words) after a line ending in `,` `;` `:` or a blank
- operative paragraph: `N.` at a line start, N = 1, 2, 3 … in sequence; with no numbered
  paragraph, each paragraph starting with an operative verb (`Adopts`, `Décide`) is op.1,
  op.2 … (derived numbers)
- subparagraph: `(a)` at a line start in sequence; `(i)`, `(ii)` … under a letter; `(i)`
  after `(h)` is a letter
- end of operative part: "69th plenary meeting" / "69e séance plénière", or the annex
  heading
- annex: "Annex" / "Annexe" (or "Annex II") alone on a line; its numbered paragraphs are
  `annex.N`, or `annex1.N`, `annex2.N` … when the resolution has several annexes; an annex
  without numbered paragraphs is reported as a warning
- gaps (`ingest.sequence_check`, on `ParsedDocument.gaps`: the file is refused unless
  `--accept-gaps`): an operative, annex or subparagraph number that skips (the paragraph is
  still read under its printed number), a paragraph number at a paragraph start that repeats
  one already read or restarts at 1. outside an annex heading (its text stays in the paragraph
  before), no operative paragraph at all
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from recueil.ingest.errors import IngestError
from recueil.ingest.language import detect_language
from recueil.ingest.normalize import clean_text
from recueil.ingest.sequence_check import Gap, check_sequence, no_items
from recueil.model import (
    Distribution,
    DocumentKind,
    ItemKind,
    ParsedDocument,
    ParsedItem,
    Ref,
    Status,
)

SYMBOL_LINE_RE = re.compile(
    r"^\s*((?:A|E|S|CTOC|UNODC|HRC|CAT|CRC|CEDAW)(?:/[A-Za-z0-9.()-]+)+)\s*$"
)
_DRAFT_SYMBOL_RE = re.compile(r"/L\.\d+")
_PAGE_RE = re.compile(r"^\s*\d{1,3}/\d{1,3}\s*$")
_JOB_RE = re.compile(r"^\s*\d{2}-\d{5}(?:\s*\([A-Z]\))?\s*$")
_BARCODE_RE = re.compile(r"^\s*\*\d{7,}\*\s*$")
_RULE_RE = re.compile(r"^\s*_{5,}\s*$")
_SUPERSCRIPT_NOTE_RE = re.compile(r"^\s*[¹²³⁴⁵⁶⁷⁸⁹⁰]+\s")  # a footnote body in converted text
_NUMBER_RE = re.compile(r"^\s*(\d{1,3})\.(?=\s|$)")
_SUB_RE = re.compile(r"^\s*\(?([a-z]{1,5})\)(?=\s|$)")  # (a) in English, a) in French
_ROMANS = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii",
           "xiv", "xv", "xvi", "xvii", "xviii", "xix", "xx"]  # fmt: skip
_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "janvier": 1, "février": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "août": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12,
}  # fmt: skip


@dataclass(frozen=True)
class Rules:
    """One language's wording of a resolution (see the module docstring's table)."""

    adopted_by: re.Pattern
    draft: re.Pattern
    limited: re.Pattern
    body_start: re.Pattern
    plenary: re.Pattern
    annex: re.Pattern
    opener_words: frozenset[str]
    opener_suffixes: tuple[str, ...]
    operative_suffixes: tuple[str, ...]
    date: re.Pattern


RULES: dict[str, Rules] = {
    "en": Rules(
        adopted_by=re.compile(
            r"Resolution\s+adopted\s+by\s+the\s+(?P<body>[A-Z][\w ,]+?)\s+on\s+"
            r"(?P<date>\d{1,2}\s+\w+\s+\d{4})"
        ),
        draft=re.compile(r"\bdraft\s+(?:resolution|decision)\b", re.IGNORECASE),
        limited=re.compile(r"Distr\.?:?\s*Limited", re.IGNORECASE),
        body_start=re.compile(
            r"^\s*The\s+(?P<body>General Assembly|Economic and Social Council|Human Rights Council"
            r"|Commission on [\w ]+|Conference of the Parties[\w ,]*|Security Council)\s*,?\s*$"
        ),
        plenary=re.compile(r"^\s*\d+(?:st|nd|rd|th)\s+(?:plenary\s+)?meeting\s*$"),
        annex=re.compile(r"^\s*Annex(?:\s+[IVX]+)?\s*$"),
        opener_words=frozenset(
            "Mindful Aware Conscious Convinced Deeply Gravely Further Also Bearing Taking "
            "Cognizant Desirous Committed Keenly Seriously Strongly Alarmed Determined "
            "Concerned Guided Recognizing Noting Having Emphasizing Stressing Welcoming "
            "Acknowledging Affirming Reaffirming Recalling Reiterating Considering Expressing "
            "Underlining Underscoring Highlighting Appreciating Encouraged Acting Believing "
            "Observing Regretting Deploring Condemning Commending Emphasising Recognising "
            "Convinced Fully Profoundly Firmly Greatly Particularly Equally Highly "
            "Increasingly Noting Looking".split()
        ),
        opener_suffixes=("ing", "ed"),
        operative_suffixes=("s",),
        date=re.compile(r"(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})"),
    ),
    "fr": Rules(
        adopted_by=re.compile(
            r"Résolution\s+adoptée\s+par\s+(?:l['’]|le\s+|la\s+)(?P<body>[\w ,éè]+?)\s+le\s+"
            r"(?P<date>\d{1,2}(?:er)?\s+\w+\s+\d{4})"
        ),
        draft=re.compile(r"\bprojet\s+de\s+(?:résolution|décision)\b", re.IGNORECASE),
        limited=re.compile(r"Distr\.?:?\s*limitée", re.IGNORECASE),
        body_start=re.compile(
            r"^\s*(?:L['’]|Le\s+|La\s+)(?P<body>Assemblée générale|Conseil économique et social"
            r"|Conseil des droits de l['’]homme|Commission [\w ']+|Conférence des Parties[\w ,']*"
            r"|Conseil de sécurité)\s*,?\s*$"
        ),
        plenary=re.compile(r"^\s*\d+e\s+séance(?:\s+plénière)?\s*$"),
        annex=re.compile(r"^\s*Annexe(?:\s+[IVX]+)?\s*$"),
        opener_words=frozenset(
            "Consciente Convaincue Profondément Gravement Vivement Préoccupée Alarmée "
            "Déterminée Résolue Guidée Ayant Tenant Sachant Rappelant Réaffirmant Notant "
            "Considérant Soulignant Constatant Prenant Saluant Accueillant Réitérant Sachant "
            "Reconnaissant Insistant Exprimant Gardant Constatant Estimant Affirmant".split()
        ),
        opener_suffixes=("ant", "ante", "ée", "ue"),
        operative_suffixes=("",),  # any capitalised word that is not an opener
        date=re.compile(r"(\d{1,2})(?:er)?\s+([a-zéû]+)\s+(\d{4})"),
    ),
}


INSTRUMENT_RE = re.compile(
    r"^\s*(?P<kind>Resolution|Résolution|Decision|Décision)\s+(?P<number>\d+/\d+)\.?[ \t]*"
    r"(?P<title>.*)$",
    re.MULTILINE,
)
_BODY_ABBREVIATIONS = {
    "Conference of the Parties": "COP", "Conférence des Parties": "COP",
    "Commission on Crime Prevention": "CCPCJ", "Commission pour la prévention du crime": "CCPCJ",
    "Economic and Social Council": "ECOSOC", "Conseil économique et social": "ECOSOC",
    "Human Rights Council": "HRC", "Conseil des droits de l": "HRC",
    "General Assembly": "GA", "Assemblée générale": "GA",
}  # fmt: skip


def detect(text: str) -> float:
    """How surely `text` is a resolution or draft resolution (0 = not at all)."""
    head = text[:5000]
    score = 0.0
    if INSTRUMENT_RE.search(head):  # "Resolution 10/3" heading a COP/CCPCJ text
        score += 0.3
    if re.search(r"^\s*[A-Z]+(?:/[A-Za-z0-9.]+)*/RES/", head, re.MULTILINE):
        score += 0.5
    for rules in RULES.values():
        if rules.adopted_by.search(head):
            score += 0.4
        if rules.draft.search(head):
            score += 0.3
        if any(rules.body_start.match(line) for line in head.split("\n")):
            score += 0.3
    return min(score, 1.0)


def is_draft(text: str, symbol: str | None) -> bool:
    head = text[:5000]
    if symbol and "/RES/" in symbol:
        return False
    if symbol and _DRAFT_SYMBOL_RE.search(symbol):
        return True
    return any(r.draft.search(head) or r.limited.search(head) for r in RULES.values())


# --- artefacts ---------------------------------------------------------------------------


def _furniture(lines: list[str], symbol: str | None, title: str) -> set[int]:
    """Indexes of running headers/footers: the block of lines around each page count."""
    gone: set[int] = set()
    title_key = re.sub(r"\s+", " ", title).strip().lower()

    def is_furniture(line: str) -> bool:
        s = line.strip()
        if not s:
            return True
        if _PAGE_RE.match(s) or _JOB_RE.match(s) or _BARCODE_RE.match(s):
            return True
        if symbol and s == symbol:
            return True
        key = re.sub(r"\s+", " ", s).lower()
        return len(key) > 8 and key in title_key

    for i, line in enumerate(lines):
        if not _PAGE_RE.match(line):
            continue
        j = i
        while j > 0 and is_furniture(lines[j - 1]) and i - j < 8:
            j -= 1
        k = i
        while k + 1 < len(lines) and is_furniture(lines[k + 1]) and k - i < 8:
            k += 1
        block = range(j, k + 1)
        if any(symbol and lines[x].strip() == symbol for x in block) or any(
            _JOB_RE.match(lines[x]) for x in block
        ):
            gone.update(x for x in block if lines[x].strip())
    return gone


def _footnotes(lines: list[str], furniture: set[int]) -> tuple[set[int], int]:
    """Footnote blocks (from a `_____` rule to the next page furniture) and their count."""
    gone: set[int] = set()
    count = 0
    i = 0
    while i < len(lines):
        if _RULE_RE.match(lines[i]):
            j = i
            while j < len(lines) and j not in furniture:
                m = re.match(r"^\s*(\d{1,3})\s", lines[j])
                if m:
                    count = max(count, int(m.group(1)))
                gone.add(j)
                j += 1
            i = j
        else:
            i += 1
    return gone, count


def _strip_calls(text: str, numbers: list[int]) -> tuple[str, list[int]]:
    """Remove footnote calls in order (`Crime,2 and` -> `Crime, and`); returns the rest.

    A call is tried glued to a word or a punctuation mark, glued to a year (`20172` =
    2017 + call 2), then after a capitalised word and a space (`Women 11 and`); a call the
    text lost is skipped (up to two) rather than blocking the ones after it.
    """
    while numbers:
        found = None
        skip = 0
        for idx, n in enumerate(numbers[:3]):
            for pattern in (
                rf"(?:(?<=[A-Za-z\u2019\u201d)\]])|(?<=[,.;:]) ?|(?<=\b(?:19|20)\d\d))({n})"
                r"(?=[\s,.;:)]|$)",
                rf"\b[A-Z][a-z]+( {n})(?=[\s,.;:)]|$)(?!\s+(?:and|to|or|per)\s+\d)",
            ):
                m = re.search(pattern, text)
                if m:
                    found = (m.start(1) if "A-Z][a-z]+(" in pattern else m.start(), m.end(1))
                    skip = idx
                    break
            if found:
                break
        if not found:
            break
        text = text[: found[0]] + text[found[1] :]
        numbers = numbers[skip + 1 :]
    return text, numbers


# --- structure ---------------------------------------------------------------------------


@dataclass
class _Para:
    path: tuple[str, ...]
    kind: ItemKind
    line: int
    lines: list[int] = field(default_factory=list)
    label_end: int = 0
    children: list[_Para] = field(default_factory=list)


def _first_word(line: str) -> str:
    """The first word, a French reflexive pronoun joined to its verb (`Se félicitant`)."""
    m = re.match(r"[\s*_\"“]*([^\W\d_][\w’'-]*)(?:\s+([^\W\d_][\w’'-]*))?", line)
    if not m:
        return ""
    word = m.group(1)
    if word in ("Se", "S’", "S'") and m.group(2):
        return m.group(2)[:1].upper() + m.group(2)[1:]
    if word[:2] in ("S’", "S'") and len(word) > 2:
        return word[2:3].upper() + word[3:]
    return word


def _is_opener(word: str, rules: Rules) -> bool:
    if not word or not word[0].isupper():
        return False
    return word in rules.opener_words or word.lower().endswith(rules.opener_suffixes)


def _ends_paragraph(line: str) -> bool:
    return line.rstrip().endswith((",", ";", ":", "."))


class _Builder:
    def __init__(self, lines: list[str], keep: list[int], symbol: str, path: str | None,
                 rules: Rules) -> None:  # fmt: skip
        self.lines, self.keep, self.symbol, self.path, self.rules = lines, keep, symbol, path, rules
        self.tops: list[_Para] = []
        self.gaps: list[Gap] = []  # see ingest.sequence_check

    def read(self, region: list[int], prefix: str, kind: ItemKind, *, preamble: bool) -> None:
        """Read one region (preamble+operative part, or an annex) into top-level paragraphs.

        A number that skips ahead still opens its paragraph; a number already read (a
        duplicate, or a restart at 1. without an annex heading) stays in the text of the
        paragraph before. Both are gaps (`sequence_check`), on `self.gaps`."""
        numbered = [i for i in region if _NUMBER_RE.match(self.lines[i])]
        expected = 1
        current: _Para | None = None
        prev_text = ""
        pp = op_unnumbered = 0
        seen_number = False
        found: list[tuple[int, int]] = []  # (number, 1-based line) of each numbered start
        for i in region:
            line = self.lines[i]
            m = _NUMBER_RE.match(line)
            number = int(m.group(1)) if m else 0
            starts = current is None or not prev_text.strip() or _ends_paragraph(prev_text)
            if m and (
                number == expected
                or (number > expected and (seen_number or i == numbered[0]))
            ):
                found.append((number, i + 1))
                current = _Para((prefix, str(number)), kind, i, [i], m.end())
                self.tops.append(current)
                expected = number + 1
                seen_number = True
                prev_text = line
                continue
            if m and seen_number and starts and number < expected:
                found.append((number, i + 1))  # a duplicate or a restart: kept as text
            if not line.strip():
                if current is not None:
                    current.lines.append(i)
                continue
            word = _first_word(line)
            if preamble and not seen_number and starts and _is_opener(word, self.rules):
                pp += 1
                current = _Para(("pp", str(pp)), ItemKind.PREAMBULAR, i, [i], 0)
                self.tops.append(current)
            elif (
                not numbered
                and starts
                and word[:1].isupper()
                and word.lower().endswith(self.rules.operative_suffixes)
                and (current is None or _ends_paragraph(prev_text))
                and not _is_opener(word, self.rules)
            ):
                op_unnumbered += 1
                current = _Para((prefix, str(op_unnumbered)), kind, i, [i], 0)
                self.tops.append(current)
            elif current is not None:
                current.lines.append(i)
            prev_text = line
        what = "operative paragraph" if kind == ItemKind.OPERATIVE else "annex paragraph"
        self.gaps += check_sequence(found, what=what, parent=self.symbol, style="number")

    def split_subparagraphs(self, para: _Para) -> None:
        """Lettered and roman subparagraphs at line starts, checked in sequence."""
        letter = 0
        roman_n = 0
        letter_para: _Para | None = None
        letters: list[tuple[str, int]] = []  # (letter, 1-based line), for sequence_check
        body: list[int] = []
        target = body
        for n, i in enumerate(para.lines):
            # a subparagraph never starts on the paragraph's own first line
            m = _SUB_RE.match(self.lines[i]) if n else None
            if m:
                label = m.group(1)
                next_letter = chr(ord("a") + letter)
                next_roman = _ROMANS[roman_n] if roman_n < len(_ROMANS) else None
                is_letter = label == next_letter and not (
                    label == "i" and letter_para is not None and next_roman == "i" and letter < 8
                )
                skips = (  # a letter left out: a gap, the paragraph still read
                    letter > 0 and len(label) == 1 and label > next_letter
                    and not (letter_para is not None and label == next_roman)
                )  # fmt: skip
                if is_letter or skips:
                    letters.append((label, i + 1))
                    letter = ord(label) - ord("a") + 1
                    roman_n = 0
                    letter_para = _Para((*para.path, label), ItemKind.SUBPARAGRAPH, i, [i],
                                        m.end())  # fmt: skip
                    para.children.append(letter_para)
                    target = letter_para.lines
                    continue
                if letter_para is not None and label == next_roman:
                    roman_n += 1
                    sub = _Para((*letter_para.path, label), ItemKind.SUBPARAGRAPH, i, [i],
                                m.end())  # fmt: skip
                    letter_para.children.append(sub)
                    target = sub.lines
                    continue
                # otherwise an inline "(b)" wrapped to a line start: text
            if target is body:
                body.append(i)
            else:
                target.append(i)
        para.lines = body
        where = f"{self.symbol} paragraph {'.'.join(para.path[1:]) or para.path[0]}"
        self.gaps += check_sequence(letters, what="subparagraph", parent=where, style="letter")


def _text_of(lines: list[str], para: _Para, numbers: list[int]) -> tuple[str, str, list[int]]:
    parts = []
    for n, i in enumerate(para.lines):
        line = lines[i]
        if n == 0 and para.label_end:
            line = line[para.label_end :]
        parts.append(line)
    raw = "\n".join(parts).strip()
    text = clean_text(raw)
    text, numbers = _strip_calls(text, numbers)
    text = re.sub(r"\s+([,.])", r"\1", text) if text else text  # French keeps " ;" " :"
    text = re.sub(r"(\w)- (\w)", _dehyphen, text)
    return raw, text.strip(), numbers


def _dehyphen(m: re.Match) -> str:
    """PDF line-end hyphen: `gender- responsive` stays a compound (`gender-responsive`)."""
    return f"{m.group(1)}-{m.group(2)}"


def _date(text: str | None, rules: Rules) -> date | None:
    if not text:
        return None
    m = rules.date.search(text)
    if not m or m.group(2).lower() not in _MONTHS:
        return None
    try:
        return date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
    except ValueError:
        return None


def _title(lines: list[str], start: int, end: int, draft: bool, rules: Rules) -> tuple[str, int]:
    """The printed title and the line where it starts (or "" and -1)."""
    for i in range(start, end):
        s = lines[i].strip()
        m = re.match(r"^(\d+/\d+)\.\s+(.+)$", s)
        if m:
            return _gather(lines, i, m.group(2), end), i
    if draft:
        for i in range(start, end):
            if rules.draft.search(lines[i]) and lines[i].rstrip().endswith(
                ("resolution", "décision", "decision", "résolution")
            ):
                j = i + 1
                while j < end and not lines[j].strip():
                    j += 1
                if j < end:
                    return _gather(lines, j, lines[j].strip(), end), j
    return "", -1


def _next_line(lines: list[str], instrument: re.Match, end: int) -> str:
    """The title printed on the lines after a bare "Resolution 10/3" heading."""
    at = "\n".join(lines[:end])[: instrument.start("kind")].count("\n") + 1
    j = at
    while j < end and not lines[j].strip():
        j += 1
    return _gather(lines, j, lines[j].strip(), end) if j < end else ""


def _gather(lines: list[str], i: int, first: str, end: int) -> str:
    parts = [first]
    j = i + 1
    while j < end and lines[j].strip():
        parts.append(lines[j].strip())
        j += 1
    return re.sub(r"\s+", " ", " ".join(parts)).strip()


def parse_resolution(
    text: str, path: str | None = None, *, symbol: str | None = None, language: str | None = None
) -> ParsedDocument:
    """Parse a resolution/decision document (adopted or draft); see the module docstring."""
    lines = text.split("\n")
    lang = detect_language(text)
    if lang == "und":  # the text does not show it: the hint names it
        lang = language or "en"
    rules = RULES.get(lang, RULES["en"])
    printed = next((m.group(1) for line in lines[:40] if (m := SYMBOL_LINE_RE.match(line))), None)
    symbol = printed or symbol
    start = next((i for i, line in enumerate(lines) if rules.body_start.match(line)), None)
    instrument = INSTRUMENT_RE.search("\n".join(lines[:start])) if start is not None else None
    derived = False
    if not symbol and instrument is not None:  # "Resolution 10/3" of the COP, no symbol
        body = rules.body_start.match(lines[start]).group("body")
        short = next((v for k, v in _BODY_ABBREVIATIONS.items() if body.startswith(k)), "UN")
        kind = "Decision" if instrument["kind"].lower().startswith("d") else "Resolution"
        symbol = f"{short}-{kind}-{instrument['number']}"  # the same in every language
        derived = True
    if not symbol:
        raise IngestError(
            path,
            "resolution without a printed symbol (expected e.g. 'A/RES/80/228' on the cover) "
            "or a 'Resolution N/N' heading; give it with --symbol or in manifest.toml",
        )
    draft = is_draft(text, None if derived else symbol)
    if start is None:
        raise IngestError(
            path,
            "resolution without its opening ('The General Assembly,' / "
            '"L\'Assemblée générale," or another UN body) before the paragraphs',
        )
    title, title_line = _title(lines, 0, start, draft, rules)
    if not title and instrument is not None:
        title = instrument["title"].strip() or _next_line(lines, instrument, start)
    furniture = _furniture(lines, symbol, title)
    footnotes, n_notes = _footnotes(lines, furniture)
    dropped = furniture | footnotes
    dropped |= {i for i, line in enumerate(lines) if _SUPERSCRIPT_NOTE_RE.match(line)}
    keep = [i for i in range(start + 1, len(lines)) if i not in dropped]
    annexes = [i for i in keep if rules.annex.match(lines[i])]
    annex_at = annexes[0] if annexes else None
    end_ops = next((i for i in keep if rules.plenary.match(lines[i]) or i == annex_at), len(lines))
    builder = _Builder(lines, keep, symbol, path, rules)
    builder.read([i for i in keep if i < end_ops], "op", ItemKind.OPERATIVE, preamble=True)
    warnings = []
    for k, at in enumerate(annexes):
        stop = annexes[k + 1] if k + 1 < len(annexes) else len(lines)
        prefix = "annex" if len(annexes) == 1 else f"annex{k + 1}"
        region = [i for i in keep if at < i < stop]
        first_no = next((i for i in region if _NUMBER_RE.match(lines[i])), None)
        if first_no is None:
            warnings.append(
                f"line {at + 1}: {lines[at].strip()} has no numbered paragraph; its text is "
                "not read as items"
            )
            continue
        builder.read([i for i in region if i >= first_no], prefix, ItemKind.ANNEX, preamble=False)
    if not any(p.kind in (ItemKind.OPERATIVE, ItemKind.ANNEX) for p in builder.tops):
        builder.gaps.append(no_items(f"operative paragraph after line {start + 1}",
                                     f"resolution {symbol}", line=start + 1))  # fmt: skip
    status = Status.DRAFT if draft else Status.ADOPTED
    numbers = list(range(1, n_notes + 1))
    items = []
    for para in builder.tops:
        builder.split_subparagraphs(para)
        item, numbers = _item(lines, para, symbol, status, lang, numbers)
        items.append(item)
    adopted = None
    body_name = rules.body_start.match(lines[start]).group("body")
    for r in RULES.values():
        m = r.adopted_by.search(re.sub(r"\s+", " ", "\n".join(lines[:start])))
        if m:
            adopted = _date(m.group("date"), r)
            break
    issued = None
    for i, line in enumerate(lines[:start]):
        if re.search(r"Distr\.", line):
            for cand in lines[i : i + 3]:
                issued = _date(cand, rules)
                if issued:
                    break
            break
    session = None
    m = re.match(r"^[A-Z]+(?:/[A-Z0-9.]+)*?/(\d{1,3})/", symbol)
    if m:
        session = int(m.group(1))
    named = f"{instrument['kind'].capitalize()} {instrument['number']}" if instrument else None
    if derived:
        warnings.append(f"no symbol printed; items are cited as {symbol}:… (derived id)")
    for item in items:
        for it in item.walk():
            it.instrument = named
            if derived:
                it.symbol = None
    return ParsedDocument(
        kind=DocumentKind.DRAFT_RESOLUTION if draft else DocumentKind.RESOLUTION,
        title=title or symbol,
        symbol=None if derived else symbol,
        body=body_name,
        session=session,
        start_date=adopted,
        end_date=adopted,
        issued=issued,
        language=lang,
        distribution=Distribution.LIMITED if draft else Distribution.GENERAL,
        items=items,
        warnings=warnings,
        gaps=[str(g) for g in builder.gaps],
    )


def _item(lines: list[str], para: _Para, symbol: str, status: Status, lang: str,
          numbers: list[int]) -> tuple[ParsedItem, list[int]]:  # fmt: skip
    raw, text, numbers = _text_of(lines, para, numbers)
    item = ParsedItem(
        ref=Ref.of_symbol(symbol, para.path),
        kind=para.kind,
        raw_text=raw,
        text=text,
        status=status,
        symbol=symbol,
        report_paragraph=".".join(para.path[1:]) if para.path[0] != "pp" else None,
        line=para.line + 1,
        language=lang,
    )
    for child in para.children:
        sub, numbers = _item(lines, child, symbol, status, lang, numbers)
        item.children.append(sub)
    return item, numbers
