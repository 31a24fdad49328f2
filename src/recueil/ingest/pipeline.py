"""Ingestion from file paths to parsed documents: read, recognise, parse, check.

Every file is read and parsed before anything is written, so one bad file in a batch
leaves the database exactly as it was; saving is idempotent (see store.writer). The whole
run (save, vocabulary, search index, uptake links) is `ingest.service.ingest_paths`.

What a file does not print comes from its manifest entry (see ingest.manifest), overridden
by the options of the run (`recueil ingest --kind/--meeting/--session/--symbol/--language`).
After parsing, the numbered sequences' gaps (ingest.sequence_check) refuse the file unless
`accept_gaps` is set; a document of a kind that must have items and yields none is a gap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from recueil.ingest.detect import detect_kind_or_none
from recueil.ingest.errors import IngestError
from recueil.ingest.manifest import ManifestEntry, entry_for
from recueil.ingest.read import SUPPORTED, SourceText, iter_sources, read_source
from recueil.ingest.sequence_check import GapError, check_sequence, no_items
from recueil.model import DocumentKind, ParsedDocument

# Kinds whose documents exist to carry items: none found is a gap, never a silent success.
MUST_HAVE_ITEMS = frozenset(
    {"report", "draft_addendum", "compendium", "resolution", "draft_resolution", "upr_report"}
)


@dataclass(frozen=True)
class LoadOptions:
    """What the user says on the command line for every file of a run."""

    overrides: ManifestEntry = field(default_factory=ManifestEntry)
    accept_gaps: bool = False


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
    # Working Group reports and drafts know their language (the cover's "English" /
    # "Français", else their headings: parsers.wg_report); the others are detected here.
    if parsed.kind in (DocumentKind.SECRETARIAT_REPORT, DocumentKind.COMPENDIUM):
        lang = detect_language(source.text)
        if lang != "und" and lang != parsed.language:
            parsed.language = lang
        elif lang == "und" and hinted:
            parsed.language = hinted
    if hinted and not parsed.language:  # --language / manifest fill what is not detected
        parsed.language = hinted
    for item in parsed.all_items():
        if item.language is None:
            item.language = parsed.language
    return parsed


def compendium_gaps(parsed: ParsedDocument) -> list[str]:
    """The compendium's items by reference: each meeting's or session's recommendations,
    paragraphs and subparagraphs run 1, 2, 3 … / a, b, c … / i, ii, iii … without a gap."""
    groups: dict[tuple, list] = {}
    for item in parsed.all_items():
        key = (item.ref.part.value, item.ref.meeting, tuple(item.ref.path[:-1]))
        groups.setdefault(key, []).append((item.ref.path[-1], item.line))
    gaps = []
    for (part, meeting, parent), labels in groups.items():
        where = f"{part}:{meeting}" + "".join(f".{p}" for p in parent)
        gaps += check_sequence(labels, what="item", parent=where)
    return [str(g) for g in gaps]


def check_gaps(parsed: ParsedDocument, path: str | Path, *, accept: bool) -> None:
    """Refuse a document whose numbered sequences lost something (unless accepted)."""
    if parsed.kind == DocumentKind.COMPENDIUM:
        parsed.gaps.extend(compendium_gaps(parsed))
    if not parsed.items and parsed.kind.value in MUST_HAVE_ITEMS and not parsed.gaps:
        parsed.gaps.append(str(no_items("items", f"a document of kind {parsed.kind.value!r}")))
    if parsed.gaps and not accept:
        raise GapError(path, parsed.gaps)


def load(path: str | Path, options: LoadOptions | None = None) -> Loaded:
    from recueil.ingest.parsers.header import find_symbol

    options = options or LoadOptions()
    path = Path(path)
    source = read_source(path)
    manifest = entry_for(
        path, sha256=source.sha256, symbol=find_symbol(source.text[:20000].split("\n"))
    ).overridden_by(options.overrides)
    parsed = parse_source(source, manifest)
    check_gaps(parsed, path, accept=options.accept_gaps)
    return Loaded(source, parsed, manifest)


def load_all(
    paths: Iterable[str | Path],
    progress: Callable[[Path], None] | None = None,
    options: LoadOptions | None = None,
) -> list[Loaded]:
    """Read and parse every file first; the first bad file raises IngestError.

    (`ingest.service.read_all` reads them all and reports every bad file instead.)
    """
    files = iter_sources(paths)
    if not files:
        raise IngestError(None, f"no ingestible files found ({SUPPORTED})")
    loaded = []
    for f in files:
        if progress:
            progress(f)
        loaded.append(load(f, options))
    return order_for_saving(loaded)


def order_for_saving(loaded: list[Loaded]) -> list[Loaded]:
    """The compendium first (reports and the index refer to its items), then by path."""
    return sorted(
        loaded, key=lambda lo: (lo.parsed.kind != DocumentKind.COMPENDIUM, str(lo.source.path))
    )
