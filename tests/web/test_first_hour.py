"""Issue 14 on the web: one definition of every count across the home page, the CLI, the
API and the publication; styled, localised error pages; validated API parameters; human
document titles and translated codes; French by default; English meeting names and dates;
the HTML edition readable in the browser."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from recueil.cli import main
from recueil.store import queries

FILE_NAME = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")
COUNTS = ("recommendations", "paragraphs", "preambular", "subparagraphs", "items", "drafts")


def _visible(page: str) -> str:
    """The text a reader sees or hears: tags (and so link addresses) removed."""
    return re.sub(r"<[^>]+>", " ", page)


def _html(response, status=200) -> str:
    assert response.status_code == status, (response.status_code, response.content[:300])
    return response.content.decode()


def test_every_count_is_the_same_on_home_cli_api_and_publication(client, corpus_store, tmp_path):
    cli = CliRunner(mix_stderr=False)
    listed = json.loads(
        cli.invoke(main, ["meetings", "--format", "json", "--db", corpus_store.url]).output
    )
    api = json.loads(client.get("/api/meetings").content)
    assert api == listed
    totals = {k: sum(m[k] for m in listed) for k in COUNTS}
    assert totals["items"] == sum(totals[k] for k in COUNTS[:4])  # one definition of item

    # the home page: per meeting, the named counts and the items column
    home = _html(client.get("/"))
    rows = re.findall(
        r'<a href="/meetings/([AB]:[IVXL]+)">.*?<td class="counts">(.*?)</td><td class="num">(\d+)',
        home, flags=re.S,
    )  # fmt: skip
    by_key = {f"{m['part']}:{m['number']}": m for m in listed if m["items"] or m["drafts"]}
    assert {k for k, _c, _n in rows} == set(by_key)
    words = {"recommendations": "recommandation", "paragraphs": "paragraphe",
             "preambular": "alinéa du préambule", "subparagraphs": "alinéa"}  # fmt: skip
    for key, counts, n in rows:
        m = by_key[key]
        assert int(n) == m["items"], key
        for field, word in words.items():
            found = re.search(rf"(\d+) {word}s?\b(?! du)", counts)
            if field == "preambular":
                found = re.search(rf"(\d+) {word.replace('alinéa', 'alinéas?')}", counts)
            assert (int(found.group(1)) if found else 0) == m[field], (key, field, counts)

    # /api/items: adopted by default, the same total; drafts on request
    assert json.loads(client.get("/api/items", {"limit": 1}).content)["count"] == totals["items"]
    drafts = json.loads(client.get("/api/items", {"limit": 1, "status": "draft"}).content)
    assert drafts["count"] == totals["drafts"]
    vii = json.loads(client.get("/api/items", {"meeting": "VII", "limit": 500}).content)
    assert vii["count"] == by_key["A:VII"]["items"]

    # the publication prints every adopted item, and says so with the same names
    out = cli.invoke(main, ["publish", "--format", "md", "--out", tmp_path / "r.md",
                            "--db", corpus_store.url]).output  # fmt: skip
    for field in COUNTS[:4]:
        assert f"{totals[field]} {field}" in out, (field, out)
    assert f"({totals['items']} items)" in out


@pytest.mark.parametrize(
    ("url", "lang", "words"),
    [
        ("/items/A:XX.99", "fr", ("Page introuvable", "Aucun élément ne porte cette cote")),
        ("/items/zzz", "fr", ("Page introuvable", "A:I.22")),
        ("/items/A:XX.99?ui=en", "en", ("Page not found", "No item has this reference")),
        ("/meetings/A:XL", "fr", ("Page introuvable", "A:VII")),
        ("/no/such/page?ui=en", "en", ("Page not found", "Back to the previous page")),
    ],
)
def test_not_found_is_a_styled_localised_page_with_a_way_forward(client, url, lang, words):
    page = _html(client.get(url), 404)
    assert f'<html lang="{lang}"' in page
    assert 'class="site-nav"' in page and 'href="/meetings/"' in page  # the navigation
    for word in words:
        assert word in page


def test_forbidden_bad_request_and_server_error_pages_are_styled():
    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory
    from django.utils import translation

    from recueil.web import views

    request = RequestFactory().get("/review/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    with translation.override("fr"):
        for response, status, title in (
            (views.permission_denied(request, PermissionDenied("réservé")), 403,
             "Vous ne pouvez pas ouvrir cette page"),
            (views.bad_request(request), 400, "La demande n&#x27;a pas pu être lue"),
            (views.server_error(request), 500, "Une erreur s&#x27;est produite sur le serveur"),
        ):  # fmt: skip
            assert response.status_code == status
            page = response.content.decode()
            assert title in page and 'class="site-nav"' in page, status


def test_a_bad_compare_reference_is_a_form_error(client):
    page = _html(client.get("/compare", {"a": "A:I.20", "b": "ZZZ"}), 400)
    assert 'aria-invalid="true"' in page and "n&#x27;est pas une cote" in page
    assert 'value="ZZZ"' in page  # the form keeps what was typed
    missing = _html(client.get("/compare", {"a": "A:I.20", "b": "A:I.9999"}), 404)
    assert "Aucun élément A:I.9999 dans le recueil." in missing


@pytest.mark.parametrize(
    ("params", "allowed"),
    [
        ({"part": "Z"}, "A | B"),
        ({"limit": 0}, "from 1 to 500"),
        ({"limit": 100000}, "from 1 to 500"),
        ({"status": "pending"}, "adopted | draft | all"),
        ({"meeting": "XX"}, "VII (A:VII)"),
    ],
)
def test_api_parameters_are_validated_with_the_allowed_values(client, params, allowed):
    response = client.get("/api/items", params)
    assert response.status_code == 422, (params, response.status_code)
    assert allowed in json.loads(response.content)["detail"]


def test_search_api_limits_are_validated(client):
    assert client.get("/api/search", {"q": "enfants", "limit": 0}).status_code == 422
    assert client.get("/api/search", {"q": "enfants", "part": "Z"}).status_code == 422


def test_sources_are_cited_by_title_and_codes_are_words(client):
    documents = _html(client.get("/documents/"))
    assert not FILE_NAME.search(_visible(documents))
    for code in ("secretariat_report", "draft_addendum", ">limited<", ">report<"):
        assert code not in documents, code
    assert "rapport du Secrétariat" in documents and "distribution limitée" in documents
    item = _html(client.get("/items/A:XI.1"))
    facts = item[item.index('id="src-h"'): item.index("</dl>", item.index('id="src-h"'))]
    assert not FILE_NAME.search(_visible(facts))
    assert "Rapport de la réunion du Groupe de travail" in facts
    english = _html(client.get("/documents/", {"ui": "en"}))
    assert "report of the Secretariat" in english and "limited distribution" in english


def test_imported_themes_say_index_2021_not_who_ran_the_ingest(client):
    page = _html(client.get("/items/A:I.22"))
    assert "index 2021" in page and "(test)" not in page


def test_un_style_paragraph_labels(client):
    session = _html(client.get("/meetings/B:VI"))
    assert "al. 1" in session and "par. al." not in session
    assert "par. 8 e)" in _html(client.get("/items/A:V.2.e"))
    assert "para. 8 (e)" in _html(client.get("/items/A:V.2.e", {"ui": "en"}))


def test_lead_verbs_are_italic_on_pages_while_the_text_stays_plain(client, corpus_store):
    page = _html(client.get("/items/B:VI.1"))
    assert '<em class="un-verb">Prie instamment</em> les États Membres' in page
    assert '<em class="un-verb">Rappelant</em>' in _html(client.get("/items/B:VI.al.1"))
    assert corpus_store.run(queries.get_item, "B:VI.1")["text"].startswith("Prie instamment les")


def test_themes_page_sorts_accented_labels_with_their_letter(client):
    page = _html(client.get("/themes/"))
    assert page.index("Échange d&#x27;informations") < page.index("Victimes d&#x27;infractions")


def test_english_meeting_names_and_dates(client):
    page = _html(client.get("/meetings/", {"ui": "en"}))
    assert "Eleventh meeting" in page and "11 and 12 July 2024" in page
    assert "Sixth session" in page and "Onzième réunion" not in page
    item = _html(client.get("/items/A:I.22", {"ui": "en"}))
    assert "First meeting" in item and "30 May to 1 June 2012" in item
    french = _html(client.get("/meetings/", {"ui": "fr"}))
    assert "Onzième réunion" in french and "les 11 et 12 juillet 2024" in french


def test_html_edition_is_read_inline_and_downloaded_on_request(client):
    inline = client.get("/publication/recueil.html")
    assert inline.status_code == 200 and inline["Content-Disposition"].startswith("inline")
    saved = client.get("/publication/recueil.html", {"download": "1"})
    assert saved["Content-Disposition"].startswith("attachment")
    home = _html(client.get("/"))
    assert '<a href="/publication/recueil.html">le lire en ligne (HTML)</a>' in home


def test_precedent_finder_reads_a_draft_typed_without_apostrophes(client, corpus_store):
    """The second sentence of A:I.22 typed in a hurry: no apostrophes, no accents,
    "doivent" for "devraient". The real source comes first, the hits are grouped by
    relation, and hits on other subjects are collapsed without their diff."""
    from recueil.drafts import restore_elisions

    draft = (
        "En cas de detention les Etats parties doivent accorder une attention particuliere "
        "aux obligations qui leur incombent en vertu de la Convention de Vienne sur les "
        "relations consulaires et a lexploitation de letat dinformations"
    )
    repaired = corpus_store.run(restore_elisions, draft)
    assert "l'exploitation" in repaired and "l'etat" in repaired and "d'informations" in repaired
    assert "leur incombent" in repaired and "particuliere" in repaired  # words left alone
    page = _html(client.post("/precedents", {"text": draft, "limit": "10"}))
    refs = re.findall(r'<li class="hit precedent">\s*<h3><a href="/items/([^"]+)"', page)
    assert refs[0] == "A:I.22"
    groups = re.findall(r'<p class="relation-group" id="group-(\w+)"', page)
    assert groups[0] == "restates" and groups == sorted(
        groups, key=("restates", "revises", "related").index)
    collapsed = page.split('<details class="unrelated-hits">')
    assert len(collapsed) == 2 and '<p class="diff"' not in collapsed[1]


def test_recommendations_of_vii_and_xi_show_their_report_paragraph(client):
    """The 2020 and 2024 reports number their recommendations under one report paragraph
    (3 and 4): the item page and the API give it; items with their own number keep it."""
    vii = json.loads(client.get("/api/items/A:VII.1").content)
    assert vii["report_paragraph"] is None and vii["enclosing_paragraph"] == "3"
    assert json.loads(client.get("/api/items/A:XI.3").content)["enclosing_paragraph"] == "4"
    assert json.loads(client.get("/api/items/A:I.22").content)["enclosing_paragraph"] is None
    page = _html(client.get("/items/A:VII.1"))
    assert "par. 3 <span class=\"meta\">(les recommandations qu'il adopte)" in page
