"""The `recueil` command: a thin skin over the ingest pipeline and the store's queries.

Every command takes `--db` (a SQLite path, `sqlite:///…` or `postgresql://…`; default a
SQLite file in the user's data directory). Errors are one line on stderr and exit 1.
"""

from __future__ import annotations

import csv
import getpass
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from recueil.ingest.errors import IngestError

DB_HELP = "Database: SQLite file path, sqlite:///PATH or postgresql://USER@HOST:PORT/DB."


def _store(db: str | None):
    from recueil.store import open_store

    try:
        return open_store(db)
    except Exception as exc:  # connection refused, bad URL, unwritable path…
        raise click.ClickException(f"cannot open database {db or '(default)'}: {exc}") from exc


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _render(rows: Sequence[dict], fmt: str, columns: Sequence[str]) -> str:
    if fmt == "json":
        return json.dumps(list(rows), ensure_ascii=False, indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(rows[0].keys()) if rows else list(columns))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "; ".join(v) if isinstance(v, list) else v for k, v in row.items()})
        return buf.getvalue()
    return _table(rows, columns)


def _table(rows: Sequence[dict], columns: Sequence[str], width: int = 70) -> str:
    def cell(value) -> str:
        if value is None:
            return ""
        if isinstance(value, list):
            value = "; ".join(value)
        text = str(value).replace("\n", " ")
        return text if len(text) <= width else text[: width - 1] + "…"

    cells = [[cell(r.get(c)) for c in columns] for r in rows]
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(line.rstrip() for line in lines)


FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
    show_default=True,
)  # fmt: skip
DB = click.option("--db", default=None, envvar="RECUEIL_DB", help=DB_HELP)


