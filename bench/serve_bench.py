"""Compares the WSGI servers for `recueil serve` on the bundled corpus: p50/p95 and req/s.

Servers: gunicorn gthread (W workers × T threads), gunicorn sync (W × 1), waitress in one
process (T threads), and optionally the former hand-written pre-fork waitress (W × T) from
an exported source tree (--old-src DIR: `git archive <rev> src | tar -x -C DIR`).
Workloads: the search page and API with all-different two-word queries, item pages, the
home page; 1 and 4 clients. Loopback only, bounded in time.
Run: .venv/bin/python bench/serve_bench.py [--seconds 20] [--workers 2] [--threads 8]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from httpload import HOST, free_port, load, rss_mb, wait_http  # noqa: E402
from search_http_bench import WORDS  # noqa: E402


def paths(n: int, refs: list[str]) -> list[str]:
    rng = random.Random(7)
    out = []
    for i in range(n):
        a, b = rng.sample(WORDS, 2)
        kind = i % 4
        if kind == 0:
            out.append("/api/search?" + urllib.parse.urlencode({"q": f"{a} {b}", "limit": 20}))
        elif kind == 1:
            out.append("/search?" + urllib.parse.urlencode({"q": f"{a} {b}"}))
        elif kind == 2:
            out.append("/items/" + urllib.parse.quote(rng.choice(refs)))
        else:
            out.append("/api/items?" + urllib.parse.urlencode({"q": a, "limit": 20}))
    return out


def run_server(name: str, db: Path, workers: int, threads: int, old_src: Path | None,
               tmp: Path) -> tuple[subprocess.Popen, int, Path]:  # fmt: skip
    port = free_port()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    cmd = [sys.executable, "-m", "recueil.cli", "serve", "--db", str(db), "--host", HOST,
           "--port", str(port), "--no-train", "--workers", str(workers)]  # fmt: skip
    if name == "gunicorn-gthread":
        cmd += ["--threads", str(threads)]
    elif name == "gunicorn-sync":
        cmd += ["--threads", "1"]
    elif name == "waitress-1proc":
        env["RECUEIL_SERVER"] = "waitress"
        cmd += ["--threads", str(threads)]
    elif name == "waitress-prefork-old":
        env["PYTHONPATH"] = str(old_src)
        cmd += ["--threads", str(threads)]
    log = tmp / f"{name}.log"
    proc = subprocess.Popen(cmd, stdout=log.open("w"), stderr=subprocess.STDOUT, env=env,
                            cwd=ROOT)  # fmt: skip
    wait_http(f"http://{HOST}:{port}/api/meetings", proc, log)
    return proc, port, log


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--old-src", type=Path, help="exported src/ of the former serve")
    args = parser.parse_args()
    names = ["gunicorn-gthread", "gunicorn-sync", "waitress-1proc"]
    if args.old_src:
        names.append("waitress-prefork-old")
    with tempfile.TemporaryDirectory(prefix="recueil-serve-bench-") as tmp:
        tmp = Path(tmp)
        db = tmp / "bench.sqlite3"
        corpus = str(ROOT / "corpus")
        ingest = [sys.executable, "-m", "recueil.cli", "ingest", "--db", str(db), corpus]
        subprocess.run(ingest, check=True, capture_output=True, cwd=ROOT)
        sys.path.insert(0, str(ROOT / "src"))
        from recueil.store import open_store
        from recueil.store.models import Item

        store = open_store(db)
        refs = store.run(lambda: list(Item.objects.values_list("ref", flat=True)))
        work = paths(args.requests, refs)
        print(f"{os.cpu_count()} cores; load: {os.getloadavg()[0]:.2f}; "
              f"{args.workers} workers × {args.threads} threads")  # fmt: skip
        print(f"{'server':22} {'clients':>7} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7} "
              f"{'errors':>6} {'RSS MB':>7}")  # fmt: skip
        for name in names:
            proc, port, _ = run_server(name, db, args.workers, args.threads, args.old_src, tmp)
            try:
                load(port, work[:40], 2, 30)  # warm-up
                for clients in (1, 4):
                    r = load(port, work, clients, args.seconds)
                    print(f"{name:22} {clients:>7} {r['p50']:8.1f} {r['p95']:8.1f} "
                          f"{r['rps']:7.1f} {r['errors']:6d} {rss_mb(proc.pid):7.0f}",
                          flush=True)  # fmt: skip
            finally:
                proc.terminate()
                proc.wait(timeout=60)
                time.sleep(1)


if __name__ == "__main__":
    main()
