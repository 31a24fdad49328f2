"""Agreed language in the web app and API (issue 6): related items and uptake links on item
pages, the precedent finder, side-by-side comparison, per-meeting uptake, draft fate, and
editors' audited link decisions — on the whole corpus, expected values from recueil.link.

The restatement pairs used here (6/3 para. 3 repeats meeting I recommendation 20 on
violence against smuggled migrants) come from reading the texts, as in tests/test_link.py.
"""

from __future__ import annotations

import html
import io
import re
import unicodedata

import pytest

from recueil import link

PASSWORD = "a long passphrase 42"


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode("utf-8")


def _item_text(store, ref: str) -> str:
    from recueil.store.models import Item

    return store.run(lambda: Item.objects.get(ref=ref, status="adopted").text)


def _strip_accents(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)
    )  # fmt: skip


def _edited_i18(store) -> str:
    """Recommendation I.18, lightly edited: three words inserted, every accent dropped."""
    original = _item_text(store, "A:I.18")
    assert "des migrants objet" in original
    return _strip_accents(
        original.replace("des migrants objet", "des migrants et des réfugiés objet")
    )


def _section(page: str, marker: str) -> str:
    return page.split(marker, 1)[1].split("</section>", 1)[0]


def _make_user(store, name: str, group: str) -> None:
    from django.contrib.auth.models import Group, User

    def make():
        user = User.objects.create_user(name, password=PASSWORD)
        user.groups.add(Group.objects.get(name=group))

    store.run(make)


# --- item page -----------------------------------------------------------------------------


def test_item_page_lists_related_items_with_score_and_translated_relation(client, corpus_store):
    rows = corpus_store.run(link.related, "B:VI.3", 8)
    assert rows and rows[0]["ref"] == "A:I.20" and rows[0]["relation"] == "restates"
    box = _section(_text(client.get("/items/B:VI.3")), 'aria-labelledby="related-h"')
    shown = re.findall(r'<li><a href="/items/([^"]+)" class="key">', box)
    assert shown == [r["ref"] for r in rows]  # same items, same order as the core
    first = box.split("</li>")[0]
    assert '<span class="badge badge-restates">reprend</span>' in first
    assert f"score {rows[0]['score']:.2f}".replace(".", ",") in first
    assert 'href="/compare?a=B%3AVI.3&amp;b=A%3AI.20"' in first
    english = _section(
        _text(client.get("/items/B:VI.3", {"ui": "en"})), 'aria-labelledby="related-h"'
    )
    assert '<span class="badge badge-restates">restates</span>' in english


def test_item_page_of_a_draft_links_to_its_draft_fate_and_adopted_pages_do_not(client):
    draft = _text(client.get("/items/A:VI.22?status=draft"))
    assert 'href="/items/A:VI.22/draft-fate"' in draft
    assert "/draft-fate" not in _text(client.get("/items/A:VI.22"))


# --- precedent finder ----------------------------------------------------------------------


def test_finder_ranks_the_edited_recommendation_first_with_its_edits_marked(client, corpus_store):
    from recueil.store import queries
    from recueil.store.models import Item

    draft = _edited_i18(corpus_store)
    expected = corpus_store.run(link.precedent, draft, 5)
    page = _text(client.post("/precedents", {"text": draft, "limit": "5"}))
    hits = re.findall(r'<li class="hit precedent">\s*<h3><a href="/items/([^"]+)"', page)
    order = ("restates", "revises", "related", "unrelated")  # grouped by relation, best first
    grouped = sorted(expected, key=lambda r: (order.index(r["relation"] or "unrelated"),
                                              -r["score"]))  # fmt: skip
    assert hits == [r["ref"] for r in grouped] and hits[0] == "A:I.18"
    first = page.split('<li class="hit precedent">')[1].split("</li>")[0]
    # exactly the inserted words, marked with <ins> and a hidden "ajouté" for screen readers
    assert re.findall(r"<ins>(.*?)</ins>", first) == [
        '<span class="visually-hidden">[ajouté : </span>et des refugies'
        '<span class="visually-hidden">]</span>'
    ]
    assert "<del>" not in first  # dropped accents are not differences
    citation = corpus_store.run(
        lambda: queries.citation(Item.objects.get(ref="A:I.18", status="adopted"))
    )
    assert html.escape(citation) in first
    scores = [float(s) for s in re.findall(r'<data value="([0-9.]+)">', page)]
    assert scores == [r["score"] for r in grouped] and len(scores) == len(hits)
    assert html.escape(draft) in page  # the pasted text stays in the form


