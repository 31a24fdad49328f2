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
from recueil.model import MAX_MEETING

DB_HELP = "Database: SQLite file path, sqlite:///PATH or postgresql://USER@HOST:PORT/DB."


def _store(db: str | None):
    from recueil.store import open_store

    try:
        return open_store(db)
    except Exception as exc:  # connection refused, bad URL, unwritable path…
        raise click.ClickException(f"cannot open database {db or '(default)'}: {exc}") from exc


def _reader(db: str | None):
    """Open the store for a command that reads it; say so on stderr when it is empty (a
    listing of nothing from the wrong database is worse than a hint)."""
    from recueil.store.models import Document

    store = _store(db)
    if not store.run(Document.objects.exists):
        from recueil.store.db import database_settings

        cfg = database_settings(db)
        where = cfg["NAME"] if cfg["ENGINE"].endswith("sqlite3") else (db or "")
        click.echo(
            f"recueil: the database {where} holds no document yet; ingest first "
            "(recueil ingest corpus/, or ./scripts/run) or name another with --db / RECUEIL_DB",
            err=True,
        )
    return store


def _check_meeting(store, part: str | None, meeting: str | None) -> None:
    """`--meeting` must name a meeting (or session) that holds items: exit 2 with the list."""
    if not meeting:
        return
    from recueil.model import meeting_number
    from recueil.store import queries

    keys = store.run(queries.meeting_keys, part)
    text = str(meeting).strip().upper().removeprefix(f"{(part or '').upper()}:")
    try:
        number = meeting_number(text)
    except ValueError:
        number = None
    from recueil.model import to_roman

    wanted = to_roman(number) if number else None
    if wanted is None or not any(k.split(":")[1] == wanted for k in keys):
        raise click.BadParameter(
            f"no meeting or session {meeting!r}"
            + (f" in part {part.upper()}" if part else "")
            + f"; the database holds: {', '.join(keys) or '(nothing)'}",
            param_hint="--meeting",
        )


def _default_db_name() -> str:
    """The default database, as a user would look for it (RECUEIL_DB or the data dir)."""
    from recueil.store.db import default_db_path

    return str(default_db_path())


def _writable(path: Path | None, param) -> Path | None:
    """An output file is checked before any work starts: its folder must exist and be
    writable (exit 2 otherwise), so a long rendering never ends on a bad path."""
    import os

    if path is None:
        return None
    folder = path.expanduser().absolute().parent
    if not folder.is_dir():
        raise click.BadParameter(f"folder {str(folder)!r} does not exist", param=param)
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise click.BadParameter(f"{str(path)!r} is not writable", param=param)
    return path


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
@click.option("--kind", default=None,
              help="Document kind, for files that do not show it (report, draft_addendum, "
                   "compendium, secretariat_report, …).")  # fmt: skip
@click.option("--meeting", type=click.IntRange(1, MAX_MEETING), default=None,
              help="Working Group meeting number, when the report does not print it "
                   "(refused if it contradicts the printed ordinal or dates).")  # fmt: skip
@click.option("--session", type=click.IntRange(1, MAX_MEETING), default=None,
              help="Conference session number, when the document does not print it.")
@click.option("--symbol", default=None, help="UN symbol, when the document does not print it.")
@click.option("--language", default=None, metavar="CODE",
              help="ISO 639-1 language (en, fr, …), when the document does not show it.")
@click.option("--accept-gaps", is_flag=True,
              help="Ingest files whose numbered sequences have gaps, duplicates or merged "
                   "items anyway (listed by `recueil warnings --kind gap`).")  # fmt: skip
def ingest(paths, db, user, kind, meeting, session, symbol, language, accept_gaps) -> None:
    """Ingest documents (.txt, .md, .pdf, .docx, .html; folders are walked).

    Every file is read, parsed and checked before anything is written: when any file of
    the batch is bad, every bad file is listed (one line each) and the database is left
    exactly as it was (exit 1). Re-ingesting the same file changes nothing. The options
    fill what a file does not print, like its folder's manifest.toml (and win over it).
    """
    from recueil.ingest.service import IngestOptions, ingest_paths

    options = IngestOptions(kind=kind, meeting=meeting, session=session, symbol=symbol,
                            language=language, accept_gaps=accept_gaps, user=user)  # fmt: skip
    opened = []

    def open_after_reading():
        opened.append(_store(db))
        return opened[0]

    report = ingest_paths(
        open_after_reading,
        paths,
        options,
        progress=lambda f: click.echo(f"reading {f}", err=True),
    )
    if report.errors:
        for exc in report.errors:
            click.echo(f"error: {exc}", err=True)
        n = len(report.errors)
        click.echo(f"{n} error{'s' if n > 1 else ''}; nothing was written", err=True)
        sys.exit(1)
    store = opened[0]
    _print_summary(store, report.results)
    for path, filled in report.vocabulary:
        if filled:
            click.echo(f"{path.name}: labels or scope notes filled for {filled} themes", err=True)
    if report.vectors:
        click.echo(f"search vectors: {report.vectors} texts embedded", err=True)
    if report.links is not None:
        click.echo(f"uptake links: {report.links}", err=True)


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
@click.option("--status", type=click.Choice(["adopted", "draft", "all"]), default="adopted",
              show_default=True,
              help="Adopted items (as counted everywhere), drafts, or both.")  # fmt: skip
