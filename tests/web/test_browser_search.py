"""A reader who works in English searches the French texts in headless Chromium: an English
question in the English interface, a theme filter, then an item (issue 11).

Runs against a real `recueil serve` on a new database (it ingests the corpus and embeds
the items: from the machine's vector cache after the first run). Skipped like
test_browser.py when Playwright or Chromium is missing.
"""

from __future__ import annotations

import pytest

from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS, halt, launch, sync_api

CHILDREN = {"A:III.19", "A:III.21", "A:III.22", "A:III.23", "A:III.25", "A:II.8.a", "A:I.25",
            "A:XI.11"}  # fmt: skip  (judged relevant: see tests/test_search_semantic.py)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("serve-search") / "serve.sqlite3"
    url, proc, log = launch(db, tmp_path_factory.getbasetemp() / "serve-search.log", "--no-train")
    yield url
    halt(proc, log)


def test_english_question_theme_filter_and_item(server, tmp_path):
    expect = sync_api.expect
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=server, locale="en-GB",
                                      viewport={"width": 1280, "height": 900})  # fmt: skip
        page = context.new_page()
        page.goto("/search?ui=en")  # French is the default; the reader chooses English
        expect(page.locator("html")).to_have_attribute("lang", "en")
        box = page.locator("input#q")
        box.fill("children travelling alone")
        box.press("Enter")
        hits = page.locator("ol.hits > li h3 a .key")
        expect(hits.first).to_be_visible()
        assert set(hits.all_inner_texts()[:5]) & CHILDREN, hits.all_inner_texts()
        expect(page.locator('[data-match="meaning"]').first).to_have_text("similar meaning")
        expect(page.locator(".search-language")).to_contain_text("Language of the texts: French")
        page.screenshot(path=str(tmp_path / "search-english.png"))

        theme_link = page.locator('details[data-facet="theme"] li a').first
        theme = theme_link.locator("span[lang]").inner_text()
        before = hits.count()
        theme_link.click()
        expect(page.locator("ul.active-filters")).to_contain_text(theme)
        assert 0 < hits.count() <= before
        for tags in page.locator("ol.hits > li ul.tags").all():
            assert theme in tags.inner_text()

        first = hits.first.inner_text()
        hits.first.click()
        expect(page.locator("h1")).to_contain_text(first)
        expect(page.locator("html")).to_have_attribute("lang", "en")
        context.close()
        browser.close()
