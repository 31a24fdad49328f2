"""The compendium's thematic index is the only published link between themes and items.

This module turns its tab-separated table into themes, printed rows and (theme, ref) pairs.

Layout (as exported from the PDF): six cells per line, Thème | refs in the compendium |
Cote (report symbol) | Résolution/décision | Paragraphe | Recommandations. A line whose
first cell is non-empty starts a theme (or continues it when marked "(suite)"); lines with
an empty first cell continue the current theme. "Partie A"/"Partie B" (alone, or as
"Partie B : VI.14" / "Partie A II.24 à 26" in front of refs) switch the part; a theme starts
in Part A. Three export artefacts are handled:

* shifted rows: the last row(s) of a Part B group are often printed without their leading
  tab ("VI.3\\tCTOC/COP/2012/15\\tRésolution 6/3\\t3\\t\\t"). A first cell that reads as a
  refs cell (it scans completely with the refs grammar) is such a row, re-aligned by one;
* packed rows: several meetings on one line ("I.15 et I.33 III.27 … Partie B : V.13" with
  one symbol per meeting, space-separated). They are split into one IndexRow per meeting;
  symbols pair with meetings in order; Paragraphe/Recommandations fragments are handed to
  the meetings whose reports use that column (derived from the single-meeting rows). A
  fragment that cannot be attributed with certainty is left None and a warning says why;
* page furniture: repeated headers, "Note : …" lines, the running head "INDEX THÉMATIQUE"
  and the back cover after the table are not rows.

Theme labels are normalised so that one theme has one label (every rule, with the printed
variants it merges; found by reading all 78 theme-starting cells of the 2021 edition):

=========================================================  ===================================
printed                                                    normalised (why)
=========================================================  ===================================
``Législation <i>(suite)</i>``                             ``Législation`` (markup removed;
                                                           "(suite)" = same theme, next page)
``Enfants (non accompagnés/ séparés)``                     ``Enfants (non accompagnés/séparés)``
                                                           (space after "/" is a line wrap)
``Droit international (obligations envers les réfugiés/    ``… réfugiés/demandeurs d'asile)``
demandeurs d'asile)``                                      (same "/ " wrap, same rule)
``Coopération internationale (centres pluri-               ``… (centres pluri-institutions)``
institutions)``                                            (hyphen + wrap; the index itself
                                                           spells "Centres pluri-institutions")
any label                                                  NFC, whitespace folded (clean_text)
=========================================================  ===================================

Labels that look alike but name different things are kept apart, as printed: "Facilitation
des possibilités d'immigration" / "Possibilités de migration", "Échange d'informations" /
"Échange de renseignements", "Convention des Nations Unies contre la criminalité organisée"
(sic, "transnationale" missing in the print: kept, the label is the index's own).

Hierarchy: "Parent (child)" hangs under "Parent" when "Parent" is itself a theme or heads at
least two labels (a synthesised parent ThemeDef is added so the tree is complete); a final
parenthesis that is neither is a qualifier, not a child: "… (SHERLOC)" (an acronym) and
"Conférence des Parties … (rôle et travaux)" stay roots. "X, Y" hangs under "X" when "X" is a
theme ("Collecte de données et recherche, rapport mondial …"); "ONUDC, rapport mondial …"
stays a root because "ONUDC" alone is not a label.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from recueil.ingest.errors import IngestError
from recueil.ingest.normalize import clean_text
from recueil.model import IndexEntry, IndexRow, Part, Ref, ThemeDef, from_roman, to_roman

PARAGRAPH = "paragraph"
RECOMMENDATION = "recommendation"
_NCELLS = 6

_HEADING_RE = re.compile(r"^[*_#\s]*Index thématique\b")
_RUNNING_HEAD_RE = re.compile(r"^\s*INDEX THÉMATIQUE\s*$")
_NOTE_RE = re.compile(r"^\s*(?:Note\s*:|L'abréviation\b)")
_SUITE_RE = re.compile(r"\s*\(\s*suite\s*\)\s*$", re.IGNORECASE)
_SLASH_WRAP_RE = re.compile(r"/\s+(?=\w)")
_HYPHEN_WRAP_RE = re.compile(r"(?<=\w)-\s+(?=\w)")
_SYMBOL_RE = re.compile(r"CTOC/COP/\S+")
_INSTRUMENT_RE = re.compile(r"(?:Décision|Résolution)\s+\d+/\d+")

# Refs cell tokens. A ref is "<roman meeting>.<path>", path "22", "2.e", "b.iii", "al. 5".
_REF_TOKEN_RE = re.compile(
    r"(?P<part>Partie\s+(?P<letter>[AB])(?:\s*:)?)"
    r"|(?P<ref>(?P<meeting>[IVX]+)\.\s*(?P<path>al\.\s*\d+|[0-9a-z]+(?:\.[0-9a-z]+)*))"
    r"|(?P<range>à\s+(?P<end>[0-9a-z]+))"
    r"|(?P<sep>,|;|\bet\b)"
    r"|(?P<ws>\s+)"
)
# Paragraphe / Recommandations cells: "24, 25 et 28", "8 a) à d) et f) et 9", "al. 1 à 7 ; 6".
_ITEM_SEP_RE = re.compile(r"\s*(?:,\s*et\b|,|;|\bet\b)\s*")
_RANGE_SEP_RE = re.compile(r"\s+à\s+")
_ITEM_RE = re.compile(r"^(?:al\.\s*(?P<al>\d+)|(?P<num>\d+))?(?P<subs>(?:\s*[a-z]+\))*)$")


class RefSyntaxError(ValueError):
    """A refs or paragraph cell that does not follow the index's grammar."""