@FORMAT
@DB
def items(part, meeting, theme, status, fmt, db) -> None:
    """List items, filtered by part, meeting/session, theme or status.

    An item is one citable unit with its own reference: a recommendation, a paragraph, a
    preambular paragraph (al.) or a subparagraph (alinéa) of any of them."""
    from recueil.store import queries

    store = _reader(db)
    _check_meeting(store, part, meeting)
    if theme:
        try:
            store.run(queries.find_theme, theme)
        except queries.NotFound as exc:
            raise click.BadParameter(str(exc), param_hint="--theme") from exc
    try:
        rows = store.run(
            queries.list_items, part=part, meeting=meeting, theme=theme,
            status=None if status == "all" else status,
        )  # fmt: skip
    except (queries.NotFound, ValueError) as exc:
        _fail(str(exc))
    click.echo(_render(rows, fmt, ITEM_COLUMNS))


@main.command()
@click.argument("ref")
@click.option("--status", type=click.Choice(["adopted", "draft"]), default="adopted",
              show_default=True)  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--lang", default=None, help="Language version to show (ISO 639-1: en, fr …).")
@DB
def show(ref, status, fmt, lang, db) -> None:
    """Show one item: text, citation, sources, themes (e.g. recueil show A:I.22,
    recueil show A/RES/80/228:op.5.b, recueil show A:VII.3 --lang en)."""
    from recueil.store import queries

    store = _reader(db)
    try:
        item = store.run(queries.get_item, ref, status=status, lang=lang)
    except (queries.NotFound, ValueError) as exc:
        _fail(str(exc))
    if fmt == "json":
        click.echo(json.dumps(item, ensure_ascii=False, indent=2))
        return
    status_note = "" if item["status"] == "adopted" else "  [DRAFT – not adopted]"
    click.echo(f"{item['ref']}{status_note}")
    click.echo(f"Citation: {item['citation']}")
    if item["part"] != "S":
        where = item["meeting_title"] + (
            f", {item['meeting_dates']}" if item["meeting_dates"] else ""
        )
        click.echo(f"Meeting:  {where}")
    others = [v["language"] for v in item["languages"] if v["language"] != item["language"]]
    click.echo(f"Language: {item['language']}" + (
        f" (also: {', '.join(others)})" if others else ""))  # fmt: skip
    if item["recommending_states"]:
        click.echo(f"States:   {', '.join(item['recommending_states'])}")
    if item["response"]:
        click.echo(f"Response: {item['response']}")
    if item["section"]:
        click.echo(f"Section:  {item['section']}")
    click.echo("")
    click.echo(item["text"])
    if item["children"]:
        click.echo("\nSubparagraphs: " + ", ".join(item["children"]))
    click.echo("\nThemes:")
    for a in item["assignments"]:
        if a["origin"] == "imported":  # read from the published index, whoever ran the ingest
            click.echo(f"  - {a['theme']} (index 2021)")
            continue
        who = f" by {a['user']}" if a["user"] else ""
        click.echo(f"  - {a['theme']} ({a['origin']}{who}, {a['created_at'][:10]})")
    if not item["assignments"]:
        click.echo("  (none)")
    click.echo("\nSources:")
    for s in item["sources"]:
        flag = "" if s["agrees"] else "  ⚠ CONFLICTING TEXT (not applied)"
        click.echo(f"  - {s['label']}, line {s['line']} ({_kind_words(s['kind'])}){flag}")
    for o in item["other_versions"]:
        click.echo(f"  also exists as {o['status']} in {o['source_file']}")


def _kind_words(kind: str) -> str:
    """A document kind in words (the codes of model.DocumentKind)."""
    return {
        "report": "meeting report", "draft_addendum": "draft addendum",
        "compendium": "compendium", "secretariat_report": "report of the Secretariat",
        "resolution": "resolution",
    }.get(kind, kind)  # fmt: skip


@main.command()
@FORMAT
@DB
def themes(fmt, db) -> None:
    """List themes with their parent and number of items (Part A / Part B)."""
    from recueil.store import queries

    rows = _reader(db).run(queries.list_themes)
    click.echo(_render(rows, fmt, ("label", "parent", "items", "part_a", "part_b")))


