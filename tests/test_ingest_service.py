"""One ingest run (ingest.service) and `recueil ingest`: options for what a file does
not print, every bad file of a batch reported at once with nothing written, no silent
loss in numbered sequences, English and French Working Group reports, meeting numbers
checked against the printed ordinal and dates, manifests that survive a rename.

The documents are the bundled 2020 (000), 2024 (001) and 2019 draft (003) reports, and
versions of them edited here: a made-up twelfth meeting, an English rendering of the
2024 report's headings, reports with a recommendation removed, renumbered or glued.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3

import pytest
from click.testing import CliRunner

from recueil.cli import main
from recueil.ingest.errors import IngestError
from recueil.ingest.manifest import ManifestEntry
from recueil.ingest.pipeline import LoadOptions, load
from recueil.ingest.sequence_check import GapError, check_sequence
from recueil.model import DocumentKind
from tests.conftest import corpus_file


def text_of(prefix: str) -> str:
    return corpus_file(prefix).read_text(encoding="utf-8")


def write(folder, name: str, text: str):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def edit(text: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    return text


def run(*args):
    return CliRunner(mix_stderr=False).invoke(main, [str(a) for a in args])


def refs(loaded) -> list[str]:
    return [str(i.ref) for i in loaded.parsed.all_items()]


def documents(db) -> int:
    with sqlite3.connect(db) as conn:
        try:
            return conn.execute("select count(*) from recueil_document").fetchone()[0]
        except sqlite3.OperationalError:  # never migrated: nothing written either
            return 0


# --- Meeting numbers: printed ordinal, listed dates ---------------------------------------

TWELFTH = (
    ("onzième réunion", "douzième réunion"),
    ("et les 5 et 6 octobre 2023.", "les 5 et 6 octobre 2023 et les 11 et 12 juillet 2024."),
    ("les 11 et 12 juillet 2024", "les 9 et 10 juillet 2025"),
    ("le 11 juillet 2024", "le 9 juillet 2025"),
    ("le 12 juillet 2024", "le 10 juillet 2025"),
    ("26 juillet 2024", "18 juillet 2025"),
    ("CTOC/COP/WG.7/2024/", "CTOC/COP/WG.7/2025/"),
)


@pytest.fixture
def twelfth(tmp_path):
    """The 2024 report made into a report of a twelfth meeting (2025), no manifest."""
    return write(tmp_path, "wg-2025.md", edit(text_of("001"), *TWELFTH))


def test_a_twelfth_meeting_report_is_cited_a_xii_without_any_manifest(twelfth):
    loaded = load(twelfth)
    assert loaded.parsed.meeting == 12
    assert refs(loaded)[:2] == ["A:XII.1", "A:XII.2"]
    assert len(loaded.parsed.items) == 13
    assert str(loaded.parsed.start_date) == "2025-07-09"


def test_a_meeting_number_contradicting_the_printed_ordinal_is_refused(twelfth, tmp_path):
    db = tmp_path / "db.sqlite3"
    result = run("ingest", twelfth, "--meeting", "11", "--db", db)
    assert result.exit_code == 1
    assert "meeting 11 was given, but the report prints that it is of meeting 12" in result.stderr
    assert "douzième" in result.stderr
    assert documents(db) == 0


def test_a_meeting_number_contradicting_the_listed_earlier_meetings_is_refused(tmp_path):
    no_ordinal = edit(text_of("001"), ("La onzième réunion", "La réunion"))
    path = write(tmp_path, "wg.md", no_ordinal)
    with pytest.raises(IngestError, match="lists the dates of 10 earlier meetings"):
        load(path, LoadOptions(ManifestEntry(meeting=9)))
    assert load(path, LoadOptions(ManifestEntry(meeting=11))).parsed.meeting == 11


def test_a_meeting_number_contradicting_a_stored_meetings_dates_is_refused(tmp_path):
    db = tmp_path / "db.sqlite3"
    assert run("ingest", corpus_file("000"), "--db", db).exit_code == 0  # meeting VII, 2020
    bare = edit(
        text_of("001"),
        ("La onzième réunion", "La réunion"),
        ("Les précédentes réunions du Groupe de travail se sont tenues", "Il s'est réuni"),
    )
    result = run("ingest", write(tmp_path, "wg.md", bare), "--meeting", "7", "--db", db)
    assert result.exit_code == 1
    assert "--meeting 7 contradicts the printed dates" in result.stderr
    assert "2024-07-11" in result.stderr and "2020-09-08" in result.stderr
    assert documents(db) == 1


# --- English Working Group report ------------------------------------------------------------

ENGLISH = (
    ("# Conférence des Parties à la Convention des Nations Unies contre la criminalité "
     "transnationale organisée",
     "# Conference of the Parties to the United Nations Convention against Transnational "
     "Organized Crime"),
    ("Distr. générale", "Distr.: General"),
    ("26 juillet 2024", "26 July 2024"),
    ("Français  ", "English  "),
    ("Original : anglais", "Original: English"),
    ("## Rapport de la réunion du Groupe de travail sur le trafic illicite de migrants tenue à "
     "Vienne les 11 et 12 juillet 2024",
     "## Report on the meeting of the Working Group on the Smuggling of Migrants held in "
     "Vienna on 11 and 12 July 2024"),
    ("II. Recommandations", "II. Recommendations"),
    ("30. La onzième réunion du Groupe de travail sur le trafic illicite de migrants s'est "
     "tenue à Vienne les 11 et 12 juillet 2024. Elle a comporté quatre séances.",
     "30. The eleventh meeting of the Working Group on the Smuggling of Migrants was held in "
     "Vienna on 11 and 12 July 2024. It comprised four sessions."),
)  # fmt: skip


def english_2024() -> str:
    """The 2024 report's cover and headings in the UN English form, texts kept."""
    text = edit(text_of("001"), *ENGLISH)
    text = text.replace("Recommandations sur", "Recommendations on")
    text = re.sub(r"Recommandation (\d+)", r"Recommendation \1", text)
    return re.sub(r"^(\s*- )([a-c])\) ", r"\1(\2) ", text, flags=re.MULTILINE)


