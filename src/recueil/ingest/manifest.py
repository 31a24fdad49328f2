"""Per-folder `manifest.toml`: the metadata a document does not print about itself.

A manifest entry may name the document kind, the meeting or session number and the
symbol; values the document prints always come from the document.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from recueil.ingest.errors import IngestError
from recueil.ingest.tomlfile import read_tables
from recueil.model import DocumentKind

MANIFEST_NAME = "manifest.toml"
_FIELDS = {"kind", "meeting", "session", "symbol", "note"}


@dataclass(frozen=True)
class ManifestEntry:
    kind: DocumentKind | None = None
    meeting: int | None = None
    session: int | None = None
    symbol: str | None = None
    note: str | None = None


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
            note=values.get("note"),
        )
    return entries


def entry_for(path: Path) -> ManifestEntry:
    return load_manifest(path.parent).get(path.name, ManifestEntry())