@main.command()
@FORMAT
@DB
def meetings(fmt, db) -> None:
    """List Working Group meetings (A) and COP sessions (B)."""
    from recueil.store import queries

    rows = _reader(db).run(queries.list_meetings)
    cols = ("part", "number", "title", "dates", "report_symbol", *queries.COUNT_FIELDS)
    click.echo(_render(rows, fmt, cols))


@main.command()
@FORMAT
@DB
def documents(fmt, db) -> None:
    """List ingested documents with their metadata."""
    from recueil.store import queries

    rows = _reader(db).run(queries.list_documents)
    cols = ("source_file", "kind", "symbol", "meeting", "session", "distribution", "items")
    click.echo(_render(rows, fmt, cols))


# The kinds store/writer.py records (others may appear in a database: they are accepted too).
WARNING_KINDS = ("conflict", "duplicate", "kept", "kept-removed", "parser", "unresolved")


@main.command()
@click.option("--kind", help="Only this kind (conflict, unresolved, parser, kept…).")
@FORMAT
@DB
def warnings(kind, fmt, db) -> None:
    """List what ingestion flagged instead of silently fixing."""
    from recueil.store import queries

    store = _reader(db)
    if kind:
        from recueil.store.models import IngestWarning

        kinds = set(WARNING_KINDS) | set(store.run(lambda: list(
            IngestWarning.objects.values_list("kind", flat=True).distinct())))  # fmt: skip
        if kind not in kinds:
            raise click.BadParameter(
                f"no warning kind {kind!r}; kinds: {', '.join(sorted(kinds))}",
                param_hint="--kind",
            )
    rows = store.run(queries.list_warnings, kind)
    click.echo(_render(rows, fmt, ("source_file", "line", "kind", "ref", "message")))


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
@click.option("--user", default=None, help="Who decides (default: login name).")
@DB
def unassign(ref, theme, user, db) -> None:
    """Remove THEME from item REF (remembered: a re-ingested index does not restore it)."""
    from recueil.store import queries

    store = _store(db)
    try:
        r = store.run(queries.unassign, ref, theme, user=user or getpass.getuser())
    except (queries.NotFound, ValueError) as exc:
        _fail(str(exc))
    click.echo(f"{r['ref']}: {r['theme']} removed")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["docx", "pdf", "html", "md"]), required=True,
              help="Publication format.")  # fmt: skip
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True,
              callback=lambda ctx, param, value: _writable(value, param),
              help="File to write.")  # fmt: skip
@click.option("--lang", type=click.Choice(["fr"]), default="fr", show_default=True,
              help="Language of the publication.")  # fmt: skip
@click.option("--meetings", multiple=True, metavar="SELECTION",
              help="Only these meetings/sessions: A:I-VI, B:VI, A:7, A (repeat or comma-separate). "
                   "Default: every adopted item.")  # fmt: skip
@click.option("--statistics", is_flag=True,
              help="Append a statistics annex (the main analyses of `recueil stats`).")
@DB
def publish(fmt, out, lang, meetings, statistics, db) -> None:
    """Publish the compendium ("Recueil et index thématique") from the database.

    Parts A and B in chronological order and the thematic index computed from the theme
    assignments (imported and curated); drafts are never published.
    """
    from recueil.publish import SelectionError
    from recueil.publish import publish as publish_to

    store = _reader(db)
    try:
        pub = publish_to(
            store, fmt, out, meetings=meetings or None, lang=lang, statistics=statistics
        )
    except (SelectionError, ValueError, OSError) as exc:
        _fail(str(exc))
    counts = publication_counts(pub)
    click.echo(
        f"{out}: {fmt}, {len(pub.part_a)} meetings, {len(pub.part_b)} sessions, "
        + ", ".join(f"{counts[k]} {k}" for k in COUNT_NAMES)
        + f" ({counts['items']} items), {len(pub.index)} themes"
    )


COUNT_NAMES = ("recommendations", "paragraphs", "preambular", "subparagraphs")


def publication_counts(pub) -> dict[str, int]:
    """The named counts (queries.COUNT_FIELDS) of what a publication prints."""
    from recueil.store.queries import COUNT_KINDS

    kinds = {kind: name for name, kind in COUNT_KINDS.items()}
    counts = dict.fromkeys(COUNT_NAMES, 0)
    for m in (*pub.part_a, *pub.part_b):
        for top in m.items:
            for unit in top.walk():
                counts[kinds[unit.kind]] += 1
    counts["items"] = sum(counts.values())
    return counts


BUNDLED_CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@main.command()
@DB
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, type=int,
              help="Threads per worker process.")  # fmt: skip
@click.option("--workers", default=None, type=int,
              help="Worker processes sharing the port (default: one per CPU, at most 4; "
                   "always 1 where fork is unavailable).")  # fmt: skip