@click.group()
@click.version_option(package_name="recueil")
def main() -> None:
    """recueil: the UN recommendations, resolutions and decisions on the smuggling of
    migrants, as a searchable, thematically indexed knowledge base."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@DB
@click.option("--user", default=None, help="Recorded as who ingested (default: login name).")
def ingest(paths: tuple[Path, ...], db: str | None, user: str | None) -> None:
    """Ingest documents (.txt, .md, .pdf, .docx; folders are walked).

    Every file is read and parsed before anything is written: one bad file leaves the
    database exactly as it was. Re-ingesting the same file changes nothing.
    """
    from recueil.ingest.pipeline import load, order_for_saving
    from recueil.ingest.read import iter_sources

    try:
        files = iter_sources(paths)
        if not files:
            raise IngestError(None, "no ingestible files found (.txt, .md, .pdf, .docx)")
        loaded = []
        with click.progressbar(files, label="reading", file=sys.stderr, show_pos=True) as bar:
            for f in bar:
                loaded.append(load(f))
    except IngestError as exc:
        _fail(str(exc))
    loaded = order_for_saving(loaded)
    store = _store(db)
    user = user or getpass.getuser()
    results = []
    with click.progressbar(loaded, label="saving ", file=sys.stderr, show_pos=True) as bar:
        for lo in bar:
            results.append(store.save(lo, user=user))
    _print_summary(store, results)


def _print_summary(store, results) -> None:
    from recueil.store import queries

    for r in results:
        detail = (
            f"items +{r.items_created} ~{r.items_updated} ={r.items_unchanged} "
            f"-{r.items_removed}, paragraphs {r.paragraphs}, themes +{r.themes_created}, "
            f"assignments +{r.assignments_created} -{r.assignments_removed}, "
            f"conflicts {r.conflicts}, warnings {len(r.warnings)}"
        )
        click.echo(
            f"{r.source_file}: {r.status}" + ("" if r.status == "unchanged" else f" ({detail})")
        )
    totals = store.run(queries.counts)
    click.echo(
        "database: {documents} documents, {items} items, {themes} themes, "
        "{assignments} assignments, {warnings} warnings".format(**totals)
    )
    shown = [w for r in results for w in r.warnings]
    for w in shown[:20]:
        click.echo(f"warning: {w}", err=True)
    if len(shown) > 20:
        click.echo(f"… {len(shown) - 20} more (recueil warnings)", err=True)


ITEM_COLUMNS = ("ref", "status", "symbol", "report_paragraph", "section", "text")


@main.command()
@click.option("--part", type=click.Choice(["A", "B", "a", "b"]))
@click.option("--meeting", help="Meeting/session number, roman (VII) or arabic (7).")
@click.option("--theme", help="Theme label (items of its sub-themes included).")
@click.option("--status", type=click.Choice(["adopted", "draft"]))
@FORMAT
@DB
def items(part, meeting, theme, status, fmt, db) -> None:
    """List items, filtered by part, meeting/session, theme or status."""
    from recueil.store import queries

    store = _store(db)
    try:
        rows = store.run(queries.list_items, part=part, meeting=meeting, theme=theme, status=status)
    except (queries.NotFound, ValueError) as exc:
        _fail(str(exc))
    click.echo(_render(rows, fmt, ITEM_COLUMNS))


@main.command()
@click.argument("ref")
@click.option("--status", type=click.Choice(["adopted", "draft"]), default="adopted",
              show_default=True)  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@DB
def show(ref, status, fmt, db) -> None:
    """Show one item: text, citation, sources, themes (e.g. recueil show A:I.22)."""
    from recueil.store import queries

    store = _store(db)
    try:
        item = store.run(queries.get_item, ref, status=status)
    except (queries.NotFound, ValueError) as exc:
        _fail(str(exc))
    if fmt == "json":
        click.echo(json.dumps(item, ensure_ascii=False, indent=2))
        return
    status_note = "" if item["status"] == "adopted" else "  [DRAFT – not adopted]"
    click.echo(f"{item['ref']}{status_note}")
    click.echo(f"Citation: {item['citation']}")
    where = item["meeting_title"] + (f", {item['meeting_dates']}" if item["meeting_dates"] else "")
    click.echo(f"Meeting:  {where}")
    if item["section"]:
        click.echo(f"Section:  {item['section']}")
    click.echo("")
    click.echo(item["text"])
    if item["children"]:
        click.echo("\nSubparagraphs: " + ", ".join(item["children"]))
    click.echo("\nThemes:")
    for a in item["assignments"]:
        who = f" by {a['user']}" if a["user"] else ""
        click.echo(f"  - {a['theme']} ({a['origin']}{who}, {a['created_at'][:10]})")
    if not item["assignments"]:
        click.echo("  (none)")
    click.echo("\nSources:")
    for s in item["sources"]:
        flag = "" if s["agrees"] else "  ⚠ CONFLICTING TEXT (not applied)"
        click.echo(f"  - {s['source_file']} line {s['line']} ({s['kind']}){flag}")
    for o in item["other_versions"]:
        click.echo(f"  also exists as {o['status']} in {o['source_file']}")


@main.command()
@FORMAT
@DB
def themes(fmt, db) -> None:
    """List themes with their parent and number of items (Part A / Part B)."""
    from recueil.store import queries

    rows = _store(db).run(queries.list_themes)
    click.echo(_render(rows, fmt, ("label", "parent", "items", "part_a", "part_b")))


@main.command()
@FORMAT
@DB
def meetings(fmt, db) -> None:
    """List Working Group meetings (A) and COP sessions (B)."""
    from recueil.store import queries

    rows = _store(db).run(queries.list_meetings)
    click.echo(_render(rows, fmt, ("part", "number", "title", "dates", "report_symbol", "items")))


@main.command()
@FORMAT
@DB
def documents(fmt, db) -> None:
    """List ingested documents with their metadata."""
    from recueil.store import queries

    rows = _store(db).run(queries.list_documents)
    cols = ("source_file", "kind", "symbol", "meeting", "session", "distribution", "items")
    click.echo(_render(rows, fmt, cols))


@main.command()
@click.option("--kind", help="Only this kind (conflict, unresolved, parser, kept…).")
@FORMAT
@DB
def warnings(kind, fmt, db) -> None:
    """List what ingestion flagged instead of silently fixing."""
    from recueil.store import queries

    rows = _store(db).run(queries.list_warnings, kind)
    click.echo(_render(rows, fmt, ("source_file", "line", "kind", "ref", "message")))


@main.command()
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json",
              show_default=True)  # fmt: skip
@click.option("--out", type=click.Path(path_type=Path), help="Write to FILE instead of stdout.")
@DB
def export(fmt, out, db) -> None:
    """Export every item (one object/row per item) with citations and themes."""
    from recueil.store import queries

    rows = _store(db).run(queries.list_items)
    text = _render(rows, fmt, queries.EXPORT_FIELDS)
    if out:
        out.write_text(text + ("\n" if fmt == "json" else ""), encoding="utf-8")
    else:
        click.echo(text)


@main.command()
@click.argument("ref")
@click.argument("theme")
@click.option("--user", default=None, help="Who decides (default: login name).")
@click.option("--new-theme", is_flag=True, help="Create THEME if it does not exist.")
@DB
def assign(ref, theme, user, new_theme, db) -> None:
    """Give THEME to item REF (recorded as curated, with who and when)."""
    from recueil.store import queries

    store = _store(db)
    try:
        r = store.run(
            queries.assign, ref, theme, user=user or getpass.getuser(), create_theme=new_theme
        )
    except (queries.NotFound, ValueError) as exc:
        _fail(str(exc))
    click.echo(f"{r['ref']}: {r['theme']} ({r['origin']}{'' if r['created'] else ', confirmed'})")


@main.command()
@click.argument("ref")
@click.argument("theme")
@DB
def unassign(ref, theme, db) -> None:
    """Remove THEME from item REF."""
    from recueil.store import queries

    store = _store(db)
    try:
        r = store.run(queries.unassign, ref, theme)
    except (queries.NotFound, ValueError) as exc:
        _fail(str(exc))
    click.echo(f"{r['ref']}: {r['theme']} removed")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["docx", "pdf", "html", "md"]), required=True,
              help="Publication format.")  # fmt: skip
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="File to write.")  # fmt: skip
@click.option("--lang", type=click.Choice(["fr"]), default="fr", show_default=True,
              help="Language of the publication.")  # fmt: skip
@click.option("--meetings", multiple=True, metavar="SELECTION",
              help="Only these meetings/sessions: A:I-VI, B:VI, A:7, A (repeat or comma-separate). "
                   "Default: every adopted item.")  # fmt: skip
@DB
def publish(fmt, out, lang, meetings, db) -> None:
    """Publish the compendium ("Recueil et index thématique") from the database.

    Parts A and B in chronological order and the thematic index computed from the theme
    assignments (imported and curated); drafts are never published.
    """
    from recueil.publish import SelectionError
    from recueil.publish import publish as publish_to

    store = _store(db)
    try:
        pub = publish_to(store, fmt, out, meetings=meetings or None, lang=lang)
    except (SelectionError, ValueError, OSError) as exc:
        _fail(str(exc))
    items = sum(len(m.items) for m in (*pub.part_a, *pub.part_b))
    click.echo(
        f"{out}: {fmt}, {len(pub.part_a)} meetings, {len(pub.part_b)} sessions, "
        f"{items} items, {len(pub.index)} themes"
    )


if __name__ == "__main__":
    main()
