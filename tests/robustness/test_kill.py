"""kill -9 at random, seeded moments: the database is always as before or as after the
operation, never between, and the restarted command completes the job.

Ingest (SQLite and PostgreSQL): the reports and the vocabulary are ingested into a store
holding the compendium whose uptake links were never proposed; the ingest proposes the 21
links at its end (derived data: before the fix a kill between the saves and that step left
0 links for good, as the restarted ingest found every file unchanged). Curation:
merge, rename, retire and bulk accept run in a loop with their revert, killed at random.
Children are forked from the test process (Django already loaded), so a kill costs about
a second, not an interpreter start.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import uuid

import pytest

from tests.conftest import CORPUS
from tests.robustness.state import differences, digest, snapshot

NEW = ("000_", "001_", "003_")  # the reports: ingesting them proposes the uptake links
# Kills per operation: the short seeded campaign of the suite; RECUEIL_KILLS=20 (and more)
# for the campaign of docs/robustness.md.
KILLS = int(os.environ.get("RECUEIL_KILLS", "6"))
CURATION_KILLS = max(KILLS, 20)
PG_KILLS = int(os.environ.get("RECUEIL_PG_KILLS", "3"))


def _folders(tmp_path):
    rest, new = tmp_path / "rest", tmp_path / "new"
    for folder in (rest, new):
        folder.mkdir()
        shutil.copy(CORPUS / "manifest.toml", folder)
    shutil.copy(CORPUS / "vocabulary.toml", new)
    for f in CORPUS.glob("0*"):
        shutil.copy(f, new if f.name.startswith(NEW) else rest)
    return rest, new


def _save_only(folder, db) -> None:
    """The compendium saved, its uptake links never proposed (and no search index): the
    state an ingest killed before its last step left behind, before the fix."""
    from recueil.ingest.pipeline import load_all
    from recueil.store import open_store

    store = open_store(db)
    for lo in load_all([folder]):
        store.save(lo, user="kill")


def _cli(*args: str) -> None:
    """Run a `recueil` command in this process (the child being killed); raise on failure."""
    from recueil.cli import main

    try:
        main([*args, "--user", "kill"], standalone_mode=False)
    except SystemExit as exc:
        if exc.code:
            raise


def _ingest(folder, db) -> None:
    _cli("ingest", str(folder), "--db", str(db))


def _fork(fn) -> int:
    """Run fn() in a forked child (stdout/stderr to /dev/null); the child's pid.

    A background retrain started by an earlier test of this process is waited for first:
    a fork while another thread is inside OpenBLAS deadlocks in OpenBLAS's own fork
    handler (`blas_thread_shutdown_`), in the parent — seen once in the full suite."""
    from django.db import connections

    from recueil.index.review import MODELS

    MODELS.wait(600)
    connections.close_all()
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child)
        code = 0
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            fn()
        except BaseException:
            code = 3
        os._exit(code)
    return pid


def _run(fn, timeout: float = 600) -> int:
    """fn() in a child, to its end: its exit code (a child hung past `timeout` fails the
    test rather than the suite: a fork after the parent loaded the embedding model's
    threads can deadlock, which is why training runs in new interpreters below)."""
    pid = _fork(fn)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail(f"a forked child hung for {timeout} s")
        time.sleep(0.05)


def _kill_after(fn, delay: float) -> bool:
    """fn() in a child, killed with SIGKILL after `delay` s; True when it was still running."""
    pid = _fork(fn)
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline:
        done, _status = os.waitpid(pid, os.WNOHANG)
        if done:
            return False
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return True


def _check_kills(make_db, open_db, new, kills: int, seed: int) -> dict:
    """Kill an ingest of `new` into fresh copies of the base store `kills` times."""
    from recueil.store import open_store

    base = make_db("base")
    before = snapshot(open_db(base))
    done = make_db("done")
    started = time.monotonic()
    assert _run(lambda: _ingest(new, done)) == 0
    duration = time.monotonic() - started
    after = snapshot(open_db(done))
    assert len(before["links"]) == 0 and len(after["links"]) == 21
    assert len(after["documents"]) == 5
    from recueil.ingest.pipeline import load_all

    started = time.monotonic()
    load_all([new])  # reading and parsing write nothing: kill mostly after it
    reading = time.monotonic() - started
    rng = random.Random(seed)
    outcome = {"before": 0, "after": 0, "killed": 0, "restarted": 0}
    for i in range(kills):
        db = make_db(f"k{i}")
        outcome["killed"] += _kill_after(
            lambda db=db: _ingest(new, db), rng.uniform(reading, duration)
        )
        state = snapshot(open_db(db))
        key = "before" if digest(state) == digest(before) else "after"
        assert digest(state) == digest({"before": before, "after": after}[key]), (
            f"kill {i}: neither before nor after: {differences(state, after)}"
        )
        outcome[key] += 1
        if key == "before" and outcome["restarted"] < 2:  # the restarted command finishes
            assert _run(lambda db=db: _ingest(new, db)) == 0
            assert digest(snapshot(open_db(db))) == digest(after)
            outcome["restarted"] += 1
    assert open_store  # imported for its side effect: Django is set up
    return outcome


def test_killed_sqlite_ingest_leaves_before_or_after(tmp_path):
    from recueil.store import backup, open_store

    rest, new = _folders(tmp_path)
    base = tmp_path / "base.sqlite3"
    assert _run(lambda: _save_only(rest, base)) == 0

    def make_db(name):
        path = tmp_path / f"{name}.sqlite3"
        if name != "base":
            backup.backup(base, path)
        return path

    outcome = _check_kills(make_db, lambda p: open_store(p, migrate=False), new, KILLS, 15)
    print("sqlite ingest kills:", outcome)
    assert outcome["killed"] >= KILLS // 2  # most kills land while it runs


@contextlib.contextmanager
def _pg_copies(pg_url: str):
    """`make_db(name)` for a kill campaign: "base" is `pg_url`, any other name a new
    database copied from it (CREATE DATABASE … TEMPLATE); the copies are dropped at exit."""
    import psycopg
    from django.db import connections

    from tests.conftest import PG_DSN

    server, base_name = pg_url.rsplit("/", 1)
    made: list[str] = []

    def make_db(name: str) -> str:
        if name == "base":
            return pg_url
        copy = f"{base_name}_{name}_{uuid.uuid4().hex[:4]}"
        connections.close_all()  # a template must have no open connection
        with psycopg.connect(PG_DSN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{base_name}"')
        made.append(copy)
        return f"{server}/{copy}"

    try:
        yield make_db
    finally:
        connections.close_all()
        with psycopg.connect(PG_DSN, autocommit=True) as conn:
            for name in made:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
def test_killed_postgres_ingest_leaves_before_or_after(tmp_path, pg_url):
    from recueil.store import open_store

    rest, new = _folders(tmp_path)
    assert _run(lambda: _save_only(rest, pg_url)) == 0
    with _pg_copies(pg_url) as make_db:
        outcome = _check_kills(make_db, lambda u: open_store(u, migrate=False), new,
                               PG_KILLS, 16)  # fmt: skip
    print("postgresql ingest kills:", outcome)


# --- Curation: each operation in a loop with its undo, killed at random ----------------------


def _curation_ops():
    """(name, do, undo, is_done) of each vocabulary/decision operation on the corpus."""
    from django.db import transaction

    from recueil.store import curation
    from recueil.store.models import Assignment, IndexEvent, Theme

    def themes():
        used = (Theme.objects.filter(retired=False, parent__isnull=False)
                .exclude(assignments=None).order_by("id"))  # fmt: skip
        return used[0].label, used[1].label

    def last(action):
        e = IndexEvent.objects.exclude(action="moved").order_by("-id").first()
        return e is not None and e.action == action

    def merge():
        a, b = themes()
        curation.merge_themes(a, b, user="kill")

    def unmerge():
        e = IndexEvent.objects.filter(action="merge").order_by("-id").first()
        curation.revert(e.pk, user="kill")

    def rename():
        a, _b = themes()
        curation.edit_theme(a, new_label=a + " (renommé)", user="kill")

    def unrename():
        e = IndexEvent.objects.exclude(action="moved").order_by("-id").first()
        curation.revert(e.pk, user="kill")

    def retire():
        curation.retire_theme(themes()[0], user="kill")

    def unretire():
        e = IndexEvent.objects.filter(action="retire").order_by("-id").first()
        curation.revert(e.pk, user="kill")

    def bulk():
        a, b = themes()
        items = Assignment.objects.filter(theme__label=a).values_list("item__ref", flat=True)
        refs = sorted(set(items) - set(Assignment.objects.filter(theme__label=b)
                                       .values_list("item__ref", flat=True)))[:40]  # fmt: skip
        curation.bulk_accept({r: [{"theme": b, "score": 0.9}] for r in refs}, 0.5, user="kill")

    def unbulk():
        with transaction.atomic(using=Assignment.objects.db):
            last_accepts = []
            for e in IndexEvent.objects.exclude(action="moved").order_by("-id"):
                if e.action != "accept":
                    break
                last_accepts.append(e)
            for e in last_accepts:
                curation.revert(e.pk, user="kill")

    return [
        ("merge", merge, unmerge, lambda: last("merge")),
        ("rename", rename, unrename, lambda: last("rename")),
        ("retire", retire, unretire, lambda: last("retire")),
        ("bulk accept", bulk, unbulk, lambda: last("accept")),
    ]


@pytest.mark.parametrize("index", range(4), ids=["merge", "rename", "retire", "bulk-accept"])
def test_killed_curation_leaves_before_or_after(corpus_store, tmp_path, index):
    from recueil.store import backup, open_store

    corpus_store.close()
    db = tmp_path / "curation.sqlite3"
    backup.backup(corpus_store.url, db)
    store = open_store(db, migrate=False)
    name, do, undo, is_done = _curation_ops()[index]
    before = snapshot(store, audit=False)
    store.run(do)
    after = snapshot(store, audit=False)
    assert digest(after) != digest(before), name
    store.run(undo)
    assert digest(snapshot(store, audit=False)) == digest(before), f"{name}: undo is not exact"

    def loop():
        while True:
            store.run(undo if store.run(is_done) else do)

    rng = random.Random(20 + index)
    seen = {"before": 0, "after": 0}
    for i in range(CURATION_KILLS):
        _kill_after(loop, rng.uniform(0.05, 0.5))
        state = snapshot(store, audit=False)
        key = "after" if store.run(is_done) else "before"  # what the audit trail says
        store.close()
        expected = {"before": before, "after": after}[key]
        assert digest(state) == digest(expected), (
            f"{name}, kill {i}: the audit trail says {key}; {differences(state, expected)}"
        )
        seen[key] += 1
    print(name, "kills:", seen)


# --- JSONL import (SQLite and PostgreSQL): one transaction, then the search index -----------


def _export_jsonl(store, out) -> None:
    from click.testing import CliRunner

    from recueil.cli import main

    store.close()
    result = CliRunner().invoke(main, ["export", "--format", "jsonl", "--out", str(out),
                                       "--db", str(store.url)])  # fmt: skip
    assert result.exit_code == 0, result.output


def _import(path, db) -> None:
    _cli("import", str(path), "--db", str(db))


def _searchable(db) -> int:
    """Hits for a word of every report: the search index follows the imported items."""
    from recueil.search import engine
    from recueil.store import open_store

    store = open_store(db, migrate=False)
    try:
        return store.run(engine.search, "migrants", limit=1).total
    finally:
        store.close()


def _check_import_kills(make_db, jsonl, kills: int, seed: int) -> dict:
    from recueil.store import open_store

    def state(db):
        return snapshot(open_store(db, migrate=False))

    before = state(make_db("base"))
    done = make_db("done")
    started = time.monotonic()
    assert _run(lambda: _import(jsonl, done)) == 0
    duration = time.monotonic() - started
    after = state(done)
    assert len(after["items"]) > 300 and len(before["items"]) == 0
    hits = _searchable(done)
    assert hits > 0
    rng = random.Random(seed)
    outcome = {"before": 0, "after": 0, "killed": 0, "restarted": 0}
    for i in range(kills):
        db = make_db(f"k{i}")
        outcome["killed"] += _kill_after(lambda db=db: _import(jsonl, db),
                                         rng.uniform(0.05, 0.9 * duration))  # fmt: skip
        snap = state(db)
        key = "before" if digest(snap) == digest(before) else "after"
        assert digest(snap) == digest({"before": before, "after": after}[key]), (
            f"import kill {i}: neither before nor after: {differences(snap, after)}"
        )
        outcome[key] += 1
        if outcome["restarted"] < 2:  # the restarted command completes the job
            assert _run(lambda db=db: _import(jsonl, db)) == 0
            assert digest(state(db)) == digest(after)
            assert _searchable(db) == hits
            outcome["restarted"] += 1
    return outcome


def test_killed_sqlite_import_leaves_before_or_after(corpus_store, tmp_path):
    from recueil.store import backup, open_store

    jsonl = tmp_path / "corpus.jsonl"
    _export_jsonl(corpus_store, jsonl)
    base = tmp_path / "base.sqlite3"
    open_store(base).close()  # migrated, empty

    def make_db(name):
        path = tmp_path / f"{name}.sqlite3"
        if name != "base":
            backup.backup(base, path)
        return path

    outcome = _check_import_kills(make_db, jsonl, KILLS, 25)
    print("sqlite import kills:", outcome)
    assert outcome["killed"] >= max(1, KILLS // 3)  # a 1 s import: some kills land after it


@pytest.mark.postgres
def test_killed_postgres_import_leaves_before_or_after(corpus_store, tmp_path, pg_url):
    from recueil.store import open_store

    jsonl = tmp_path / "corpus.jsonl"
    _export_jsonl(corpus_store, jsonl)
    open_store(pg_url).close()  # migrated, empty: the template of every copy
    with _pg_copies(pg_url) as make_db:
        outcome = _check_import_kills(make_db, jsonl, PG_KILLS, 26)
    print("postgresql import kills:", outcome)


# --- Training: the model file is the old one or the new one, never partial ------------------


def _train_process(db) -> subprocess.Popen:
    """`recueil train` in a new interpreter: the test process has loaded the model (and
    the threads of its numerical libraries), which a forked child could deadlock on."""
    return subprocess.Popen([sys.executable, "-m", "recueil.cli", "train", "--db", str(db)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def _train_killed_after(db, delay: float) -> bool:
    """A training killed with SIGKILL after `delay` s; True when it was still running."""
    proc = _train_process(db)
    try:
        proc.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return True


def _models(directory) -> dict[str, str]:
    """{model file name: fingerprint} of every model in `directory`; each must unpickle."""
    import pickle

    out = {}
    for path in directory.glob("model-*.pkl"):
        with path.open("rb") as f:
            out[path.name] = pickle.load(f).fingerprint  # a partial file fails here
    return out


def test_killed_training_leaves_the_old_or_the_new_model(trained_corpus_store, tmp_path):
    from recueil.index import project
    from recueil.store import curation
    from tests.conftest import copy_store

    store = copy_store(trained_corpus_store, tmp_path / "train.sqlite3")
    directory = project.model_dir(store)
    old = _models(directory)
    assert len(old) == 1
    # an editor decision changes the training data: the next training saves a new model
    store.run(curation.add, "A:I.1", "Législation", user="kill")
    store.close()
    pristine = tmp_path / "pristine.index"
    shutil.copytree(directory, pristine)
    started = time.monotonic()
    assert _train_process(store.url).wait() == 0
    duration = time.monotonic() - started
    new = _models(directory)
    assert len(new) == 1 and new != old
    rng = random.Random(30)
    seen = {"old": 0, "new": 0, "killed": 0, "restarted": 0}
    for i in range(KILLS):
        shutil.rmtree(directory)
        shutil.copytree(pristine, directory)
        seen["killed"] += _train_killed_after(store.url, rng.uniform(0.3, duration))
        left = _models(directory)  # every model file left is complete
        assert left and set(left.items()) <= set(old.items()) | set(new.items()), (i, left)
        seen["new" if set(new.items()) <= set(left.items()) else "old"] += 1
        if seen["restarted"] < 2:  # the restarted command completes the job
            assert _train_process(store.url).wait() == 0
            assert _models(directory) == new
            assert project.load_model(store, retrain=False).fingerprint == next(iter(new.values()))
            seen["restarted"] += 1
    print("training kills:", seen)
    assert seen["killed"] >= KILLS // 2
