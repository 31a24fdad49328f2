"""Ingest throughput: documents/s and paragraphs/s, for the bundled corpus and for the
shared UN documents (../shared/data/un-documents/), stage by stage.

    .venv/bin/python bench/ingest_bench.py [--repeat N] [--no-store]

Stages (each file timed on its own, best of N runs):
  read   — ingest.read.read_source (decode / extract the text)
  parse  — ingest.pipeline.load (read + detect + parse + sequence checks)
  save   — ingest.service.ingest_paths into a fresh SQLite file (read, parse, check,
           save, vocabulary), one run
  +index — the same run followed by the search index build (uptake links and theme
           training excluded)
"paragraphs" counts the items (with subparagraphs) and the numbered report paragraphs
a file yields; a file the parsers refuse is counted as refused and left out of parse.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recueil.web.settings")

ROOT = Path(__file__).resolve().parent.parent
SETS = {
    "corpus": ROOT / "corpus",
    "shared": ROOT.parent / "shared" / "data" / "un-documents",
}


def _files(folder: Path) -> list[Path]:
    from recueil.ingest.read import iter_sources

    skipped = {"SOURCES.md", "README.md"}  # the folders' descriptions, not documents
    return [f for f in iter_sources([folder]) if f.name not in skipped] if folder.is_dir() else []


def _best(fn, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def bench_set(name: str, folder: Path, repeat: int, store: bool) -> list[dict]:
    from recueil.ingest.errors import IngestError
    from recueil.ingest.pipeline import load
    from recueil.ingest.read import read_source

    files = _files(folder)
    rows = []
    read_time = parse_time = 0.0
    parsed_files = paragraphs = refused = chars = 0
    ok: list[Path] = []
    for path in files:
        t, source = _best(lambda p=path: read_source(p), repeat)
        read_time += t
        chars += len(source.text)
        try:
            t, loaded = _best(lambda p=path: load(p), repeat)
        except IngestError:
            refused += 1
            continue
        parse_time += t
        parsed_files += 1
        ok.append(path)
        paragraphs += len(list(loaded.parsed.all_items())) + len(loaded.parsed.paragraphs)
    rows.append(dict(set=name, stage="read", docs=len(files), paragraphs=None, seconds=read_time,
                     chars=chars, refused=0))  # fmt: skip
    rows.append(dict(set=name, stage="parse", docs=parsed_files, paragraphs=paragraphs,
                     seconds=parse_time, chars=None, refused=refused))  # fmt: skip
    if store and ok:
        rows += _store_row(name, ok, refused)
    return rows


def _store_row(name: str, files: list[Path], refused: int) -> list[dict]:
    from recueil.ingest.service import IngestOptions, ingest_paths, refresh_derived
    from recueil.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bench.sqlite3")  # migrated before the clock starts
        start = time.perf_counter()
        report = ingest_paths(store, files, IngestOptions(user="bench", refresh=False))
        saved = time.perf_counter() - start
        refresh_derived(store, changed=False)  # the search index, not the uptake links
        indexed = time.perf_counter() - start
        paragraphs = sum(r.paragraphs + r.items_created for r in report.results)
        store.close()
    common = dict(set=name, docs=len(report.results), paragraphs=paragraphs, chars=None,
                  refused=refused)  # fmt: skip
    return [dict(common, stage="save", seconds=saved),
            dict(common, stage="+index", seconds=indexed)]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-store", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    rows = []
    for name, folder in SETS.items():
        rows += bench_set(name, folder, args.repeat, not args.no_store)
    print(f"{'set':8} {'stage':6} {'docs':>5} {'refused':>7} {'paragraphs':>10} {'seconds':>8} "
          f"{'docs/s':>8} {'paras/s':>9}")  # fmt: skip
    for r in rows:
        docs_s = r["docs"] / r["seconds"] if r["seconds"] else 0
        paras = "" if r["paragraphs"] is None else str(r["paragraphs"])
        paras_s = "" if not r["paragraphs"] else f"{r['paragraphs'] / r['seconds']:.0f}"
        print(f"{r['set']:8} {r['stage']:6} {r['docs']:>5} {r['refused']:>7} {paras:>10} "
              f"{r['seconds']:>8.2f} {docs_s:>8.2f} {paras_s:>9}")  # fmt: skip
    print(f"load average: {os.getloadavg()[0]:.1f} (cpus: {os.cpu_count()})")


if __name__ == "__main__":
    main()