@dataclass
class ThematicIndex:
    """Everything read from the index; `warnings` lists each doubt, with its line.

    `rows`: every printed table row in order, cells as printed; a packed line gives one row
    per meeting (same `line`, cells split so that joining them with spaces gives the
    printed cells back); a lone "Partie A"/"Partie B" row is kept with no `refs_expanded`.
    `entries`: one per (theme, ref), first occurrence kept; the others are in `duplicates`.
    `report_columns`: for each meeting, the column ("paragraph"/"recommendation") its
    single-meeting rows fill, which decides where packed fragments go.
    """

    themes: list[ThemeDef]
    rows: list[IndexRow]
    entries: list[IndexEntry]
    warnings: list[str]
    duplicates: list[tuple[str, Ref, int]] = field(default_factory=list)  # theme, ref, line
    meeting_symbols: dict[tuple[Part, int], str] = field(default_factory=dict)
    meeting_instruments: dict[tuple[Part, int], str] = field(default_factory=dict)
    report_columns: dict[tuple[Part, int], str] = field(default_factory=dict)

    @property
    def duplicates_dropped(self) -> int:
        return len(self.duplicates)


# --- Grammar ------------------------------------------------------------------------


@dataclass
class RefGroup:
    """Consecutive refs of one meeting inside a refs cell, with the text that printed them."""

    part: Part
    meeting: int
    refs: list[Ref]
    text: str


def _range(start: str, end: str) -> list[str]:
    if start.isdigit() and end.isdigit() and int(start) <= int(end):
        return [str(n) for n in range(int(start), int(end) + 1)]
    if re.fullmatch(r"[a-z]", start) and re.fullmatch(r"[a-z]", end) and start <= end:
        return [chr(c) for c in range(ord(start), ord(end) + 1)]
    raise RefSyntaxError(f"cannot expand the range {start!r} à {end!r}")


