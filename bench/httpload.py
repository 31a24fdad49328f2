"""A small HTTP load generator for the benches: N client threads in a separate process.

Loopback only; every client keeps one keep-alive connection (reopened after an error) and
stops at its share of the paths or at the deadline. Returns latencies (s) and errors.
"""

from __future__ import annotations

import http.client
import multiprocessing
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(url, timeout=30).read()
            return
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"server did not answer within {timeout} s")


def start_serve(db: Path, port: int, log, *options: str, env: dict | None = None,
                timeout: float = 300) -> subprocess.Popen:  # fmt: skip
    """`recueil serve --db DB` on loopback with `options`, once it answers the API."""
    root = Path(__file__).resolve().parent.parent
    cmd = [sys.executable, "-m", "recueil.cli", "serve", "--db", str(db), "--host", HOST,
           "--port", str(port), *options]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=root, env=env)
    wait_http(f"http://{HOST}:{port}/api/meetings", proc, Path(log.name), timeout)
    return proc


def _client(port: int, paths: list[str], deadline: float, out: list, errors: list) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    for path in paths:
        if time.monotonic() > deadline:
            break
        start = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(f"{response.status} {path}")
                continue
        except (OSError, http.client.HTTPException) as exc:
            errors.append(f"{type(exc).__name__} {path}")
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
            continue
        out.append(time.perf_counter() - start)
    conn.close()


def _drive(port: int, paths: list[str], clients: int, max_seconds: float, queue) -> None:
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + max_seconds
    threads = [threading.Thread(target=_client,
                                args=(port, paths[i::clients], deadline, latencies, errors))
               for i in range(clients)]  # fmt: skip
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put((latencies, errors, time.perf_counter() - start))


def load(port: int, paths: list[str], clients: int, max_seconds: float = 60) -> dict:
    """Send `paths` from `clients` threads (in a child process: the client's own GIL does
    not slow the server down); p50/p95 in ms, requests/s, error count, sorted latencies."""
    queue: multiprocessing.Queue = multiprocessing.Queue()
    child = multiprocessing.Process(target=_drive, args=(port, paths, clients, max_seconds, queue))
    child.start()
    latencies, errors, elapsed = queue.get(timeout=max_seconds + 120)
    child.join(timeout=30)
    if not latencies:
        print(f"no successful request; errors: {errors[:5]}", file=sys.stderr)
        return {"p50": float("nan"), "p95": float("nan"), "rps": 0.0, "n": 0,
                "errors": len(errors)}  # fmt: skip
    if errors:
        print(f"{len(errors)} errors, e.g. {errors[:3]}", file=sys.stderr)
    ms = sorted(x * 1000 for x in latencies)
    return {"p50": statistics.median(ms), "p95": percentile(ms, 0.95),
            "rps": len(ms) / elapsed, "n": len(ms), "errors": len(errors), "ms": ms,
            "error_samples": errors[:5]}  # fmt: skip


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (MB), from /proc."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
            todo.extend(int(c) for c in children)
        except OSError:
            continue
    return total / 1024
