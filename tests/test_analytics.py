"""The analyses agree with the store on the whole corpus: the heatmap with the thematic
index, the trend shares with themselves, the uptake table with the lineage links."""

from __future__ import annotations

import json
import math
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from recueil import analytics
from recueil.store import queries


@pytest.fixture(scope="module")
def linked_store(tmp_path_factory, corpus_store):
    """The corpus with its uptake links proposed (as `recueil ingest` does)."""
    import shutil

    from recueil.link import propose_links
    from recueil.store import open_store

    corpus_store.close()
    db = tmp_path_factory.mktemp("linked") / "linked.sqlite3"
    shutil.copyfile(corpus_store.url, db)
    store = open_store(db)
    store.run(propose_links)
    return store


def test_heatmap_counts_equal_the_thematic_index_per_meeting(corpus_store):
    data = corpus_store.run(analytics.heatmap)
    keys = [c["key"] for c in data["columns"]]
    rows = [r for top in data["rows"] for r in (top, *top["children"])]
    assert len(rows) >= 70 and data["max"] > 0
    for row in rows:
        detail = corpus_store.run(queries.theme_detail, row["label"])
        expected = {g["key"]: len(g["items"]) for g in detail["meetings"]}
        got = {k: n for k, n in zip(keys, row["counts"], strict=True) if n}
        assert got == expected, row["label"]
        assert row["total"] == detail["count"]
    # a meeting's untouched themes are exactly the top-level rows with a zero there
    for j, key in enumerate(keys):
        assert data["untouched"][key] == [r["label"] for r in data["rows"] if not r["counts"][j]]


def test_trend_shares_sum_to_one_per_indexed_year(corpus_store):
    data = corpus_store.run(analytics.trends)
    assert data["years"] == sorted(data["years"]) and 2012 in data["years"]
    for i, year in enumerate(data["years"]):
        total = sum(t["shares"][i] for t in data["themes"])
        if data["indexed"][i]:
            assert math.isclose(total, 1.0, abs_tol=1e-9), year
        else:
            assert total == 0
    # every adopted item of a dated meeting is counted once in its year
    adopted = [i for i in corpus_store.run(queries.list_items, status="adopted")]
    assert sum(data["items"]) == len(adopted)


def test_uptake_table_equals_the_lineage_links(linked_store):
    from recueil.model import LinkStatus
    from recueil.store.models import Link

    data = linked_store.run(analytics.uptake)

    def links():
        return {
            (lk.source.ref, lk.target.ref, lk.relation, lk.status)
            for lk in Link.objects.exclude(status=LinkStatus.REJECTED.value).select_related(
                "source", "target"
            )
        }

    expected = linked_store.run(links)
    assert expected, "the corpus has uptake links (explicit citations at least)"
    got = {(r["source"], r["target"], r["relation"], r["status"]) for r in data["links"]}
    assert got == expected and len(data["links"]) == len(expected)
    for r in data["links"]:
        assert r["days"] is None or r["days"] > 0  # a COP session after the meeting
    taken = {r["source"] for r in data["links"]}
    for m in data["meetings"]:
        assert m["taken_up"] == len({s for s in taken if s.startswith(m["key"] + ".")})
        assert m["items"] == m["taken_up"] + m["not_taken_up"] + m["no_later_session"]
        assert m["taken_up"] == m["restated"] + m["revised"] + m["related"]


def test_wording_counts_every_adopted_item_once_per_meeting(corpus_store):
    data = corpus_store.run(analytics.wording)
    meetings = corpus_store.run(queries.collection_summary)["meetings"]
    summary = {m["key"]: m["items"] for m in meetings}
    for i, c in enumerate(data["columns"]):
        assert data["items"][i] == summary[c["key"]]
        assert sum(v[i] for v in data["strengths"].values()) == data["items"][i]
        assert sum(v[i] for v in data["addressees"].values()) >= data["items"][i]
    # the Working Group mostly says "devraient", the Conference never does
    assert sum(data["strengths"]["should"][:8]) > 100


def test_coverage_partitions_the_adopted_items(corpus_store):
    data = corpus_store.run(analytics.coverage)
    t = data["totals"]
    assert t["items"] == t["no_theme"] + t["only_suggested"] + t["reviewed"]
    indexed = corpus_store.run(
        lambda: sum(1 for i in queries.list_items(status="adopted") if i["themes"])
    )
    assert t["reviewed"] + t["only_suggested"] == indexed
    assert data["origins"]["imported"] == corpus_store.run(queries.counts)["assignments"]


def test_coverage_bands_count_accepted_and_rejected_suggestions(corpus_store_copy):
    from recueil.store import curation

    store = corpus_store_copy
    store.run(curation.accept, "A:XI.1", "Collecte de données et recherche", user="ed", score=0.91)
    store.run(curation.reject, "A:XI.2", "Collecte de données et recherche", user="ed", score=0.15)
    bands = {b["band"]: b for b in store.run(analytics.coverage)["bands"]}
    assert bands["0.8–1.0"]["accepted"] == 1 and bands["0.8–1.0"]["acceptance"] == 1.0
    assert bands["0.0–0.2"]["rejected"] == 1 and bands["0.0–0.2"]["acceptance"] == 0.0
    users = store.run(analytics.coverage)["users"]
    assert {"user": "ed", "assignments": 1, "rejections": 1} in users


def test_charts_are_well_formed_svg_with_title_and_links(corpus_store):
    from django.utils import translation

    from recueil.analytics import charts

    with translation.override("fr"):
        fig = charts.heatmap_figure(
            corpus_store.run(analytics.heatmap), "fr", lambda t, m: f"/x?theme={t}&meeting={m}"
        )
    root = ElementTree.fromstring(fig["svg"])
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}title").text
    links = root.findall(f".//{ns}a")
    cells = [n for r in fig["rows"] for n in r[3:] if n]
    top_cells = sum(1 for r in fig["rows"] if not r[1] for n in r[3:] if n)
    assert len(links) == top_cells and len(cells) > top_cells
    for g in fig["groups"]:
        ElementTree.fromstring(g["svg"])


def test_stats_command_prints_the_same_tables(corpus_store):
    from recueil.cli import main

    runner = CliRunner()
    out = runner.invoke(main, ["stats", "--db", corpus_store.url, "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert set(data) == {"heatmap", "trends", "uptake", "uptake_links", "wording", "coverage",
                         "calibration"}  # fmt: skip
    assert data["heatmap"] == corpus_store.run(analytics.heatmap_table)
    table = runner.invoke(main, ["stats", "--db", corpus_store.url, "--table", "coverage"])
    assert table.exit_code == 0 and "no_theme" in table.output
    csv_out = runner.invoke(main, ["stats", "--db", corpus_store.url, "--format", "csv",
                                   "--table", "heatmap"])  # fmt: skip
    assert csv_out.output.splitlines()[0].startswith("theme,parent,total,A:I")
