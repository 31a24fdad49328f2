"""Runs Annif on exported folds inside Annif's own virtualenv (.venv-annif).

Called by bench/annif_bench.py, never imported by recueil. For each fold directory it loads
the subject vocabulary, trains every project, indexes the held-out documents, and writes
the ranked suggestions (and training seconds) as JSON.

NLTK's `punkt_tab` data (used by Annif's analyzers to split sentences) cannot be
downloaded on this machine, so sentences are split with a regular expression and words
with NLTK's data-free Treebank tokenizer (`preserve_line=True`); stemming is unchanged.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path


def patch_nltk() -> None:
    import nltk.data
    import nltk.tokenize

    original_find = nltk.data.find
    original_word_tokenize = nltk.tokenize.word_tokenize

    def find(resource, *args, **kwargs):
        if "punkt" in str(resource):
            return resource
        return original_find(resource, *args, **kwargs)

    def sent_tokenize(text, language="english"):
        return [s for s in re.split(r"(?<=[.;:!?])\s+", text) if s]

    def word_tokenize(text, language="english", preserve_line=False):
        return original_word_tokenize(text, language, preserve_line=True)

    nltk.data.find = find
    nltk.tokenize.sent_tokenize = sent_tokenize
    nltk.tokenize.word_tokenize = word_tokenize


def annif(*args: str) -> None:
    from annif.cli import cli

    try:
        cli.main(list(args), standalone_mode=False)
    except SystemExit as exc:
        if exc.code:
            raise RuntimeError(f"annif {' '.join(args)} exited {exc.code}") from None


def run_fold(fold: Path, projects: list[str]) -> dict:
    cfg = str(fold / "projects.cfg")
    annif("load-vocab", "-p", cfg, "themes", str(fold / "vocab.tsv"), "--language", "fr")
    out: dict = {"train_seconds": {}, "suggestions": {}}
    for project in projects:
        start = time.perf_counter()
        if not project.startswith("ensemble"):
            annif("train", "-p", cfg, project, str(fold / "train.tsv"), "-v", "ERROR")
        out["train_seconds"][project] = time.perf_counter() - start
        result = fold / f"{project}.jsonl"
        result.unlink(missing_ok=True)
        annif("index", "-p", cfg, project, str(fold / "test.jsonl"), "-O", str(result),
              "--limit", "10", "--threshold", "0", "-v", "ERROR", "--force")  # fmt: skip
        out["suggestions"][project] = [
            json.loads(line) for line in result.read_text(encoding="utf-8").splitlines() if line
        ]
    return out


def main() -> None:
    """run_folds.py FOLD_DIR PROJECT[,PROJECT…] (ANNIF_DATADIR set by the caller)."""
    fold = Path(sys.argv[1])
    projects = sys.argv[2].split(",")
    patch_nltk()
    result = run_fold(fold, projects)
    (fold / "results.json").write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main()
