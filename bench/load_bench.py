"""Load test of the whole server: 8, 32 and 128 concurrent clients, then 32 while an
ingest runs; requests/s, p50/p95/p99/max latency, errors and server memory.

Starts `recueil serve` (waitress, no background training) on a free 127.0.0.1 port over a
temporary SQLite copy of the bundled corpus with one editor account, then each level runs
for a fixed duration: every client loops over a mix of full-text searches (HTML), item
pages, API calls (items, search, a meeting) and editor decisions (POST add/remove of a
theme through the API with HTTP Basic). Bounded in time and clients, loopback only.
Errors are 5xx answers and failed connections; a 4xx on a decision is counted apart.
Run: .venv/bin/python bench/load_bench.py [--duration 20] [--levels 8,32,128]
     [--workers 2] [--threads 8] [--no-ingest]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from httpload import HOST, free_port, percentile, rss_mb, start_serve  # noqa: E402

PASSWORD = "load bench passphrase 42"
SEARCHES = ["trafic", "enfants non accompagnés", "coopération internationale", "passeurs",
            '"livraisons surveillées"', "mer OR air", "victimes NOT enfants",
            "confisc*"]  # fmt: skip
THEME = "Coopération internationale"


def prepare(folder: Path) -> tuple[Path, list[str]]:
    """The corpus ingested into a new SQLite store, an editor account; the item refs."""
    db = folder / "load.sqlite3"
    subprocess.run([sys.executable, "-m", "recueil.cli", "ingest", str(ROOT / "corpus"),
                    "--db", str(db)], check=True, capture_output=True)  # fmt: skip
    code = (
        "import os,sys,json; os.environ['DJANGO_SETTINGS_MODULE']='recueil.web.settings'\n"
        "from recueil.store import open_store\n"
        "s=open_store(sys.argv[1])\n"
        "from django.contrib.auth.models import User, Group\n"
        "from recueil.store.models import Item\n"
        "def go():\n"
        "  u=User.objects.create_user('loadeditor', password=sys.argv[2])\n"
        "  u.groups.add(Group.objects.get(name='editor'))\n"
        "  return list(Item.objects.filter(status='adopted').values_list('ref', flat=True))\n"
        "print(json.dumps(s.run(go)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(db), PASSWORD], check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    return db, json.loads(out.strip().splitlines()[-1])


class Client(threading.Thread):
    def __init__(self, n: int, port: int, refs: list[str], deadline: float, stats: dict,
                 session: dict):  # fmt: skip
        super().__init__(daemon=True)
        self.rng = random.Random(n)
        self.port, self.refs, self.deadline, self.stats = port, refs, deadline, stats
        cookie = f"sessionid={session['sessionid']}; csrftoken={session['csrftoken']}"
        self.auth = {"Cookie": cookie, "X-CSRFToken": session["csrftoken"],
                     "Content-Type": "application/json"}  # fmt: skip

    def request(self):
        r, ref = self.rng.random(), self.rng.choice(self.refs)
        if r < 0.35:
            query = urllib.parse.urlencode({"q": self.rng.choice(SEARCHES)})
            return "search", "GET", "/search?" + query, None
        if r < 0.6:
            return "item", "GET", "/items/" + urllib.parse.quote(ref), None
        if r < 0.85:
            query = urllib.parse.quote(self.rng.choice(SEARCHES))
            path = self.rng.choice(["/api/items?limit=20", "/api/meetings/A:VII",
                                    "/api/search?q=" + query])  # fmt: skip
            return "api", "GET", path, None
        action = self.rng.choice(["add", "remove"])
        body = json.dumps({"theme": THEME, "action": action})
        return "decision", "POST", f"/api/items/{urllib.parse.quote(ref)}/themes", body

    def run(self):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        while time.monotonic() < self.deadline:
            kind, method, path, body = self.request()
            start = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=self.auth if body else {})
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
                conn.close()
                conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
            elapsed = time.perf_counter() - start
            with self.stats["lock"]:
                self.stats["latencies"].append(elapsed)
                self.stats["by_kind"].setdefault(kind, []).append(elapsed)
                if not isinstance(status, int) or status >= 500:
                    self.stats["errors"].append(f"{status} {method} {path}")
                elif status >= 400:
                    self.stats["refused"] += 1
        conn.close()


def login(port: int) -> dict:
    """The editor's session and CSRF cookies, logging in once through the form."""
    import http.cookiejar

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"http://{HOST}:{port}/accounts/login/", timeout=60).read()
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    form = urllib.parse.urlencode({"username": "loadeditor", "password": PASSWORD,
                                   "csrfmiddlewaretoken": csrf}).encode()  # fmt: skip
    opener.open(f"http://{HOST}:{port}/accounts/login/", data=form, timeout=60).read()
    return {c.name: c.value for c in jar}


