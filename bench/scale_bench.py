"""Scale benchmark: recueil at 10 k / 100 k / 1 M paragraphs, each figure beside tantivy.

Builds a synthetic collection of paragraphs recombined from the bundled corpus's sentences
(seeded: the same text every run) in a fresh SQLite file and/or a fresh PostgreSQL
database, then measures, for recueil and for tantivy (BM25, French stemmer) on the same
texts in the same run:
- import: `recueil import` of the items as a JSONL file in a new process (its search
  index is updated in the same transaction; "index s" is then the no-op check) / building
  the tantivy index; then a one-line import and a search that must find the new item;
- search in process: p50/p95 over all-different two-word queries (no result cache can
  answer; the per-process word postings warm up), and "cold" with those postings cleared
  before each query;
- search over HTTP: `recueil serve` (gunicorn, 2 workers) vs a gunicorn app over tantivy,
  at 1 and 4 clients; server memory (RSS of the server and its workers);
- related (and precedent for a draft): p95 warm, and the first call in a new process
  (opening the store and loading the link index included); tantivy: the item's text as
  an OR query, first query in a new process (opening the index included).
Prints one table; `--json FILE` also writes the figures.
Run: .venv/bin/python bench/scale_bench.py --size 10000 [--store sqlite|postgresql|both]
     [--queries 200] [--http-seconds 30] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))

from httpload import HOST, free_port, load, percentile, rss_mb, wait_http  # noqa: E402
from search_http_bench import WORDS  # noqa: E402

PG_ADMIN = os.environ.get("RECUEIL_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
ITEMS_PER_MEETING = 2500  # keeps meeting numbers small whatever the size
BATCH = 5000


# --- the synthetic collection ------------------------------------------------------------


def corpus_sentences() -> list[str]:
    """Sentences of the bundled corpus texts (40–400 characters), deduplicated, in order."""
    seen: dict[str, None] = {}
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        text = re.sub(r"\s+", " ", path.read_text(encoding="utf-8"))
        for s in re.split(r"(?<=[.;:])\s+(?=[A-ZÉÀ«a-z])", text):
            s = s.strip()
            if 40 <= len(s) <= 400 and sum(c.isalpha() for c in s) > 0.7 * len(s):
                seen.setdefault(s, None)
    return list(seen)


def paragraphs(n: int, seed: int = 12) -> list[str]:
    sentences = corpus_sentences()
    rng = random.Random(seed)
    return [" ".join(rng.sample(sentences, rng.randint(2, 4))) for _ in range(n)]


def queries(n: int, seed: int = 4) -> list[str]:
    """Two-word queries from the words of search_http_bench (all different)."""
    pairs = [f"{a} {b}" for a in WORDS for b in WORDS if a != b]
    random.Random(seed).shuffle(pairs)
    return pairs[:n]


def write_jsonl(path: Path, texts: list[str]) -> None:
    """The synthetic items as `recueil export --format jsonl` lines (one document a meeting)."""
    from recueil.model import to_roman

    with path.open("w", encoding="utf-8") as f:
        for i, text in enumerate(texts):
            number, k = i // ITEMS_PER_MEETING + 1, i % ITEMS_PER_MEETING + 1
            f.write(json.dumps({
                "ref": f"A:{to_roman(number)}.{k}", "status": "adopted",
                "kind": "recommendation", "text": text, "symbol": f"SYNTH/{number}",
                "source_file": f"synthetic-{number:05d}.jsonl",
            }, ensure_ascii=False) + "\n")  # fmt: skip


def import_items(db: str, texts: list[str], folder: Path) -> tuple[float, str]:
    """`recueil import FILE.jsonl --db DB` in a new process (the real bulk path: parsing,
    checks, batched inserts, and the search index brought up to date in the same
    transaction); (seconds, its output line)."""
    path = folder / f"items-{len(texts)}.jsonl"
    write_jsonl(path, texts)
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "recueil.cli", "import", str(path), "--db", db],
                         capture_output=True, text=True, cwd=ROOT, check=True)  # fmt: skip
    seconds = time.perf_counter() - t0
    path.unlink()
    return seconds, out.stdout.strip()


# --- tantivy, the reference --------------------------------------------------------------


def tantivy_index(path: Path, refs: list[str], texts: list[str]) -> float:
    import tantivy

    path.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(tantivy_schema(), path=str(path))
    index.register_tokenizer("fr_stem", french())
    t0 = time.perf_counter()
    writer = index.writer(heap_size=200_000_000)
    for ref, text in zip(refs, texts, strict=True):
        writer.add_document(tantivy.Document(ref=ref, text=text))
    writer.commit()
    writer.wait_merging_threads()
    return time.perf_counter() - t0


def tantivy_schema():
    import tantivy

    b = tantivy.SchemaBuilder()
    b.add_text_field("ref", stored=True, tokenizer_name="raw")
    b.add_text_field("text", stored=True, tokenizer_name="fr_stem")
    return b.build()


def french():
    import tantivy

    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.ascii_fold())
            .filter(tantivy.Filter.stemmer("french")).build())  # fmt: skip


def tantivy_open(path: Path):
    import tantivy

    index = tantivy.Index.open(str(path))
    index.register_tokenizer("fr_stem", french())
    return index


def tantivy_search(index, searcher, q: str, limit: int = 20) -> tuple[int, list[str]]:
    query = index.parse_query(q, ["text"])
    result = searcher.search(query, limit, count=True)
    refs = [searcher.doc(addr)["ref"][0] for _score, addr in result.hits]
    return result.count, refs


def tantivy_similar(index, searcher, text: str, limit: int = 10) -> list[str]:
    words = re.findall(r"\w{4,}", text)[:40]
    query = index.parse_query(" OR ".join(dict.fromkeys(words)) or "x", ["text"])
    return [searcher.doc(a)["ref"][0] for _s, a in searcher.search(query, limit + 1).hits]


def tantivy_wsgi(path: Path):
    """A JSON search endpoint over tantivy, served by gunicorn like recueil."""
    index = tantivy_open(path)

    def app(environ, start_response):
        qs = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
        q = qs.get("q", [""])[0]
        searcher = index.searcher()
        count, refs = tantivy_search(index, searcher, q)
        body = json.dumps({"total": count, "hits": [{"ref": r} for r in refs]}).encode()
        start_response("200 OK", [("Content-Type", "application/json"),
                                  ("Content-Length", str(len(body)))])  # fmt: skip
        return [body]

    return app


def serve_tantivy(path: Path, port: int) -> None:
    from gunicorn.app.base import BaseApplication

    class App(BaseApplication):
        def load_config(self):
            for k, v in {"bind": [f"{HOST}:{port}"], "workers": 2, "threads": 8,
                         "worker_class": "gthread", "loglevel": "warning"}.items():  # fmt: skip
                self.cfg.set(k, v)

        def load(self):
            return tantivy_wsgi(path)

    App().run()


# --- measuring ---------------------------------------------------------------------------


def timed(fn, *args, **kwargs) -> float:
    t0 = time.perf_counter()
    fn(*args, **kwargs)
    return (time.perf_counter() - t0) * 1000


def p50_p95(ms: list[float]) -> str:
    return f"{percentile(ms, 0.5):.1f} / {percentile(ms, 0.95):.1f}"


def first_call(code: str) -> float:
    """Wall time (ms) printed by `code` run in a fresh interpreter."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)  # fmt: skip
    return float(out.stdout.strip().splitlines()[-1])