def test_finder_shows_deletions_struck_through_with_hidden_supprime(client, corpus_store):
    original = _item_text(corpus_store, "A:I.35")
    cut = ", notamment au niveau régional et avec les pays voisins"
    page = _text(client.post("/precedents", {"text": original.replace(cut, "")}))
    first = page.split('<li class="hit precedent">')[1].split("</li>")[0]
    assert 'href="/items/A:I.35"' in first
    dels = re.findall(r'<del><span class="visually-hidden">\[supprimé : </span>(.*?)<', first)
    assert dels == [cut.strip()]
    assert "<ins>" not in first


def test_finder_reads_an_uploaded_docx_paragraph_by_paragraph(client, corpus_store):
    import docx

    i35 = _item_text(corpus_store, "A:I.35")
    i13 = _item_text(corpus_store, "A:I.13").replace("geler et confisquer", "geler et saisir")
    document = docx.Document()
    document.add_paragraph("Projet de recommandations")  # a heading: too short, skipped
    document.add_paragraph(i35)
    document.add_paragraph(i13)
    data = io.BytesIO()
    document.save(data)
    upload = io.BytesIO(data.getvalue())
    upload.name = "projet.docx"
    page = _text(client.post("/precedents", {"file": upload, "text": ""}))
    assert "projet.docx : 2 paragraphes" in page
    paragraphs = page.split('<section class="draft-paragraph"')[1:]
    assert len(paragraphs) == 2
    firsts = [re.search(r'<h3><a href="/items/([^"]+)"', p)[1] for p in paragraphs]
    assert firsts == ["A:I.35", "A:I.13"]
    assert "[ajouté : </span>saisir" in paragraphs[1]


def test_finder_reports_empty_input_and_unreadable_files(client):
    empty = _text(client.post("/precedents", {"text": "  "}))
    assert 'role="alert"' in empty and "Collez un paragraphe" in empty
    upload = io.BytesIO(b"MZ\x90\x00")
    upload.name = "virus.exe"
    bad = _text(client.post("/precedents", {"file": upload}))
    assert 'role="alert"' in bad and ".exe" in bad
    broken = io.BytesIO(b"not a pdf at all")
    broken.name = "draft.pdf"
    unreadable = _text(client.post("/precedents", {"file": broken}))
    assert 'role="alert"' in unreadable and "draft.pdf" in unreadable


def test_finder_page_is_in_the_navigation_in_both_languages(client):
    page = _text(client.get("/precedents"))
    assert '<a href="/precedents" aria-current="page">Langage convenu</a>' in page
    assert '<textarea id="draft-text" name="text"' in page and 'name="csrfmiddlewaretoken"' in page
    english = _text(client.get("/precedents", {"ui": "en"}))
    assert '<a href="/precedents" aria-current="page">Agreed language</a>' in english


# --- compare -------------------------------------------------------------------------------


def test_compare_page_shows_both_items_side_by_side_with_their_differences(client, corpus_store):
    r = corpus_store.run(link.compare, "A:I.20", "B:VI.3")
    page = _text(client.get("/compare", {"a": "A:I.20", "b": "B:VI.3"}))
    side_a = _section(page, 'aria-labelledby="side-a"')
    side_b = _section(page, 'aria-labelledby="side-b"')
    deleted = [s["text"].strip() for s in r["diff"] if s["op"] == "delete"]
    inserted = [s["text"].strip() for s in r["diff"] if s["op"] == "insert"]
    assert "autres" in deleted and "violentes" in inserted  # from reading the two texts
    marked_a = re.findall(r'<del><span class="visually-hidden">\[supprimé : </span>(.*?)<', side_a)
    marked_b = re.findall(r'<ins><span class="visually-hidden">\[ajouté : </span>(.*?)<', side_b)
    assert [html.unescape(d) for d in marked_a] == deleted
    assert [html.unescape(i) for i in marked_b] == inserted
    assert "<ins>" not in side_a and "<del>" not in side_b
    assert "<strong>reprend</strong>" in page


def test_compare_unknown_item_is_404_and_no_refs_shows_the_form(client):
    assert client.get("/compare", {"a": "A:I.20", "b": "A:I.9999"}).status_code == 404
    page = _text(client.get("/compare"))
    assert 'id="cmp-a"' in page and 'class="side-by-side"' not in page


