"""Every page of the web app on the whole corpus, through Django's test client.

Expected values come from the store (queries and models), not from the pages themselves.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from tests.conftest import corpus_file


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode("utf-8")


def _db(store, fn):
    return store.run(fn)


def test_home_counts_every_part_and_links_the_latest_meeting(client, corpus_store):
    from recueil.store.models import Document, Item, Meeting, Theme

    def expected():
        adopted = Item.objects.filter(status="adopted")
        latest = Meeting.objects.filter(items__isnull=False, start_date__isnull=False).order_by(
            "-start_date"
        )[0]
        return (
            adopted.filter(part="A").count(),
            adopted.filter(part="B").count(),
            Theme.objects.count(),
            Document.objects.count(),
            f"{latest.part}:{latest.roman}",
        )

    part_a, part_b, themes, documents, latest = _db(corpus_store, expected)
    page = _text(client.get("/"))
    assert f"<strong>{part_a}</strong>" in page and f"<strong>{part_b}</strong>" in page
    assert f"<strong>{themes}</strong>" in page and f"<strong>{documents}</strong>" in page
    latest_section = page.split('id="latest"')[1].split("</section>")[0]
    assert f'href="/meetings/{latest}"' in latest_section
    assert latest == "A:XI"  # the 2024 report is the newest document of the corpus


def test_meetings_page_links_every_meeting_and_session_with_items(client, corpus_store):
    from recueil.store.models import Meeting

    keys = _db(
        corpus_store,
        lambda: [
            f"{m.part}:{m.roman}" for m in Meeting.objects.filter(items__isnull=False).distinct()
        ],
    )
    page = _text(client.get("/meetings/"))
    for key in keys:
        assert f'href="/meetings/{key}"' in page
    assert len(keys) == 14  # Working Group I–VII and XI, COP sessions I–VI


def test_meeting_vii_lists_every_adopted_item_under_its_cluster_heading(client, corpus_store):
    from recueil.store.models import Item

    rows = _db(
        corpus_store,
        lambda: list(
            Item.objects.filter(meeting__part="A", meeting__number=7, status="adopted")
            .order_by("sort_key")
            .values_list("ref", "section")
        ),
    )
    page = _text(client.get("/meetings/A:VII"))
    positions = [page.index(f'id="{ref}"') for ref, _ in rows]
    assert positions == sorted(positions)  # document order
    for section in {s for _, s in rows if s}:
        assert '<h2 id="cluster-' in page and html.escape(section) in page
    assert len(rows) >= 20


def test_unknown_or_malformed_meeting_is_404(client):
    assert client.get("/meetings/A:XL").status_code == 404
    assert client.get("/meetings/Z:1").status_code == 404
    assert client.get("/meetings/A:banana").status_code == 404


def test_item_page_shows_text_citation_source_themes_and_raw_text(client, corpus_store):
    from recueil.store import queries

    item = corpus_store.run(queries.get_item, "A:I.22")
    page = _text(client.get("/items/A:I.22"))
    assert (
        '<output id="citation" class="citation" lang="fr">'
        "CTOC/COP/WG.7/2012/6, par. 25 (Recueil A:I.22)</output>"
    ) in page
    assert html.escape(item["text"]) in page
    from django.urls import reverse

    for theme in item["themes"]:
        assert f'href="{html.escape(reverse("theme", args=[theme]))}"' in page
    raw = page.split('<details class="raw">')[1].split("</details>")[0]
    assert html.escape(item["raw_text"]) in raw
    assert 'data-copy-target="citation"' in page  # the copy button
    assert f'href="/documents/{item["source_file"]}"' in page


def test_item_page_links_previous_and_next_in_document_order(client, corpus_store):
    from recueil.store.models import Item

    refs = _db(
        corpus_store,
        lambda: list(
            Item.objects.filter(status="adopted").order_by("sort_key").values_list("ref", flat=True)
        ),
    )
    i = refs.index("A:I.22")
    page = _text(client.get("/items/A:I.22"))
    assert f'rel="prev" href="/items/{refs[i - 1]}"' in page
    assert f'rel="next" href="/items/{refs[i + 1]}"' in page
    first = _text(client.get(f"/items/{refs[0]}"))
    assert 'rel="prev"' not in first


def test_item_permalink_is_canonicalised_and_unknown_refs_are_404(client):
    response = client.get("/items/B:VI.al. 5")
    assert response.status_code == 302 and response["Location"] == "/items/B:VI.al.5"
    typed = client.get("/items/a:i.22")
    assert typed.status_code == 302 and typed["Location"] == "/items/A:I.22"
    assert client.get("/items/A:I.9999").status_code == 404
    assert client.get("/items/not-a-ref").status_code == 404


def test_draft_is_clearly_marked_and_linked_from_the_adopted_item(client, corpus_store):
    from recueil.store.models import Item

    draft_refs = _db(
        corpus_store,
        lambda: list(
            Item.objects.filter(status="draft", parent__isnull=True).values_list("ref", flat=True)
        ),
    )
    assert draft_refs
    ref = draft_refs[0]
    draft = _text(client.get(f"/items/{ref}?status=draft"))
    assert "Projet – non adopté." in draft and "is-draft" in draft
    assert "– projet)" in draft  # the citation says it is a draft
    adopted = _text(client.get(f"/items/{ref}"))
    assert f'href="/items/{ref}?status=draft"' in adopted
    assert "is-draft" not in adopted.split("<article")[1].split(">")[0]


def test_conflicting_reading_is_shown_beside_the_kept_text(writable_client, writable_store):
    from recueil.store import queries

    item = writable_store.run(queries.get_item, "A:VII.5")
    other = [s for s in item["sources"] if not s["agrees"]]
    assert len(other) == 1
    page = _text(writable_client.get("/items/A:VII.5"))
    box = page.split('class="conflicts"')[1].split("</section>")[0]
    assert html.escape(other[0]["text"]) in box
    assert "lecture divergente" in page
    assert html.escape(item["text"]) in page.split('class="item-body"')[1]


def test_thematic_index_lists_every_theme_with_counts_per_part(client, corpus_store):
    from recueil.store import queries

    themes = corpus_store.run(queries.list_themes)
    page = _text(client.get("/themes/"))
    rows = re.findall(
        r'<a href="/themes/([^"]+)" lang="fr">.*?</a></th><td class="num">(\d+)</td>'
        r'<td class="num">(\d+)</td>',
        page,
    )
    from urllib.parse import unquote

    shown = {unquote(html.unescape(label)): (int(a), int(b)) for label, a, b in rows}
    assert shown == {t["label"]: (t["part_a"], t["part_b"]) for t in themes}


def test_theme_page_lists_its_items_across_meetings(client, corpus_store):
    from recueil.store import queries

    items = corpus_store.run(queries.list_items, theme="Coopération internationale")
    page = _text(client.get("/themes/" + quote("Coopération internationale")))
    for item in items:
        assert f'href="/items/{item["ref"]}' in page
    meetings = {(i["part"], i["meeting"] or i["session"]) for i in items}
    assert len(meetings) > 3 and {p for p, _ in meetings} == {"A", "B"}
    assert client.get("/themes/" + quote("Pas un thème")).status_code == 404


def test_documents_page_lists_every_source_with_downloads(client, corpus_store):
    from recueil.store import queries

    docs = corpus_store.run(queries.list_documents)
    page = _text(client.get("/documents/"))
    for d in docs:
        assert f'href="/documents/{d["source_file"]}"' in page
        assert f'href="/documents/{d["source_file"]}/text"' in page


def test_document_downloads_give_the_stored_text_and_the_original_bytes(client, corpus_store):
    path = corpus_file("001")
    page = _text(client.get(f"/documents/{path.name}"))
    assert f'href="/documents/{path.name}/original"' in page
    text = client.get(f"/documents/{path.name}/text")
    assert text.status_code == 200 and "attachment" in text["Content-Disposition"]
    assert text.content.decode("utf-8") == path.read_text(encoding="utf-8")
    original = client.get(f"/documents/{path.name}/original")
    assert original.status_code == 200
    assert b"".join(original.streaming_content) == path.read_bytes()
    assert client.get("/documents/nothing.txt").status_code == 404


def test_search_page_finds_iii_21_with_highlighted_snippets_and_facets(client):
    page = _text(client.get("/search", {"q": "enfants non accompagnés"}))
    hits = re.findall(r'<h3><a href="/items/([^"?]+)', page)
    assert "A:III.21" in hits[:5]
    assert "<mark>" in page
    facets = re.findall(r'data-facet="(\w+)"', page)
    assert {"part", "meeting", "theme"} <= set(facets)


def test_search_theme_filter_keeps_only_items_of_that_theme(client, corpus_store):
    from recueil.store import queries

    theme = "Enfants (non accompagnés/séparés)"
    allowed = {i["ref"] for i in corpus_store.run(queries.list_items, theme=theme)}
    everything = _text(client.get("/search", {"q": "enfants"}))
    filtered = _text(client.get("/search", {"q": "enfants", "theme": theme}))
    all_hits = re.findall(r'<h3><a href="/items/([^"?]+)', everything)
    hits = re.findall(r'<h3><a href="/items/([^"?]+)', filtered)
    assert hits and set(hits) <= allowed
    assert len(hits) < len(all_hits)
    assert "Retirer le filtre" in filtered  # the active filter can be removed


def test_search_without_query_shows_the_form_only(client):
    page = _text(client.get("/search"))
    assert 'id="q"' in page and 'class="hits"' not in page


def test_publication_downloads_in_html_and_markdown(client):
    md = client.get("/publication/recueil.md")
    assert md.status_code == 200 and "attachment" in md["Content-Disposition"]
    body = b"".join(md.streaming_content).decode("utf-8")
    assert "Recueil et index thématique" in body and "I.22" in body
    page = client.get("/publication/recueil.html")
    assert b"<html" in b"".join(page.streaming_content)
    assert client.get("/publication/recueil.exe").status_code == 404


def test_pages_have_landmarks_skip_link_and_language_attributes(client):
    for url in ("/", "/meetings/", "/items/A:I.22", "/themes/", "/documents/", "/search?q=x"):
        page = _text(client.get(url))
        assert '<html lang="fr" dir="ltr">' in page
        assert '<a class="skip-link" href="#content">' in page
        assert '<main id="content"' in page and "<header" in page and "<footer" in page
        assert '<nav class="site-nav" aria-label=' in page


def test_search_results_are_paged_without_overlap(client):
    first = _text(client.get("/search", {"q": "migrants"}))
    second = _text(client.get("/search", {"q": "migrants", "page": "2"}))
    hits1 = re.findall(r'<h3><a href="/items/([^"?]+)', first)
    hits2 = re.findall(r'<h3><a href="/items/([^"?]+)', second)
    assert len(hits1) == 20 and hits2 and not set(hits1) & set(hits2)
    assert 'rel="next"' in first and 'rel="prev"' in second
