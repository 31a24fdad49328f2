"""Times `recueil publish` in each format on the bundled corpus (target: under a minute each).

Ingests corpus/ into a fresh SQLite file in a temporary folder, then publishes the default
edition (every adopted item) as DOCX, PDF, HTML and Markdown, printing seconds per format.
Run: .venv/bin/python bench/publish_bench.py [--repeat N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per format (best is kept)")
    args = parser.parse_args()

    from recueil.ingest.pipeline import load_all
    from recueil.publish import FORMATS, build_publication, render
    from recueil.publish.docx import libreoffice
    from recueil.store import open_store

    with tempfile.TemporaryDirectory(prefix="recueil-bench-") as tmp:
        start = time.perf_counter()
        store = open_store(Path(tmp) / "bench.sqlite3")
        for loaded in load_all([ROOT / "corpus"]):
            store.save(loaded, user="bench")
        print(f"ingest corpus/: {time.perf_counter() - start:.2f} s")
        start = time.perf_counter()
        pub = build_publication(store)
        counts = f"{len(pub.part_a)} meetings, {len(pub.part_b)} sessions, {len(pub.index)} themes"
        print(f"build publication: {time.perf_counter() - start:.2f} s ({counts})")
        for fmt in FORMATS:
            best = None
            for _ in range(args.repeat):
                out = Path(tmp) / f"recueil.{fmt}"
                start = time.perf_counter()
                render(build_publication(store), fmt, out)  # what `recueil publish` does
                elapsed = time.perf_counter() - start
                best = elapsed if best is None else min(best, elapsed)
            note = ""
            if fmt == "docx":
                note = " (with LibreOffice page numbers)" if libreoffice() else " (no LibreOffice)"
            size = out.stat().st_size / 1024
            print(f"publish --format {fmt}: {best:.2f} s, {size:.0f} KiB{note}")


if __name__ == "__main__":
    main()
