"""Reads a Secretariat report to the Conference of the Parties: its cover metadata and its
numbered paragraphs, as context for the recommendations it reports on (it makes none).

The cover block is read by `parsers.header` (session, venue and dates, distribution, issue
date, agenda item, title, "Rapport du Secrétariat"); the body by `wg_report.read_body`,
the same paragraph/heading rules as the Working Group reports: numbered paragraphs in
sequence, section headings (`I.`, `A.`, `1.` out of sequence, unnumbered lines standing
alone such as "Conseil de sécurité"), footnote bodies (`¹ …`, `* …`) left out, page-break
continuations joined to the paragraph they continue. The word "recommandation" in the
text creates nothing: a "Recommandation N" heading here would be reported as a warning.
"""

from __future__ import annotations

from pathlib import Path

from recueil.ingest.errors import IngestError
from recueil.ingest.parsers.header import language_code, read_header
from recueil.ingest.parsers.wg_report import read_body, report_paragraphs
from recueil.model import DocumentKind, ParsedDocument

__all__ = ["parse_secretariat_report"]


def parse_secretariat_report(text: str, path: str | None = None) -> ParsedDocument:
    """Parse a Secretariat report: metadata and numbered paragraphs, no items."""
    lines = text.split("\n")
    header = read_header(lines)
    symbols = [header.symbol] if header.symbol else []
    body = read_body(lines, header.end, path=path, symbols=symbols)
    if not body.paragraphs:
        raise IngestError(
            path,
            "no numbered paragraphs found (expected '1. …' after the cover block of a "
            "Secretariat report)",
            line=header.end + 1,
        )
    warnings = list(body.warnings)
    for rec in body.recommendations:
        warnings.append(
            f"line {rec.line + 1}: 'Recommandation {rec.number}' heading in a Secretariat "
            "report; not read as an item"
        )
    title = header.title
    if title is None:
        title = header.symbol or (Path(path).name if path else "")
        warnings.append(f"no title printed; the document is listed as {title!r}")
    paragraphs = report_paragraphs(body, lines, lines, ocr=False)
    return ParsedDocument(
        kind=DocumentKind.SECRETARIAT_REPORT,
        title=title,
        symbol=header.symbol,
        body=header.body,
        session=header.session,
        start_date=header.start_date,
        end_date=header.end_date,
        issued=header.issued,
        venue=header.venue,
        language=language_code(header.language) or "fr",
        original_language=header.original_language,
        distribution=header.distribution,
        paragraphs=paragraphs,
        warnings=warnings,
        gaps=[str(g) for g in body.gaps],  # paragraph numbers skipped (sequence_check)
    )