FIRST_RELATED = """
import time, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recueil.web.settings")
t0 = time.perf_counter()
from recueil.store import open_store
from recueil.link import related
store = open_store({db!r}, migrate=False)
store.run(related, {ref!r})
print((time.perf_counter() - t0) * 1000)
"""

FIRST_TANTIVY = """
import sys, time
sys.path.insert(0, {bench!r})
t0 = time.perf_counter()
from pathlib import Path
from scale_bench import tantivy_open, tantivy_similar
index = tantivy_open(Path({path!r}))
tantivy_similar(index, index.searcher(), {text!r})
print((time.perf_counter() - t0) * 1000)
"""


def bench_store(kind: str, db: str, texts: list[str], tantivy_dir: Path, args) -> dict:
    from recueil.link import precedent, related
    from recueil.search import engine, ensure_index, search
    from recueil.store import open_store
    from recueil.store.models import Item

    row: dict = {"store": kind, "size": len(texts)}
    row["import_s"], row["import_output"] = import_items(db, texts, tantivy_dir)
    print(f"{kind}: recueil import {row['import_s']:.1f} s: {row['import_output']}", flush=True)
    store = open_store(db)
    t0 = time.perf_counter()
    store.run(ensure_index)  # up to date already: the import's transaction updated it
    row["search_index_s"] = time.perf_counter() - t0
    refs = store.run(lambda: list(Item.objects.order_by("id").values_list("ref", flat=True)))
    qs = queries(args.queries)
    store.run(search, qs[0])
    row["search_ms"] = [timed(store.run, search, q) for q in qs]
    # cold: every query word matched by the engine again (no per-process postings kept)
    cold = []
    for q in queries(args.queries, seed=5)[:50]:
        engine.clear_postings()
        cold.append(timed(store.run, search, q))
    row["search_cold_ms"] = cold
    # incremental freshness: one new item through `recueil import`, then a search finds it
    one = tantivy_dir / "one.jsonl"
    one.write_text(json.dumps({"ref": "A:I.99999", "text": "Zythomorphe brindacier."}) + "\n",
                   encoding="utf-8")  # fmt: skip
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "recueil.cli", "import", str(one), "--db", db],
                   capture_output=True, check=True, cwd=ROOT)  # fmt: skip
    row["import_one_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    found = store.run(search, "zythomorphe").total
    row["search_after_import_ms"] = (time.perf_counter() - t0) * 1000
    assert found == 1, found
    rng = random.Random(9)
    sample = rng.sample(refs, min(args.link_queries, len(refs)))
    t0 = time.perf_counter()
    store.run(related, sample[0])
    row["link_index_s"] = time.perf_counter() - t0
    row["related_ms"] = [timed(store.run, related, r) for r in sample]
    drafts = [t[: len(t) * 2 // 3] + " et les États parties" for t in rng.sample(texts, 20)]
    row["precedent_ms"] = [timed(store.run, precedent, d) for d in drafts]
    store.close()
    row["related_first_ms"] = first_call(FIRST_RELATED.format(db=db, ref=sample[1]))

    port = free_port()
    log = Path(tempfile.gettempdir()) / f"scale-bench-serve-{port}.log"
    cmd = [sys.executable, "-m", "recueil.cli", "serve", "--db", db, "--host", HOST,
           "--port", str(port), "--workers", "2", "--threads", "8", "--no-train",
           "--no-embed"]  # fmt: skip
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=log.open("w"), stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        wait_http(f"http://{HOST}:{port}/api/meetings", proc, log)
        row["serve_ready_s"] = time.perf_counter() - t0
        paths = ["/api/search?" + urllib.parse.urlencode({"q": q, "limit": 20}) for q in qs]
        load(port, paths[:20], 1, 60)  # warm-up
        for clients in (1, 4):
            row[f"http_{clients}"] = load(port, paths, clients, args.http_seconds)
        row["serve_rss_mb"] = rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    return row


def bench_tantivy(texts: list[str], refs: list[str], path: Path, args) -> dict:
    row: dict = {"store": "tantivy", "size": len(texts)}
    row["search_index_s"] = tantivy_index(path, refs, texts)
    index = tantivy_open(path)
    searcher = index.searcher()
    qs = queries(args.queries)
    tantivy_search(index, searcher, qs[0])
    row["search_ms"] = [timed(tantivy_search, index, searcher, q) for q in qs]
    rng = random.Random(9)
    sample = rng.sample(range(len(texts)), min(args.link_queries, len(texts)))
    row["related_ms"] = [timed(tantivy_similar, index, searcher, texts[i]) for i in sample]
    drafts = [t[: len(t) * 2 // 3] + " et les États parties" for t in rng.sample(texts, 20)]
    row["precedent_ms"] = [timed(tantivy_similar, index, searcher, d) for d in drafts]
    row["related_first_ms"] = first_call(
        FIRST_TANTIVY.format(bench=str(ROOT / "bench"), path=str(path), text=texts[sample[1]])
    )
    port = free_port()
    code = f"import sys; sys.path.insert(0, {str(ROOT / 'bench')!r}); " \
           f"from pathlib import Path; from scale_bench import serve_tantivy; " \
           f"serve_tantivy(Path({str(path)!r}), {port})"  # fmt: skip
    log = Path(tempfile.gettempdir()) / f"scale-bench-tantivy-{port}.log"
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=log.open("w"),
                            stderr=subprocess.STDOUT, cwd=ROOT)  # fmt: skip
    try:
        wait_http(f"http://{HOST}:{port}/?q=migrants", proc, log)
        paths = ["/?" + urllib.parse.urlencode({"q": q}) for q in qs]
        load(port, paths[:20], 1, 60)
        for clients in (1, 4):
            row[f"http_{clients}"] = load(port, paths, clients, args.http_seconds)
        row["serve_rss_mb"] = rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    return row


def print_table(rows: list[dict]) -> None:
    def http(r, c):
        h = r.get(f"http_{c}")
        return f"{h['p50']:.0f} / {h['p95']:.0f}" if h else "–"

    head = ("store", "size", "import s", "index s", "search p50/p95 ms",
            "cold search p50/p95 ms", "HTTP 1 cl p50/p95",
            "HTTP 4 cl p50/p95", "related p50/p95", "precedent p50/p95", "1st related ms",
            "serve RSS MB")  # fmt: skip
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        cells = (
            r["store"], f"{r['size']:,}", f"{r['import_s']:.1f}" if "import_s" in r else "–",
            f"{r['search_index_s']:.1f}", p50_p95(r["search_ms"]),
            p50_p95(r["search_cold_ms"]) if "search_cold_ms" in r else "–", http(r, 1), http(r, 4),
            p50_p95(r["related_ms"]), p50_p95(r["precedent_ms"]),
            f"{r['related_first_ms']:.0f}", f"{r.get('serve_rss_mb', 0):.0f}",
        )  # fmt: skip
        print("| " + " | ".join(str(c) for c in cells) + " |")
    for r in rows:
        if "import_one_s" in r:
            print(
                f"{r['store']} {r['size']:,}: a 1-line `recueil import` afterwards "
                f"{r['import_one_s']:.1f} s (new process), then a search finding it "
                f"{r['search_after_import_ms']:.0f} ms (first query at the new version)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="paragraphs (≤ 1 000 000)")
    parser.add_argument("--store", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--queries", type=int, default=200, help="search queries")
    parser.add_argument("--link-queries", type=int, default=50, help="related calls")
    parser.add_argument("--http-seconds", type=float, default=30)
    parser.add_argument("--keep", type=Path, help="keep the databases in this folder")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    size = max(100, min(args.size, 1_000_000))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recueil.web.settings")
    t0 = time.perf_counter()
    texts = paragraphs(size)
    print(f"{size:,} paragraphs from {len(corpus_sentences()):,} corpus sentences "
          f"({time.perf_counter() - t0:.1f} s); {os.cpu_count()} cores; "
          f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)  # fmt: skip
    folder = args.keep or Path(tempfile.mkdtemp(prefix="recueil-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    pg_db = None
    try:
        stores = ["sqlite", "postgresql"] if args.store == "both" else [args.store]
        for kind in stores:
            if kind == "sqlite":
                db = str(folder / f"scale-{size}.sqlite3")
            else:
                import psycopg

                pg_db = f"recueil_scale_{uuid.uuid4().hex[:8]}"
                with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                    conn.execute(f'CREATE DATABASE "{pg_db}"')
                db = PG_ADMIN.rsplit("/", 1)[0] + "/" + pg_db
            rows.append(bench_store(kind, db, texts, folder, args))
            print_table(rows[-1:])
        refs = [f"A:{i}" for i in range(size)]
        rows.append(bench_tantivy(texts, refs, folder / "tantivy", args))
        print(f"\nload after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
        print_table(rows)
        if args.json:
            args.json.write_text(json.dumps(rows, indent=1))
    finally:
        if pg_db and not args.keep:
            import psycopg
            from django.db import connections

            connections.close_all()
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_db}" WITH (FORCE)')
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
