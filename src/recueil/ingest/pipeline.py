"""Ingestion from file paths to the store: read, recognise, parse, then save.

Every file is read and parsed before anything is written, so one bad file in a batch
leaves the database exactly as it was; saving is idempotent (see store.writer).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from recueil.ingest.detect import detect_kind_or_none
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
    """Pick the parser for one source text and apply manifest gap-filling.

    The text decides its kind (`parsers.registry`); the manifest's (or `--kind`'s) kind is
    used only for a text that no parser recognises, and a contradicting one is reported.
    """
    from recueil.ingest.language import detect_language
    from recueil.ingest.parsers import registry

    manifest = manifest or ManifestEntry()
    path = str(source.path)
    detected = detect_kind_or_none(source.text)
    if detected is None and manifest.kind is None:
        raise registry.unknown_kind_error(path)
    kind = detected or manifest.kind
    parsed = registry.parser_for(kind, path).parse(source.text, path, manifest)
    if manifest.kind and detected and manifest.kind != detected:
        parsed.warnings.append(
            f"manifest names the kind {manifest.kind.value!r} but the text is a "
            f"{detected.value!r}; read as {detected.value!r}"
        )
    if manifest.symbol and not parsed.symbol:
        parsed.symbol = manifest.symbol
    if manifest.meeting and not parsed.meeting:
        parsed.meeting = manifest.meeting
    if manifest.session and not parsed.session:
        parsed.session = manifest.session
    hinted = getattr(manifest, "language", None)
    if parsed.kind in (DocumentKind.REPORT, DocumentKind.DRAFT_ADDENDUM,
                       DocumentKind.SECRETARIAT_REPORT, DocumentKind.COMPENDIUM):  # fmt: skip
        lang = detect_language(source.text)
        if lang != "und" and lang != parsed.language:
            parsed.language = lang
        elif lang == "und" and hinted:
            parsed.language = hinted
    for item in parsed.all_items():
        if item.language is None:
            item.language = parsed.language
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
