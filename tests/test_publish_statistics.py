"""The publication's optional statistics annex (`recueil publish --statistics`).

Published from the whole corpus with and without the flag through the CLI, then read back
(lxml for HTML, python-docx for DOCX, the text for Markdown): the annex is there only with
the flag, its tables carry the numbers `recueil stats --format json` prints for the same
database, and without the flag the publication is what it was.
"""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from recueil.cli import main

HEADING = "Annexe : statistiques"
SECTIONS = ("stats-heatmap", "stats-trends", "stats-uptake", "stats-coverage",
            "stats-calibration")  # fmt: skip


def squash(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


@pytest.fixture(scope="module")
def stats(corpus_store) -> dict:
    out = CliRunner().invoke(main, ["stats", "--db", corpus_store.url, "--format", "json"])
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


@pytest.fixture(scope="module")
def files(corpus_store, tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("annex")
    out = {}
    for fmt in ("html", "md", "docx"):
        for flag in (False, True):
            path = folder / f"recueil{'-stats' if flag else ''}.{fmt}"
            args = ["publish", "--db", corpus_store.url, "--format", fmt, "--out", str(path)]
            r = CliRunner().invoke(main, args + (["--statistics"] if flag else []))
            assert r.exit_code == 0, r.output
            out[fmt, flag] = path
    return out


def expected_rows(stats: dict) -> dict[str, list[list[str]]]:
    """The annex's tables as `recueil stats --format json` gives them, cell by cell."""
    keys = [k for k in stats["heatmap"][0] if k not in ("theme", "parent", "total")]
    heatmap = [[r["theme"], r["parent"], r["total"], *[r[k] for k in keys]]
               for r in stats["heatmap"]]  # fmt: skip
    years = sorted({r["year"] for r in stats["trends"]})
    themes = list(dict.fromkeys(r["theme"] for r in stats["trends"]))
    share = {(r["theme"], r["year"]): r["share"] for r in stats["trends"]}
    indexed = {r["year"]: r["indexed_items"] for r in stats["trends"]}
    trends = [[t, *[f"{100 * share[t, y]:.1f} %" for y in years]] for t in themes]
    trends.append(["Indexed items", *[indexed[y] for y in years]])
    uptake = [[m["key"], m["year"], m["items"], m["taken_up"], m["restated"], m["revised"],
               m["related"], m["not_taken_up"], m["no_later_session"],
               "" if m["median_days"] is None else m["median_days"]]
              for m in stats["uptake"]]  # fmt: skip
    coverage = [[m["key"], m["items"], m["reviewed"], m["only_suggested"], m["no_theme"]]
                for m in stats["coverage"]]  # fmt: skip
    calibration = [[b["band"], b["accepted"], b["rejected"]] for b in stats["calibration"]]
    rows = {"stats-heatmap": heatmap, "stats-trends": trends, "stats-uptake": uptake,
            "stats-coverage": coverage, "stats-calibration": calibration}  # fmt: skip
    return {k: [[squash(str(c)) for c in row] for row in v] for k, v in rows.items()}


def html_tables(path) -> dict[str, list[list[str]]]:
    tree = lxml_html.parse(str(path))
    return {
        t.get("data-table"): [[squash(c.text_content()) for c in tr.xpath("th|td")]
                              for tr in t.xpath("./tbody/tr")]
        for t in tree.xpath('//section[@id="statistics"]//table[@data-table]')
    }  # fmt: skip


def check(got: dict[str, list[list[str]]], stats: dict) -> None:
    want = expected_rows(stats)
    assert list(got) == list(SECTIONS)
    assert got["stats-heatmap"] == want["stats-heatmap"]
    assert got["stats-uptake"] == want["stats-uptake"]
    assert got["stats-coverage"] == want["stats-coverage"]
    # trends: the themes' shares and the indexed items per year (then the adopted items)
    assert got["stats-trends"][: len(want["stats-trends"]) - 1] == want["stats-trends"][:-1]
    assert got["stats-trends"][-2][1:] == want["stats-trends"][-1][1:]
    assert [r[:3] for r in got["stats-calibration"]] == want["stats-calibration"]


def test_html_annex_has_the_charts_and_the_numbers_of_recueil_stats(files, stats):
    plain = lxml_html.parse(str(files["html", False]))
    assert not plain.xpath('//*[@id="statistics"]') and "stat-table" not in files[
        "html", False
    ].read_text(encoding="utf-8")
    tree = lxml_html.parse(str(files["html", True]))
    annex = tree.xpath('//section[@id="statistics"]')[0]
    assert squash(annex.xpath("h1")[0].text_content()) == HEADING
    assert tree.xpath('//nav[@id="toc"]//a[@href="#statistics"]')
    charts = annex.xpath('.//*[local-name()="svg"]')
    assert len(charts) >= 4 and all(c.xpath('./*[local-name()="title"]') for c in charts)
    assert "Thèmes par réunion et session" in squash(annex.text_content())  # French labels
    assert not annex.xpath('.//*[local-name()="a"][@href]')  # no links to the web app
    check(html_tables(files["html", True]), stats)


def test_without_the_flag_the_publication_is_unchanged(files, corpus_store, tmp_path):
    """The annex is purely additive: the flagged HTML and Markdown minus the annex, its
    contents entry and its stylesheet are the publication without the flag, and that one
    is what the library renders (no `statistics`) as before."""
    from recueil.publish import build_publication, render
    from recueil.publish.html import _css

    render(build_publication(corpus_store), "html", tmp_path / "lib.html")
    plain = files["html", False].read_text(encoding="utf-8")
    assert plain == (tmp_path / "lib.html").read_text(encoding="utf-8")
    flagged = files["html", True].read_text(encoding="utf-8")
    flagged = flagged.replace("\n" + _css("statistics.css"), "")
    flagged = re.sub(r'<li class="toc-1"><a href="#statistics">[^<]*</a></li>\n  ', "", flagged)
    flagged = re.sub(r'\n<section class="statistics".*</section>\n(?=\n</body>)', "",
                     flagged, flags=re.S)  # fmt: skip
    assert flagged == plain
    md_plain = files["md", False].read_text(encoding="utf-8")
    md = files["md", True].read_text(encoding="utf-8")
    head, _sep, annex = md.partition('\n<a id="statistics"></a>')
    assert re.sub(r"- \[[^]]*\]\(#statistics\)\n", "", head) == md_plain
    assert f"## {HEADING}" in squash(annex) and "#statistics" not in md_plain


def markdown_tables(text: str) -> dict[str, list[list[str]]]:
    annex = text.partition('<a id="statistics"></a>')[2]
    out = {}
    for block in annex.split('<a id="')[1:]:
        name = block.split('"', 1)[0]
        lines = [ln for ln in block.splitlines() if ln.startswith("| ")][1:]  # no header
        out[name] = [[squash(c.replace("\\|", "|")) for c in ln[2:-2].split(" | ")]
                     for ln in lines]  # fmt: skip
    return out


def test_markdown_annex_has_the_numbers_of_recueil_stats(files, stats):
    assert "#statistics" not in files["md", False].read_text(encoding="utf-8")
    text = files["md", True].read_text(encoding="utf-8")
    assert f"## {HEADING}" in squash(text) and "<svg" not in text
    check(markdown_tables(text), stats)


def test_docx_annex_has_the_tables_and_nothing_else_changes(files, stats):
    from docx import Document

    plain, flagged = Document(str(files["docx", False])), Document(str(files["docx", True]))
    n = len(plain.tables)
    assert len(flagged.tables) == n + len(SECTIONS)

    def cells(table) -> list[list[str]]:
        return [[squash(c.text) for c in row.cells] for row in table.rows]

    assert [cells(t) for t in flagged.tables[:n]] == [cells(t) for t in plain.tables]
    headings = [p.text for p in flagged.paragraphs if p.style.name == "Heading 1"]
    assert squash(headings[-1]) == HEADING
    assert HEADING not in [squash(p.text) for p in plain.paragraphs]
    check({name: cells(t)[1:] for name, t in zip(SECTIONS, flagged.tables[n:], strict=True)},
          stats)  # fmt: skip