@click.option("--corpus", type=click.Path(path_type=Path, file_okay=False),
              default=BUNDLED_CORPUS, show_default=True,
              help="Ingested first when the database holds no document.")  # fmt: skip
@click.option("--train/--no-train", "train_first", default=True, show_default=True,
              help="Train the theme suggester in the background when none exists yet.")  # fmt: skip
@click.option("--embed/--no-embed", "embed", default=True, show_default=True,
              help="Compute the search vectors of texts that have none before serving "
                   "(--no-embed: serve at once; those texts are found by words only).")  # fmt: skip
def serve(db, host, port, threads, workers, corpus, train_first, embed) -> None:
    """Serve the web app and REST API (gunicorn WSGI server) on HOST:PORT.

    Migrates the database and, when it holds no document yet, ingests the bundled corpus.
    """
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recueil.web.settings")
    if db:
        os.environ["RECUEIL_DB"] = str(db)  # the web settings' default database
    from recueil.ingest.service import (
        IngestOptions,
        ingest_paths,
        refresh_derived,
        train_in_background,
    )
    from recueil.store import queries

    store = _store(db)
    if store.run(queries.counts)["documents"] == 0 and corpus.is_dir():
        click.echo(f"empty database: ingesting {corpus}", err=True)
        report = ingest_paths(store, [corpus], IngestOptions(user=getpass.getuser()))
        if report.errors:
            _fail("; ".join(str(e) for e in report.errors))
    else:  # catch up on writes that bypassed the store; vectors of new texts
        refresh_derived(store, changed=False, vectors=embed)
    if train_first and train_in_background(store, db):
        click.echo("training the theme suggester in the background", err=True)
    from recueil.web.warm import warm

    click.echo(f"caches warmed in {warm(store):.1f} s (the workers inherit them)", err=True)
    from django.conf import settings as django_settings

    django_settings.RECUEIL_DB_ALIAS = store.alias
    from recueil.web.wsgi import application

    if workers is None:
        workers = min(os.cpu_count() or 1, 4)
    if not hasattr(os, "fork"):
        workers = 1
    click.echo(
        f"recueil: serving http://{host}:{port}/ with {workers} worker(s) × {threads} threads "
        f"(database: {store.url or _default_db_name()})"
    )
    _serve_wsgi(application, host, port, threads=threads, workers=max(1, workers))


def _serve_wsgi(application, host: str, port: int, *, threads: int, workers: int) -> None:
    """gunicorn (pre-fork master, `workers` processes × `threads`); waitress without fork."""
    from recueil.web.server import serve as serve_app

    serve_app(application, host, port, threads=threads, workers=workers)


# --- Agreed language and lineage (issue 6: recueil.link) ----------------------------------

LINK_FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)


def _diff_markup(spans: list[dict]) -> str:
    """A diff for a terminal: [-deleted-] {+inserted+} (as `git diff --word-diff`)."""
    out = []
    for s in spans:
        text = s["text"]
        if s["op"] == "equal":
            out.append(text)
        else:
            lead = text[: len(text) - len(text.lstrip())]
            mark = ("[-", "-]") if s["op"] == "delete" else ("{+", "+}")
            out.append(f"{lead}{mark[0]}{text.strip()}{mark[1]}")
    return "".join(out)


def _run_link(db: str | None, fn, *args, **kwargs):
    from recueil.store import queries

    store = _store(db)
    try:
        return store.run(fn, *args, **kwargs)
    except (queries.NotFound, ValueError) as exc:
        _fail(str(exc))


@main.command()
@click.argument("ref")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 200))
@click.option("--part", type=click.Choice(["A", "B", "a", "b"]), help="Only items of this part.")
@click.option("--status", type=click.Choice(["adopted", "draft"]), default="adopted",
              show_default=True, help="Status of REF itself.")  # fmt: skip
@LINK_FORMAT
@DB
def related(ref, limit, part, status, fmt, db) -> None:
    """Items most similar to REF, with a score, restates / revises / related, and whether
    each is earlier or later than REF (a later text restating REF: restated_later)."""
    from recueil.link import related as related_items

    rows = _run_link(db, related_items, ref, limit, status=status, part=part)
    if fmt == "json":
        keep = ("ref", "score", "relation", "time", "year", "cosine", "shared")
        click.echo(json.dumps([{k: r[k] for k in keep} for r in rows], ensure_ascii=False,
                              indent=2))  # fmt: skip
    else:
        click.echo(_table(rows, ("ref", "score", "relation", "time", "year", "cosine", "shared",
                                 "text")))  # fmt: skip


