"""The 2021 compendium as one document: its Parts A and B joined with its thematic index.

The body gives the texts; the index gives each meeting's report symbol and the report
paragraph of the items it cites. Where a meeting's index rows show one constant offset
between recommendation number and report paragraph, that offset gives the paragraph of
the items the index does not cite (documented inference, warned when inconsistent).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from recueil.ingest.parsers.compendium_body import parse_compendium_body
from recueil.ingest.parsers.thematic_index import parse_thematic_index
from recueil.model import (
    DocumentKind,
    IndexEntry,
    ParsedDocument,
    ParsedItem,
    ParsedMeeting,
    Part,
    Ref,
)

TITLE = (
    "Trafic illicite de personnes migrantes : Recueil et index thématique des "
    "recommandations, résolutions et décisions"
)
_LEADING_INT = re.compile(r"^\s*(\d+)")


def parse_compendium(text: str, path: str | None = None) -> ParsedDocument:
    meetings, items = parse_compendium_body(text, path)
    index = parse_thematic_index(text, path)
    doc = ParsedDocument(
        kind=DocumentKind.COMPENDIUM,
        title=TITLE,
        body="Office des Nations Unies contre la drogue et le crime",
        meetings=meetings,
        items=items,
        themes=index.themes,
        index_entries=index.entries,
        index_rows=index.rows,
        warnings=list(index.warnings),
    )
    m = re.search(r"©[^\n]*?(\d{4})", text)
    if m:
        doc.title = f"{TITLE} ({m.group(1)})"
    _attach_citations(doc)
    return doc


def _meeting_symbols(doc: ParsedDocument) -> dict[tuple[Part, int], str]:
    votes: dict[tuple[Part, int], Counter] = defaultdict(Counter)
    for row in doc.index_rows:
        if not row.symbol:
            continue
        for ref in row.refs_expanded:
            votes[(ref.part, ref.meeting)][row.symbol] += 1
    symbols = {}
    for key, counter in votes.items():
        (symbol, _), *others = counter.most_common()
        symbols[key] = symbol
        if others:
            doc.warnings.append(
                f"index rows give {key[0]}:{key[1]} several symbols {dict(counter)}; used {symbol}"
            )
    return symbols


def _paragraph_offsets(doc: ParsedDocument) -> dict[int, int]:
    """Part A meetings whose index shows report paragraph = recommendation + constant."""
    seen: dict[int, set[int]] = defaultdict(set)
    for e in doc.index_entries:
        if e.ref.part != Part.A or not e.paragraph:
            continue
        m = _LEADING_INT.match(e.paragraph)
        if m and e.ref.path[0].isdigit():
            seen[e.ref.meeting].add(int(m.group(1)) - int(e.ref.path[0]))
    offsets = {}
    for meeting, values in seen.items():
        if len(values) == 1:
            offsets[meeting] = values.pop()
        else:
            doc.warnings.append(
                f"meeting {meeting}: index paragraphs give several offsets {sorted(values)}; "
                "report paragraphs left to the cited items only"
            )
    return offsets


def _cop_paragraph(ref: Ref) -> str:
    """How a COP text numbers its own paragraph: `7`, `k)`, `b) iii)`, `al. 5`."""
    if ref.is_preambular:
        return f"al. {ref.path[1]}"
    return " ".join(seg if seg.isdigit() else f"{seg})" for seg in ref.path)


def _attach_citations(doc: ParsedDocument) -> None:
    symbols = _meeting_symbols(doc)
    offsets = _paragraph_offsets(doc)
    cited: dict[Ref, IndexEntry] = {}
    for e in doc.index_entries:
        cited.setdefault(e.ref, e)
    uses_recommendation_numbers = {
        e.ref.meeting for e in doc.index_entries if e.ref.part == Part.A and e.recommendation
    }
    for meeting in doc.meetings:
        meeting.report_symbol = meeting.report_symbol or symbols.get((meeting.part, meeting.number))
    for item in doc.all_items():
        _cite(item, symbols, offsets, cited, uses_recommendation_numbers)


def _cite(
    item: ParsedItem,
    symbols: dict[tuple[Part, int], str],
    offsets: dict[int, int],
    cited: dict[Ref, IndexEntry],
    by_number: set[int],
) -> None:
    ref = item.ref
    item.symbol = item.symbol or symbols.get((ref.part, ref.meeting))
    if ref.part == Part.B:
        item.report_paragraph = _cop_paragraph(ref)
        return
    top = ref.path[0]
    if ref.meeting in by_number:
        item.recommendation_number = top
        return
    entry = cited.get(ref)
    if entry is not None and entry.paragraph:
        item.report_paragraph = entry.paragraph
    elif ref.meeting in offsets and top.isdigit():
        paragraph = str(int(top) + offsets[ref.meeting])
        if ref.sub:
            paragraph += " " + " ".join(f"{s})" for s in ref.sub.split("."))
        item.report_paragraph = paragraph


__all__ = ["ParsedMeeting", "parse_compendium"]
