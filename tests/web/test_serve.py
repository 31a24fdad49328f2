"""`recueil serve`: ingests the bundled corpus into an empty database, serves with waitress
workers, stops cleanly; and the Django project loads on its own (WSGI, django-admin)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(db: Path, port: int, log: Path, *options: str, env: dict | None = None
           ) -> subprocess.Popen:  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "recueil.cli", "serve", "--db", str(db), "--port", str(port),
         "--workers", "2", "--no-train", *options],
        stdout=log.open("w"), stderr=subprocess.STDOUT, cwd=ROOT, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 180
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/meetings", timeout=5)
            return proc
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(log.read_text())
            time.sleep(0.5)


def _stop(proc: subprocess.Popen, port: int) -> None:
    proc.terminate()
    assert proc.wait(timeout=30) is not None
    with socket.socket() as s:  # every worker is gone: nobody listens any more
        assert s.connect_ex(("127.0.0.1", port)) != 0


def test_serve_ingests_an_empty_database_once_and_stops_cleanly(tmp_path, corpus_store):
    from recueil.store import queries

    db, port = tmp_path / "serve.sqlite3", _free_port()
    proc = _start(db, port, tmp_path / "first.log")
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/meetings") as r:
            meetings = json.load(r)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/items/A:I.22") as r:
            assert r.status == 200 and "CTOC/COP/WG.7/2012/6, par. 25" in r.read().decode()
    finally:
        _stop(proc, port)
    assert meetings == corpus_store.run(queries.list_meetings)
    assert "empty database: ingesting" in (tmp_path / "first.log").read_text()
    proc = _start(db, port, tmp_path / "second.log")
    _stop(proc, port)
    assert "ingesting" not in (tmp_path / "second.log").read_text()


def test_workers_encode_queries_after_the_master_embedded_the_corpus(tmp_path):
    """The master embeds what it ingests, then forks the workers (OpenMP, which the
    encoder runs on, is not fork-safe once it has started threads): every worker must
    still encode queries and find items by meaning."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    report = next((ROOT / "corpus").glob("001_*"))  # the 2024 report: 13 recommendations
    (corpus / report.name).write_bytes(report.read_bytes())
    env = {**os.environ, "RECUEIL_VECTOR_CACHE": "off"}  # nothing cached: the master encodes
    db, port = tmp_path / "serve.sqlite3", _free_port()
    proc = _start(db, port, tmp_path / "serve.log", "--corpus", str(corpus), env=env)
    try:
        for _ in range(4):  # both workers answer
            url = f"http://127.0.0.1:{port}/api/search?q=children+travelling+alone&limit=5"
            with urllib.request.urlopen(url, timeout=60) as r:
                hits = json.load(r)["hits"]
            assert hits and all(h["ref"].startswith("A:XI.") for h in hits)
    finally:
        _stop(proc, port)
    log = (tmp_path / "serve.log").read_text()
    assert "empty database: ingesting" in log, log


def test_the_django_project_loads_without_the_cli(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "recueil.web.settings",
           "RECUEIL_DB": str(tmp_path / "alone.sqlite3")}  # fmt: skip
    check = subprocess.run(
        [sys.executable, "-m", "django", "check"], env=env, capture_output=True, text=True,
        cwd=ROOT,
    )  # fmt: skip
    assert check.returncode == 0, check.stderr
    wsgi = subprocess.run(
        [sys.executable, "-c", "from recueil.web.wsgi import application; print(application)"],
        env=env, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert wsgi.returncode == 0 and "WSGIHandler" in wsgi.stdout, wsgi.stderr