@main.command()
@click.option("--text", help="The draft paragraph.")
@click.option("--file", "path", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="A file holding the draft paragraph (.txt, .md, .pdf, .docx).")  # fmt: skip
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 200))
@click.option("--part", type=click.Choice(["A", "B", "a", "b"]), help="Only items of this part.")
@click.option("--per-paragraph", is_flag=True,
              help="A draft document: precedents for each paragraph (blank-line separated); "
                   'JSON is then [{"paragraph", "text", "precedents"}].')  # fmt: skip
@LINK_FORMAT
@DB
def precedent(text, path, limit, part, per_paragraph, fmt, db) -> None:
    """Adopted paragraphs closest to a draft, each with a word-level diff (agreed language).

    In the table, [-words-] are in the adopted text but not in the draft, {+words+} are
    the draft's additions; case, accents and typography do not count as differences.
    """
    from recueil.link import precedent as find_precedents

    if bool(text) == bool(path):
        _fail("give exactly one of --text or --file")
    if path:
        from recueil.ingest.read import read_source

        try:
            text = read_source(path).text
        except IngestError as exc:
            _fail(str(exc))
    keep = ("ref", "score", "relation", "diff")
    if per_paragraph:
        from recueil.link import precedent_document

        paras = _run_link(db, precedent_document, text, limit, part=part)
        if fmt == "json":
            for p in paras:
                p["precedents"] = [{k: r[k] for k in keep} for r in p["precedents"]]
            click.echo(json.dumps(paras, ensure_ascii=False, indent=2))
            return
        for p in paras:
            click.echo(f"¶ {p['paragraph']}: {p['text']}")
            for r in p["precedents"]:
                click.echo(f"  {r['ref']}  score {r['score']}  {r['relation']}")
                click.echo("    " + _diff_markup(r["diff"]))
            click.echo("")
        return
    from recueil.drafts import restore_elisions

    text = _run_link(db, restore_elisions, text)  # "lEtat" → "l'Etat" (hand-typed drafts)
    rows = _run_link(db, find_precedents, text, limit, part=part)
    if fmt == "json":
        click.echo(json.dumps([{k: r[k] for k in keep} for r in rows], ensure_ascii=False,
                              indent=2))  # fmt: skip
        return
    for r in rows:
        click.echo(f"{r['ref']}  score {r['score']}  {r['relation']}")
        click.echo("  " + _diff_markup(r["diff"]) + "\n")


@main.command()
@click.argument("ref_a")
@click.argument("ref_b")
@click.option("--status-a", type=click.Choice(["adopted", "draft"]), default="adopted")
@click.option("--status-b", type=click.Choice(["adopted", "draft"]), default="adopted")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)  # fmt: skip
@DB
def compare(ref_a, ref_b, status_a, status_b, fmt, db) -> None:
    """Two items side by side: similarity, relation and the word-level diff from A to B."""
    from recueil.link import compare as compare_items

    r = _run_link(db, compare_items, ref_a, ref_b, status_a=status_a, status_b=status_b)
    if fmt == "json":
        click.echo(json.dumps(r, ensure_ascii=False, indent=2))
        return
    click.echo(f"{r['a']['ref']} → {r['b']['ref']}: {r['relation']} (cosine {r['cosine']}, "
               f"shared wording {r['shared']}, ratio {r['ratio']})\n")  # fmt: skip
    click.echo(_diff_markup(r["diff"]))


@main.command("draft-fate")
@click.argument("ref")
@click.option("--scope", type=click.Choice(["meeting", "all"]), default="meeting",
              show_default=True, help="Adopted items of the draft's meeting, or all.")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)  # fmt: skip
@DB
def draft_fate_cmd(ref, scope, fmt, db) -> None:
    """Whether and where a draft's text (REF, status draft) survived in adopted items."""
    from recueil.link import draft_fate

    r = _run_link(db, draft_fate, ref, scope=scope)
    if fmt == "json":
        click.echo(json.dumps(r, ensure_ascii=False, indent=2))
        return
    rows = [
        {
            "ref": u["ref"],
            "fate": u["fate"],
            "adopted": (u["match"] or u["closest"] or {}).get("ref"),
            "text": u["text"],
        }  # fmt: skip
        for u in r["units"]
    ]
    click.echo(_table(rows, ("ref", "fate", "adopted", "text")))
    click.echo(", ".join(f"{k} {v}" for k, v in r["summary"].items()))


@main.command()
@click.option("--meeting", help="Working Group meeting, roman (I) or arabic (1).")
@click.option("--no-refresh", is_flag=True, help="Show stored links without re-proposing.")
@LINK_FORMAT
@DB
def uptake(meeting, no_refresh, fmt, db) -> None:
    """Per recommendation: the COP paragraphs that took it up, or "not taken up"."""
    from recueil.link import uptake as uptake_rows

    rows = _run_link(db, uptake_rows, meeting, refresh=not no_refresh)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = [
        {
            "ref": r["ref"],
            "uptake": r["uptake"],
            "where": "; ".join(
                f"{lk['target']} ({lk['relation']}, {lk['origin']}, {lk['status']})"
                for lk in r["links"]
            ),
        }  # fmt: skip
        for r in rows
    ]
    click.echo(_table(table, ("ref", "uptake", "where"), width=120))


