"""Which kind of document a text is, so the right parser reads it.

The text decides (see `parsers.registry`: each parser scores how surely a text is its
kind); a manifest entry or `--kind` only names the kind of a text nothing recognises. An
unrecognised text is refused with a message listing every kind and what was looked for.
"""

from __future__ import annotations

from pathlib import Path

from recueil.ingest.parsers import registry
from recueil.model import DocumentKind


def detect_kind(text: str, path: str | Path | None = None) -> DocumentKind:
    """The kind the text shows itself to be; IngestError listing the kinds if none."""
    found = registry.detect(text)
    if found is None:
        raise registry.unknown_kind_error(path)
    return found[0].kind


def detect_kind_or_none(text: str) -> DocumentKind | None:
    found = registry.detect(text)
    return found[0].kind if found else None
