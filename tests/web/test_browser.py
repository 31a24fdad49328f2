"""The acceptance scenario in headless Chromium (Debian's, driven by Playwright) against a
real `recueil serve`, with screenshots of the key pages and an axe-core accessibility check.

Skipped, with the reason, when Playwright or /usr/bin/chromium is missing (scripts/test
installs chromium with apt when it can).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("RECUEIL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`recueil serve` on a free loopback port, on a new database (it ingests the corpus)."""
    port = _free_port()
    db = tmp_path_factory.mktemp("serve") / "serve.sqlite3"
    log = (tmp_path_factory.getbasetemp() / "serve.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "recueil.cli", "serve", "--db", str(db), "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        try:
            urllib.request.urlopen(url + "/", timeout=5)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"recueil serve did not start: {log.name}")
            time.sleep(0.5)
    yield url
    proc.terminate()
    proc.wait(timeout=20)
    log.close()


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
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    pg = context.new_page()
    yield pg
    context.close()


def shot(page, name: str, *, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def test_acceptance_scenario_home_meeting_item_copy_search_filter_english(page):
    expect = sync_api.expect
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    shot(page, "home")

    # navigate to meeting VII
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Réunions et sessions"
    ).click()
    page.locator('a[href="/meetings/A:VII"]').click()
    expect(page.locator("h1")).to_contain_text("A:VII")
    shot(page, "meeting-vii")

    # open an item and copy its citation
    first = page.locator("ol.items > li.item a.ref").first
    ref = first.inner_text()
    first.click()
    expect(page.locator("h1")).to_contain_text(ref)
    citation = page.locator("#citation").inner_text()
    assert f"(Recueil {ref})" in citation
    page.get_by_role("button", name="Copier la citation").click()
    expect(page.locator(".copy-status")).to_have_text("Citation copiée dans le presse-papiers.")
    assert page.evaluate("navigator.clipboard.readText()") == citation
    shot(page, "item")

    # search, find III.21 among the first results
    page.get_by_label("Rechercher dans les recommandations").fill("enfants non accompagnés")
    page.get_by_label("Rechercher dans les recommandations").press("Enter")
    hits = page.locator("ol.hits > li h3 a .key")
    expect(hits.first).to_be_visible()
    assert "A:III.21" in hits.all_inner_texts()[:5]
    shot(page, "search")

    # filter by theme: every remaining hit carries that theme
    theme_link = page.locator('details[data-facet="theme"] li a').first
    theme = theme_link.locator("span[lang]").inner_text()
    before = len(hits.all_inner_texts())
    theme_link.click()
    expect(page.locator(".active-filters")).to_contain_text(theme)
    hit_items = page.locator("ol.hits > li")
    for i in range(hit_items.count()):
        assert theme in hit_items.nth(i).locator(".tags").inner_text()
    assert hit_items.count() <= before
    shot(page, "search-filtered")

    # switch to English
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Search")
    expect(page.locator(".active-filters")).to_contain_text(theme)  # the query is kept
    shot(page, "search-english")


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page):
    page.goto("/items/A:I.22")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.locator(".skip-link").is_visible()  # visible when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"


def test_pages_fit_a_phone_screen(browser, server):
    context = browser.new_context(
        base_url=server,
        viewport={"width": 390, "height": 844},
        locale="fr-FR",
        device_scale_factor=2,
        is_mobile=True,
    )
    pg = context.new_page()
    for url, name in (("/items/A:I.22", "phone-item"), ("/search?q=enfants", "phone-search"),
                      ("/", "phone-home")):  # fmt: skip
        pg.goto(url)
        overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (url, overflow)
        shot(pg, name)
    context.close()


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/meetings/",
        "/meetings/A:VII",
        "/items/A:I.22",
        "/items/A:VI.22?status=draft",
        "/themes/",
        "/themes/Coopération internationale",
        "/documents/",
        "/search?q=enfants+non+accompagnés",
        "/accounts/login/",
    ],
)
def test_no_serious_or_critical_accessibility_violations(page, url):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(url)
    slug = "-".join(re.findall(r"[a-z0-9]+", url.lower().replace("?status=", "-"))) or "home"
    shot(page, f"page-{slug}")
    results = Axe().run(page)
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []
