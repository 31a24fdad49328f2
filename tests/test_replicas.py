"""PostgreSQL read replicas: web reads go to a real streaming hot standby started here,
writes to the primary, and the browser that just wrote reads the primary (read-your-writes).

The standby is made with `pg_basebackup -R` from the server at 127.0.0.1:5432 and run as a
second `postgres` on a free port. Where that server refuses replication connections (no
`replication` line in its pg_hba.conf) the test starts its own temporary primary cluster
(initdb) instead, so a real primary → standby stream is always what is tested. Skipped only
without the PostgreSQL server binaries. WAL replay on the standby is paused to make the lag
visible: what a request shows then tells which server answered it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import PG_DSN, corpus_file

pytestmark = pytest.mark.postgres
REF = "A:VII.5"


def _bindir() -> Path | None:
    candidates = []
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True,
                             check=True).stdout.strip()  # fmt: skip
        candidates.append(Path(out))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for c in candidates:
        if all((c / b).exists() for b in ("postgres", "pg_basebackup", "initdb", "pg_ctl")):
            return c
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(cmd: list[str]) -> list[str]:
    """postgres refuses to run as root: run the server tools as the postgres user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def _own(path: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")


def _wait_ready(dsn: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(dsn, connect_timeout=2) as conn:
                conn.execute("SELECT 1")
                return
        except psycopg.OperationalError:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"postgres did not start:\n{log.read_text()[-2000:]}")
            time.sleep(0.3)


def _start_postgres(bindir: Path, data: Path, port: int, log: Path,
                    *extra: str) -> subprocess.Popen:  # fmt: skip
    cmd = [str(bindir / "postgres"), "-D", str(data), "-p", str(port),
           "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={data}",
           "-c", "fsync=off", "-c", "shared_buffers=32MB", *extra]  # fmt: skip
    logf = log.open("w")
    _own(log)
    return subprocess.Popen(_as_server_user(cmd), stdout=logf, stderr=subprocess.STDOUT)


@pytest.fixture(scope="module")
def replica_pair():
    """(primary URL of a new database, the same database on a streaming standby, the
    standby's admin DSN, how the primary was obtained)."""
    import psycopg

    bindir = _bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (postgres, pg_basebackup, initdb) not found")
    root = Path(tempfile.mkdtemp(prefix="recueil-replica-"))
    _own(root)
    procs: list[subprocess.Popen] = []
    standby = root / "standby"
    primary_dsn, origin = PG_DSN, "the server at 127.0.0.1:5432"
    backup = subprocess.run(
        _as_server_user([str(bindir / "pg_basebackup"), "-d", PG_DSN, "-D", str(standby),
                         "-R", "-X", "stream", "-c", "fast"]),
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if backup.returncode != 0:
        if "pg_hba.conf" not in backup.stderr and "connection" not in backup.stderr:
            pytest.fail(backup.stderr)
        # No replication allowed from 127.0.0.1:5432 (its pg_hba.conf has no `replication`
        # line; the system configuration is left alone): a temporary primary cluster instead.
        origin = "a temporary primary (127.0.0.1:5432 refuses replication: " + (
            backup.stderr.strip().splitlines() or ["?"])[-1] + ")"  # fmt: skip
        shutil.rmtree(standby, ignore_errors=True)
        primary = root / "primary"
        subprocess.run(_as_server_user([str(bindir / "initdb"), "-D", str(primary), "-U",
                                        "postgres", "--auth=trust", "-E", "UTF8",
                                        "--locale=C.UTF-8"]),
                       check=True, capture_output=True, timeout=120)  # fmt: skip
        port = _free_port()
        wal = ("-c", "wal_level=replica", "-c", "max_wal_senders=4")
        procs.append(_start_postgres(bindir, primary, port, root / "primary.log", *wal))
        primary_dsn = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        _wait_ready(primary_dsn, procs[-1], root / "primary.log")
        subprocess.run(_as_server_user([str(bindir / "pg_basebackup"), "-d", primary_dsn, "-D",
                                        str(standby), "-R", "-X", "stream", "-c", "fast"]),
                       check=True, capture_output=True, timeout=120)  # fmt: skip
    standby_port = _free_port()
    procs.append(_start_postgres(bindir, standby, standby_port, root / "standby.log",
                                 "-c", "hot_standby=on"))  # fmt: skip
    standby_dsn = f"postgresql://postgres@127.0.0.1:{standby_port}/postgres"
    _wait_ready(standby_dsn, procs[-1], root / "standby.log")
    with psycopg.connect(standby_dsn) as conn:
        assert conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]
    name = f"recueil_replica_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(primary_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, standby_base = primary_dsn.rsplit("/", 1)[0], standby_dsn.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}", f"{standby_base}/{name}", standby_dsn, origin
    finally:
        from django.db import connections

        for alias in list(connections.settings):
            if connections.settings[alias].get("NAME") == name:
                connections[alias].close()
        with contextlib.suppress(Exception), psycopg.connect(standby_dsn) as conn:
            conn.execute("SELECT pg_wal_replay_resume()")
        for proc in reversed(procs):
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=30)
        with contextlib.suppress(Exception), psycopg.connect(PG_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(root, ignore_errors=True)


def _replay(standby_dsn: str, *, paused: bool) -> None:
    import psycopg

    with psycopg.connect(standby_dsn, autocommit=True) as conn:
        conn.execute("SELECT pg_wal_replay_pause()" if paused else "SELECT pg_wal_replay_resume()")


def _wait_replayed(primary_url: str, standby_url: str, timeout: float = 60) -> None:
    """Until the standby has replayed everything the primary has written so far."""
    import psycopg

    with psycopg.connect(primary_url, autocommit=True) as conn:
        lsn = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    deadline = time.monotonic() + timeout
    with psycopg.connect(standby_url, autocommit=True) as conn:
        while True:
            done = conn.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn",
                                [lsn]).fetchone()[0]  # fmt: skip
            if done:
                return
            assert time.monotonic() < deadline, "the standby did not catch up"
            time.sleep(0.2)


