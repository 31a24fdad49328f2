"""UN documents of other kinds (issue 10): GA resolutions and UPR reports in English.

The eight real documents of ../shared/data/un-documents/ (see its SOURCES.md), each read
alone with no manifest and no option: kind, symbol, language and exact item counts, first
and last texts, subparagraph letters, the States of UPR recommendations; then stored:
citations by symbol, export fields, `show --lang`, the web item page; a draft resolution
made from an adopted one is stored as a draft beside it and linked to it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from recueil.ingest.errors import IngestError
from recueil.ingest.pipeline import load
from recueil.model import Ref

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "un-documents"
MOJIBAKE = ("Õ", "Ő", "Đ", "â€", "Ò", "Ó", "\ufffd")

# file prefix -> (kind, printed symbol, cited as, top-level kind counts)
EXPECTED = {
    "GA_A-RES-80-228": ("resolution", "A/RES/80/228", "A/RES/80/228", {"operative": 38}),
    "GA_A-RES-80-218": ("resolution", "A/RES/80/218", "A/RES/80/218", {"operative": 33}),
    "GA_A-RES-79-154": ("resolution", "A/RES/79/154", "A/RES/79/154", {"operative": 52}),
    "GA_A-RES-80-9": ("resolution", "A/RES/80/9", "A/RES/80/9", {"operative": 1, "annex": 31}),
    "UPR_A-HRC-12-7": ("upr_report", "A/HRC/12/7", "A/HRC/12/7", {"recommendation": 47}),
    "UPR_Senegal": ("upr_report", None, "UPR-Senegal-HRC11", {"recommendation": 40}),
    "UPR_Australia": ("upr_report", None, "UPR-Australia-HRC17", {"recommendation": 145}),
    "UPR_A-HRC-28-4": ("upr_report", "A/HRC/28/4", "A/HRC/28/4", {"recommendation": 186}),
}


def _file(prefix: str) -> Path:
    (path,) = DATA.glob(f"{prefix}_*.txt")
    return path


@pytest.fixture(scope="module")
def parsed():
    return {prefix: load(_file(prefix)).parsed for prefix in EXPECTED}


@pytest.mark.parametrize("prefix", list(EXPECTED))
def test_each_document_alone_gives_the_counts_of_sources_md(parsed, prefix):
    kind, symbol, cited, counts = EXPECTED[prefix]
    doc = parsed[prefix]
    assert doc.kind.value == kind
    assert doc.symbol == symbol
    assert doc.language == "en"
    assert dict(Counter(i.kind.value for i in doc.items if i.kind.value != "preambular")) == counts
    for item in doc.all_items():
        assert str(item.ref).startswith(cited + ":")
        assert item.language == "en"
        assert not any(bad in item.text for bad in MOJIBAKE), (item.ref, item.text)
        assert Ref.parse(str(item.ref)) == item.ref
    for item in doc.items:
        assert item.ref.sub is None  # top level: no subparagraph path


def _tops(doc, kind):
    return [i for i in doc.items if i.kind.value == kind]


def test_resolution_first_and_last_operative_paragraphs(parsed):
    ops = _tops(parsed["GA_A-RES-80-228"], "operative")
    assert str(ops[0].ref) == "A/RES/80/228:op.1"
    assert ops[0].text.startswith("Urges Member States that have not yet done so to consider")
    assert str(ops[-1].ref) == "A/RES/80/228:op.38"
    assert ops[-1].text.startswith("Requests the Secretary-General to submit a report")
    assert ops[-1].text.endswith("improve the coordination of efforts against trafficking in "
                                 "persons.")  # fmt: skip
    ops = _tops(parsed["GA_A-RES-80-218"], "operative")
    assert ops[-1].text == "Decides to remain seized of the matter."
    ops = _tops(parsed["GA_A-RES-79-154"], "operative")
    assert ops[0].text.startswith("Takes note with appreciation of the report of the Secretary")
    assert ops[-1].text.startswith("Requests the Secretary-General to submit to the General")


def test_resolution_preamble_footnotes_and_page_furniture_are_left_out(parsed):
    doc = parsed["GA_A-RES-80-228"]
    pre = _tops(doc, "preambular")
    assert str(pre[0].ref) == "A/RES/80/228:pp.1"
    assert pre[0].text.startswith("Reiterating its strong condemnation of trafficking")
    # pp.5 runs over a page break with a footnote block and a running header in between
    assert "Sustainable Development, and recalling also the targets" in pre[4].text
    assert "Goals on eliminating all forms of violence" in pre[4].text
    for item in doc.all_items():
        assert "25-20946" not in item.text and "/14" not in item.text
        assert "Resolution 70/1." not in item.text  # footnote body


def test_subparagraph_letters_and_an_annex_with_its_own_numbering(parsed):
    doc = parsed["GA_A-RES-80-218"]
    by_ref = {str(i.ref): i for i in doc.all_items()}
    assert [c.ref.path[-1] for c in by_ref["A/RES/80/218:op.4"].children] == list("abcde")
    # (i) after (h) is the letter i; the list goes on to (o)
    assert [c.ref.path[-1] for c in by_ref["A/RES/80/218:op.6"].children] == list("abcdefghijklmno")
    sub = by_ref["A/RES/80/218:op.4.a"]
    assert sub.ref.sub == "a" and sub.kind.value == "subparagraph"
    assert sub.text.startswith("Strongly condemns acts, manifestations and expressions")
    declaration = parsed["GA_A-RES-80-9"]
    (adopts,) = _tops(declaration, "operative")
    assert adopts.text.startswith("Adopts the 2025 Political Declaration")
    annex = _tops(declaration, "annex")
    assert [i.ref.path[1] for i in annex] == [str(n) for n in range(1, 32)]
    assert annex[0].text.startswith("We, the States Members of the United Nations, welcome")
    assert annex[-1].text.startswith("We acknowledge that the gaps between the Global Plan")
    assert [c.ref.path[-1] for c in annex[17].children] == list("abcdef")


def test_upr_recommendations_states_and_responses(parsed):
    italy = {str(i.ref): i for i in parsed["UPR_A-HRC-28-4"].items}
    assert italy["A/HRC/28/4:145.1"].recommending_states == ["Egypt"]
    assert italy["A/HRC/28/4:145.3"].recommending_states == [
        "Ghana", "Sierra Leone", "Uruguay", "Peru", "Iran (Islamic Republic of)",
    ]  # fmt: skip
    assert italy["A/HRC/28/4:145.186"].text == (
        "Raise the level of ODA to 0.7 per cent of GDP (Bangladesh)."
    )
    assert {i.response for i in italy.values()} == {"to be examined"}
    malta = parsed["UPR_A-HRC-12-7"].items
    assert malta[0].recommending_states == ["Brazil", "Algeria", "Burkina Faso", "Mexico"]
    assert malta[-1].text.endswith("tourism sector (Morocco).")
    assert {i.response for i in malta} == {None}  # responses pending: none printed
    senegal = parsed["UPR_Senegal"].items
    assert [i.response for i in senegal] == ["supported"] * 30 + ["to be examined"] * 10
    assert [str(i.ref) for i in senegal[29:31]] == ["UPR-Senegal-HRC11:97.30",
                                                     "UPR-Senegal-HRC11:98.1"]  # fmt: skip
    assert senegal[-1].recommending_states == ["France", "Slovenia", "Czech Republic"]
    australia = parsed["UPR_Australia"]
    assert [i.ref.path[1] for i in australia.items] == [str(n) for n in range(1, 146)]
    assert australia.items[74].text.startswith("Introduce a full prohibition of corporal")
    assert any("85.75" in w for w in australia.warnings)  # misprinted number, read in place


def test_a_gap_in_operative_numbering_refuses_the_file(tmp_path):
    text = _file("GA_A-RES-80-228").read_text(encoding="utf-8")
    assert "\n12. Invites Member States" in text
    broken = tmp_path / "gap.txt"
    broken.write_text(text.replace("\n12. Invites Member States", "\n13. Invites Member States"),
                      encoding="utf-8")  # fmt: skip
    with pytest.raises(IngestError, match="gap"):
        load(broken)


def test_unknown_kind_lists_the_kinds_and_what_was_looked_for(tmp_path):
    other = tmp_path / "letter.txt"
    other.write_text("Dear colleague,\n\n1. Thank you for your letter.\n", encoding="utf-8")
    with pytest.raises(IngestError) as exc:
        load(other)
    message = str(exc.value)
    for kind in ("resolution", "draft_resolution", "upr_report", "report", "compendium"):
        assert f"{kind}:" in message
    assert "Universal Periodic Review" in message


# --- stored ------------------------------------------------------------------------------


def _draft_of_79_154(tmp_path: Path) -> Path:
    """A Third Committee draft made from A/RES/79/154: draft cover, two paragraphs edited."""
    text = _file("GA_A-RES-79-154").read_text(encoding="utf-8")
    cover_end = text.index("The General Assembly,")
    cover = (
        "United Nations \nA/C.3/79/L.22\n \nGeneral Assembly \nDistr.: Limited\n"
        "1 November 2024 \n \nOriginal: English\n \nSeventy-ninth session \nThird Committee\n"
        "Agenda item 27 \nAdvancement of women \n \n \n"
        "Albania, Argentina, Philippines: draft resolution \n \n"
        "Trafficking in women and girls \n \n \n"
    )
    body = text[cover_end:].replace("A/RES/79/154", "A/C.3/79/L.22")
    assert "Takes note with appreciation of the report of the Secretary-General" in body
    body = body.replace(
        "Takes note with appreciation of the report of the Secretary-General",
        "Welcomes the report of the Secretary-General",
    )
    path = tmp_path / "draft_A-C.3-79-L.22.txt"
    path.write_text(cover + body, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def un_store(tmp_path_factory):
    from recueil.store import open_store
    from tests.conftest import ingest_into

    folder = tmp_path_factory.mktemp("un")
    store = open_store(folder / "un.sqlite3")
    ingest_into(store, [*sorted(_file(p) for p in EXPECTED), _draft_of_79_154(folder)])
    return store


def test_stored_counts_symbols_languages_and_citations(un_store):
    from recueil.store.models import Item

    def counts():
        rows = Item.objects.filter(parent__isnull=True, status="adopted").exclude(
            kind="preambular").values_list("document__source_file", "kind")  # fmt: skip
        return Counter((f.split("_")[0] + "_" + f.split("_")[1], k) for f, k in rows)

    got = un_store.run(counts)
    assert got[("GA_A-RES-80-228", "operative")] == 38
    assert got[("UPR_Australia", "recommendation")] == 145
    assert got[("GA_A-RES-80-9", "annex")] == 31
    item = un_store.run(lambda: Item.objects.get(ref="A/RES/80/218:op.6.i", status="adopted"))
    assert (item.part, item.number, item.sub, item.language) == ("S", "op.6", "i", "en")


def test_export_json_adds_language_kind_states_and_response(un_store):
    from recueil.store import queries

    rows = {r["ref"]: r for r in un_store.run(queries.list_items)}
    for field in queries.EXPORT_FIELDS:
        assert field in rows["A/HRC/28/4:145.3"]
    upr = rows["A/HRC/28/4:145.3"]
    assert upr["language"] == "en" and upr["document_kind"] == "upr_report"
    assert upr["recommending_states"][-1] == "Iran (Islamic Republic of)"
    assert upr["response"] == "to be examined"
    res = rows["A/RES/80/228:op.5"]
    assert (res["document_kind"], res["recommending_states"], res["response"]) == (
        "resolution", [], None,
    )  # fmt: skip
    assert json.dumps(rows["A/RES/80/9:annex.12"], ensure_ascii=False)


def test_draft_resolution_is_stored_as_draft_beside_the_adopted_text(un_store):
    from recueil.store import queries
    from recueil.store.models import Document, Item

    doc = un_store.run(lambda: Document.objects.get(symbol="A/C.3/79/L.22"))
    assert (doc.kind, doc.distribution) == ("draft_resolution", "limited")
    statuses = un_store.run(
        lambda: set(Item.objects.filter(document=doc).values_list("status", flat=True))
    )
    assert statuses == {"draft"}
    adopted = un_store.run(queries.get_item, "A/RES/79/154:op.1")
    assert adopted["text"].startswith("Takes note with appreciation")
    draft = un_store.run(queries.get_item, "A/C.3/79/L.22:op.1", status="draft")
    assert draft["text"].startswith("Welcomes the report of the Secretary-General")


def test_draft_and_adopted_resolution_are_linked_by_the_agreed_language_finder(un_store):
    from recueil import link

    fate = un_store.run(link.draft_fate, "A/C.3/79/L.22:op.1")
    (unit,) = fate["units"]
    assert unit["fate"] == "changed" and unit["match"]["ref"] == "A/RES/79/154:op.1"
    fate = un_store.run(link.draft_fate, "A/C.3/79/L.22:op.2")
    assert fate["units"][0]["fate"] == "survived"
    assert fate["units"][0]["match"]["ref"] == "A/RES/79/154:op.2"
    draft = un_store.run(queries_text, "A/C.3/79/L.22:op.1")
    ranked = un_store.run(link.precedent, draft, 3)
    assert ranked[0]["ref"] == "A/RES/79/154:op.1"


def queries_text(ref: str) -> str:
    from recueil.store.models import Item

    return Item.objects.get(ref=ref, status="draft").text


def test_same_paragraph_in_french_is_a_language_version_of_the_same_item(un_store, tmp_path):
    """A French edition of A/RES/80/218 (cover, opening and two paragraphs) adds French
    versions to the English items, not new items; `show --lang` and the page offer both."""
    from click.testing import CliRunner

    from recueil.cli import main
    from recueil.store.models import Item
    from tests.conftest import ingest_into

    french = tmp_path / "A_RES_80_218_fr.txt"
    french.write_text(
        "Nations Unies \nA/RES/80/218 \n \nAssemblée générale \nDistr. générale \n"
        "22 décembre 2025 \n \nQuatre-vingtième session \nPoint 71 b) de l'ordre du jour \n \n"
        "Résolution adoptée par l'Assemblée générale le 18 décembre 2025 \n \n"
        " 80/218. Protection des migrants \n \nL'Assemblée générale, \n \n"
        "Rappelant toutes ses résolutions antérieures sur la protection des migrants, ainsi "
        "que les résolutions du Conseil des droits de l'homme sur la question, \n \n"
        "1. Demande aux États de promouvoir et de protéger efficacement les droits humains "
        "et les libertés fondamentales de tous les migrants ; \n \n"
        "2. Décide de rester saisie de la question. \n",
        encoding="utf-8",
    )
    before = un_store.run(Item.objects.count)
    ingest_into(un_store, [french])
    assert un_store.run(Item.objects.count) == before
    item = un_store.run(lambda: Item.objects.get(ref="A/RES/80/218:op.1", status="adopted"))
    assert item.language == "en"
    runner = CliRunner()
    out = runner.invoke(main, ["show", "A/RES/80/218:op.1", "--lang", "fr", "--db",
                               un_store.url])  # fmt: skip
    assert out.exit_code == 0, out.output
    assert "Demande aux États de promouvoir" in out.output and "Language: fr" in out.output
    out = runner.invoke(main, ["show", "A/RES/80/218:op.1", "--db", un_store.url])
    assert "Calls upon States" in out.output and "(also: fr)" in out.output
    from django.test import Client
    from django.test.utils import override_settings

    with override_settings(RECUEIL_DB_ALIAS=un_store.alias):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        page = client.get("/items/A/RES/80/218:op.1").content.decode()
        assert 'href="/items/A/RES/80/218:op.1?lang=fr"' in page
        page = client.get("/items/A/RES/80/218:op.1?lang=fr").content.decode()
        assert "Demande aux États de promouvoir" in page and 'lang="fr"' in page


def test_item_page_by_symbol_ref_with_its_language_versions(un_store):
    from django.test import Client
    from django.test.utils import override_settings

    with override_settings(RECUEIL_DB_ALIAS=un_store.alias):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        page = client.get("/items/A/HRC/28/4:145.3")
        assert page.status_code == 200
        html = page.content.decode()
        assert "Iran (Islamic Republic of)" in html and 'lang="en"' in html
        page = client.get("/items/A/RES/80/218:op.6.i")
        assert page.status_code == 200
        assert re.search(r"A/RES/80/218:op\.6\.i", page.content.decode())
        assert client.get("/items/A/RES/80/218:op.99").status_code == 404
        api = client.get("/api/items/A/HRC/28/4:145.3")
        assert api.status_code == 200 and api.json()["response"] == "to be examined"
        assert client.get("/api/items/A:I.22").status_code == 404  # not in this store


def test_api_agreed_language_routes_take_symbol_refs(un_store):
    """related, links and draft-fate answer for items cited by symbol, as the CLI does."""
    from django.test import Client
    from django.test.utils import override_settings

    from recueil import link

    with override_settings(RECUEIL_DB_ALIAS=un_store.alias):
        client = Client()
        related = client.get("/api/items/A/RES/79/154:op.2/related", {"limit": 5})
        assert related.status_code == 200, related.content
        expected = un_store.run(link.related, "A/RES/79/154:op.2", 5)
        assert [r["ref"] for r in related.json()] == [r["ref"] for r in expected]
        assert client.get("/api/items/A/RES/79/154:op.2/links").status_code == 200
        fate = client.get("/api/items/A/C.3/79/L.22:op.2/draft-fate")
        assert fate.status_code == 200, fate.content
        assert fate.json()["units"][0]["match"]["ref"] == "A/RES/79/154:op.2"
        assert client.get("/api/items/A/RES/79/154:op.999/related").status_code == 404
        page = client.get("/search", {"q": "trafficking of women", "ui": "en"}).content.decode()
        assert "Texts of the collection: English" in page  # most documents first
        assert "Language of the texts: English" in page


def test_refs_of_any_meeting_number_and_symbol_refs_round_trip():
    assert Ref.parse("A:CD.1").meeting == 400
    assert Ref.parse("A:12.3") == Ref.parse("A:XII.3")
    assert str(Ref.parse("B:1000.al.2")) == "B:M.al.2"
    ref = Ref.parse("A/RES/80/228:op.5.b.ii")
    assert (ref.part.value, ref.symbol, ref.number, ref.sub) == (
        "S",
        "A/RES/80/228",
        "op.5",
        "b.ii",
    )
    assert str(ref.parent) == "A/RES/80/228:op.5.b" and ref.parent.parent.parent is None
    assert Ref.parse("E/CN.15/2024/L.3/Rev.1:pp.2").is_preambular
    with pytest.raises(ValueError):
        Ref.parse("A/RES/80/228:op")


def test_a_french_cop_resolution_as_its_own_document_reads_like_the_compendium(tmp_path):
    """Resolution 6/3 of the Conference, cut out of the bundled compendium (its "Al. N"
    markers, which the compendium adds, left out) and read alone: French, cited by a
    derived id the same in every language, every text equal to the compendium's B:VI."""
    from recueil.ingest.parsers.compendium import parse_compendium
    from tests.conftest import corpus_file

    text = corpus_file("004").read_text(encoding="utf-8")
    lines = text.split("\n")
    start = lines.index("Résolution 6/3")
    end = next(i for i, line in enumerate(lines) if i > start and line.startswith("**Index"))
    alone = tmp_path / "resolution_6_3.txt"
    alone.write_text("\n".join(x for x in lines[start:end] if not x.startswith("Al. ")),
                     encoding="utf-8")  # fmt: skip
    doc = load(alone).parsed
    assert (doc.kind.value, doc.symbol, doc.language) == ("resolution", None, "fr")
    got = {str(i.ref): i.text for i in doc.all_items()}
    assert set(got) >= {"COP-Resolution-6/3:pp.1", "COP-Resolution-6/3:op.22"}
    assert {i.instrument for i in doc.all_items()} == {"Résolution 6/3"}
    compendium = parse_compendium(text, "compendium.txt")
    want = {}
    for item in compendium.all_items():
        if str(item.ref).startswith("B:VI."):
            path = item.ref.path
            path = ("pp", *path[1:]) if path[0] == "al" else ("op", *path)
            want["COP-Resolution-6/3:" + ".".join(path)] = item.text
    assert got == want
