"""No silent loss in resolutions and UPR reports (issue 10): numbering gaps are refused.

Small texts cut from ../shared/data/un-documents/: the cover, preamble and operative
paragraphs 1-12 of A/RES/80/218, and the cover and conclusions of the Malta UPR report
(A/HRC/12/7, 47 recommendations). With a paragraph or recommendation deleted or printed
twice, `recueil ingest` refuses the file (exit 1, nothing written) naming the file, the line
and what was expected; with `--accept-gaps` it is stored and `recueil warnings --kind gap`
lists the gaps. Legitimate restarts (an annex's own numbering, Senegal's "to be examined"
list) are not gaps: tests/test_un_documents.py reads those documents with no gap.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from recueil.cli import main
from recueil.ingest.pipeline import LoadOptions, load
from recueil.ingest.read import read_source
from recueil.ingest.sequence_check import GapError

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "un-documents"


def _text(prefix: str) -> str:
    (path,) = DATA.glob(f"{prefix}_*.txt")
    return read_source(path).text


def run(*args):
    return CliRunner(mix_stderr=False).invoke(main, [str(a) for a in args])


def documents(db) -> int:
    with sqlite3.connect(db) as conn:
        try:
            return conn.execute("select count(*) from recueil_document").fetchone()[0]
        except sqlite3.OperationalError:  # never migrated: nothing written either
            return 0


@pytest.fixture(scope="module")
def resolution() -> str:
    """A/RES/80/218 up to its operative paragraph 12, then its closing lines."""
    lines = _text("GA_A-RES-80-218").split("\n")
    end = next(i for i, line in enumerate(lines) if line.startswith("13. "))
    return "\n".join(lines[:end] + ["69th plenary meeting", "18 December 2025", ""])


@pytest.fixture(scope="module")
def upr() -> str:
    """The Malta UPR report's cover and its conclusions section (recommendations 1-47)."""
    text = _text("UPR_A-HRC-12-7")
    cover = text[: text.index("Introduction", text.index("CONTENTS") + 500)]
    return cover + text[text.index("II. CONCLUSIONS AND/OR RECOMMENDATIONS \n\n80.") :]


def _without_paragraph(text: str, n: int) -> str:
    """The text with operative paragraph n (up to paragraph n + 1) deleted."""
    m = re.search(rf"^{n}\. .*?(?=^{n + 1}\. )", text, flags=re.MULTILINE | re.DOTALL)
    assert m, n
    return text[: m.start()] + text[m.end() :]


def test_the_cut_texts_read_whole(resolution, upr, tmp_path):
    res = tmp_path / "res.txt"
    res.write_text(resolution, encoding="utf-8")
    parsed = load(res).parsed
    assert parsed.gaps == []
    assert [i.ref.path[-1] for i in parsed.items if i.kind.value == "operative"] == [
        str(n) for n in range(1, 13)
    ]
    rep = tmp_path / "upr.txt"
    rep.write_text(upr, encoding="utf-8")
    parsed = load(rep).parsed
    assert parsed.gaps == [] and len(parsed.items) == 47


def test_a_resolution_without_operative_paragraph_5_is_refused_then_accepted(
    resolution, tmp_path
):
    path = tmp_path / "A-RES-80-218-cut.txt"
    path.write_text(_without_paragraph(resolution, 5), encoding="utf-8")
    line = path.read_text(encoding="utf-8").split("\n").index("6. ") + 1
    db = tmp_path / "db.sqlite3"
    refused = run("ingest", path, "--db", db)
    assert refused.exit_code == 1, refused.output
    assert "A-RES-80-218-cut.txt" in refused.stderr
    expected = f"line {line}: operative paragraph 6 of A/RES/80/218 follows 4: missing 5"
    assert expected in refused.stderr
    assert "--accept-gaps" in refused.stderr
    assert documents(db) == 0

    accepted = run("ingest", path, "--accept-gaps", "--db", db)
    assert accepted.exit_code == 0, accepted.stderr
    assert documents(db) == 1
    listed = json.loads(run("warnings", "--kind", "gap", "--format", "json", "--db", db).output)
    assert [w["message"] for w in listed] == [expected.split(": ", 1)[1]]
    assert listed[0]["source_file"] == path.name and listed[0]["line"] == line
    parsed = load(path, LoadOptions(accept_gaps=True)).parsed
    ops = [i for i in parsed.items if i.kind.value == "operative"]
    assert [i.ref.path[-1] for i in ops] == ["1", "2", "3", "4", *map(str, range(6, 13))]
    assert ops[4].text.startswith("Emphasizes the importance of protecting persons")


