"""DOCX time against the size of the compendium: is writing it linear in the items?

Ingests corpus/ into a temporary SQLite file, builds the publication once, then writes it
as DOCX (without LibreOffice's page-number pass) at 1× and K× its size: the meetings,
sessions and index themes repeated K times. Prints seconds and seconds per item; a linear
writer keeps the latter flat.
Run: .venv/bin/python bench/docx_scale_bench.py [--times 1 10] [--profile]
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def scaled(pub, k: int):
    out = copy.copy(pub)
    out.part_a = list(pub.part_a) * k
    out.part_b = list(pub.part_b) * k
    out.index = list(pub.index) * k
    return out


def items(pub) -> int:
    return sum(len(m.items) for m in (*pub.part_a, *pub.part_b))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--profile", action="store_true", help="cProfile the largest size")
    args = parser.parse_args()
    from recueil.ingest.pipeline import load_all
    from recueil.publish import build_publication
    from recueil.publish.docx import render_docx
    from recueil.store import open_store

    with tempfile.TemporaryDirectory(prefix="recueil-docx-bench-") as tmp:
        store = open_store(Path(tmp) / "bench.sqlite3")
        for loaded in load_all([ROOT / "corpus"]):
            store.save(loaded, user="bench")
        pub = build_publication(store)
        for k in args.times:
            big = scaled(pub, k)
            out = Path(tmp) / f"recueil-{k}.docx"
            profiler = cProfile.Profile() if args.profile and k == max(args.times) else None
            start = time.perf_counter()
            if profiler:
                profiler.enable()
            render_docx(big, out, update_toc=False)
            if profiler:
                profiler.disable()
            elapsed = time.perf_counter() - start
            n = items(big)
            print(f"{k:>3}×: {n} items, {len(big.index)} index themes: {elapsed:.2f} s "
                  f"({elapsed / n * 1000:.2f} ms per item), {out.stat().st_size / 1024:.0f} KiB",
                  flush=True)  # fmt: skip
            if profiler:
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
