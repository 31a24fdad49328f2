"""Several writers at once never fail with a lock error and never lose a write.

Two ingests of the reports into one new database (SQLite and PostgreSQL), an ingest while
readers search hard, editors deciding while an ingest writes: each run concurrently
(forked processes and threads), then compared with the sequential result.
"""

from __future__ import annotations

import os
import shutil
import threading

import pytest

from tests.conftest import CORPUS
from tests.robustness.state import differences, digest, snapshot
from tests.robustness.test_kill import _folders, _fork, _ingest, _run


def _wait_all(pids) -> list[int]:
    return [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]


def _two_ingests(tmp_path, target, reference, open_db):
    """Two ingests of the reports at once into new `target`: same as one into `reference`."""
    _rest, new = _folders(tmp_path)
    assert _run(lambda: _ingest(new, reference)) == 0
    pids = [_fork(lambda: _ingest(new, target)) for _ in range(2)]
    assert _wait_all(pids) == [0, 0]  # no "database is locked", no "table already exists"
    got, want = snapshot(open_db(target), audit=False), snapshot(open_db(reference), audit=False)
    assert digest(got) == digest(want), differences(got, want)


def test_two_ingests_into_a_new_sqlite_database(tmp_path):
    from recueil.store import open_store

    _two_ingests(tmp_path, tmp_path / "both.sqlite3", tmp_path / "one.sqlite3",
                 lambda p: open_store(p, migrate=False))  # fmt: skip


@pytest.mark.postgres
def test_two_ingests_into_a_new_postgres_database(tmp_path, pg_url):
    import uuid

    import psycopg

    from recueil.store import open_store
    from tests.conftest import PG_DSN

    reference = f"recueil_test_ref_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{reference}"')
    try:
        url = pg_url.rsplit("/", 1)[0] + "/" + reference
        _two_ingests(tmp_path, pg_url, url, lambda u: open_store(u, migrate=False))
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(PG_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{reference}" WITH (FORCE)')


def _changed_copy(tmp_path):
    """The corpus with the secretariat report edited: ingesting it saves that document
    again, refreshes the search index and proposes every uptake link again."""
    folder = tmp_path / "changed"
    shutil.copytree(CORPUS, folder)
    report = next(folder.glob("002_*"))
    report.write_text(report.read_text(encoding="utf-8") + "\n\nUn paragraphe de plus.\n",
                      encoding="utf-8")  # fmt: skip
    return folder


def test_search_during_an_ingest_never_fails(corpus_store, tmp_path, _test_environment):
    """Readers search (HTML and API) in threads while another process ingests."""
    from django.test import Client
    from django.test.utils import override_settings

    from recueil.store import backup, open_store

    corpus_store.close()
    db, reference = tmp_path / "busy.sqlite3", tmp_path / "ref.sqlite3"
    backup.backup(corpus_store.url, db)
    backup.backup(corpus_store.url, reference)
    changed = _changed_copy(tmp_path)
    store = open_store(db, migrate=False)
    failures, answered = [], []
    stop = threading.Event()

    def reader(n):
        client = Client()
        urls = ["/search?q=trafic", "/api/search?q=migrants", "/search?q=passeurs&part=A",
                "/api/items?limit=5", "/themes/"]  # fmt: skip
        i = n
        while not stop.is_set():
            url = urls[i % len(urls)]
            r = client.get(url)
            (answered if r.status_code == 200 else failures).append((url, r.status_code))
            i += 1
        from django.db import connections

        connections.close_all()

    with override_settings(RECUEIL_DB_ALIAS=store.alias):
        store.close()
        pid = _fork(lambda: _ingest(changed, db))
        threads = [threading.Thread(target=reader, args=(n,)) for n in range(3)]
        for t in threads:
            t.start()
        code = _wait_all([pid])
        stop.set()
        for t in threads:
            t.join()
    assert code == [0]
    assert failures == [] and len(answered) > 10
    assert _run(lambda: _ingest(changed, reference)) == 0
    got = snapshot(open_store(db, migrate=False), audit=False)
    want = snapshot(open_store(reference, migrate=False), audit=False)
    assert digest(got) == digest(want), differences(got, want)


def test_editors_deciding_during_an_ingest_lose_no_decision(corpus_store, tmp_path):
    """Two editors (processes) decide 25 times each while a third process ingests."""
    from recueil.store import backup, open_store
    from recueil.store.models import Assignment, IndexEvent, Item

    corpus_store.close()
    db = tmp_path / "decide.sqlite3"
    backup.backup(corpus_store.url, db)
    store = open_store(db, migrate=False)
    items = Item.objects.filter(status="adopted", part="A").order_by("sort_key")
    refs = store.run(lambda: list(items.values_list("ref", flat=True)[:50]))
    theme = "Coopération internationale"
    mine = Assignment.objects.filter(theme__label=theme, item__ref__in=refs)
    store.run(lambda: mine.delete())
    store.close()
    before_events = store.run(IndexEvent.objects.count)
    store.close()
    rest, _new = _folders(tmp_path)

    def editor(mine):
        from recueil.store import curation

        s = open_store(db, migrate=False)
        for ref in mine:
            s.run(curation.add, ref, theme, user=f"editor-{mine[0]}")

    report = next(rest.glob("002_*"))  # changed: the ingest rewrites it and the links
    report.write_text(report.read_text(encoding="utf-8") + "\n\nUn paragraphe de plus.\n",
                      encoding="utf-8")  # fmt: skip
    pids = [_fork(lambda: _ingest(rest, db))]
    pids += [_fork(lambda half=half: editor(half)) for half in (refs[::2], refs[1::2])]
    assert _wait_all(pids) == [0, 0, 0]

    def decided():
        got = set(Assignment.objects.filter(theme__label=theme, item__ref__in=refs)
                  .values_list("item__ref", flat=True))  # fmt: skip
        return got, IndexEvent.objects.count()

    got, events = store.run(decided)
    store.close()
    assert got == set(refs) and events == before_events + len(refs)