@main.group()
def link() -> None:
    """Confirm or reject lineage links (recommendation SRC taken up by COP paragraph TGT)."""


def _decide_command(name: str, doc: str):
    @link.command(name, help=doc)
    @click.argument("source")
    @click.argument("target")
    @click.option("--user", default=None, help="Who decides (default: login name).")
    @click.option("--note", default=None, help="Why (kept in the audit trail).")
    @DB
    def decide(source, target, user, note, db) -> None:
        from recueil import link as link_ops

        fn = link_ops.confirm if name == "confirm" else link_ops.reject
        r = _run_link(db, fn, source, target, user=user or getpass.getuser(), note=note)
        click.echo(
            f"{r['source']} → {r['target']}: {r['status']} ({r['relation']}, {r['origin']}) "
            f"by {r['user']}; {len(r['events'])} decision(s) recorded"
        )

    return decide


_decide_command("confirm", "Confirm that TARGET takes up SOURCE (audited).")
_decide_command("reject", "Reject the link SOURCE → TARGET (audited).")


@main.command()
@click.argument("query")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(0, 200))
@click.option("--offset", default=0, type=click.IntRange(0, 10**9), help="Skip this many hits.")
@click.option("--part", type=click.Choice(["A", "B", "a", "b"]))
@click.option("--meeting", help="Meeting/session: VII, 7 or A:VII.")
@click.option("--year", type=click.IntRange(1, 9999), help="Year of the meeting/session.")
@click.option("--theme", help="Theme label (items of its sub-themes included).")
@click.option(
    "--addressee",
    help="Who is asked (rules in recueil/search/wording.py).",
    type=click.Choice(["states", "secretariat", "working_group", "conference", "other"]),
)
@click.option("--strength", help="Force of the wording (rules in recueil/search/wording.py).",
              type=click.Choice(["must", "urged", "should", "encouraged", "may_wish", "decides",
                                 "notes", "other"]))  # fmt: skip
@click.option("--status", type=click.Choice(["adopted", "draft"]), default="adopted",
              show_default=True)  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)  # fmt: skip
@DB
def search(query, limit, offset, part, meeting, year, theme, addressee, strength, status, fmt,
           db) -> None:  # fmt: skip
    """Full-text search (French-aware): words, "phrases", OR, NOT/-word, prefix*.

    Accents, case and inflection do not matter (enfant ≈ Enfants, Etats ≈ États);
    misspelt words are matched to the closest indexed word.
    """
    from recueil.search import QueryError
    from recueil.search import search as run_search

    store = _store(db)
    try:
        res = store.run(
            run_search, query, part=part, meeting=meeting, year=year, theme=theme,
            addressee=addressee, strength=strength, status=status, limit=limit, offset=offset,
        )  # fmt: skip
    except QueryError as exc:
        _fail(f"bad query: {exc}")
    if fmt == "json":
        rows = [
            {"ref": h["ref"], "score": h["score"], "snippet": h["snippet"],
             **{k: v for k, v in h.items() if k not in ("ref", "score", "snippet", "text")}}
            for h in res.hits
        ]  # fmt: skip
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    import html
    import re

    rows = [
        {"ref": h["ref"], "score": f"{h['score']:.3f}",
         "snippet": html.unescape(re.sub(r"</?mark>", "*", h["snippet"]))}
        for h in res.hits
    ]  # fmt: skip
    click.echo(_table(rows, ("ref", "score", "snippet"), width=110))
    fixed = "".join(f"; {k} → {v}" for k, v in res.corrections.items())
    click.echo(f"{len(res.hits)} of {res.total} hits{fixed}", err=True)


# --- thematic indexing: suggestions, training, evaluation (recueil.index) -----------------


@main.command()
@click.argument("refs", nargs=-1)
@click.option("--unindexed", is_flag=True, help="Every adopted item without a theme.")
@click.option("--text", "texts", multiple=True, help="A text to index (repeatable).")
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--threshold", type=click.FloatRange(0, 1), default=None,
              help="Only scores at or above this probability.")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)  # fmt: skip
