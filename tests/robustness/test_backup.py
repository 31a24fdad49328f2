"""`recueil backup` / `recueil restore`: the export after a restore is the export before
the backup (SQLite and PostgreSQL); what is not a backup is refused, nothing overwritten."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from recueil.cli import main


def _cli(*args) -> str:
    result = CliRunner(mix_stderr=False).invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _export(db) -> str:
    return _cli("export", "--format", "json", "--db", str(db))


def test_sqlite_backup_and_restore_give_the_same_export(corpus_store, tmp_path):
    from recueil.store import backup, open_store
    from recueil.store.curation import add

    corpus_store.close()
    db = tmp_path / "live.sqlite3"
    backup.backup(corpus_store.url, db)
    open_store(db).run(add, "A:VII.5", "Coopération internationale (extradition)", user="b")
    before = _export(db)
    _cli("backup", str(tmp_path / "saved.sqlite3"), "--db", str(db))
    _cli("restore", str(tmp_path / "saved.sqlite3"), "--db", str(tmp_path / "new.sqlite3"))
    assert _export(tmp_path / "new.sqlite3") == before
    # restoring over a changed database brings it back too
    open_store(db).run(add, "A:VII.6", "Coopération internationale (extradition)", user="b")
    assert _export(db) != before
    _cli("restore", str(tmp_path / "saved.sqlite3"), "--db", str(db))
    assert _export(db) == before


def test_restore_refuses_what_is_not_a_backup(tmp_path, corpus_store):
    corpus_store.close()
    target = tmp_path / "target.sqlite3"
    shutil.copyfile(corpus_store.url, target)
    data = target.read_bytes()
    for name, content in [("export.json", b"[]"), ("empty.sqlite3", b""),
                          ("half.sqlite3", data[: len(data) // 3])]:  # fmt: skip
        (tmp_path / name).write_bytes(content)
        result = CliRunner(mix_stderr=False).invoke(
            main, ["restore", str(tmp_path / name), "--db", str(target)]
        )
        assert result.exit_code == 1 and "Error:" in result.stderr, name
    assert target.read_bytes() == data  # untouched


@pytest.mark.postgres
def test_postgres_backup_and_restore_give_the_same_export(corpus_store, tmp_path, pg_url):
    import uuid

    import psycopg

    from tests.conftest import CORPUS, PG_DSN

    _cli("ingest", str(CORPUS), "--db", pg_url)
    before = _export(pg_url)
    _cli("backup", str(tmp_path / "saved.dump"), "--db", pg_url)
    name = f"recueil_test_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = pg_url.rsplit("/", 1)[0] + "/" + name
        _cli("restore", str(tmp_path / "saved.dump"), "--db", url)
        assert _export(url) == before
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(PG_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
