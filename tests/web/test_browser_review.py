"""Issue 5 acceptance in headless Chromium against a real `recueil serve`: an editor logs
in, opens the review queue of meeting VII, accepts two suggestions (one by click, one by
keystroke), rejects one, adds one theme, reverts one decision from the history; a reader
cannot reach any of it (403) and a visitor is sent to the login page.
"""

from __future__ import annotations

import base64
import re
import urllib.request

import pytest

from tests.conftest import copy_store
from tests.web.test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    _axe_serious,
    halt,
    launch,
    shot,
    sync_api,
)

PASSWORD = "a long passphrase 42"


@pytest.fixture(scope="module")
def review_server(trained_corpus_store, tmp_path_factory):
    """`recueil serve` on a copy of the corpus store (with its trained suggester) holding
    a reader, an editor and an admin account."""
    from django.contrib.auth.models import Group, User

    folder = tmp_path_factory.mktemp("review-serve")
    store = copy_store(trained_corpus_store, folder / "serve.sqlite3")

    def users():
        for name in ("reader1", "editor1", "admin1"):
            User.objects.create_user(name, password=PASSWORD).groups.add(
                Group.objects.get(name=name[:-1])
            )

    store.run(users)
    store.close()
    url, proc, log = launch(store.url, folder / "serve.log", "--workers", "1")
    # warm up as a running server would be: the first request loads the model and the
    # embedding model, and embeds meeting VII's items (seconds on a busy machine)
    token = base64.b64encode(f"editor1:{PASSWORD}".encode()).decode()
    warm = urllib.request.Request(url + "/api/meetings/A:VII/review",
                                  headers={"Authorization": f"Basic {token}"})  # fmt: skip
    assert urllib.request.urlopen(warm, timeout=300).status == 200
    yield url, store
    halt(proc, log)


@pytest.fixture(scope="module")
def browser(review_server):  # after the server: Playwright runs an event loop in this thread
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def _page(browser, url):
    context = browser.new_context(base_url=url, locale="fr-FR",
                                  viewport={"width": 1280, "height": 900})  # fmt: skip
    return context, context.new_page()


def _login(page, name: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", name)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.press("#id_password", "Enter")


def _themes(page, ref: str) -> dict[str, tuple]:
    """An item's themes as the server stored them (public API: origin and user)."""
    item = page.request.get(f"/api/items/{ref}").json()
    return {a["theme"]: (a["origin"], a["user"]) for a in item["assignments"]}


def test_visitor_is_sent_to_login_and_reader_gets_403(browser, review_server):
    url, _store = review_server
    context, page = _page(browser, url)
    for path in ("/review/A:VII", "/history/", "/vocabulary/"):
        page.goto(path)
        assert "/accounts/login/" in page.url, path
    _login(page, "reader1")
    for path in ("/review/", "/review/A:VII", "/history/?ref=A:VII.1", "/vocabulary/"):
        response = page.goto(path)
        assert response.status == 403, path
    page.goto("/items/A:VII.1")
    assert page.locator("form[action='/review/decide']").count() == 0
    assert page.get_by_role("link", name="Revoir les thèmes").count() == 0
    context.close()


def test_editor_reviews_meeting_vii_and_reverts_a_decision(browser, review_server):
    expect = sync_api.expect
    url, _store = review_server
    context, page = _page(browser, url)
    _login(page, "editor1")
    page.get_by_role("link", name="Revoir les thèmes").click()
    page.get_by_role("link", name=re.compile(r"A:VII\b")).first.click()
    expect(page.locator(".review-item")).to_have_count(22)
    assert page.input_value("#bulk-threshold") == "0.8"  # not localised to "0,8"
    shot(page, "review-queue")
    assert _axe_serious(page) == []

    # 1. accept the best suggestion of A:VII.1 with a click
    item1 = page.locator("#item-A\\:VII\\.1")
    theme1 = item1.locator("tr.suggestion").first.get_attribute("data-theme")
    item1.locator("tr.suggestion").first.get_by_role("button", name=re.compile("^Accepter")).click()
    page.wait_for_load_state()
    assert page.url.endswith("#item-A:VII.1")
    expect(page.locator("#item-A\\:VII\\.1 .decided")).to_contain_text(theme1)

    # 2. accept the best suggestion of A:VII.2 with the keyboard: focus its row, press "a"
    row2 = page.locator("#item-A\\:VII\\.2 tr.suggestion").first
    theme2 = row2.get_attribute("data-theme")
    row2.focus()
    with page.expect_navigation():
        page.keyboard.press("a")
    expect(page.locator("#item-A\\:VII\\.2 .decided")).to_contain_text(theme2)

    # 3. reject the best suggestion of A:VII.3; 4. add a theme of our own to it
    item3 = page.locator("#item-A\\:VII\\.3")
    rejected = item3.locator("tr.suggestion").first.get_attribute("data-theme")
    item3.locator("tr.suggestion").first.get_by_role("button", name=re.compile("^Rejeter")).click()
    page.wait_for_load_state()
    expect(page.locator(f'#item-A\\:VII\\.3 tr.suggestion[data-theme="{rejected}"]')).to_have_count(
        0
    )
    page.fill("#add-A\\:VII\\.3", "Corruption")
    page.locator("#item-A\\:VII\\.3 .add-theme button[value=add]").click()
    page.wait_for_load_state()
    expect(page.locator("#item-A\\:VII\\.3 .decided")).to_contain_text("Corruption")

    assert _themes(page, "A:VII.1")[theme1] == ("suggested-accepted", "editor1")
    assert _themes(page, "A:VII.2")[theme2] == ("suggested-accepted", "editor1")
    assert _themes(page, "A:VII.3") == {"Corruption": ("curated", "editor1")}

    # 5. revert the first acceptance from the item's history
    page.locator("#item-A\\:VII\\.1").get_by_role("link", name="Historique").click()
    rows = page.locator("table.history tbody tr")
    expect(rows).to_have_count(1)
    shot(page, "review-history")
    assert _axe_serious(page) == []
    rows.first.get_by_role("button", name=re.compile("^Annuler la décision")).click()
    page.wait_for_load_state()
    expect(page.locator("table.history tbody tr")).to_have_count(2)
    expect(page.locator("table.history tbody tr").nth(1)).to_contain_text("annulée par")
    assert theme1 not in _themes(page, "A:VII.1")
    assert theme2 in _themes(page, "A:VII.2")  # the other decisions stand
    context.close()


def test_admin_vocabulary_pages_are_accessible(browser, review_server):
    url, _store = review_server
    context, page = _page(browser, url)
    _login(page, "admin1")
    page.get_by_role("link", name="Vocabulaire").click()
    page.wait_for_load_state()
    assert page.locator("table.vocabulary tbody tr").count() == 82
    shot(page, "vocabulary")
    assert _axe_serious(page) == []
    page.get_by_role("link", name="Fraude", exact=True).click()
    page.wait_for_load_state()
    assert page.input_value("#label_en") == "Fraud"
    shot(page, "vocabulary-theme")
    assert _axe_serious(page) == []
    context.close()