@DB
def suggest(refs, unindexed, texts, top, threshold, fmt, db) -> None:
    """Suggest themes for items (REF…), every unindexed item, or free --text.

    Each theme has a calibrated score (the probability it is right) and its evidence: the
    most similar indexed items carrying it and the words that matched. The model is
    retrained first when the indexed data changed since it was trained.
    """
    from recueil.index import project
    from recueil.index.corpus import Doc
    from recueil.store import queries

    if not (refs or unindexed or texts):
        _fail("give item references, --unindexed or --text")
    store = _store(db)
    try:
        docs = project.docs_for(store, list(refs), unindexed=unindexed)
    except (queries.NotFound, ValueError) as exc:
        _fail(str(exc))
    docs += [Doc(ref=f"text-{i}", text=t) for i, t in enumerate(texts, 1)]
    model = project.load_model(store)
    if model.retrained:
        click.echo(f"model retrained on {model.n_docs} indexed items "
                   f"({model.train_seconds:.1f} s)", err=True)  # fmt: skip
    result = project.suggest(model, docs, top=top, threshold=threshold)
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    rows = [
        {
            "ref": ref,
            "theme": s["theme"],
            "score": f"{s['score']:.2f}",
            "similar items": ", ".join(
                f"{n['ref']} ({n['similarity']:.2f})" for n in s["evidence"]["similar_items"]
            ),
            "words": ", ".join(s["evidence"]["matched_words"]),
        }
        for ref, suggestions in result.items()
        for s in suggestions
    ]
    click.echo(_table(rows, ("ref", "theme", "score", "similar items", "words"), width=60))


@main.command()
@DB
def train(db) -> None:
    """Retrain the theme suggester on every indexed item (imported and curated themes)."""
    from recueil.index import project

    model = project.train(_store(db))
    threshold = getattr(model.suggester, "threshold", None)
    click.echo(
        f"trained on {model.n_docs} indexed items in {model.train_seconds:.1f} s"
        + (f", assignment threshold {threshold:.2f}" if threshold is not None else "")
        + f": {model.path}"
    )


@main.command("evaluate-indexing")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)  # fmt: skip
@DB
def evaluate_indexing(fmt, db) -> None:
    """Leave-one-meeting-out over Part A meetings I–VI, pooled (Annif's metric definitions).

    Each fold trains on the other five meetings plus all of Part B and suggests themes for
    the held-out meeting's indexed items; micro/macro scores use each fold's calibrated
    threshold.
    """
    from recueil.index import metrics, project

    ts, result = project.evaluate(_store(db))
    table = result.metrics(ts.vocabulary.labels)
    scores, right = result.scored_pairs()
    bands = [
        {"scores": f">= {lo:.1f}", "suggestions": int((scores >= lo).sum()),
         "right": float(right[scores >= lo].mean()) if (scores >= lo).any() else None}
        for lo in (0.5, 0.6, 0.7, 0.8, 0.9)
    ]  # fmt: skip
    if fmt == "json":
        out = {"metrics": table, "calibration": bands, "thresholds": sorted(set(result.thresholds)),
               "train_seconds": result.train_seconds}  # fmt: skip
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    click.echo(f"leave-one-meeting-out, Part A I–VI, {int(table['documents'])} items pooled")
    click.echo(metrics.format_table({"recueil": table}))
    click.echo("\ncalibration (held-out suggestions, share right):")
    for b in bands:
        right_text = "–" if b["right"] is None else f"{b['right']:.2f}"
        click.echo(f"  score {b['scores']}: {b['suggestions']:4d} suggestions, {right_text} right")
    click.echo("fold thresholds: " + ", ".join(f"{t:.2f}" for t in sorted(set(result.thresholds))))


