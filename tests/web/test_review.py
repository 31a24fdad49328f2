"""The editors' thematic review in the web app and the API: roles, the queue, decisions,
the audit trail with revert, bulk accept, the vocabulary (admins), SKOS."""

from __future__ import annotations

import base64
import re

import pytest

from recueil.index import review
from tests.conftest import copy_store

PASSWORD = "a long passphrase 42"
PAGES = ["/review/", "/review/A:VII", "/history/", "/history/?ref=A:VII.3", "/vocabulary/",
         "/vocabulary/Fraude"]  # fmt: skip
POSTS = [
    ("/review/decide", {"action": "accept", "ref": "A:VII.3", "theme": "Fraude"}),
    ("/review/A:VII/bulk-accept", {"threshold": "0.5"}),
    ("/history/revert", {"event": "1"}),
    ("/vocabulary/Fraude", {"op": "retire"}),
]


@pytest.fixture(scope="module")
def review_store(trained_corpus_store, tmp_path_factory):
    """A writable copy of the corpus store with its trained model, and three accounts."""
    from django.contrib.auth.models import Group, User

    store = copy_store(trained_corpus_store, tmp_path_factory.mktemp("review") / "r.sqlite3")

    def users():
        for name in ("reader1", "editor1", "admin1"):
            u = User.objects.create_user(name, password=PASSWORD)
            u.groups.add(Group.objects.get(name=name[:-1]))

    store.run(users)
    return store


@pytest.fixture
def web(review_store, _test_environment):
    from django.test import Client
    from django.test.utils import override_settings

    with override_settings(RECUEIL_DB_ALIAS=review_store.alias):
        client = Client()
        client.cookies["recueil_language"] = "en"  # the remembered choice (French otherwise)
        yield client


def login(client, name: str):
    r = client.post("/accounts/login/", {"username": name, "password": PASSWORD})
    assert r.status_code == 302, f"{name} could not log in"
    return client


