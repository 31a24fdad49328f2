"""The theme suggester that `recueil serve` trains in the background is reaped when it ends.

Before the fix the server started it with `subprocess.Popen` and never waited for it: once
the training had finished, the child stayed a zombie (State: Z) until the server stopped
(under waitress; gunicorn's master happens to reap any child when it reaps its workers).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, copy_store
from tests.web.test_serve import _free_port, _stop


def _children(pid: int) -> dict[int, tuple[str, str]]:
    """{child pid: (state letter, command line)} of the process `pid`, from /proc."""
    out = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line
            )
            cmdline = (status.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # the process ended meanwhile
        if int(fields.get("PPid", "0")) == pid:
            out[int(status.parent.name)] = (fields["State"].split()[0], cmdline)
    return out


@pytest.mark.parametrize("server", ["waitress", "gunicorn"])
def test_background_trainer_is_reaped_when_it_ends(trained_corpus_store, tmp_path, server):
    from recueil.index import project

    store = copy_store(trained_corpus_store, tmp_path / "serve.sqlite3")
    models = project.model_dir(store)
    for model in models.glob("model-*.pkl"):  # no model: serve trains one (vectors cached)
        model.unlink()
    store.close()
    port, log = _free_port(), tmp_path / "serve.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "recueil.cli", "serve", "--db", str(store.url), "--port",
         str(port), "--workers", "1", "--threads", "2"],
        stdout=log.open("w"), stderr=subprocess.STDOUT, cwd=ROOT,
        env={**os.environ, "RECUEIL_SERVER": server},
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        trainer_seen = False
        while True:
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, (log.read_text(), _children(proc.pid))
            kids = _children(proc.pid)
            trainers = {p: s for p, s in kids.items() if " train" in s[1]}
            trainer_seen |= bool(trainers)
            if any(models.glob("model-*.pkl")) and not any(s[0] != "Z" for s in trainers.values()):
                break  # the model is saved and no trainer runs any more
            time.sleep(0.5)
        assert trainer_seen or "training the theme suggester" in log.read_text()
        time.sleep(2)  # a reaper has had time to wait for it
        zombies = {p: s for p, s in _children(proc.pid).items() if s[0] == "Z"}
        assert not zombies, f"zombie children of the server: {zombies}"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/meetings", timeout=30) as r:
            assert r.status == 200  # still serving
    finally:
        _stop(proc, port)