@pytest.fixture(scope="module")
def replicated(replica_pair, _test_environment):
    """A store on the primary holding the 2020 report, its search index built, streamed
    to the standby; the web app reads through RECUEIL_DB_ALIAS = the primary's alias."""
    from django.test.utils import override_settings

    from recueil.ingest.pipeline import load_all
    from recueil.search import ensure_index
    from recueil.store import open_store, routing

    primary_url, standby_url, standby_dsn, origin = replica_pair
    store = open_store(primary_url)
    for lo in load_all([corpus_file("000")]):
        store.save(lo, user="test")
    store.run(ensure_index)
    _wait_replayed(primary_url, standby_url)
    replica_alias = routing.add_replica(store.alias, standby_url)
    override = override_settings(RECUEIL_DB_ALIAS=store.alias)
    override.enable()
    try:
        yield store, replica_alias, standby_dsn, origin
    finally:
        override.disable()
        routing.remove_replicas(store.alias)


def _item_text(client, ref: str) -> str:
    response = client.get(f"/api/items/{ref}")
    assert response.status_code == 200
    return response.json()["text"]


def test_web_reads_go_to_the_standby_and_writes_to_the_primary(replicated):
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from recueil.store import routing
    from recueil.store.models import Item

    store, replica_alias, standby_dsn, origin = replicated
    print("primary:", origin)
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    before = _item_text(client, REF)
    with CaptureQueriesContext(connections[replica_alias]) as on_replica, \
            CaptureQueriesContext(connections[store.alias]) as on_primary:  # fmt: skip
        assert _item_text(client, REF) == before
    assert any("recueil_item" in q["sql"] for q in on_replica.captured_queries)
    assert not any("recueil_item" in q["sql"] for q in on_primary.captured_queries)
    with CaptureQueriesContext(connections[replica_alias]) as on_replica:
        search = client.get("/api/search", {"q": "migrants"})
    # answered from the standby, or — when the search engine needs to write (a derived
    # index to refresh) — again from the primary by the middleware: never an error
    assert search.status_code == 200 and search.json()["total"] > 0
    assert on_replica.captured_queries

    _replay(standby_dsn, paused=True)
    try:
        changed = before + " (modifié sur le primaire)"

        # A write made while reading from the standby still reaches the primary.
        def write_while_reading_the_standby() -> None:
            with routing.reading_from_replica() as alias:
                assert alias == replica_alias
                assert Item.objects.get(ref=REF).text == before
                assert Item.objects.filter(ref=REF).update(text=changed) == 1
                assert routing.wrote()
                assert Item.objects.get(ref=REF).text == changed  # reads follow the write

        store.run(write_while_reading_the_standby)
        assert store.run(lambda: Item.objects.get(ref=REF).text) == changed  # the CLI: primary
        assert _item_text(client, REF) == before  # the standby has not replayed it yet
    finally:
        _replay(standby_dsn, paused=False)
    deadline = time.monotonic() + 60
    while _item_text(client, REF) != changed:
        assert time.monotonic() < deadline, "the standby never showed the change"
        time.sleep(0.2)


def test_the_browser_that_wrote_reads_its_own_write(replicated):
    from django.contrib.auth.models import User
    from django.test import Client

    from recueil.web.replicas import PIN_COOKIE

    store, replica_alias, standby_dsn, _ = replicated
    store.run(lambda: User.objects.create_user("lectrice", password="un mot de passe long"))
    _replay(standby_dsn, paused=True)
    try:
        client = Client(HTTP_ACCEPT_LANGUAGE="fr")
        credentials = {"username": "lectrice", "password": "un mot de passe long"}
        login = client.post("/accounts/login/", credentials)
        assert login.status_code == 302 and PIN_COOKIE in login.cookies
        # The session row exists only on the primary: the pinned browser is logged in...
        home = client.get("/")
        assert home.status_code == 200 and home.wsgi_request.user.is_authenticated
        assert home.wsgi_request.recueil_read_alias == store.alias
        # ...while the same session read from the standby (no pin) is not there yet.
        other = Client(HTTP_ACCEPT_LANGUAGE="fr")
        other.cookies[client.cookies["sessionid"].key] = client.cookies["sessionid"].value
        stale = other.get("/")
        assert stale.wsgi_request.recueil_read_alias == replica_alias
        assert not stale.wsgi_request.user.is_authenticated
    finally:
        _replay(standby_dsn, paused=False)