def test_english_working_group_report_is_read_fully(tmp_path):
    path = write(tmp_path, "wg-2024-en.md", english_2024())
    english = load(path).parsed  # recognised as a report by its English headings
    french = load(corpus_file("001")).parsed
    assert english.language == "en" and french.language == "fr"
    assert english.meeting == 11  # "The eleventh meeting … was held"
    assert (english.venue, str(english.start_date), str(english.end_date)) == (
        "Vienna", "2024-07-11", "2024-07-12")  # fmt: skip
    assert str(english.issued) == "2024-07-26"
    assert english.distribution.value == "general" and english.original_language == "English"
    assert english.body == "Working Group on the Smuggling of Migrants"
    assert [str(i.ref) for i in english.all_items()] == [str(i.ref) for i in french.all_items()]
    assert [i.text for i in english.all_items()] == [i.text for i in french.all_items()]
    assert [c.ref.path[-1] for c in english.items[-1].children] == ["a", "b", "c"]
    assert english.items[0].section.startswith("A. Recommendations on")
    assert not english.gaps and not english.warnings


# --- No silent loss ---------------------------------------------------------------------------

REC5 = re.compile(r"\*Recommandation 5\*\n\n[^\n]*\n\n")


def test_a_missing_recommendation_refuses_the_file(tmp_path):
    path = write(tmp_path, "wg.md", REC5.sub("", text_of("001")))
    with pytest.raises(GapError, match="Recommandation 6 follows 4: missing 5") as info:
        load(path)
    assert "--accept-gaps" in str(info.value)
    loaded = load(path, LoadOptions(accept_gaps=True))
    assert len(loaded.parsed.items) == 12 and len(loaded.parsed.gaps) == 1


def test_a_duplicated_recommendation_number_refuses_the_file(tmp_path):
    renumbered = edit(text_of("001"), ("*Recommandation 5*", "*Recommandation 4*"))
    path = write(tmp_path, "wg.md", renumbered)
    with pytest.raises(GapError) as info:
        load(path)
    assert "Recommandation 4 appears twice" in str(info.value)
    assert "Recommandation 6 follows 4: missing 5" in str(info.value)


def test_a_skipped_subparagraph_letter_refuses_the_file(tmp_path):
    path = write(tmp_path, "wg.md", edit(text_of("001"), ("- b) Assurer", "- c) Assurer")))
    with pytest.raises(GapError, match=r"subparagraph c\) of recommendation 13 follows a\)"):
        load(path)


def test_a_heading_glued_to_the_previous_paragraph_is_split_not_merged(tmp_path):
    glued = edit(text_of("000"), ("migration clandestine.\n Recommandation 21\n",
                                  "migration clandestine. Recommandation 21\n"))  # fmt: skip
    again = load(write(tmp_path, "wg.txt", glued), LoadOptions(ManifestEntry(meeting=7)))
    original = load(corpus_file("000"))
    assert refs(again) == refs(original)
    assert [i.text for i in again.parsed.items] == [i.text for i in original.parsed.items]


