"""The REST API on the whole corpus: field names of `recueil export`, filters, pagination,
search, and an OpenAPI description that documents every endpoint."""

from __future__ import annotations

import json

from recueil.store import queries


def _json(response):
    assert response.status_code == 200, (response.status_code, response.content[:300])
    return json.loads(response.content)


def test_items_have_exactly_the_export_field_names(client):
    data = _json(client.get("/api/items", {"limit": 5}))
    assert data["items"] and all(tuple(i) == queries.EXPORT_FIELDS for i in data["items"])


def test_items_pages_concatenate_to_the_export(client, corpus_store):
    export = corpus_store.run(queries.list_items)
    seen, offset = [], 0
    while True:
        page = _json(client.get("/api/items", {"limit": 200, "offset": offset, "status": "all"}))
        assert page["count"] == len(export)
        if not page["items"]:
            break
        seen.extend(page["items"])
        offset += 200
    assert seen == export


def test_items_filters_match_the_cli_filters(client, corpus_store):
    for params in (
        {"meeting": "VII"},
        {"meeting": "7", "part": "A"},
        {"part": "B"},
        {"status": "draft"},
        {"theme": "Coopération internationale"},
    ):
        expected = corpus_store.run(queries.list_items, **params)
        got = _json(client.get("/api/items", {**params, "limit": 500}))
        assert got["count"] == len(expected) > 0, params
        assert [i["ref"] for i in got["items"]] == [i["ref"] for i in expected]


def test_unknown_theme_filter_is_404_with_a_hint(client):
    response = client.get("/api/items", {"theme": "Coopération"})
    assert response.status_code == 404
    assert "did you mean" in json.loads(response.content)["detail"]


def test_one_item_has_citation_sources_and_neighbours(client, corpus_store):
    expected = corpus_store.run(queries.get_item, "A:I.22")
    data = _json(client.get("/api/items/A:I.22"))
    assert data["citation"] == "CTOC/COP/WG.7/2012/6, par. 25 (Recueil A:I.22)"
    for field in (*queries.EXPORT_FIELDS, "sources", "assignments", "children"):
        assert data[field] == expected[field], field
    neighbours = corpus_store.run(queries.item_neighbours, "A:I.22")
    assert (data["previous"], data["next"]) == (neighbours["previous"], neighbours["next"])


def test_draft_item_needs_status_and_missing_items_are_404(client):
    draft = _json(client.get("/api/items/A:VI.22", {"status": "draft"}))
    assert draft["status"] == "draft" and draft["citation"].endswith("– projet)")
    assert client.get("/api/items/A:I.9999").status_code == 404
    assert client.get("/api/items/nonsense").status_code == 400


def test_themes_meetings_and_documents_equal_the_store_queries(client, corpus_store):
    themes = _json(client.get("/api/themes"))
    expected = {t["label"]: (t["items"], t["part_a"], t["part_b"])
                for t in corpus_store.run(queries.list_themes)}  # fmt: skip
    assert {t["label"]: (t["items"], t["part_a"], t["part_b"]) for t in themes} == expected
    assert _json(client.get("/api/meetings")) == corpus_store.run(queries.list_meetings)
    assert _json(client.get("/api/documents")) == corpus_store.run(queries.list_documents)


def test_meeting_and_theme_detail_endpoints(client, corpus_store):
    meeting = _json(client.get("/api/meetings/A:VII"))
    refs = [n["ref"] for c in meeting["clusters"] for n in c["items"]]
    top = [i["ref"] for i in corpus_store.run(queries.list_items, meeting="VII", status="adopted")
           if i["sub"] is None]  # fmt: skip
    assert refs == top
    theme = _json(client.get("/api/themes/Coopération internationale"))
    assert theme["count"] == len(
        corpus_store.run(queries.list_items, theme="Coopération internationale")
    )
    assert client.get("/api/meetings/A:XL").status_code == 404
    slash = _json(client.get("/api/themes/Enfants (non accompagnés/séparés)"))
    assert slash["label"] == "Enfants (non accompagnés/séparés)" and slash["count"] > 0


def test_search_endpoint_ranks_iii_21_and_returns_snippets_and_facets(client):
    data = _json(client.get("/api/search", {"q": "enfants non accompagnés"}))
    refs = [h["ref"] for h in data["hits"]]
    assert "A:III.21" in refs[:5]
    assert data["total"] >= len(refs) > 0
    iii21 = next(h for h in data["hits"] if h["ref"] == "A:III.21")
    assert "<mark>enfants</mark> <mark>non</mark> <mark>accompagnés</mark>" in iii21["snippet"]
    assert {"part", "theme"} <= set(data["facets"])
    only_b = _json(client.get("/api/search", {"q": "enfants", "part": "B"}))
    assert only_b["hits"] and {h["part"] for h in only_b["hits"]} == {"B"}


def test_search_endpoint_paginates(client):
    first = _json(client.get("/api/search", {"q": "migrants", "limit": 5}))
    second = _json(client.get("/api/search", {"q": "migrants", "limit": 5, "offset": 5}))
    assert len(first["hits"]) == len(second["hits"]) == 5
    assert not {h["ref"] for h in first["hits"]} & {h["ref"] for h in second["hits"]}


def test_openapi_documents_every_endpoint(client):
    spec = _json(client.get("/api/openapi.json"))
    paths = set(spec["paths"])
    assert {
        "/api/items", "/api/items/{ref}", "/api/themes", "/api/themes/{label}",
        "/api/meetings", "/api/meetings/{key}", "/api/documents",
        "/api/documents/{source_file}", "/api/search",
    } <= paths  # fmt: skip
    item_schema = spec["components"]["schemas"]["ItemOut"]["properties"]
    assert tuple(item_schema) == queries.EXPORT_FIELDS


def test_api_docs_load_only_local_assets(client):
    page = client.get("/api/docs").content.decode("utf-8")
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn." not in page and 'src="http' not in page and 'href="http' not in page
