"""Per-folder `manifest.toml`: the metadata a document does not print about itself.

A manifest entry may name the document kind, the meeting or session number, the symbol
and the language; values the document prints always come from the document (a printed
meeting that contradicts the manifest is an error).

Which entry is a file's (the first that applies), so that an entry survives a rename or
a conversion (the same report saved as .txt, .pdf, .docx or .html):

1. the entry whose key is the file's name (`["report-2024.pdf"]`);
2. the entry whose `sha256` field is the SHA-256 of the file's bytes (survives a rename);
3. the entry whose key has the file's stem with another extension (`["001_x.txt"]` for
   `001_x.pdf`: survives a conversion);
4. the entry whose `symbol` is the symbol the document prints (survives both).

Fields: kind, meeting, session, symbol, language (ISO 639-1), sha256, note.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from recueil.ingest.errors import IngestError
from recueil.ingest.tomlfile import read_tables
from recueil.model import DocumentKind

MANIFEST_NAME = "manifest.toml"
_FIELDS = {"kind", "meeting", "session", "symbol", "language", "sha256", "note"}


@dataclass(frozen=True)
class ManifestEntry:
    kind: DocumentKind | None = None
    meeting: int | None = None
    session: int | None = None
    symbol: str | None = None
    language: str | None = None
    sha256: str | None = None
    note: str | None = None

    def overridden_by(self, other: ManifestEntry) -> ManifestEntry:
        """This entry with every field `other` sets replaced (command-line options)."""
        values = {k: v for k, v in other.__dict__.items() if v is not None}
        return replace(self, **values)


def parse_kind(value: str, where: str | Path | None = None) -> DocumentKind:
    try:
        return DocumentKind(value)
    except ValueError:
        raise IngestError(
            where,
            f"kind {value!r} is not one of {[k.value for k in DocumentKind]}",
        ) from None


def load_manifest(folder: Path) -> dict[str, ManifestEntry]:
    """Entries of `folder/manifest.toml` keyed by file name ({} if there is none)."""
    path = folder / MANIFEST_NAME
    if not path.is_file():
        return {}
    data = read_tables(path, _FIELDS, "manifest")
    entries = {}
    for name, values in data.items():
        try:
            kind = DocumentKind(values["kind"]) if "kind" in values else None
        except ValueError:
            raise IngestError(
                path,
                f"entry {name!r}: kind {values['kind']!r} is not one of "
                f"{[k.value for k in DocumentKind]}",
            ) from None
        entries[name] = ManifestEntry(
            kind=kind,
            meeting=values.get("meeting"),
            session=values.get("session"),
            symbol=values.get("symbol"),
            language=values.get("language"),
            sha256=(values.get("sha256") or "").lower() or None,
            note=values.get("note"),
        )
    return entries


def entry_for(
    path: Path, *, sha256: str | None = None, symbol: str | None = None
) -> ManifestEntry:
    """The manifest entry of `path` (see the module doc for the order), or an empty one."""
    entries = load_manifest(path.parent)
    if not entries:
        return ManifestEntry()
    if path.name in entries:
        return entries[path.name]
    if sha256:
        for entry in entries.values():
            if entry.sha256 == sha256.lower():
                return entry
    same_stem = [e for name, e in entries.items() if Path(name).stem == path.stem]
    if len(same_stem) == 1:
        return same_stem[0]
    if symbol:
        matches = [e for e in entries.values() if e.symbol == symbol]
        if len(matches) == 1:
            return matches[0]
    return ManifestEntry()
