"""The search page and /api/search explain their hits: similar meaning, corrections, language.

Runs on a copy of the corpus store whose items are embedded (semantic search on).
"""

from __future__ import annotations

import re
import shutil

import pytest

from tests.web.conftest import _point_web_at

CHILDREN = {"A:III.19", "A:III.21", "A:III.22", "A:III.23", "A:III.25", "A:II.8.a", "A:I.25",
            "A:XI.11"}  # fmt: skip  (judged relevant: see tests/test_search_semantic.py)


@pytest.fixture(scope="module")
def semantic_store(corpus_store, tmp_path_factory):
    from recueil.search import embed
    from recueil.store import open_store

    corpus_store.close()
    db = tmp_path_factory.mktemp("semantic-web") / "semantic.sqlite3"
    shutil.copyfile(corpus_store.url, db)
    store = open_store(db)
    assert store.run(embed.refresh)["available"]
    return store


@pytest.fixture
def web(semantic_store, _test_environment):
    from django.test import Client

    override = _point_web_at(semantic_store)
    try:
        yield Client
    finally:
        override.disable()


def test_english_query_in_the_english_interface_shows_french_items_of_similar_meaning(web):
    page = web().get("/search", {"q": "children travelling alone", "ui": "en"})
    html = page.content.decode()
    assert page.status_code == 200
    refs = re.findall(r'<span class="key">([^<]+)</span>', html)
    assert set(refs[:5]) & CHILDREN, refs[:10]
    assert 'data-match="meaning"' in html and "similar meaning" in html
    assert "Language of the texts: French." in html
    assert 'lang="fr"' in html  # the snippets are marked as French text


def test_french_interface_says_sens_proche(web):
    html = web(HTTP_ACCEPT_LANGUAGE="fr").get("/search", {"q": "fake identity papers"}).content
    assert "sens proche" in html.decode()
    assert "Langue des textes : Français." in html.decode()  # named in the interface language
    assert "Textes de la collection : Français." in html.decode()


def test_corrections_appear_on_the_page_and_in_the_api(web):
    client = web(HTTP_ACCEPT_LANGUAGE="en")
    html = client.get("/search", {"q": "enfnats non acompagnés"}).content.decode()
    assert "data-corrections" in html
    assert "<del>enfnats</del>" in html and "<ins lang=\"fr\">enfants</ins>" in html
    data = client.get("/api/search", {"q": "enfnats non acompagnés"}).json()
    assert data["corrections"]["enfnats"] == "enfants"
    assert "A:III.21" in [h["ref"] for h in data["hits"]]


def test_api_says_why_each_hit_matched_and_suggests_for_few_word_matches(web):
    data = web().get("/api/search", {"q": "children travelling alone", "limit": 10}).json()
    assert data["semantic"] is True and data["total"] > 0
    assert {h["match"] for h in data["hits"]} <= {"words", "meaning"}
    assert all(h["language"] == "fr" for h in data["hits"])
    assert data["lexical_total"] < 5 and data["suggestions"] is not None
    phrase = web().get("/api/search", {"q": '"enfants non accompagnés"'}).json()
    assert phrase["total"] > 0 and all(h["match"] == "words" for h in phrase["hits"])


def test_item_page_labels_related_items_earlier_or_later(web):
    html = web(HTTP_ACCEPT_LANGUAGE="en").get("/items/B:VI.5").content.decode()
    assert 'data-time="later"' in html
    assert re.search(r'A:III\.41</a> <span class="badge badge-(?!restates|revises)', html)
