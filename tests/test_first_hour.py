"""Issue 14, the first hour of a new user at the command line: the main job and the README's
examples read one database, an empty database is said, every bad option is a usage error
(exit 2) naming the allowed values, output paths are checked before any work, the italic
lead verbs follow the compendium's own markup, and themes sort in French order."""

from __future__ import annotations

import json
import re
import shlex
import time

import pytest
from click.testing import CliRunner

from recueil.cli import main
from tests.conftest import ROOT


def run(*args, env=None):
    return CliRunner(mix_stderr=False).invoke(main, [str(a) for a in args], env=env)


def _readme_tour() -> list[list[str]]:
    """The read-only `recueil` examples of the README's tour, as argument lists."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = []
    for line in re.findall(r"^\.venv/bin/recueil (.+)$", text, flags=re.M):
        args = shlex.split(line.split(" # ")[0])
        if args[0] in ("items", "show", "themes", "meetings", "documents", "search"):
            commands.append(args)
    return commands


def test_main_job_and_readme_examples_share_one_database(tmp_path, monkeypatch):
    script = (ROOT / "scripts" / "run").read_text(encoding="utf-8")
    lines = script.splitlines()
    ingest = next(line for line in lines if line.startswith(".venv/bin/recueil ingest"))
    assert "--db" not in script, "scripts/run must use the CLI's default database"
    monkeypatch.chdir(ROOT)
    env = {"RECUEIL_DB": None, "XDG_DATA_HOME": str(tmp_path)}
    args = shlex.split(ingest)[1:]  # what scripts/run runs, in the user's data directory
    assert run(*args, env=env).exit_code == 0
    assert (tmp_path / "recueil" / "recueil.sqlite3").is_file()
    tour = _readme_tour()
    assert {c[0] for c in tour} >= {"items", "show", "themes", "meetings"}
    for command in tour:
        result = run(*command, env=env)
        assert result.exit_code == 0, (command, result.output, result.stderr)
        assert "holds no document" not in result.stderr, command
        assert len(result.output.splitlines()) >= 3, (command, result.output)
    shown = run("items", "--meeting", "VII", "--format", "json", env=env)
    assert len(json.loads(shown.output)) == 22


def test_a_command_reading_an_empty_database_says_so(tmp_path):
    result = run("items", "--db", tmp_path / "empty.sqlite3")
    assert result.exit_code == 0
    assert "holds no document yet" in result.stderr and "recueil ingest" in result.stderr


@pytest.fixture(scope="module")
def db(corpus_store):
    return corpus_store.url


def test_unknown_meeting_is_a_usage_error_listing_the_meetings(db):
    result = run("items", "--meeting", "XX", "--db", db)
    assert result.exit_code == 2
    assert "no meeting or session 'XX'" in result.stderr
    assert "A:I, A:II" in result.stderr and "B:VI" in result.stderr
    part_b = run("items", "--meeting", "VII", "--part", "B", "--db", db)
    assert part_b.exit_code == 2 and "B:I" in part_b.stderr and "A:I," not in part_b.stderr


def test_unknown_theme_and_bad_choices_are_usage_errors(db):
    theme = run("items", "--theme", "Coopération", "--db", db)
    assert theme.exit_code == 2 and "did you mean" in theme.stderr
    status = run("items", "--status", "pending", "--db", db)
    assert status.exit_code == 2 and "'adopted', 'draft', 'all'" in status.stderr


def test_output_paths_are_checked_before_any_work(db, tmp_path):
    started = time.monotonic()
    result = run("publish", "--format", "pdf", "--out", "/nonexistent/r.pdf", "--db", db)
    assert result.exit_code == 2 and "/nonexistent' does not exist" in result.stderr
    assert time.monotonic() - started < 3  # refused at once, nothing rendered
    export = run("export", "--out", tmp_path / "no" / "such" / "x.json", "--db", db)
    assert export.exit_code == 2 and "does not exist" in export.stderr


def test_items_default_to_adopted_like_every_count(db, corpus_store):
    from recueil.store import queries

    adopted = json.loads(run("items", "--format", "json", "--db", db).output)
    everything = json.loads(run("items", "--status", "all", "--format", "json", "--db", db).output)
    meetings = corpus_store.run(queries.list_meetings)
    assert len(adopted) == sum(m["items"] for m in meetings) == 350
    assert len(everything) - len(adopted) == sum(m["drafts"] for m in meetings) == 14


def test_show_cites_sources_by_title_and_imported_themes_as_the_2021_index(db):
    out = run("show", "A:XI.1", "--db", db).output
    assert "Rapport de la réunion du Groupe de travail" in out
    assert not re.search(r"\d{3}_[0-9a-f]{16}\.txt", out)  # no stored file name
    i22 = run("show", "A:I.22", "--db", db).output
    assert "(index 2021)" in i22 and " by test" not in i22


def test_themes_sort_in_french_order_accents_with_their_letter(db):
    rows = json.loads(run("themes", "--format", "json", "--db", db).output)
    labels = [r["label"] for r in rows]
    assert labels.index("Échange d'informations") < labels.index("Enfants")
    assert labels.index("Échange d'informations") < labels.index("Victimes d'infractions")


def test_italic_lead_verb_rule_reproduces_the_compendiums_markup(corpus_store):
    """Wherever the compendium marks a COP paragraph's lead words in italics (`*Prie*`), the
    display rule finds the same words, except B:V.1 where the compendium itself italicises
    only "Prie" of "Prie instamment" (seven other paragraphs italicise both words)."""
    from recueil.emphasis import lead_span
    from recueil.store.models import Item

    items = corpus_store.run(lambda: list(Item.objects.filter(part="B", parent__isnull=True)))
    checked, differ = 0, []
    for item in items:
        marked = re.match(r"\s*(?:\d+\.\s*)?\*([^*]+)\*", item.raw_text)
        if not marked:
            continue
        checked += 1
        found = item.text[: lead_span(item.text, part="B", kind=item.kind)]
        if found != marked.group(1):
            differ.append(item.ref)
        assert "*" not in item.text  # the clean text stays searchable without markup
    assert checked >= 40 and differ == ["B:V.1"]


def test_unknown_warning_kind_is_a_usage_error_listing_the_kinds(db):
    result = run("warnings", "--kind", "nope", "--db", db)
    assert result.exit_code == 2 and "conflict" in result.stderr and "unresolved" in result.stderr
    assert run("warnings", "--kind", "conflict", "--db", db).exit_code == 0
