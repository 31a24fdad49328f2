"""How fast `recueil import FILE.jsonl` loads items, and how fast a re-import finds nothing
to do. Prints one table row per size.

The lines are the bundled corpus's export recombined: each corpus item is repeated under
new Working Group meetings (A:XX.n …) with its text, themes and fields, so the rows look
like real data. Run: `.venv/bin/python bench/import_bench.py [--sizes 10000 100000]
[--db postgresql://…]` (default: a temporary SQLite file per size).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recueil.web.settings")
ROOT = Path(__file__).resolve().parent.parent


def corpus_rows(tmp: Path) -> list[dict]:
    from recueil.store import open_store, queries
    from tests.conftest import ingest_into

    store = open_store(tmp / "corpus.sqlite3")
    ingest_into(store, [ROOT / "corpus"])
    return [r for r in store.run(queries.list_items) if r["part"] == "A" and not r["sub"]]


def lines(base: list[dict], n: int) -> list[str]:
    from recueil.model import to_roman

    out, per = [], len(base)
    for k in range(n):
        row = dict(base[k % per])
        meeting = 20 + k // per  # beyond the corpus's meetings
        number = str(k % per + 1)
        row.update(ref=f"A:{to_roman(meeting)}.{number}", meeting=to_roman(meeting),
                   number=number, sub=None, source_file=f"bench-{meeting}.txt")  # fmt: skip
        out.append(json.dumps(row, ensure_ascii=False))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    ap.add_argument("--db", help="a PostgreSQL URL (emptied? no: use a new database)")
    args = ap.parse_args()
    from recueil.exports.imports import import_jsonl
    from recueil.store import open_store

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        base = corpus_rows(tmp)
        print(f"{'lines':>8}  {'import s':>9}  {'lines/s':>8}  {'re-import s':>11}  store")
        for n in args.sizes:
            text = lines(base, n)
            store = open_store(args.db or tmp / f"bench-{n}.sqlite3")
            t = time.perf_counter()
            res = store.run(import_jsonl, text, source="bench.jsonl", user="bench")
            first = time.perf_counter() - t
            assert res["items_created"] == n, res
            t = time.perf_counter()
            again = store.run(import_jsonl, text, source="bench.jsonl", user="bench")
            second = time.perf_counter() - t
            assert again["items_unchanged"] == n, again
            kind = "postgresql" if args.db else "sqlite"
            print(f"{n:>8}  {first:>9.1f}  {n / first:>8.0f}  {second:>11.1f}  {kind}")


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(ROOT))
    main()
