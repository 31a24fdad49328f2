"""Backups of a store: a consistent copy taken while the server runs, and its restore.

SQLite: the online backup API (sqlite3.Connection.backup) copies a snapshot page by page
while others read and write; the copy is written beside OUT and renamed into place, so
OUT is never half-written. PostgreSQL: `pg_dump --format=custom` / `pg_restore --clean`.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from recueil.store.db import BUSY_TIMEOUT, database_settings


class BackupError(ValueError):
    """A backup or restore that cannot be done, with the reason."""


def _is_pg(cfg: dict) -> bool:
    return cfg["ENGINE"].endswith("postgresql")


def _pg_env(cfg: dict) -> tuple[list[str], dict]:
    args = ["--dbname", cfg["NAME"], "--username", cfg["USER"] or "postgres"]
    if cfg.get("HOST"):
        args += ["--host", cfg["HOST"]]
    if cfg.get("PORT"):
        args += ["--port", cfg["PORT"]]
    env = dict(os.environ)
    if cfg.get("PASSWORD"):
        env["PGPASSWORD"] = cfg["PASSWORD"]
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client tools")
    return path


def _run(cmd: list[str], env: dict) -> None:
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} failed: {proc.stderr.strip()[-500:]}")


def _check_sqlite(path: Path) -> None:
    """Refuse a file that is not a recueil SQLite store (before overwriting anything)."""
    try:
        with open(path, "rb") as f:
            magic = f.read(16)
    except OSError as exc:
        raise BackupError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if magic != b"SQLite format 3\x00":
        raise BackupError(
            f"{path}: not a SQLite database (a PostgreSQL dump needs --db postgresql://…)"
        )
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        ok = con.execute("PRAGMA quick_check").fetchone()[0]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: damaged SQLite database ({exc})") from exc
    finally:
        con.close()
    if ok != "ok":
        raise BackupError(f"{path}: damaged SQLite database ({ok})")
    if "recueil_item" not in tables:
        raise BackupError(f"{path}: not a recueil database (no recueil_item table)")


def _sqlite_copy(src: Path, dest: Path) -> None:
    """Copy src into dest with the online backup API (dest replaced as a whole)."""
    source = sqlite3.connect(str(src), timeout=BUSY_TIMEOUT)
    target = sqlite3.connect(str(dest), timeout=BUSY_TIMEOUT)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def backup(db, out: str | os.PathLike) -> Path:
    """Write a consistent copy of the store `db` (a --db value) to `out`."""
    cfg = database_settings(db)
    out = Path(out)
    if out.is_dir():
        raise BackupError(f"{out} is a folder: give the backup file's name")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.unlink(missing_ok=True)
    try:
        if _is_pg(cfg):
            args, env = _pg_env(cfg)
            _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(tmp), *args],
                 env)  # fmt: skip
        else:
            src = Path(cfg["NAME"])
            if not src.is_file():
                raise BackupError(f"{src}: no such database")
            _sqlite_copy(src, tmp)
            # a self-contained file: no -wal beside it to lose when it is copied elsewhere
            con = sqlite3.connect(str(tmp))
            con.execute("PRAGMA journal_mode=DELETE")
            con.close()
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def restore(db, source: str | os.PathLike) -> None:
    """Replace the content of the store `db` with the backup `source`."""
    cfg = database_settings(db)
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source}: no such backup file")
    if _is_pg(cfg):
        with open(source, "rb") as f:
            if f.read(5) != b"PGDMP":
                raise BackupError(f"{source}: not a pg_dump custom-format archive")
        args, env = _pg_env(cfg)
        _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
              "--single-transaction", "--exit-on-error", *args, str(source)], env)  # fmt: skip
        return
    _check_sqlite(source)
    target = Path(cfg["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    _sqlite_copy(source, target)  # in place: one transaction, waits for other writers