def scan_refs(cell: str, part: Part = Part.A) -> tuple[list[RefGroup], Part, bool]:
    """Read a refs cell: its refs grouped by meeting, the part in force after it, and
    whether a part marker was seen. Raises RefSyntaxError on anything else.

    "I.21, I.22 et I.27"; "II.17 à 23"; "V.2.a à d"; "VI.al. 1 à 7 ; VI.6"; "I.b.iii";
    "Partie B : VI.17 et VI.20"; packed "I.15 et I.33 III.27 Partie B : V.13".
    """
    groups: list[RefGroup] = []
    starts: list[int] = []
    pending_start: int | None = None  # where a part marker opened the next group
    marker = False
    pos = 0
    last: Ref | None = None
    while pos < len(cell):
        m = _REF_TOKEN_RE.match(cell, pos)
        if not m or m.end() == pos:
            raise RefSyntaxError(f"unexpected {cell[pos : pos + 12]!r} in refs {cell!r}")
        if m["part"]:
            part = Part(m["letter"])
            marker = True
            pending_start = m.start() if pending_start is None else pending_start
            last = None
        elif m["ref"]:
            path = m["path"]
            segs = (
                ("al", re.sub(r"^al\.\s*", "", path))
                if path.startswith("al")
                else tuple(path.split("."))
            )
            try:
                ref = Ref(part, from_roman(m["meeting"]), segs)
            except ValueError as exc:
                raise RefSyntaxError(f"bad ref {m['ref']!r} in {cell!r}: {exc}") from exc
            if not groups or (groups[-1].part, groups[-1].meeting) != (ref.part, ref.meeting):
                groups.append(RefGroup(ref.part, ref.meeting, [], ""))
                starts.append(pending_start if pending_start is not None else m.start())
            groups[-1].refs.append(ref)
            pending_start = None
            last = ref
        elif m["range"]:
            if last is None:
                raise RefSyntaxError(f"range without a start in {cell!r}")
            values = _range(last.path[-1], m["end"])
            groups[-1].refs.extend(
                Ref(last.part, last.meeting, (*last.path[:-1], v)) for v in values[1:]
            )
            last = None
        pos = m.end()
    for i, group in enumerate(groups):
        end = starts[i + 1] if i + 1 < len(groups) else len(cell)
        group.text = cell[starts[i] : end].strip()
    if pending_start is not None and groups:
        raise RefSyntaxError(f"part marker with no refs after it in {cell!r}")
    return groups, part, marker


def expand_refs(cell: str, part: Part = Part.A) -> list[Ref]:
    """All refs a refs cell cites, ranges expanded, in printed order."""
    groups, _, _ = scan_refs(cell, part)
    return [ref for g in groups for ref in g.refs]


def _parse_item(text: str) -> list[str]:
    m = _ITEM_RE.match(text.strip())
    if not m or not text.strip():
        raise RefSyntaxError(f"not a paragraph number: {text!r}")
    head = ["al", m["al"]] if m["al"] else [m["num"]] if m["num"] else []
    return head + re.findall(r"([a-z]+)\)", m["subs"])


def _render(segs: list[str]) -> str:
    if segs[:1] == ["al"]:
        return "al. " + " ".join(segs[1:])
    return " ".join(s if s.isdigit() else f"{s})" for s in segs)


def expand_paragraphs(cell: str) -> list[str]:
    """One printed paragraph per cited item: "8 a) à d) et f) et 9" → 8 a), 8 b), 8 c),
    8 d), 8 f), 9. A bare subparagraph ("f)") takes the number of the item before it."""
    out: list[list[str]] = []
    for piece in _ITEM_SEP_RE.split(cell.strip()):
        if not piece:
            raise RefSyntaxError(f"empty item in {cell!r}")
        bounds = _RANGE_SEP_RE.split(piece)
        if len(bounds) > 2:
            raise RefSyntaxError(f"double range in {cell!r}")
        first = _parse_item(bounds[0])
        if first and not (first[0].isdigit() or first[0] == "al") and out:
            prev = out[-1]
            head = prev[:2] if prev[0] == "al" else prev[:1] if prev[0].isdigit() else []
            first = head + first
        if not first:
            raise RefSyntaxError(f"empty item in {cell!r}")
        if len(bounds) == 1:
            out.append(first)
            continue
        end = _parse_item(bounds[1])
        if len(end) != 1:
            raise RefSyntaxError(f"range end {bounds[1]!r} is not one number/letter in {cell!r}")
        out.extend([*first[:-1], v] for v in _range(first[-1], end[0]))
    return [_render(segs) for segs in out]