def basic(name: str) -> dict:
    token = base64.b64encode(f"{name}:{PASSWORD}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def queue(client, key="A:VII") -> dict:
    r = client.get(f"/api/meetings/{key}/review", **basic("editor1"))
    assert r.status_code == 200
    return r.json()


def test_visitors_are_sent_to_login_and_readers_refused(web):
    for url in PAGES:
        r = web.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/"), url
    for url, data in POSTS:
        r = web.post(url, data)
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/"), url
    assert web.get("/api/items/A:VII.3/suggestions").status_code == 401
    login(web, "reader1")
    for url in PAGES:
        assert web.get(url).status_code == 403, url
    for url, data in POSTS:
        assert web.post(url, data).status_code == 403, url
    assert web.get("/api/items/A:VII.3/suggestions", **basic("reader1")).status_code == 403
    item = web.get("/items/A:VII.3").content.decode()
    assert "Suggestions" not in item and "/review/decide" not in item
    assert 'href="/review/"' not in web.get("/").content.decode()


def test_editors_review_but_only_admins_change_the_vocabulary(web):
    login(web, "editor1")
    assert web.get("/review/A:VII").status_code == 200
    assert 'href="/review/"' in web.get("/").content.decode()
    assert web.get("/vocabulary/").status_code == 403
    assert web.post("/vocabulary/Fraude", {"op": "retire"}).status_code == 403


def test_the_queue_lists_every_item_of_meeting_vii_with_calibrated_suggestions(web):
    q = queue(web)
    assert len(q["items"]) == 22 and [i["ref"] for i in q["items"]][:2] == ["A:VII.1", "A:VII.2"]
    assert 0 < q["threshold"] < 1 and q["model"]["items"] > 250
    for row in q["items"]:
        scores = [s["score"] for s in row["suggestions"]]
        assert scores == sorted(scores, reverse=True) and all(0 <= x <= 1 for x in scores)
        for s in row["suggestions"]:
            assert set(s["evidence"]) == {"similar_items", "matched_words"}
            assert all(not n["ref"].startswith("A:VII.") for n in s["evidence"]["similar_items"])
    # meeting VII has no imported index: every item needs review
    assert q["to_review"] == 22
    login(web, "editor1")
    html = web.get("/review/A:VII").content.decode()
    assert html.count('class="review-item') == 22
    assert 'name="csrfmiddlewaretoken"' in html and 'data-key="a"' in html
    # the English interface names the suggested themes in English (the French label is
    # still what a decision sends)
    english = {t["label"]: t["label_en"] for t in web.get("/api/themes").json()}
    top = q["items"][0]["suggestions"][0]["theme"]
    assert english[top] and f'lang="en">{english[top]}</th>' in html
    assert f'name="theme" value="{top}"' in html.replace("&#x27;", "'")


def test_decisions_are_stored_with_origin_user_time_and_can_be_reverted(web):
    login(web, "editor1")
    row = next(r for r in queue(web)["items"] if r["ref"] == "A:VII.4")
    first, second = row["suggestions"][0], row["suggestions"][1]
    back = "/review/A:VII#item-A:VII.4"
    r = web.post("/review/decide", {"action": "accept", "ref": "A:VII.4", "theme": first["theme"],
                                    "score": first["score"], "next": back})  # fmt: skip
    assert r.status_code == 302 and r["Location"] == back
    web.post("/review/decide", {"action": "reject", "ref": "A:VII.4", "theme": second["theme"]})
    web.post("/review/decide", {"action": "add", "ref": "A:VII.4", "theme": "Corruption"})
    item = web.get("/api/items/A:VII.4").json()
    got = {a["theme"]: (a["origin"], a["user"], a["score"]) for a in item["assignments"]}
    assert got == {first["theme"]: ("suggested-accepted", "editor1", first["score"]),
                   "Corruption": ("curated", "editor1", None)}  # fmt: skip
    open_now = {
        s["theme"]
        for s in web.get("/api/items/A:VII.4/suggestions", **basic("editor1")).json()["A:VII.4"]
    }
    assert first["theme"] not in open_now and second["theme"] not in open_now
    trail = web.get("/api/items/A:VII.4/history", **basic("editor1")).json()
    assert [e["action"] for e in trail] == ["add", "reject", "accept"]
    assert all(e["user"] == "editor1" and e["at"] for e in trail)
    page = web.get("/history/?ref=A:VII.4").content.decode()
    assert page.count('action="/history/revert"') == 3
    accepted = trail[2]["id"]
    r = web.post("/history/revert", {"event": accepted, "next": "/history/?ref=A:VII.4"})
    assert r.status_code == 302
    themes = web.get("/api/items/A:VII.4").json()["themes"]
    assert first["theme"] not in themes and "Corruption" in themes
    again = web.post("/history/revert", {"event": accepted}, HTTP_ACCEPT="application/json")
    assert again.status_code == 409 and "reverted already" in again.json()["message"]


def test_bulk_accept_takes_every_open_suggestion_above_the_threshold(web):
    before = queue(web, "A:XI")
    expected = {(r["ref"], s["theme"]) for r in before["items"] for s in r["suggestions"]
                if s["score"] >= 0.8}  # fmt: skip
    login(web, "editor1")
    r = web.post("/review/A:XI/bulk-accept", {"threshold": "0.8"})
    assert r.status_code == 302
    accepted = {(e["ref"], e["theme"]) for e in
                web.get("/api/history?limit=500", **basic("editor1")).json()
                if e["action"] == "accept" and e["ref"].startswith("A:XI.")}  # fmt: skip
    assert accepted == expected and expected  # at least one suggestion is that sure
    after = queue(web, "A:XI")
    assert not [s for r in after["items"] for s in r["suggestions"] if s["score"] >= 0.8]
    bad = web.post("/review/A:XI/bulk-accept", {"threshold": "7"}, HTTP_ACCEPT="application/json")
    assert bad.status_code == 400


def test_forms_need_the_csrf_token(review_store, _test_environment):
    from django.test import Client
    from django.test.utils import override_settings

    with override_settings(RECUEIL_DB_ALIAS=review_store.alias):
        strict = Client(enforce_csrf_checks=True)
        page = strict.get("/accounts/login/").content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        strict.post("/accounts/login/", {"username": "editor1", "password": PASSWORD,
                                         "csrfmiddlewaretoken": token})  # fmt: skip
        r = strict.post("/review/decide", {"action": "add", "ref": "A:VII.9", "theme": "Fraude"})
        assert r.status_code == 403
        api = strict.post("/api/items/A:VII.9/themes", {"theme": "Fraude", "action": "add"},
                          content_type="application/json")  # fmt: skip
        assert api.status_code == 403
        assert "Fraude" not in strict.get("/api/items/A:VII.9").json()["themes"]


def test_api_decisions_with_basic_auth_and_revert(web):
    h = basic("editor1")
    r = web.post("/api/items/A:VII.12/themes", {"theme": "Fraude", "action": "add"},
                 content_type="application/json", **h)  # fmt: skip
    assert r.status_code == 200 and r.json()["after"]["assignment"]["origin"] == "curated"
    dup = web.post("/api/items/A:VII.12/themes", {"theme": "Fraude", "action": "add"},
                   content_type="application/json", **h)  # fmt: skip
    assert dup.status_code == 409
    bad = web.post("/api/items/A:VII.12/themes", {"theme": "Nope", "action": "add"},
                   content_type="application/json", **h)  # fmt: skip
    assert bad.status_code == 404
    undo = web.post(f"/api/history/{r.json()['id']}/revert", **h)
    assert undo.status_code == 200 and undo.json()["reverts"] == r.json()["id"]
    assert "Fraude" not in web.get("/api/items/A:VII.12").json()["themes"]
    text = web.post("/api/suggest", {"text": "Renforcer l'entraide judiciaire et l'extradition"},
                    content_type="application/json", **h).json()  # fmt: skip
    assert any("entraide" in s["theme"] or "extradition" in s["theme"] for s in text[:3])


def test_admins_rename_merge_retire_and_skos_follows(web):
    login(web, "admin1")
    page = web.get("/vocabulary/").content.decode()
    assert page.count("<tr") == 83  # 82 themes and the header
    assert "International cooperation" in page  # English labels from corpus/vocabulary.toml
    n = web.get("/api/themes/Identité et documents de voyage").json()["count"]
    r = web.post("/vocabulary/Identité et documents de voyage",
                 {"op": "edit", "label": "Identité et documents de voyage ou d'identité",
                  "label_en": "Identity and travel documents", "parent": ""})  # fmt: skip
    assert r.status_code == 302
    renamed = web.get("/api/themes/Identité et documents de voyage ou d'identité").json()
    assert renamed["count"] == n
    skos = web.get("/api/vocabulary.ttl").content.decode()  # public
    assert 'skos:altLabel "Identité et documents de voyage"@fr' in skos
    assert "<https://recueil.invalid/theme/identite-et-documents-de-voyage>" in skos  # key kept
    src, dst = (
        "Coopération internationale (centres pluri-institutions)",
        "Centres pluri-institutions",
    )
    both = {i["ref"] for m in web.get(f"/api/themes/{src}").json()["meetings"] for i in m["items"]}
    both |= {i["ref"] for m in web.get(f"/api/themes/{dst}").json()["meetings"]
             for i in m["items"] if dst in i["themes"]}  # fmt: skip
    assert web.post(f"/vocabulary/{src}", {"op": "merge", "target": dst}).status_code == 302
    merged = {i["ref"] for m in web.get(f"/api/themes/{dst}").json()["meetings"]
              for i in m["items"] if dst in i["themes"]}  # fmt: skip
    assert merged == both
    skos = web.get("/api/vocabulary.ttl").content.decode()
    assert "owl:deprecated true" in skos and "dct:isReplacedBy" in skos
    trail = web.get("/history/?theme=" + dst).content.decode()
    assert "theme merged" in trail


def test_the_web_trains_in_the_background_and_serves_the_last_model_meanwhile(
    trained_corpus_store, tmp_path
):
    from recueil.index import project
    from recueil.index.corpus import load_training_set
    from recueil.store import curation

    store = copy_store(trained_corpus_store, tmp_path / "bg.sqlite3")
    for path in project.model_dir(store).glob("model-*.pkl"):
        path.unlink()  # the item vectors stay cached: training takes seconds
    cache = review.ModelCache()
    with pytest.raises(review.ModelNotReady):
        cache.get(store)
    assert cache.training(store)
    cache.wait(600)
    model, fresh = cache.get(store)
    current = project._fingerprint(store.run(load_training_set), project.default_config())
    assert fresh and model.fingerprint == current
    store.run(curation.add, "A:VII.1", "Fraude", user="editor1")  # the data changed
    served, fresh = cache.get(store)
    assert served is model and not fresh and cache.training(store)
    cache.wait(600)
    retrained, fresh = cache.get(store)
    assert fresh and retrained.fingerprint != model.fingerprint
    assert "Fraude" in retrained.suggester.vocabulary