def test_a_glued_heading_out_of_sequence_refuses_the_file(tmp_path):
    glued = edit(text_of("000"), ("migration clandestine.\n Recommandation 21\n",
                                  "migration clandestine. Recommandation 12\n"))  # fmt: skip
    with pytest.raises(GapError, match="'Recommandation 12' found inside the text"):
        load(write(tmp_path, "wg.txt", glued), LoadOptions(ManifestEntry(meeting=7)))


def test_a_report_with_no_recommendation_is_refused(tmp_path):
    """The 2024 report without its "Recommandation N" headings, named a report."""
    headless = re.sub(r"^.*Recommandation \d+.*$", "", text_of("001"), flags=re.MULTILINE)
    path = write(tmp_path, "x.md", headless)
    with pytest.raises(GapError, match="no items found in a document of kind 'report'"):
        load(path, LoadOptions(ManifestEntry(kind=DocumentKind.REPORT)))


def test_sequence_check_api_for_parsers():
    assert check_sequence([(1, 1), (2, 2), (3, 3)], what="operative paragraph") == []
    gaps = check_sequence([("a", 5), ("b", 6), ("d", 7), ("d", 8)], what="subparagraph",
                          letters=True, parent="paragraph 5")  # fmt: skip
    assert [(g.kind, g.line) for g in gaps] == [("gap", 7), ("duplicate", 8)]
    assert str(gaps[0]) == "line 7: subparagraph d) of paragraph 5 follows b: missing c"
    assert check_sequence([(22, 1), (23, 2)], what="Recommandation", start=None) == []
    assert check_sequence([(2, 1)], what="paragraph")[0].kind == "start"
    romans = check_sequence([("i", 1), ("ii", 2), ("iv", 3)], what="subparagraph")
    assert [str(g) for g in romans] == ["line 3: subparagraph iv) follows ii: missing iii"]


def test_the_compendium_sequences_are_checked_and_whole():
    from recueil.ingest.pipeline import compendium_gaps

    parsed = load(corpus_file("004")).parsed
    assert compendium_gaps(parsed) == [] and parsed.gaps == []
    parsed.items = [i for i in parsed.items if str(i.ref) != "A:III.7"]
    assert compendium_gaps(parsed) == ["line 248: item 8 of A:3 follows 6: missing 7"]


# --- The command: batches, accepted gaps, options, manifests ---------------------------------


def test_every_bad_file_of_a_batch_is_reported_and_nothing_is_written(tmp_path):
    db = tmp_path / "db.sqlite3"
    gap = write(tmp_path, "gap.md", REC5.sub("", text_of("001")))
    odd = write(tmp_path, "notes.xyz", "hello")
    result = run("ingest", corpus_file("000"), gap, odd, tmp_path / "missing.txt", "--db", db)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 3, result.stderr
    assert any("missing.txt: no such file" in e for e in errors)
    assert any("gap.md:" in e and "missing 5" in e for e in errors)
    assert any("notes.xyz: unsupported file type '.xyz'" in e for e in errors)
    assert "3 errors; nothing was written" in result.stderr
    assert documents(db) == 0


def test_accepted_gaps_are_stored_and_listed_as_warnings(tmp_path):
    db = tmp_path / "db.sqlite3"
    gap = write(tmp_path, "gap.md", REC5.sub("", text_of("001")))
    result = run("ingest", gap, "--accept-gaps", "--db", db)
    assert result.exit_code == 0, result.stderr
    listed = json.loads(run("warnings", "--kind", "gap", "--format", "json", "--db", db).output)
    assert len(listed) == 1 and listed[0]["source_file"] == "gap.md"
    assert "Recommandation 6 follows 4: missing 5" in listed[0]["message"]
    assert listed[0]["line"] is not None


def test_options_fill_what_the_file_does_not_print(tmp_path):
    path = write(tmp_path, "renamed.md", text_of("003"))  # no manifest here
    loaded = load(path, LoadOptions(ManifestEntry(meeting=6, symbol="CTOC/COP/WG.7/2019/L.1/Add.1",
                                                  language="fr")))  # fmt: skip
    assert loaded.parsed.kind == DocumentKind.DRAFT_ADDENDUM
    assert refs(loaded)[0] == "A:VI.22" and loaded.parsed.symbol == "CTOC/COP/WG.7/2019/L.1/Add.1"


def test_a_manifest_entry_survives_a_rename_by_its_sha256(tmp_path):
    data = corpus_file("003").read_bytes()
    (tmp_path / "renamed.md").write_bytes(data)
    (tmp_path / "manifest.toml").write_text(
        '["old-name.txt"]\nkind = "draft_addendum"\nmeeting = 6\n'
        f'sha256 = "{hashlib.sha256(data).hexdigest()}"\n',
        encoding="utf-8",
    )
    assert refs(load(tmp_path / "renamed.md"))[0] == "A:VI.22"