def split_fragments(cell: str) -> list[str]:
    """Split a packed Paragraphe/Recommandations cell into one fragment per meeting.

    A new fragment starts at a number that follows a complete item with no connector
    (",", ";", "et", "à", "al.") in between: "18 et 36 31 13" → ["18 et 36", "31", "13"];
    "12 d) 5, 14 et 18" → ["12 d)", "5, 14 et 18"].
    """
    tokens = list(re.finditer(r"\S+", cell))
    frags: list[str] = []
    start = 0
    for k, tok in enumerate(tokens):
        if k == 0:
            start = tok.start()
            continue
        prev = tokens[k - 1].group()
        joined = prev in ("et", "à", "al.") or prev.endswith((",", ";"))
        if not joined and re.match(r"\d|al\.", tok.group()):
            frags.append(cell[start : tokens[k - 1].end()])
            start = tok.start()
    if tokens:
        frags.append(cell[start : tokens[-1].end()])
    return frags


# --- Labels and hierarchy -----------------------------------------------------------


def normalize_label(printed: str) -> tuple[str, bool]:
    """The theme's one label, and whether the cell was marked "(suite)" (see module doc)."""
    label = clean_text(printed)
    suite = bool(_SUITE_RE.search(label))
    label = _SUITE_RE.sub("", label)
    label = _SLASH_WRAP_RE.sub("/", label)
    label = _HYPHEN_WRAP_RE.sub("-", label)
    return label.strip(), suite


