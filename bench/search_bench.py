"""Times `recueil.search.search` in-process over the search-quality query set (p50/p95).

Ingests corpus/ into a fresh SQLite file (or uses --db, e.g. a PostgreSQL URL with the
corpus already ingested), builds the index, then runs every query of
tests/search_queries.py --repeat times; prints index build time, latency percentiles,
and the quality of the ranking (queries with all expected items in the top 10, MRR);
latency is measured with the result cache cleared before each call, then warm.
Run: .venv/bin/python bench/search_bench.py [--repeat N] [--db URL] [--scale K]
--scale K duplicates the corpus items K times (synthetic copies) to see how it scales.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def scale_corpus(store, k: int) -> None:
    """Add k-1 synthetic copies of every item under new meeting numbers (bench only)."""
    from recueil.store.models import Item, Meeting

    def copy() -> None:
        items = list(Item.objects.select_related("meeting").filter(parent__isnull=True))
        for n in range(1, k):
            meetings = {}
            for m in Meeting.objects.filter(number__lt=100):
                meetings[m.id], _ = Meeting.objects.get_or_create(
                    part=m.part, number=100 * n + m.number, defaults={"title": m.title}
                )
            Item.objects.bulk_create(
                [
                    Item(
                        ref=f"{i.part}:{i.meeting.number + 100 * n}.{i.number}", status=i.status,
                        part=i.part, meeting=meetings[i.meeting_id], number=i.number,
                        sort_key=f"{n:04d}{i.sort_key}", kind=i.kind, text=i.text,
                        raw_text=i.raw_text, document_id=i.document_id,
                    )
                    for i in items
                ]
            )  # fmt: skip

    store.run(copy)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="runs of the query set")
    parser.add_argument("--db", help="an existing store (default: a fresh SQLite corpus)")
    parser.add_argument("--scale", type=int, default=1, help="copies of the corpus items")
    args = parser.parse_args()

    from recueil.ingest.pipeline import load_all
    from recueil.search import ensure_index, search
    from recueil.store import open_store
    from tests.search_queries import QUERIES

    with tempfile.TemporaryDirectory(prefix="recueil-bench-") as tmp:
        store = open_store(args.db or Path(tmp) / "bench.sqlite3")
        if not args.db:
            for loaded in load_all([ROOT / "corpus"]):
                store.save(loaded, user="bench")
        if args.scale > 1:
            scale_corpus(store, args.scale)
        start = time.perf_counter()
        info = store.run(ensure_index, force=True)
        print(f"index ({info.vendor}, {info.changed} items): {time.perf_counter() - start:.2f} s")
        ok, rr = 0, 0.0
        for query, expected in QUERIES if args.scale == 1 else ():  # copies tie with originals
            got = [h["ref"] for h in store.run(search, query, limit=10).hits]
            ranks = [got.index(e) + 1 for e in expected if e in got]
            ok += len(ranks) == len(expected)
            rr += 1 / min(ranks) if ranks else 0.0
        if args.scale == 1:
            print(
                f"quality: {ok}/{len(QUERIES)} queries with every expected item in the top 10,"
                f" MRR {rr / len(QUERIES):.3f}"
            )
        from recueil.search.engine import clear_cache

        for label, cold in (("uncached", True), ("cached (repeated query)", False)):
            times: list[float] = []
            for _ in range(args.repeat):
                for query, _expected in QUERIES:
                    if cold:
                        clear_cache()
                    start = time.perf_counter()
                    store.run(search, query, limit=20)
                    times.append((time.perf_counter() - start) * 1000)
            print(
                f"search {label} (hits + facets + snippets, limit 20): {len(times)} calls, "
                f"p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f} ms, "
                f"max {max(times):.1f} ms"
            )
        store.close()


if __name__ == "__main__":
    main()