# --- uptake and editors --------------------------------------------------------------------


@pytest.fixture(scope="module")
def proposed(writable_store):
    """Links proposed for meeting I on the writable store (the finder never writes)."""
    writable_store.run(link.propose_links, "I")
    return writable_store


def test_uptake_page_shows_where_meeting_i_recommendations_were_taken_up(writable_client, proposed):
    rows = {r["ref"]: r for r in proposed.run(link.uptake, "I", refresh=False)}
    page = _text(writable_client.get("/meetings/A:I/uptake"))
    taken = len([r for r in rows.values() if r["uptake"] == "taken up"])
    assert f"<strong>{len(rows)}</strong>" in page and f"<strong>{taken}</strong>" in page
    row20 = page.split('id="A:I.20"')[1].split("</tr>")[0]
    assert "reprise" in row20 and 'href="/items/B:VI.3"' in row20
    row7 = page.split('id="A:I.7"')[1].split("</tr>")[0]  # the global report: not in 6/3
    assert "non reprise" in row7 and "/items/B:" not in row7
    assert "Confirmer" not in page  # readers see no decision buttons
    assert 'href="/meetings/A:I/uptake"' in _text(writable_client.get("/meetings/A:I"))


def test_uptake_of_a_meeting_with_no_later_session_and_of_a_cop_session(client):
    page = _text(client.get("/meetings/A:VII/uptake"))
    assert "pas de session ultérieure" in page
    assert client.get("/meetings/B:VI/uptake").status_code == 404
    assert client.get("/meetings/A:XL/uptake").status_code == 404


