"""Load test of the search API over HTTP: p50/p95 latency and requests/s (target p95 < 50 ms).

Starts `recueil serve` (gunicorn, 2 workers, `--no-train`: a new database would otherwise
train the theme suggester in the background, a core busy for a minute) on a free
127.0.0.1 port on a temporary SQLite database holding the bundled corpus, then a second
process sends `/api/search?q=…` requests from several threads at once, bounded in count
and time, to loopback only. Two workloads:
`repeated` (22 queries over and over: what the engine's result cache sees in practice) and
`unique` (every request a different two-word query: no cache can answer, so every
request also encodes its query with the embedding model for semantic search).
Then, in this process on the same database: the query embedding's own p50/p95 (both
encoders, then each; its share
of a search) and tantivy BM25 (French stemmer, dev-only dependency) on the same unique
queries, for the ratio of recueil's in-process search latency to tantivy's.
Run: .venv/bin/python bench/search_http_bench.py [--requests 2000] [--concurrency 4]
     [--mode both|repeated|unique]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from httpload import HOST, free_port, load, percentile, start_serve  # noqa: E402

QUERIES = [
    "enfants non accompagnés", "enfant", "confiscation", "confisquer les avoirs",
    '"livraisons surveillées"', "assistance consulaire", "coopération internationale",
    "traite OR trafic", "migrants NOT enfants", "Etats parties devraient",
    "blanchiment d'argent", "documents de voyage frauduleux", "mer", "ONUDC",
    "formation des agents", "droits de l'homme", "corruption", "victimes",
    "collecte de données", "matiére pénale", "réfugiés", "femmes et enfants",
]  # fmt: skip


WORDS = [
    "enfants", "migrants", "confiscation", "avoirs", "coopération", "enquêtes", "poursuites",
    "frontières", "documents", "voyage", "fraude", "mer", "navires", "sauvetage", "victimes",
    "protection", "assistance", "consulaire", "formation", "agents", "données", "recherche",
    "corruption", "blanchiment", "argent", "traite", "réfugiés", "asile", "femmes", "droits",
    "législation", "incrimination", "extradition", "entraide", "judiciaire", "technologies",
    "internet", "réseaux", "criminalité", "organisée", "prévention", "sensibilisation",
    "information", "renforcement", "capacités", "secrétariat", "ONUDC", "conférence",
    "protocole", "convention", "rapatriement", "retour", "identification", "détention",
    "vulnérables", "mineurs", "santé", "transport", "transporteurs", "passeurs",
]  # fmt: skip


def workload(mode: str, requests: int) -> list[str]:
    """The query of each request: the 22 queries cycled, or all-different word pairs."""
    if mode == "repeated":
        return [QUERIES[i % len(QUERIES)] for i in range(requests)]
    import random

    pairs = [f"{a} {b}" for a in WORDS for b in WORDS if a != b]
    random.Random(4).shuffle(pairs)
    return [pairs[i % len(pairs)] for i in range(requests)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="total requests (≤ 20000)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (≤ 32)")
    parser.add_argument("--server-threads", type=int, default=8)
    parser.add_argument("--max-seconds", type=float, default=60.0, help="stop after (≤ 300)")
    parser.add_argument("--mode", choices=["both", "repeated", "unique"], default="both")
    args = parser.parse_args()
    requests = max(1, min(args.requests, 20000))
    concurrency = max(1, min(args.concurrency, 32))
    max_seconds = max(1.0, min(args.max_seconds, 300.0))

    with tempfile.TemporaryDirectory(prefix="recueil-http-bench-") as tmp:
        port = free_port()
        log = (Path(tmp) / "serve.log").open("w")
        t0 = time.perf_counter()
        env_note = os.environ.get("RECUEIL_DB")
        server = start_serve(Path(tmp) / "bench.sqlite3", port, log,
                             "--threads", str(args.server_threads), "--no-train")  # fmt: skip
        ignored = f" (RECUEIL_DB={env_note} ignored)" if env_note else ""
        print(f"server ready in {time.perf_counter() - t0:.1f} s (ingest + index) "
              f"on http://{HOST}:{port}{ignored}")  # fmt: skip
        try:
            for q in QUERIES:  # warm-up: one pass over the queries
                urllib.request.urlopen(
                    f"http://{HOST}:{port}/api/search?" + urllib.parse.urlencode({"q": q}),
                    timeout=30,
                ).read()
            modes = ["repeated", "unique"] if args.mode == "both" else [args.mode]
            for mode in modes:
                paths = ["/api/search?" + urllib.parse.urlencode({"q": q, "limit": 20})
                         for q in workload(mode, requests)]  # fmt: skip
                report(mode, load(port, paths, concurrency, max_seconds), concurrency)
            compare_in_process(Path(tmp) / "bench.sqlite3", workload("unique", 300))
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()


def compare_in_process(db: Path, queries: list[str]) -> None:
    """Query embedding share and tantivy ratio, measured here on the server's database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recueil.web.settings")
    sys.path.insert(0, str(ROOT))
    from bench.search_eval import Tantivy
    from recueil.search import embed, search
    from recueil.search.engine import clear_cache
    from recueil.store import open_store
    from recueil.store.models import Item

    store = open_store(db)
    docs = store.run(lambda: list(
        Item.objects.filter(status="adopted").values_list("ref", "text")))  # fmt: skip
    bm25 = Tantivy(docs)
    store.run(search, "warm-up", limit=20)
    timings: dict[str, list[float]] = {"search": [], "embedding": [], "e5": [], "USE": [],
                                       "tantivy": []}  # fmt: skip
    for i, q in enumerate(queries):
        clear_cache()
        t = time.perf_counter()
        store.run(search, q, limit=20)
        timings["search"].append(time.perf_counter() - t)
        spent = 0.0
        for name, model in (("e5", embed.MODEL), ("USE", embed.USE)):
            t = time.perf_counter()
            embed.query_vector(f"{q} {i}", model)  # a new text: never cached
            timings[name].append(time.perf_counter() - t)
            spent += timings[name][-1]
        timings["embedding"].append(spent)
        t = time.perf_counter()
        bm25.search(q, 20)
        timings["tantivy"].append(time.perf_counter() - t)
    print(f"\n== in process, {len(queries)} unique queries, one at a time ==")
    for name, values in timings.items():
        ms = [v * 1000 for v in values]
        print(f"{name:10} p50 {percentile(ms, 0.5):7.2f} ms  p95 {percentile(ms, 0.95):7.2f} ms")
    share = statistics.median(timings["embedding"]) / statistics.median(timings["search"])
    ratio = statistics.median(timings["search"]) / statistics.median(timings["tantivy"])
    print(
        f"query embedding: {100 * share:.0f}% of a search (p50); "
        f"recueil search / tantivy BM25 (p50): {ratio:.0f}x"
    )
    print(f"load: {os.getloadavg()[0]:.2f} (1-min average)")


def report(mode: str, result: dict, concurrency: int) -> None:
    print(f"\n== {mode} queries ==")
    ms = result["ms"]
    if not ms:
        raise SystemExit(f"no successful request; errors: {result['error_samples']}")
    p95, p99 = percentile(ms, 0.95), percentile(ms, 0.99)
    print(f"{len(ms)} requests, {result['errors']} errors, concurrency {concurrency}, "
          f"{os.cpu_count()} cores")  # fmt: skip
    print(f"latency ms: p50 {result['p50']:.1f}  p95 {p95:.1f}  p99 {p99:.1f}  max {ms[-1]:.1f}")
    print(f"throughput: {result['rps']:.0f} requests/s")
    print(f"target p95 < 50 ms: {'met' if p95 < 50 else 'NOT met'}")
    if result["errors"]:
        print("first errors:", "; ".join(result["error_samples"]))


if __name__ == "__main__":
    main()
