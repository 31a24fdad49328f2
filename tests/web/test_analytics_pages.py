"""The analytics pages on the corpus: each chart is inline SVG with its data as a table and a
CSV download, its JSON twin in the API says the same, and a heatmap cell's link lists
exactly the items it counts."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlparse
from xml.etree import ElementTree

import pytest

from recueil import analytics

PAGES = ("/analytics/", "/analytics/trends", "/analytics/uptake", "/analytics/wording",
         "/analytics/coverage")  # fmt: skip


@pytest.mark.parametrize("url", PAGES)
def test_every_analytics_page_has_svg_a_data_table_and_downloads(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    svgs = re.findall(r"<svg .*?</svg>", html, re.S)
    assert svgs and all(ElementTree.fromstring(s).find("{http://www.w3.org/2000/svg}title")
                        is not None for s in svgs)  # fmt: skip
    assert "<table" in html and "<caption" in html
    assert "/api/analytics/" in html and ".csv" in html
    assert 'aria-current="page"' in html
    assert "<script" not in html.split("<main", 1)[1]  # no JavaScript for the charts


def test_heatmap_cell_links_list_the_items_it_counts(client, corpus_store):
    data = corpus_store.run(analytics.heatmap)
    html = client.get("/analytics/").content.decode()
    links = re.findall(r'<a href="(/analytics/items\?[^"]+)" aria-label="([^"]+)"', html)
    assert links
    keys = [c["key"] for c in data["columns"]]
    counts = {(r["label"], k): n for r in data["rows"] for k, n in zip(keys, r["counts"],
                                                                       strict=True)}  # fmt: skip
    for href, _label in links[:12]:
        q = parse_qs(urlparse(href.replace("&amp;", "&")).query)
        theme, key = q["theme"][0], f"{q['part'][0]}:{q['meeting'][0]}"
        page = client.get(href.replace("&amp;", "&"))
        assert page.status_code == 200
        body = page.content.decode()
        refs = re.findall(r'<li class="item[^"]*" id="([^"]+)"', body)
        assert len(set(refs)) == counts[(theme, key)]
        assert all(r.startswith(key + ".") for r in refs)
        shown = re.search(r'id="items-count">(\d+)', body).group(1)
        assert int(shown) == counts[(theme, key)]


def test_items_page_counts_equal_the_heatmap(client, corpus_store):
    from recueil.store import queries

    data = corpus_store.run(analytics.heatmap)
    row = max(data["rows"], key=lambda r: r["total"])
    j = max(range(len(row["counts"])), key=lambda k: row["counts"][k])
    key = data["columns"][j]["key"]
    part, number = key.split(":")
    page = corpus_store.run(queries.items_page, theme=row["label"], part=part, meeting=number)
    assert page["count"] == row["counts"][j]
    response = client.get("/analytics/items", {"theme": row["label"], "meeting": key})
    assert response.status_code == 200
    assert f'id="items-count">{page["count"]} ' in response.content.decode()


def test_trends_compare_two_themes(client, corpus_store):
    data = corpus_store.run(analytics.trends)
    a, b = data["themes"][0]["label"], data["themes"][-1]["label"]
    html = client.get("/analytics/trends", {"a": a, "b": b}).content.decode()
    assert html.count("selected") >= 2
    svg = re.search(r'<svg [^>]*id="trends".*?</svg>', html, re.S).group(0)
    assert a.split()[0] in svg and b.split()[0] in svg


def test_csv_downloads_equal_the_stats_tables(client, corpus_store):
    for name in ("heatmap", "trends", "uptake", "wording", "coverage", "calibration"):
        response = client.get(f"/analytics/{name}.csv")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        text = response.content.decode("utf-8")
        assert text.startswith("\ufeff")
        rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
        base = {"calibration": "coverage"}.get(name, name)
        expected = corpus_store.run(analytics.tables, (base,))[name]
        assert len(rows) == len(expected)
        if expected:
            assert list(rows[0]) == list(expected[0])
    assert client.get("/analytics/nothing.csv").status_code == 404


def test_api_twins_return_the_analyses(client, corpus_store):
    for name in ("heatmap", "trends", "uptake", "wording", "coverage"):
        response = client.get(f"/api/analytics/{name}")
        assert response.status_code == 200
        assert response.json() == _jsonable(corpus_store.run(getattr(analytics, name)))
    assert client.get("/api/analytics/heatmap", {"part": "Z"}).status_code == 400


def _jsonable(value):
    import json

    return json.loads(json.dumps(value, default=str))


def test_export_downloads_filtered_like_items(client, corpus_store):
    from recueil.store import queries

    expected = corpus_store.run(queries.list_items, part="A", meeting="VII")
    response = client.get("/exports/recueil.jsonl", {"part": "A", "meeting": "VII"})
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert len(lines) == len(expected)
    api = client.get("/api/export", {"format": "csv", "part": "A", "meeting": "VII"})
    assert api.status_code == 200 and api.content.decode().startswith("\ufeffref,")
    xlsx = client.get("/exports/recueil.xlsx", {"theme": "Législation"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get("/exports/recueil.pdf").status_code == 404
    assert client.get("/api/export", {"format": "pdf"}).status_code == 400


def test_analytics_in_english(client):
    html = client.get("/analytics/coverage", {"ui": "en"}).content.decode()
    assert "Indexing coverage" in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/analytics/"})
    en = client.get("/analytics/").content.decode()
    client.post("/i18n/setlang/", {"language": "fr", "next": "/analytics/"})
    fr = client.get("/analytics/").content.decode()
    assert "Themes by meeting and session" in en and "Thèmes par réunion et session" in fr