SESSION: dict = {}


def run_level(port: int, server: subprocess.Popen, refs, clients: int, duration: float) -> dict:
    stats = {"lock": threading.Lock(), "latencies": [], "errors": [], "refused": 0,
             "by_kind": {}}  # fmt: skip
    if not SESSION:
        SESSION.update(login(port))
    deadline = time.monotonic() + duration
    threads = [Client(n, port, refs, deadline, stats, SESSION) for n in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    peak = 0.0
    while any(t.is_alive() for t in threads):
        peak = max(peak, rss_mb(server.pid))
        time.sleep(0.5)
    wall = time.perf_counter() - start
    lat = sorted(stats["latencies"])

    def pct(seconds: list[float], p: float) -> float:
        return percentile([x * 1000 for x in seconds], p) if seconds else float("nan")

    return {"clients": clients, "requests": len(lat), "rps": len(lat) / wall,
            "p50": pct(lat, 0.50), "p95": pct(lat, 0.95), "p99": pct(lat, 0.99),
            "max": pct(lat, 1.0),
            "over_2s": sum(x > 2 for x in lat), "errors": len(stats["errors"]),
            "decisions_refused_4xx": stats["refused"], "server_rss_mib": peak,
            "error_samples": stats["errors"][:5],
            "kinds": {k: (len(v), pct(v, 0.5), pct(v, 0.95))
                      for k, v in sorted(stats["by_kind"].items())}}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per level (≤ 120)")
    parser.add_argument("--levels", default="8,32,128", help="client counts (each ≤ 128)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--no-ingest", action="store_true", help="skip the level with an ingest")
    args = parser.parse_args()
    duration = max(1.0, min(args.duration, 120.0))
    levels = [max(1, min(int(x), 128)) for x in args.levels.split(",")]
    folder = Path(tempfile.mkdtemp(prefix="recueil-load-"))
    try:
        db, refs = prepare(folder)
        port = free_port()
        with (folder / "server.log").open("w") as log:
            env = {**os.environ, "RECUEIL_THROTTLE_DIR": str(db.parent / "throttle")}
            server = start_serve(db, port, log, "--threads", str(args.threads), "--workers",
                                 str(args.workers), "--no-train", env=env)  # fmt: skip
            try:
                results = [run_level(port, server, refs, n, duration) for n in levels]
                if not args.no_ingest:
                    results.append(during_ingest(folder, db, port, server, refs, duration))
            finally:
                server.terminate()
                server.wait(timeout=30)
        print(f"recueil load bench: {args.workers} workers x {args.threads} threads, "
              f"{duration:.0f} s per level, load average {os.getloadavg()[0]:.1f}")  # fmt: skip
        cols = ["clients", "requests", "rps", "p50", "p95", "p99", "max", "over_2s", "errors",
                "decisions_refused_4xx", "server_rss_mib"]  # fmt: skip
        print(" | ".join(cols))
        for r in results:
            print(" | ".join(f"{r[c]:.0f}" if isinstance(r[c], float) else str(r[c])
                             for c in cols), r.get("note", ""))  # fmt: skip
            kinds = [f"{k} ({n}) {p50:.0f} / {p95:.0f}" for k, (n, p50, p95) in r["kinds"].items()]
            print("   by kind (requests) p50 / p95 ms:", ", ".join(kinds))
            for e in r["error_samples"]:
                print("   error:", e)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def during_ingest(folder: Path, db: Path, port: int, server, refs, duration: float) -> dict:
    """32 clients while `recueil ingest` re-ingests an edited copy of the corpus."""
    corpus = folder / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    for f in corpus.glob("0*"):  # every file changed: every document is saved again
        f.write_text(f.read_text(encoding="utf-8") + "\n\nParagraphe ajouté.\n", encoding="utf-8")
    ingest = subprocess.Popen([sys.executable, "-m", "recueil.cli", "ingest", str(corpus),
                               "--db", str(db)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)  # fmt: skip
    result = run_level(port, server, refs, 32, duration)
    _out, err = ingest.communicate(timeout=600)
    result["note"] = f"(during an ingest: exit {ingest.returncode})"
    if ingest.returncode:
        result["error_samples"].append("ingest: " + err.strip().splitlines()[-1])
    return result


if __name__ == "__main__":
    main()
