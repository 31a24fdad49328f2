"""`recueil stats`, `recueil export` and `recueil import`: the collection as tables and files.

Thin commands over recueil.analytics (the analyses), recueil.exports (the writers) and
recueil.exports.imports (JSONL items, edited CSV of theme assignments).
"""

from __future__ import annotations

import csv
import getpass
import io
import json
import sys
from pathlib import Path

import click

# `recueil.cli` imports this module to register its commands: the helpers of cli.py are
# imported inside the commands (cli.py may be running as __main__ under `python -m`).
DB = click.option(
    "--db", default=None, envvar="RECUEIL_DB",
    help="Database: SQLite file path, sqlite:///PATH or postgresql://USER@HOST:PORT/DB.",
)  # fmt: skip

STAT_NAMES = ("heatmap", "trends", "uptake", "uptake_links", "wording", "coverage", "calibration")
EXPORT_FORMATS = ("json", "csv", "xlsx", "jsonl", "akn", "ris", "csljson")


@click.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True)  # fmt: skip
@click.option("--table", "names", multiple=True, type=click.Choice(STAT_NAMES),
              help="Only this table (repeatable); default: all.")  # fmt: skip
@DB
def stats(fmt, names, db) -> None:
    """The analytics as tables: themes × meetings, theme trends, uptake, wording, coverage.

    CSV with several tables prints each after a `# name` line."""
    from recueil import analytics
    from recueil.cli import _store, _table

    wanted = names or STAT_NAMES
    base = {n.split("_")[0] if n == "uptake_links" else n for n in wanted}
    base = {"coverage" if n == "calibration" else n for n in base}
    data = _store(db).run(analytics.tables, tuple(base))
    data = {k: v for k, v in data.items() if k in wanted}
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    out = []
    for name, rows in data.items():
        columns = list(rows[0]) if rows else ["(empty)"]
        if fmt == "csv":
            buf = io.StringIO()
            writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            out.append((f"# {name}\n" if len(data) > 1 else "") + buf.getvalue())
        else:
            out.append(f"== {name} ==\n" + _table(rows, columns, width=40) + "\n")
    click.echo("\n".join(out).rstrip("\n"))


@click.command()
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="json",
              show_default=True)  # fmt: skip
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False),
              callback=lambda ctx, param, value: _writable(value, param),
              help="Write to FILE instead of stdout (its folder is checked first).")  # fmt: skip
@click.option("--part", type=click.Choice(["A", "B", "a", "b"]), help="Only items of this part.")
@click.option("--meeting", help="Only this meeting/session number (roman or arabic).")
@click.option("--theme", help="Only items with this theme (sub-themes included).")
@click.option("--status", type=click.Choice(["adopted", "draft"]), help="Only this status.")
@DB
def export(fmt, out, part, meeting, theme, status, db) -> None:
    """Export items (one object/row per item) with citations and themes.

    json, csv (UTF-8 with BOM in a file), xlsx (items + thematic index sheets), jsonl (one
    item per line; `recueil import` reads it back), akn (Akoma Ntoso 3.0 / AKN4UN, a zip),
    ris and csljson (citations for reference managers). xlsx and akn need --out."""
    from recueil import exports
    from recueil.cli import _fail, _store
    from recueil.store import queries

    store = _store(db)
    try:
        rows = store.run(queries.list_items, part=part, meeting=meeting, theme=theme,
                         status=status)  # fmt: skip
    except (queries.NotFound, ValueError) as exc:
        _fail(str(exc))
    binary = exports.FORMATS[fmt][2]
    if binary and not out:
        _fail(f"--format {fmt} writes a binary file: give --out FILE")
    data = store.run(exports.render, rows, fmt, columns=queries.EXPORT_FIELDS, bom=bool(out))
    if binary:
        out.write_bytes(data)
    elif out:
        out.write_text(data + ("\n" if fmt == "json" else ""), encoding="utf-8")
    else:
        click.echo(data, nl=fmt == "json" or not data.endswith("\n"))


@click.command("import")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--user", default=None, help="Recorded as who imported (default: login name).")
@click.option("--note", default=None, help="Note on each audited decision (CSV of themes).")
@DB
def import_(path: Path, user, note, db) -> None:
    """Import items from a JSONL export, or theme assignments from an edited CSV export.

    FILE.jsonl: one item per line (the export's fields; `ref` optional, `themes`,
    `status`, `kind`, `language` honoured); re-importing changes nothing. FILE.csv: the CSV
    export with its `themes` column edited; every theme added or removed is an audited
    editor decision. Any bad line or row: all are listed and nothing is written."""
    from recueil.cli import _fail, _store
    from recueil.exports import imports

    user = user or getpass.getuser()
    store = _store(db)
    try:
        if path.suffix.lower() in (".jsonl", ".ndjson"):
            with path.open("rb") as f:  # decoded line by line: a bad byte names its line
                result = store.run(imports.import_jsonl, f, source=path.name, user=user)
            from recueil.search import ensure_index

            store.run(ensure_index)
        elif path.suffix.lower() == ".csv":
            text = path.read_text(encoding="utf-8-sig")
            result = store.run(imports.import_assignments, text, user=user, note=note)
            result["events"] = len(result["events"])
        else:
            _fail(f"{path.name}: import reads .jsonl (items) or .csv (theme assignments)")
    except imports.ImportRefused as exc:
        click.echo(f"error: {path.name}: {exc}", err=True)
        sys.exit(1)
    except UnicodeDecodeError as exc:
        _fail(f"{path.name}: not UTF-8 ({exc.reason} at byte {exc.start})")
    click.echo(", ".join(f"{k} {v}" for k, v in result.items()))


def _writable(path, param):
    """Output paths are checked before any work (recueil.cli._writable, issue 14)."""
    from recueil.cli import _writable as check

    return check(path, param)
