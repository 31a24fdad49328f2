"""The analytics pages in headless Chromium against a real `recueil serve`: open the
heatmap, select a cell, land on exactly its items; axe finds no serious or critical
violation on any analytics page.

Screenshots go to a temporary folder; with RECUEIL_REFRESH_SCREENSHOTS=1 they are also
copied to docs/screenshots/ (to be committed). Skipped like test_browser.py when
Playwright or Chromium is missing.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.web.test_browser import CHROMIUM_ARGS, ROOT, halt, launch

CHROMIUM = Path(os.environ.get("RECUEIL_CHROMIUM", "/usr/bin/chromium"))
DOCS_SHOTS = ROOT / "docs" / "screenshots"
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

PAGES = ["/analytics/", "/analytics/trends", "/analytics/uptake", "/analytics/wording",
         "/analytics/coverage"]  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("serve-analytics") / "serve.sqlite3"
    url, proc, log = launch(db, tmp_path_factory.getbasetemp() / "serve-analytics.log",
                            "--no-train")  # fmt: skip
    yield url
    halt(proc, log)


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = tmp_path_factory.mktemp("screenshots")
    yield folder
    if os.environ.get("RECUEIL_REFRESH_SCREENSHOTS"):
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        for png in folder.glob("*.png"):
            shutil.copyfile(png, DOCS_SHOTS / png.name)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(
        base_url=server, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    pg = context.new_page()
    yield pg
    context.close()


def _axe_serious(page) -> list:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_click_a_heatmap_cell_and_land_on_its_items(page, shots):
    expect = sync_api.expect
    page.goto("/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Analyses"
    ).click()
    expect(page.locator("h1")).to_contain_text("Thèmes × réunions")
    page.screenshot(path=str(shots / "analytics-heatmap.png"))
    cell = page.locator('svg#heatmap a[aria-label^="Coopération internationale, A:I :"]')
    label = cell.get_attribute("aria-label")
    count = int(re.search(r": (\d+) élément", label).group(1))
    cell.click()
    expect(page.locator("h1")).to_contain_text("A:I")
    expect(page.locator("h1")).to_contain_text("Coopération internationale")
    items = page.locator("ol.analytics-items > li.item")
    assert items.count() == count
    assert all(r.startswith("A:I.") for r in items.evaluate_all("els => els.map(e => e.id)"))
    for i in range(items.count()):
        assert "Coopération internationale" in items.nth(i).locator(".tags").inner_text()
    page.screenshot(path=str(shots / "analytics-cell-items.png"))
    # the hierarchy is collapsible: a theme's sub-themes open under it
    page.go_back()
    group = page.locator("details.subthemes").first
    group.locator("summary").click()
    expect(group.locator("svg")).to_be_visible()


def test_compare_two_themes(page, shots):
    page.goto("/analytics/trends")
    page.select_option("#trend-a", label="Enfants")
    page.get_by_role("button", name="Comparer").click()
    assert "a=Enfants" in page.url
    sync_api.expect(page.locator("svg#trends")).to_contain_text("Enfants")
    page.screenshot(path=str(shots / "analytics-trends.png"), full_page=True)


@pytest.mark.parametrize("url", PAGES)
def test_no_serious_or_critical_accessibility_violations_on_analytics(page, shots, url):
    page.goto(url)
    slug = url.strip("/").replace("/", "-")
    page.screenshot(path=str(shots / f"{slug}.png"), full_page=True)
    assert _axe_serious(page) == []
    page.goto(url)
    page.get_by_role("button", name="English").click()
    sync_api.expect(page.locator("html")).to_have_attribute("lang", "en")
    assert _axe_serious(page) == []
