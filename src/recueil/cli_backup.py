"""`recueil backup` and `recueil restore`: a consistent copy of the store and its restore
(recueil.store.backup: SQLite online backup API, pg_dump/pg_restore for PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import click

DB_HELP = "Database: SQLite file path, sqlite:///PATH or postgresql://USER@HOST:PORT/DB."
DB = click.option("--db", default=None, envvar="RECUEIL_DB", help=DB_HELP)


@click.command()
@click.argument("out", type=click.Path(path_type=Path))
@DB
def backup(out: Path, db: str | None) -> None:
    """Write a consistent backup of the database to OUT (safe while the server runs).

    SQLite: a SQLite file; PostgreSQL: a pg_dump custom-format archive."""
    from recueil.store import backup as backups

    try:
        backups.backup(db, out)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backup written to {out} ({out.stat().st_size / 1024:.0f} KiB)", err=True)


@click.command()
@click.argument("source", metavar="IN", type=click.Path(path_type=Path))
@DB
def restore(source: Path, db: str | None) -> None:
    """Replace the database's content with the backup IN (made by `recueil backup`)."""
    from recueil.store import backup as backups

    try:
        backups.restore(db, source)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"restored {source} into {db or 'the default database'}", err=True)