def _paren_head(label: str) -> str | None:
    """The head of "A (b (c))", i.e. "A"; None when the label does not end with ")"."""
    if not label.endswith(")"):
        return None
    depth = 0
    for i in range(len(label) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(label[i], 0)
        if depth == 0:
            head = label[:i].strip()
            return head or None
    return None


def build_hierarchy(labels: list[str]) -> list[ThemeDef]:
    """ThemeDefs for `labels` (in order) plus synthesised parents, each before its first child."""
    known = set(labels)
    heads = Counter(h for h in map(_paren_head, labels) if h)
    defs: list[ThemeDef] = []
    emitted: set[str] = set()
    for label in labels:
        parent = None
        head = _paren_head(label)
        if head and (head in known or heads[head] >= 2):
            parent = head
        else:
            for m in re.finditer(r",\s", label):
                if label[: m.start()] in known:
                    parent = label[: m.start()]
                    break
        if parent and parent not in known and parent not in emitted:
            defs.append(ThemeDef(parent))
            emitted.add(parent)
        defs.append(ThemeDef(label, parent))
        emitted.add(label)
    return defs


# --- The table ----------------------------------------------------------------------


@dataclass
class _RawRow:
    line: int
    theme: str
    cells: list[str]  # six cells, re-aligned
    groups: list[RefGroup]
    part: Part  # part in force after the refs cell
    error: str | None = None


def _looks_like_refs(cell: str) -> bool:
    try:
        groups, _, marker = scan_refs(cell)
    except RefSyntaxError:
        return False
    return bool(groups) or marker


def _is_header(cells: list[str]) -> bool:
    return cells[0].strip() == "Thème" or (
        not cells[0].strip() and not cells[1].strip() and cells[2].strip() == "Cote"
    )


def _find_start(lines: list[str], path: str | None) -> int:
    """The heading line; the table of contents entry has a tab (and its page number)."""
    for i, line in enumerate(lines):
        if _HEADING_RE.match(line) and "\t" not in line:
            return i
    raise IngestError(path, "no thematic index: expected a heading '**Index thématique'")


def _read_table(lines: list[str], start: int, path: str | None, warn) -> list[_RawRow]:
    rows: list[_RawRow] = []
    theme: str | None = None
    part = Part.A
    seen_labels: set[str] = set()
    stray: list[tuple[int, str]] = []
    for idx in range(start + 1, len(lines)):
        lineno = idx + 1
        line = lines[idx].rstrip("\r")
        if not line.strip():
            continue
        if "\t" not in line:
            if not (_NOTE_RE.match(line) or _RUNNING_HEAD_RE.match(line) or not rows):
                stray.append((lineno, line))
            continue
        cells = line.split("\t")
        if len(cells) != _NCELLS:
            raise IngestError(path, f"index row with {len(cells)} cells, expected 6", lineno)
        if _is_header(cells):
            continue
        for n, text in stray:  # text between table rows that is not page furniture
            warn(n, f"line is not an index row and was skipped: {text!r}")
        stray = []
        first = cells[0].strip()
        if first and _looks_like_refs(first):
            if cells[-1].strip():
                raise IngestError(
                    path, "row without its theme cell should end with an empty cell", lineno
                )
            cells = ["", *cells[:-1]]
            first = ""
        if first:
            label, suite = normalize_label(first)
            if label in seen_labels and not suite:
                warn(lineno, f"theme {label!r} printed again without '(suite)'; merged")
            if suite and label not in seen_labels:
                warn(lineno, f"'(suite)' of {label!r}, which no earlier row started")
            if label != theme:
                part = Part.A  # a theme starts in Part A; its "(suite)" keeps the part
            theme = label
            seen_labels.add(label)
        elif theme is None:
            raise IngestError(path, "index row before any theme", lineno)
        refs_cell = cells[1].strip()
        try:
            groups, part, _ = scan_refs(refs_cell, part)
            error = None
        except RefSyntaxError as exc:
            groups, error = [], str(exc)
            warn(lineno, f"{theme}: refs cell not understood, no pair read: {exc}")
        rows.append(_RawRow(lineno, theme, [c.strip() for c in cells], groups, part, error))
    if not rows:
        raise IngestError(path, "the thematic index has no rows", start + 1)
    return rows


# --- Derived facts: which symbol and which column each meeting's rows use ------------------


def _vote(rows: list[_RawRow], warn) -> tuple[dict, dict, dict]:
    symbols: dict[tuple[Part, int], Counter] = defaultdict(Counter)
    instruments: dict[tuple[Part, int], Counter] = defaultdict(Counter)
    columns: dict[tuple[Part, int], Counter] = defaultdict(Counter)
    for row in rows:
        if len(row.groups) != 1:
            continue
        g = row.groups[0]
        key = (g.part, g.meeting)
        sym, instr, para, rec = row.cells[2:6]
        if sym and len(_SYMBOL_RE.findall(sym)) == 1:
            symbols[key][sym] += 1
        if instr and len(_INSTRUMENT_RE.findall(instr)) == 1:
            instruments[key][instr] += 1
        if bool(para) != bool(rec):
            columns[key][PARAGRAPH if para else RECOMMENDATION] += 1
        elif para and rec:
            warn(row.line, f"{row.theme}: both Paragraphe and Recommandations are filled")

    def winner(votes: dict[tuple[Part, int], Counter], what: str) -> dict:
        out = {}
        for key in sorted(votes, key=lambda k: (k[0].value, k[1])):
            ranked = votes[key].most_common()
            if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
                warn(None, f"{key[0]}:{to_roman(key[1])}: no majority {what} in {dict(votes[key])}")
                continue
            out[key] = ranked[0][0]
        return out

    return winner(symbols, "symbol"), winner(instruments, "instrument"), winner(columns, "column")


def _check_pairing(row: IndexRow, symbols: dict, instruments: dict, warn) -> None:
    """Warn when a row's symbol/instrument is not the one its meeting's other rows print."""
    keys = {(r.part, r.meeting) for r in row.refs_expanded}
    for key in sorted(keys, key=lambda k: (k[0].value, k[1])):
        meeting = f"{key[0]}:{to_roman(key[1])}"
        expected = symbols.get(key)
        if row.symbol and expected and row.symbol != expected:
            warn(
                row.line,
                f"{row.theme}: refs {row.refs!r} cite meeting {meeting} but the row prints "
                f"{row.symbol}, while the other rows of {meeting} print {expected} "
                "(error in the original; kept as printed)",
            )
        expected = instruments.get(key)
        if key[0] == Part.B and row.instrument and expected and row.instrument != expected:
            warn(
                row.line,
                f"{row.theme}: refs {row.refs!r} cite session {meeting} but the row prints "
                f"{row.instrument}, while its other rows print {expected} (kept as printed)",
            )
        if key[0] == Part.A and row.instrument:
            warn(row.line, f"{row.theme}: Working Group refs with an instrument {row.instrument}")
        if key[0] == Part.B and not row.instrument:
            taken = expected if expected and row.symbol == symbols.get(key) else None
            warn(
                row.line,
                f"{row.theme}: COP refs {row.refs!r} printed without their decision/resolution; "
                + (
                    f"their entries take {taken} from the other rows of session {meeting}"
                    if taken
                    else "their entries have none"
                ),
            )


def _per_ref(row: IndexRow, column: str, warn) -> list[str | None]:
    """The printed paragraph (or recommendation) of each ref of the row, when certain."""
    cell = row.paragraph if column == PARAGRAPH else row.recommendation
    n = len(row.refs_expanded)
    if not cell:
        return [None] * n
    try:
        items = expand_paragraphs(cell)
    except RefSyntaxError as exc:
        warn(row.line, f"{row.theme}: {column} cell {cell!r} not understood ({exc}); left None")
        return [None] * n
    if len(items) != n:
        warn(
            row.line,
            f"{row.theme}: {column} cell {cell!r} gives {len(items)} items for {n} refs "
            f"({row.refs!r}); per-ref {column} left None",
        )
        return [None] * n
    for ref, item in zip(row.refs_expanded, items, strict=True):
        segs = item.replace(")", "").replace("al. ", "al ").split()
        if ref.part == Part.B or column == RECOMMENDATION:
            ok = segs == list(ref.path)
        else:  # a WG report paragraph: its own number, then the ref's subparagraphs
            ok = segs[1:] == list(ref.path[1:])
        if not ok:
            warn(
                row.line,
                f"{row.theme}: {ref} is printed with {column} {item!r}, which "
                "does not match its numbering (kept as printed)",
            )
    return list(items)


def _split_packed(raw: _RawRow, columns: dict, warn) -> list[IndexRow]:
    """One IndexRow per meeting of a row that prints several meetings on one line."""
    sym_cell, instr_cell, para_cell, rec_cell = raw.cells[2:6]
    groups = raw.groups
    label = f"{raw.theme}: packed row {raw.cells[1]!r}"
    symbols = _SYMBOL_RE.findall(sym_cell)
    if " ".join(symbols) != " ".join(sym_cell.split()) or len(symbols) != len(groups):
        warn(
            raw.line,
            f"{label}: {len(symbols)} symbols for {len(groups)} meetings; symbols left None",
        )
        symbols = [None] * len(groups)
    b_groups = [g for g in groups if g.part == Part.B]
    instruments = _INSTRUMENT_RE.findall(instr_cell)
    by_group_instr: dict[int, str | None] = {id(g): None for g in groups}
    if instruments:  # an empty cell is no pairing problem (see _check_pairing)
        if len(instruments) == len(b_groups):
            by_group_instr.update({id(g): i for g, i in zip(b_groups, instruments, strict=True)})
        else:
            warn(
                raw.line,
                f"{label}: {len(instruments)} instruments for {len(b_groups)} "
                "COP sessions; instruments left None",
            )

    fragment: dict[int, tuple[str, str | None]] = {}
    for column, cell in ((PARAGRAPH, para_cell), (RECOMMENDATION, rec_cell)):
        frags = split_fragments(cell) if cell else []
        unknown = [g for g in groups if (g.part, g.meeting) not in columns]
        targets = [g for g in groups if columns.get((g.part, g.meeting)) == column]
        if unknown:
            warn(
                raw.line,
                f"{label}: no single-meeting row shows which column meetings "
                f"{[to_roman(g.meeting) for g in unknown]} use; {column} left None",
            )
            continue
        if len(frags) != len(targets):
            if frags or targets:
                warn(
                    raw.line,
                    f"{label}: {column} cell {cell!r} splits into {len(frags)} "
                    f"fragments for {len(targets)} meetings; left None",
                )
            continue
        for g, frag in zip(targets, frags, strict=True):
            try:
                count = len(expand_paragraphs(frag))
            except RefSyntaxError:
                count = -1
            if count != len(g.refs):
                warn(
                    raw.line,
                    f"{label}: {column} fragment {frag!r} does not fit the "
                    f"{len(g.refs)} refs of {g.text!r}; left None",
                )
                continue
            fragment[id(g)] = (column, frag)

    out = []
    for g, sym in zip(groups, symbols, strict=True):
        column, frag = fragment.get(id(g), (None, None))
        out.append(
            IndexRow(
                theme=raw.theme,
                part=g.part,
                refs=g.text,
                symbol=sym,
                instrument=by_group_instr[id(g)],
                paragraph=frag if column == PARAGRAPH else None,
                recommendation=frag if column == RECOMMENDATION else None,
                line=raw.line,
                refs_expanded=list(g.refs),
            )
        )
    return out


def parse_thematic_index(text: str, path: str | None = None) -> ThematicIndex:
    """Read the thematic index at the end of the compendium (`text` is the whole file)."""
    warnings: list[str] = []
    where = path or "<input>"

    def warn(line: int | None, message: str) -> None:
        warnings.append(f"{where}:{line}: {message}" if line else f"{where}: {message}")

    lines = text.split("\n")
    raw_rows = _read_table(lines, _find_start(lines, path), path, warn)
    symbols, instruments, columns = _vote(raw_rows, warn)

    rows: list[IndexRow] = []
    entries: list[IndexEntry] = []
    duplicates: list[tuple[str, Ref, int]] = []
    seen: set[tuple[str, Ref]] = set()
    labels: list[str] = []
    for raw in raw_rows:
        if raw.theme not in labels:
            labels.append(raw.theme)
        sym, instr, para, rec = (c or None for c in raw.cells[2:6])
        if len(raw.groups) > 1:
            printed = _split_packed(raw, columns, warn)
        else:
            refs = raw.groups[0].refs if raw.groups else []
            part = raw.groups[0].part if raw.groups else raw.part
            printed = [
                IndexRow(raw.theme, part, raw.cells[1], sym, instr, para, rec, raw.line, refs)
            ]
            if not raw.groups and not raw.error and any((sym, instr, para, rec)):
                warn(raw.line, f"{raw.theme}: a row with no refs prints {raw.cells[2:]}")
            if sym and len(_SYMBOL_RE.findall(sym)) != 1:
                warn(raw.line, f"{raw.theme}: one meeting but symbol cell {sym!r}")
        for row in printed:
            rows.append(row)
            _check_pairing(row, symbols, instruments, warn)
            paragraphs = _per_ref(row, PARAGRAPH, warn)
            recommendations = _per_ref(row, RECOMMENDATION, warn)
            for ref, p, r in zip(row.refs_expanded, paragraphs, recommendations, strict=True):
                if (row.theme, ref) in seen:
                    duplicates.append((row.theme, ref, row.line))
                    continue
                seen.add((row.theme, ref))
                key = (ref.part, ref.meeting)
                instrument = row.instrument
                if instrument is None and ref.part == Part.B and row.symbol == symbols.get(key):
                    instrument = instruments.get(key)  # empty cell, symbol agrees: same text
                entries.append(IndexEntry(row.theme, ref, row.symbol, instrument, p, r, row.line))

    return ThematicIndex(
        themes=build_hierarchy(labels),
        rows=rows,
        entries=entries,
        warnings=warnings,
        duplicates=duplicates,
        meeting_symbols=symbols,
        meeting_instruments=instruments,
        report_columns=columns,
    )


__all__ = [
    "PARAGRAPH",
    "RECOMMENDATION",
    "RefGroup",
    "RefSyntaxError",
    "ThematicIndex",
    "build_hierarchy",
    "expand_paragraphs",
    "expand_refs",
    "normalize_label",
    "parse_thematic_index",
    "scan_refs",
    "split_fragments",
]
