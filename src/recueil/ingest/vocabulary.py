"""Per-folder `vocabulary.toml`: translations and scope notes of the thematic index themes.

The published index gives only French labels; this file gives the rest (English, and room
for the other UN languages). It fills only what editors have left empty, so it can be
shipped with the corpus and re-read on every ingest without overwriting curated wording.
"""

from __future__ import annotations

from pathlib import Path

from recueil.ingest.errors import IngestError
from recueil.ingest.tomlfile import read_tables

VOCABULARY_NAME = "vocabulary.toml"
LANGUAGES = ("en", "ar", "es", "ru", "zh")
KEYS = {"scope_note"} | {f"{k}_{lang}" for k in ("label", "scope_note") for lang in LANGUAGES}


def load_vocabulary(path: Path) -> dict[str, dict[str, str]]:
    """{French label: {"label_en": …, "scope_note": …, …}}; a clear error for bad input."""
    data = read_tables(path, KEYS, "vocabulary file")
    out: dict[str, dict[str, str]] = {}
    for label, entry in data.items():
        bad = [k for k, v in entry.items() if not isinstance(v, str)]
        if bad:
            raise IngestError(path, f"[{label!r}]: {', '.join(bad)} must be text")
        out[label] = {k: " ".join(v.split()) for k, v in entry.items() if v.strip()}
    return out


def vocabulary_files(paths: list[Path]) -> list[Path]:
    """The vocabulary files of the ingested folders (or named directly)."""
    found = []
    for p in paths:
        p = Path(p)
        candidate = p / VOCABULARY_NAME if p.is_dir() else p
        if candidate.name == VOCABULARY_NAME and candidate.is_file():
            found.append(candidate)
    return found