def test_a_skipped_subparagraph_letter_is_a_gap(resolution, tmp_path):
    at = resolution.index("\n6. \n")
    para6 = resolution[at:]
    first, second = re.findall(r"^\(([a-z])\) ", para6, flags=re.MULTILINE)[:2]
    assert (first, second) == ("a", "b")
    edited = resolution[:at] + para6.replace("\n(b) ", "\n(c) ", 1)
    path = tmp_path / "res.txt"
    path.write_text(edited, encoding="utf-8")
    with pytest.raises(GapError, match=r"subparagraph c\) of A/RES/80/218 paragraph 6 "
                                       r"follows a: missing b"):  # fmt: skip
        load(path)


def test_a_upr_report_with_a_recommendation_deleted_and_one_duplicated(upr, tmp_path):
    rec = re.compile(r"^(\d+)\. \t\n", flags=re.MULTILINE)
    starts = {int(m.group(1)): m.start() for m in rec.finditer(upr)}
    # 12 is deleted; 30 is printed a second time (its text again) after itself
    copy30 = upr[starts[30] : starts[31]]
    edited = upr[: starts[12]] + upr[starts[13] : starts[31]] + copy30 + upr[starts[31] :]
    path = tmp_path / "malta-edited.txt"
    path.write_text(edited, encoding="utf-8")
    lines = edited.split("\n")
    line13 = lines.index("13. \t") + 1
    line30 = [i + 1 for i, line in enumerate(lines) if line == "30. \t"][1]
    db = tmp_path / "db.sqlite3"
    refused = run("ingest", path, "--db", db)
    assert refused.exit_code == 1, refused.output
    assert "malta-edited.txt" in refused.stderr
    gap = f"line {line13}: recommendation 13 of A/HRC/12/7 paragraph 80 follows 11: missing 12"
    twice = f"line {line30}: recommendation 30 of A/HRC/12/7 paragraph 80 appears twice"
    assert gap in refused.stderr and twice in refused.stderr
    assert documents(db) == 0

    accepted = run("ingest", path, "--accept-gaps", "--db", db)
    assert accepted.exit_code == 0, accepted.stderr
    listed = json.loads(run("warnings", "--kind", "gap", "--format", "json", "--db", db).output)
    assert sorted((w["line"], w["message"]) for w in listed) == [
        (line13, gap.split(": ", 1)[1]),
        (line30, twice.split(": ", 1)[1]),
    ]
    parsed = load(path, LoadOptions(accept_gaps=True)).parsed
    numbers = [int(i.ref.path[-1]) for i in parsed.items]
    assert numbers == [n for n in range(1, 48) if n != 12]
    assert parsed.items[11].text.startswith(upr[starts[13]:].split("\n")[1].strip()[:40])


def test_many_recommendations_deleted_are_a_gap_never_a_silent_merge(upr, tmp_path):
    rec = re.compile(r"^(\d+)\. \t\n", flags=re.MULTILINE)
    starts = {int(m.group(1)): m.start() for m in rec.finditer(upr)}
    path = tmp_path / "malta.txt"
    path.write_text(upr[: starts[12]] + upr[starts[17] :], encoding="utf-8")
    with pytest.raises(GapError, match="recommendation 17 of A/HRC/12/7 paragraph 80 found "
                                       "inside the text of 80.11: missing 12"):  # fmt: skip
        load(path)
