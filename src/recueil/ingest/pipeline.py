"""Ingestion from file paths to the store: read, recognise, parse, then save.

Every file is read and parsed before anything is written, so one bad file in a batch
leaves the database exactly as it was; saving is idempotent (see store.writer).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from recueil.ingest.detect import detect_kind
from recueil.ingest.errors import IngestError
from recueil.ingest.manifest import ManifestEntry, entry_for
from recueil.ingest.read import SourceText, iter_sources, read_source
from recueil.model import DocumentKind, ParsedDocument


@dataclass
class Loaded:
    """A file read and parsed, ready to save."""

    source: SourceText
    parsed: ParsedDocument
    manifest: ManifestEntry = field(default_factory=ManifestEntry)


def parse_source(source: SourceText, manifest: ManifestEntry | None = None) -> ParsedDocument:
    """Pick the parser for one source text and apply manifest gap-filling."""
    from recueil.ingest.parsers.compendium import parse_compendium
    from recueil.ingest.parsers.secretariat_report import parse_secretariat_report
    from recueil.ingest.parsers.wg_report import parse_wg_report

    manifest = manifest or ManifestEntry()
    kind = manifest.kind or detect_kind(source.text, source.path)
    path = str(source.path)
    if kind == DocumentKind.COMPENDIUM:
        parsed = parse_compendium(source.text, path)
    elif kind == DocumentKind.SECRETARIAT_REPORT:
        parsed = parse_secretariat_report(source.text, path)
    elif kind in (DocumentKind.REPORT, DocumentKind.DRAFT_ADDENDUM):
        parsed = parse_wg_report(
            source.text, path, meeting=manifest.meeting, symbol=manifest.symbol
        )
    else:
        raise IngestError(path, f"no parser for documents of kind {kind.value!r}")
    if manifest.symbol and not parsed.symbol:
        parsed.symbol = manifest.symbol
    if manifest.meeting and not parsed.meeting:
        parsed.meeting = manifest.meeting
    if manifest.session and not parsed.session:
        parsed.session = manifest.session
    return parsed


def load(path: str | Path) -> Loaded:
    path = Path(path)
    source = read_source(path)
    manifest = entry_for(path)
    return Loaded(source, parse_source(source, manifest), manifest)


def load_all(
    paths: Iterable[str | Path], progress: Callable[[Path], None] | None = None
) -> list[Loaded]:
    """Read and parse every file first; the first bad file raises IngestError."""
    files = iter_sources(paths)
    if not files:
        raise IngestError(None, "no ingestible files found (.txt, .md, .pdf, .docx)")
    loaded = []
    for f in files:
        if progress:
            progress(f)
        loaded.append(load(f))
    return order_for_saving(loaded)


def order_for_saving(loaded: list[Loaded]) -> list[Loaded]:
    """The compendium first (reports and the index refer to its items), then by path."""
    return sorted(
        loaded, key=lambda lo: (lo.parsed.kind != DocumentKind.COMPENDIUM, str(lo.source.path))
    )
