"""One interface for every document parser: its kind, how it recognises a text, its parse.

Each `DocumentParser` declares the `kind` it reads, `looks_for` (what `detect` looks for,
shown when nothing matches), `detect(text) -> float` (0 = not this kind, 1 = certain)
and `parse(text, path, hints) -> ParsedDocument`. `hints` carries what the manifest or
the command line says (symbol, meeting, session, language); a parser uses a hint only
for what the document does not print. The rule table each parser follows is in its
module's docstring. The highest score wins; on a tie, the earlier entry of `PARSERS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from recueil.ingest.errors import IngestError
from recueil.ingest.normalize import strip_markup
from recueil.model import DocumentKind, ParsedDocument


@dataclass(frozen=True)
class DocumentParser:
    kind: DocumentKind
    looks_for: str
    detect: Callable[[str], float]
    parse: Callable[[str, str | None, Any], ParsedDocument]


# --- Working Group, compendium, Secretariat (French corpus rules, English added) ---------

_RECOMMENDATION_HEADING = re.compile(
    r"^\W*(?:Recommandation|Recommendation)\s+\d+\W*$", re.MULTILINE
)
_WG_NAMES = (
    "Groupe de travail sur le trafic illicite de migrants",
    "Working Group on the Smuggling of Migrants",
)


def _folded_head(text: str) -> str:
    return re.sub(r"\s+", " ", strip_markup(text[:6000]))


def _detect_compendium(text: str) -> float:
    folded = _folded_head(text)
    if "Recueil et index thématique" in folded and "Index thématique" in strip_markup(text):
        return 1.0
    if "Compendium and thematic index" in folded and "Thematic index" in strip_markup(text):
        return 1.0
    return 0.0


def _detect_secretariat(text: str) -> float:
    folded = _folded_head(text)
    return 0.95 if ("Rapport du Secrétariat" in folded or "Report of the Secretariat" in folded
                    ) else 0.0  # fmt: skip


def _wg(text: str) -> tuple[bool, bool]:
    """(is a Working Group report, is its draft/addendum)."""
    folded = _folded_head(text)
    has_recs = bool(_RECOMMENDATION_HEADING.search(strip_markup(text)))
    if any(name in folded for name in _WG_NAMES) or has_recs:
        draft = any(
            marker in folded
            for marker in ("Projet de rapport", "Distr. limitée", "Draft report", "Distr.: Limited")
        )
        if draft:
            return True, True
        if has_recs:
            return True, False
    return False, False


def _detect_wg_draft(text: str) -> float:
    is_wg, draft = _wg(text)
    return 0.8 if is_wg and draft else 0.0


def _detect_wg_report(text: str) -> float:
    is_wg, draft = _wg(text)
    return 0.8 if is_wg and not draft else 0.0


def _parse_compendium(text, path, hints):
    from recueil.ingest.parsers.compendium import parse_compendium

    return parse_compendium(text, path)


def _parse_secretariat(text, path, hints):
    from recueil.ingest.parsers.secretariat_report import parse_secretariat_report

    return parse_secretariat_report(text, path)


def _parse_wg(text, path, hints):
    from recueil.ingest.parsers.wg_report import parse_wg_report

    return parse_wg_report(
        text, path, meeting=getattr(hints, "meeting", None), symbol=getattr(hints, "symbol", None)
    )


# --- documents cited by their own symbol ---------------------------------------------------


def _detect_resolution(text: str) -> float:
    from recueil.ingest.parsers import resolution

    score = resolution.detect(text)
    if score < 0.5:
        return 0.0
    symbol = next((m.group(1) for line in text[:3000].split("\n")[:40]
                   if (m := resolution.SYMBOL_LINE_RE.match(line))), None)  # fmt: skip
    return 0.0 if resolution.is_draft(text, symbol) else score


def _detect_draft_resolution(text: str) -> float:
    from recueil.ingest.parsers import resolution

    score = resolution.detect(text)
    if score < 0.5:
        return 0.0
    symbol = next((m.group(1) for line in text[:3000].split("\n")[:40]
                   if (m := resolution.SYMBOL_LINE_RE.match(line))), None)  # fmt: skip
    return score if resolution.is_draft(text, symbol) else 0.0


def _parse_resolution(text, path, hints):
    from recueil.ingest.parsers.resolution import parse_resolution

    return parse_resolution(
        text, path, symbol=getattr(hints, "symbol", None), language=getattr(hints, "language", None)
    )


def _detect_upr(text: str) -> float:
    from recueil.ingest.parsers import upr

    return upr.detect(text)


def _parse_upr(text, path, hints):
    from recueil.ingest.parsers.upr import parse_upr_report

    return parse_upr_report(
        text, path, symbol=getattr(hints, "symbol", None), language=getattr(hints, "language", None)
    )


PARSERS: tuple[DocumentParser, ...] = (
    DocumentParser(
        DocumentKind.COMPENDIUM,
        "'Recueil et index thématique' / 'Compendium and thematic index' with its index",
        _detect_compendium,
        _parse_compendium,
    ),
    DocumentParser(
        DocumentKind.SECRETARIAT_REPORT,
        "'Rapport du Secrétariat' / 'Report of the Secretariat' on the cover",
        _detect_secretariat,
        _parse_secretariat,
    ),
    DocumentParser(
        DocumentKind.UPR_REPORT,
        "'Report of the Working Group on the Universal Periodic Review' on the cover",
        _detect_upr,
        _parse_upr,
    ),
    DocumentParser(
        DocumentKind.RESOLUTION,
        "a symbol with /RES/ or 'Resolution adopted by …', then 'The General Assembly,' "
        "(or another UN body) opening the paragraphs",
        _detect_resolution,
        _parse_resolution,
    ),
    DocumentParser(
        DocumentKind.DRAFT_RESOLUTION,
        "a symbol with /L.N, 'Distr.: Limited' or 'draft resolution', then 'The General "
        "Assembly,' (or another UN body)",
        _detect_draft_resolution,
        _parse_resolution,
    ),
    DocumentParser(
        DocumentKind.DRAFT_ADDENDUM,
        "the Working Group's name with 'Projet de rapport' / 'Distr. limitée'",
        _detect_wg_draft,
        _parse_wg,
    ),
    DocumentParser(
        DocumentKind.REPORT,
        "'Recommandation N' / 'Recommendation N' headings (a Working Group report)",
        _detect_wg_report,
        _parse_wg,
    ),
)
BY_KIND: dict[DocumentKind, DocumentParser] = {p.kind: p for p in PARSERS}


def detect(text: str) -> tuple[DocumentParser, float] | None:
    """The parser whose `detect` scores highest (> 0), with its score; None if none does."""
    best: tuple[DocumentParser, float] | None = None
    for parser in PARSERS:
        score = parser.detect(text)
        if score > 0 and (best is None or score > best[1]):
            best = (parser, score)
    return best


def unknown_kind_error(path) -> IngestError:
    looked = "; ".join(f"{p.kind.value}: {p.looks_for}" for p in PARSERS)
    return IngestError(
        path,
        f"unknown structure: none of the kinds of document recueil reads matched ({looked}). "
        "If the text is one of these kinds, name it with --kind or in manifest.toml",
    )


def parser_for(kind: DocumentKind, path=None) -> DocumentParser:
    parser = BY_KIND.get(kind)
    if parser is None:
        raise IngestError(
            path,
            f"no parser for documents of kind {kind.value!r} (kinds read: "
            f"{', '.join(p.kind.value for p in PARSERS)})",
        )
    return parser