@main.command()
@click.argument("ref", required=False)
@click.option("--theme", default=None, help="The trail of one theme instead of one item.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10**6))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)  # fmt: skip
@DB
def history(ref, theme, limit, fmt, db) -> None:
    """The audit trail of theme decisions (of item REF, of --theme, or all), newest first."""
    from recueil.store import curation, queries

    try:
        events = _store(db).run(curation.history, ref=ref, theme=theme, limit=limit)
    except (queries.NotFound, ValueError) as exc:
        _fail(str(exc))
    if fmt == "json":
        click.echo(json.dumps(events, ensure_ascii=False, indent=2))
        return
    rows = [
        {
            "id": e["id"], "at": e["at"][:19], "user": e["user"], "action": e["action"]
            + (f" #{e['reverts']}" if e["reverts"] else "")
            + (f" (reverted by #{e['reverted_by']})" if e["reverted_by"] else ""),
            "item": e["ref"], "theme": e["theme"]
            + (f" → {e['other_theme']}" if e["other_theme"] else ""),
        }
        for e in events
    ]  # fmt: skip
    click.echo(_table(rows, ("id", "at", "user", "action", "item", "theme"), width=60))


@main.command()
@click.argument("event", type=int)
@click.option("--user", default=None, help="Who decides (default: login name).")
@DB
def revert(event, user, db) -> None:
    """Undo decision EVENT (see `recueil history`); the undo is recorded too."""
    from recueil.store import curation, queries

    try:
        e = _store(db).run(curation.revert, event, user=user or getpass.getuser())
    except (queries.NotFound, ValueError) as exc:
        _fail(str(exc))
    click.echo(f"#{event} reverted (event #{e['id']})")


@main.group()
def vocabulary() -> None:
    """Change the theme vocabulary: add, edit, rename, merge, retire, restore (audited)."""


def _vocabulary_call(db, fn, *args, **kwargs) -> None:
    from recueil.store import queries

    user = kwargs.pop("user", None) or getpass.getuser()
    try:
        e = _store(db).run(fn, *args, user=user, **kwargs)
    except (queries.NotFound, ValueError) as exc:
        _fail(str(exc))
    target = f" → {e['other_theme']}" if e["other_theme"] else ""
    click.echo(f"{e['theme_now'] or e['theme']}{target}: {e['action']} (event #{e['id']})")


USER = click.option("--user", default=None, help="Who decides (default: login name).")


@vocabulary.command("add")
@click.argument("label")
@click.option("--parent", default=None)
@click.option("--en", "label_en", default=None, help="English label.")
@click.option("--scope-note", default=None, help="Scope note (French).")
@click.option("--scope-note-en", default=None, help="Scope note (English).")
@USER
@DB
def vocabulary_add(label, parent, label_en, scope_note, scope_note_en, user, db) -> None:
    """Add a theme LABEL (French)."""
    from recueil.store.curation import create_theme

    _vocabulary_call(db, create_theme, label, parent=parent, label_en=label_en,
                     scope_note=scope_note, scope_note_en=scope_note_en, user=user)  # fmt: skip


@vocabulary.command("edit")
@click.argument("label")
@click.option("--rename", "new_label", default=None, help="New French label (old one kept).")
@click.option("--en", "label_en", default=None, help="English label.")
@click.option("--scope-note", default=None, help="Scope note (French).")
@click.option("--scope-note-en", default=None, help="Scope note (English).")
@click.option("--parent", default=None, help="Parent theme ('' for none).")
@USER
@DB
def vocabulary_edit(label, new_label, label_en, scope_note, scope_note_en, parent, user,
                    db) -> None:  # fmt: skip
    """Rename theme LABEL or change its labels, scope notes or parent."""
    from recueil.store.curation import _UNSET, edit_theme

    def given(value):
        return _UNSET if value is None else value

    _vocabulary_call(db, edit_theme, label, new_label=new_label, label_en=given(label_en),
                     scope_note=given(scope_note), scope_note_en=given(scope_note_en),
                     parent=given(parent), user=user)  # fmt: skip


@vocabulary.command("merge")
@click.argument("source")
@click.argument("target")
@USER
@DB
def vocabulary_merge(source, target, user, db) -> None:
    """Merge theme SOURCE into TARGET: every assignment moves, SOURCE is retired."""
    from recueil.store.curation import merge_themes

    _vocabulary_call(db, merge_themes, source, target, user=user)


@vocabulary.command("retire")
@click.argument("label")
@USER
@DB
def vocabulary_retire(label, user, db) -> None:
    """Retire theme LABEL: no longer suggested or offered; assignments and history stay."""
    from recueil.store.curation import retire_theme

    _vocabulary_call(db, retire_theme, label, user=user)


@vocabulary.command("restore")
@click.argument("label")
@USER
@DB
def vocabulary_restore(label, user, db) -> None:
    """Bring a retired theme LABEL back."""
    from recueil.store.curation import restore_theme

    _vocabulary_call(db, restore_theme, label, user=user)


@main.command("export-vocabulary")
@click.option("--format", "fmt", type=click.Choice(["skos", "annif-tsv"]), default="skos",
              show_default=True)  # fmt: skip
@click.option("--base-uri", default=None, help="URI prefix of the concepts.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Write to FILE.")
@DB
def export_vocabulary(fmt, base_uri, out, db) -> None:
    """Export the theme vocabulary as SKOS (Turtle) or Annif's TSV subject file."""
    from recueil.index import skos
    from recueil.index.corpus import load_training_set

    store = _store(db)
    vocabulary = store.run(load_training_set).vocabulary
    base = base_uri or skos.DEFAULT_BASE_URI
    if fmt == "skos":
        text = skos.to_turtle(vocabulary, base, store.run(skos.theme_details))
    else:
        text = skos.to_annif_tsv(vocabulary, base)
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


from recueil import cli_data  # noqa: E402  (export, import, stats)

for _command in (cli_data.export, cli_data.import_, cli_data.stats):
    main.add_command(_command)

from recueil.cli_backup import backup as _backup_cmd  # noqa: E402
from recueil.cli_backup import restore as _restore_cmd  # noqa: E402

main.add_command(_backup_cmd)
main.add_command(_restore_cmd)

if __name__ == "__main__":
    main()
