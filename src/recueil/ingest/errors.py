"""One exception type for everything a user can get wrong about an input file.

The CLI turns it into a one-line message and a non-zero exit; the database is untouched.
"""

from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    """A file could not be ingested: says which file, where, and what was expected."""

    def __init__(self, path: str | Path | None, problem: str, line: int | None = None):
        self.path = str(path) if path is not None else None
        self.problem = problem
        self.line = line
        where = self.path or "<input>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {problem}")