def test_editor_confirms_and_rejects_links_from_the_item_page_and_it_is_audited(
    writable_client, proposed
):
    _make_user(proposed, "linkeditor", "editor")
    assert proposed.run(writable_client.login, username="linkeditor", password=PASSWORD)
    page = _text(writable_client.get("/items/A:I.23"))
    box = _section(page, 'aria-labelledby="lineage-h"')
    assert 'href="/items/B:VI.18"' in box and 'name="csrfmiddlewaretoken"' in box
    assert 'value="confirm"' in box and 'value="reject"' in box
    response = writable_client.post(
        "/links/decide",
        {"source": "A:I.23", "target": "B:VI.18", "action": "confirm", "note": "web test",
         "next": "/items/A:I.23"},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == "/items/A:I.23"
    (decided,) = [lk for lk in proposed.run(link.links_for, "A:I.23") if lk["target"] == "B:VI.18"]
    assert (decided["status"], decided["user"]) == ("confirmed", "linkeditor")
    after = _text(writable_client.get("/items/A:I.23"))
    assert "confirmé</span> (linkeditor)" in after
    assert "Lien A:I.23 → B:VI.18 : confirmé." in after  # the message
    writable_client.post(
        "/links/decide", {"source": "A:I.23", "target": "B:VI.18", "action": "reject"}
    )
    from recueil.store.models import LinkEvent

    events = proposed.run(
        lambda: list(
            LinkEvent.objects.filter(link__source__ref="A:I.23", link__target__ref="B:VI.18")
            .order_by("id")
            .values_list("action", "user", "note")
        )
    )
    assert events[-2:] == [("confirm", "linkeditor", "web test"), ("reject", "linkeditor", None)]
    proposed.run(writable_client.logout)


def test_readers_and_anonymous_users_cannot_decide_links(writable_client, proposed):
    data = {"source": "A:I.18", "target": "B:VI.10", "action": "reject"}
    assert writable_client.post("/links/decide", data).status_code == 403
    _make_user(proposed, "linkreader", "reader")
    proposed.run(writable_client.login, username="linkreader", password=PASSWORD)
    page = _text(writable_client.get("/items/A:I.18"))
    assert 'href="/items/B:VI.10"' in _section(page, 'aria-labelledby="lineage-h"')
    assert 'value="confirm"' not in page
    assert writable_client.post("/links/decide", data).status_code == 403
    assert writable_client.post("/meetings/A:I/uptake/refresh").status_code == 403
    statuses = [lk["status"] for lk in proposed.run(link.links_for, "A:I.18")]
    assert "rejected" not in statuses
    proposed.run(writable_client.logout)


def test_editor_proposes_links_again_from_the_uptake_page(writable_client, proposed):
    _make_user(proposed, "linkeditor2", "admin")
    proposed.run(writable_client.login, username="linkeditor2", password=PASSWORD)
    page = _text(writable_client.get("/meetings/A:II/uptake"))
    assert 'action="/meetings/A:II/uptake/refresh"' in page
    response = writable_client.post("/meetings/A:II/uptake/refresh")
    assert response.status_code == 302 and response["Location"] == "/meetings/A:II/uptake"
    after = _text(writable_client.get(response["Location"]))
    assert "Liens proposés de nouveau" in after
    proposed.run(writable_client.logout)


# --- draft fate ----------------------------------------------------------------------------


def test_draft_fate_page_shows_each_unit_of_the_2019_draft_with_its_fate(client, corpus_store):
    fate = corpus_store.run(link.draft_fate, "A:VI.22")
    page = _text(client.get("/items/A:VI.22/draft-fate"))
    labels = {"survived": "conservé", "changed": "modifié", "disappeared": "disparu"}
    for unit in fate["units"]:
        row = page.split(f'id="{unit["ref"]}"')[1].split("</li>")[0]
        assert f'badge-fate-{unit["fate"]}">{labels[unit["fate"]]}</span>' in row
        if unit["match"]:
            assert f'href="/items/{unit["match"]["ref"]}"' in row and "<ins>" in row
    for key, n in fate["summary"].items():
        assert f"<strong>{n}</strong> <span>{labels[key]}</span>" in page
    assert client.get("/items/A:I.22/draft-fate").status_code == 404  # no such draft


# --- API -----------------------------------------------------------------------------------


def test_api_related_is_the_core_answer(client, corpus_store):
    rows = client.get("/api/items/B:VI.3/related", {"limit": 5}).json()
    assert rows == corpus_store.run(link.related, "B:VI.3", 5)
    assert client.get("/api/items/A:I.9999/related").status_code == 404


def test_api_precedents_returns_ranked_refs_scores_and_diffs(client, corpus_store):
    draft = _edited_i18(corpus_store)
    response = client.post(
        "/api/precedents", {"text": draft, "limit": 3}, content_type="application/json"
    )
    assert response.status_code == 200
    rows = response.json()
    expected = corpus_store.run(link.precedent, draft, 3)
    assert [(r["ref"], r["score"]) for r in rows] == [(r["ref"], r["score"]) for r in expected]
    assert rows[0]["ref"] == "A:I.18"
    assert link.edits(rows[0]["diff"]) == [("insert", "et des refugies")]
    assert "(Recueil A:I.18)" in rows[0]["citation"]
    empty = client.post("/api/precedents", {"text": " "}, content_type="application/json")
    assert empty.status_code == 400


def test_api_compare_uptake_and_draft_fate_match_the_pages_core(client, corpus_store):
    cmp = client.get("/api/compare", {"a": "A:I.20", "b": "B:VI.3"}).json()
    core = corpus_store.run(link.compare, "A:I.20", "B:VI.3")
    assert (cmp["relation"], link.edits(cmp["diff"])) == (
        core["relation"],
        link.edits(core["diff"]),
    )
    up = client.get("/api/meetings/A:VII/uptake").json()
    (summary,) = corpus_store.run(link.uptake_summary, "VII")
    assert up["summary"]["items"] == summary["items"]
    assert up["summary"]["no_later_session"] == summary["no later session"]
    assert [r["ref"] for r in up["recommendations"]] == [
        r["ref"] for r in corpus_store.run(link.uptake, "VII", refresh=False)
    ]
    assert client.get("/api/meetings/B:VI/uptake").status_code == 404
    fate = client.get("/api/items/A:VI.22/draft-fate").json()
    assert fate["summary"] == corpus_store.run(link.draft_fate, "A:VI.22")["summary"]


def test_api_uptake_and_links_show_proposed_links(writable_client, proposed):
    up = writable_client.get("/api/meetings/A:I/uptake").json()
    rows = {r["ref"]: r for r in up["recommendations"]}
    assert "B:VI.3" in [lk["target"] for lk in rows["A:I.20"]["links"]]
    links = writable_client.get("/api/items/B:VI.3/links").json()
    assert "A:I.20" in [lk["source"] for lk in links]


def test_openapi_describes_the_agreed_language_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/items/{ref}/related", "/api/precedents", "/api/compare",
                 "/api/meetings/{key}/uptake", "/api/items/{ref}/draft-fate"):  # fmt: skip
        assert path in paths, path
    assert "post" in paths["/api/precedents"]
