"""The folder files recueil reads beside documents (`manifest.toml`, `vocabulary.toml`):
TOML tables keyed by a name, each with a known set of fields; any other shape is a clear
IngestError naming the file and the entry."""

from __future__ import annotations

import tomllib
from pathlib import Path

from recueil.ingest.errors import IngestError


def read_tables(path: Path, fields: set[str], what: str) -> dict[str, dict]:
    """{entry name: {field: value}}; refuses bad TOML, non-table entries, unknown fields."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise IngestError(path, f"invalid {what}: {exc}") from exc
    for name, values in data.items():
        if not isinstance(values, dict):
            raise IngestError(path, f"entry {name!r} must be a table of fields")
        unknown = set(values) - fields
        if unknown:
            raise IngestError(
                path,
                f"entry {name!r}: unknown field(s) {sorted(unknown)}; expected {sorted(fields)}",
            )
    return data
