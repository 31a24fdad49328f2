"""Working Group reports read into recommendations and paragraphs, on the real files:
the 2024 report (Markdown), the 2019 draft addendum (Markdown) and the 2020 report (OCR).

Expectations come from reading corpus/000, 001 and 003 (1-based line numbers quoted), not
from the parser's output.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from wordfreq import zipf_frequency

from recueil.ingest.errors import IngestError
from recueil.ingest.ocr import repair
from recueil.ingest.parsers.wg_report import is_ocr_text, parse_wg_report, read_body
from recueil.model import Distribution, DocumentKind, ItemKind, Part, Ref, Status

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
WORKING_GROUP = "Groupe de travail sur le trafic illicite de migrants"


def source(prefix: str) -> tuple[str, str]:
    (path,) = CORPUS.glob(f"{prefix}_*")
    return path.read_text(encoding="utf-8"), str(path)


@pytest.fixture(scope="module")
def r2024():
    text, path = source("001")
    return parse_wg_report(text, path, meeting=11)


@pytest.fixture(scope="module")
def r2019():
    text, path = source("003")
    return parse_wg_report(text, path, meeting=6)


@pytest.fixture(scope="module")
def r2020():
    text, path = source("000")
    return parse_wg_report(text, path, meeting=7)


def numbers(doc) -> list[int]:
    return [int(p.number) for p in doc.paragraphs]


# --- 2024 report (meeting XI), Markdown --------------------------------------------------------


def test_2024_report_has_thirteen_recommendations_cited_by_number(r2024):
    assert r2024.kind == DocumentKind.REPORT
    assert [str(i.ref) for i in r2024.items] == [f"A:XI.{n}" for n in range(1, 14)]
    for n, item in enumerate(r2024.items, 1):
        assert item.ref == Ref(Part.A, 11, (str(n),))
        assert item.kind == ItemKind.RECOMMENDATION
        assert item.status == Status.ADOPTED
        assert item.recommendation_number == str(n)
        assert item.report_paragraph is None
        assert item.symbol is None  # the report prints no symbol and none was given


def test_2024_recommendation_13_keeps_its_chapeau_and_has_subparagraphs_a_to_c(r2024):
    rec13 = r2024.items[12]
    assert rec13.text == (
        "Dans le cadre du Mécanisme d'examen, les États parties sont vivement encouragés à :"
    )
    assert [c.ref.path for c in rec13.children] == [("13", "a"), ("13", "b"), ("13", "c")]
    assert all(c.kind == ItemKind.SUBPARAGRAPH for c in rec13.children)
    a, b, c = rec13.children
    assert a.text.startswith("Désigner un point de contact disposant des connaissances")
    assert b.text == (
        "Assurer une participation constante de leurs institutions au processus d'examen ;"
    )
    assert c.text.endswith("ainsi que des guides législatifs élaborés par l'Office.")
    assert (a.line, b.line, c.line) == (84, 85, 86)
    assert c.raw_text.startswith("- c) Tirer pleinement parti")
    # no other recommendation of the report has lettered subparagraphs
    assert [i.ref.number for i in r2024.items if i.children] == ["13"]


def test_2024_recommendations_fall_under_their_cluster_headings(r2024):
    letters = {i.ref.number: i.section[:2] for i in r2024.items}
    assert letters == {
        **{str(n): "A." for n in range(1, 7)},
        **{str(n): "B." for n in range(7, 12)},
        "12": "C.",
        "13": "C.",
    }
    # line 52, markup removed
    assert r2024.items[6].section == (
        "B. Recommandations sur les mesures de protection et d'assistance destinées aux "
        "personnes migrantes faisant l'objet d'un trafic illicite"
    )
    assert all(c.section == r2024.items[12].section for c in r2024.items[12].children)


def test_2024_items_keep_raw_markdown_and_have_clean_text(r2024):
    first = r2024.items[0]
    assert first.line == 28
    assert first.raw_text.startswith("*Recommandation 1*\n")
    assert r2024.items[6].raw_text.startswith("### *Recommandation 7*")  # line 54
    assert first.text.startswith("Les États parties sont encouragés à améliorer leur action")
    assert first.text.endswith("globales, durables et respectueuses des droits humains.")
    for item in r2024.all_items():
        assert not re.search(r"[*#]|<sup>|Recommandation \d", item.text), item.ref
    assert r2024.items[10].text.endswith("quel que soit leur statut migratoire.")  # line 72


def test_2024_report_metadata_as_printed(r2024):
    assert r2024.meeting == 11
    assert r2024.symbol is None
    assert r2024.body == WORKING_GROUP
    assert r2024.venue == "Vienne"
    assert (r2024.start_date, r2024.end_date) == (date(2024, 7, 11), date(2024, 7, 12))
    assert r2024.issued == date(2024, 7, 26)
    assert r2024.distribution == Distribution.GENERAL
    assert r2024.original_language == "anglais"
    assert r2024.title.startswith("Rapport de la réunion du Groupe de travail")
    (meeting,) = r2024.meetings
    assert (meeting.part, meeting.number, meeting.title) == (Part.A, 11, "Onzième réunion")
    assert meeting.date_text == "les 11 et 12 juillet 2024"


def test_2024_paragraphs_are_numbered_1_to_54_under_their_headings(r2024):
    assert numbers(r2024) == list(range(1, 55))
    by_number = {p.number: p for p in r2024.paragraphs}
    assert {by_number[n].section for n in "123"} == {"I. Introduction"}
    assert by_number["4"].section == "II. Recommandations"
    assert by_number["5"].section == "III. Résumé des délibérations"
    assert by_number["14"].section.startswith("B. Mesures de protection et d'assistance")
    assert by_number["54"].section == "V. Adoption du rapport"
    # paragraph 4 stops before the recommendations it introduces
    assert by_number["4"].text.endswith("a adopté les recommandations présentées ci-après.")
    # the agenda list inside paragraph 41 (lines 204-211) is not read as paragraphs 1-6
    assert by_number["41"].text.endswith("5. Questions diverses. 6. Adoption du rapport.")
    # a paragraph split by a page break is joined (lines 96-98)
    assert "centrée sur des partenariats axés sur la migration" in by_number["7"].text


def test_meeting_number_printed_in_the_2024_report_is_used_without_a_manifest():
    text, path = source("001")
    assert parse_wg_report(text, path).meeting == 11  # "La onzième réunion …", line 174


def test_contradicting_meeting_number_is_refused():
    text, path = source("001")
    with pytest.raises(IngestError, match="onzième"):
        parse_wg_report(text, path, meeting=10)


def test_given_symbol_fills_the_gap_on_document_and_items():
    text, path = source("001")
    doc = parse_wg_report(text, path, meeting=11, symbol="TEST/SYMBOL/1")
    assert doc.symbol == "TEST/SYMBOL/1"
    assert {i.symbol for i in doc.all_items()} == {"TEST/SYMBOL/1"}


def test_recommendation_heading_without_text_is_refused():
    text, path = source("001")
    lines = text.split("\n")
    cut = "\n".join(lines[:29])  # ends right after "*Recommandation 1*" (line 28)
    with pytest.raises(IngestError, match="Recommandation 1 has no text") as err:
        parse_wg_report(cut, path, meeting=11)
    assert err.value.line == 28


# --- 2019 draft addendum (meeting VI), Markdown --------------------------------------------


def test_2019_draft_addendum_yields_one_draft_recommendation_22(r2019):
    assert r2019.kind == DocumentKind.DRAFT_ADDENDUM
    assert r2019.distribution == Distribution.LIMITED
    (rec,) = r2019.items
    assert rec.ref == Ref(Part.A, 6, ("22",))
    assert rec.status == Status.DRAFT
    assert rec.section == "A. Recommandations générales"
    assert rec.line == 24
    assert rec.symbol is None


def test_2019_inline_subparagraphs_a_to_m_become_draft_children(r2019):
    (rec,) = r2019.items
    assert rec.text == (
        "Le Groupe de travail devrait traiter les questions suivantes à titre prioritaire lors "
        "de ses prochaines réunions :"
    )
    assert [c.ref.sub for c in rec.children] == list("abcdefghijklm")
    assert {c.status for c in rec.children} == {Status.DRAFT}
    assert rec.children[0].text == (
        "analyse de l'influence que peut avoir l'accès aux voies légales de la migration sur "
        "la réduction de la demande pour le trafic illicite de migrants ;"
    )
    assert rec.children[-1].text.endswith("fiables et utiles dans les poursuites pénales.")
    # the raw slices put back together give line 26 exactly
    text, _ = source("003")
    line26 = text.split("\n")[25]
    chapeau = rec.raw_text.split("\n")[-1]
    assert " ".join([chapeau, *(c.raw_text for c in rec.children)]) == line26


def test_2019_draft_metadata_and_paragraphs(r2019):
    assert r2019.meeting == 6
    assert r2019.venue == "Vienne"
    assert (r2019.start_date, r2019.end_date) == (date(2019, 9, 11), date(2019, 9, 13))
    assert r2019.issued == date(2019, 9, 12)
    assert r2019.body == WORKING_GROUP
    assert r2019.meetings[0].report_symbol is None  # a draft is not the meeting's report
    assert numbers(r2019) == [1, 2, 3, 4, 5]
    assert r2019.paragraphs[0].section == "III. Résumé des délibérations (suite)"
    assert r2019.paragraphs[2].section == "B. Déclarations (suite)"
    assert r2019.paragraphs[-1].text == "L'observateur du Maroc a également fait une déclaration."


def test_2019_draft_needs_the_meeting_number_it_does_not_print():
    text, path = source("003")
    with pytest.raises(IngestError, match="meeting number is needed") as err:
        parse_wg_report(text, path)
    assert err.value.line == 24


# --- 2020 report (meeting VII), OCR -----------------------------------------------------------

# The last words of each recommendation, read in corpus/000 (lines 46 … 232) and written
# in correct French.
ENDINGS_2020 = {
    1: "de s’occuper de leur statut migratoire.",
    2: "notamment le partage de ces données et statistiques.",
    3: "pour renforcer l’échange d’informations et la coordination.",
    4: "à la violence fondée sur le genre et à la traite.",
    5: "répondre aux besoins des personnes migrantes objet de ce trafic.",
    6: "et des mesures de protection sociale.",
    7: "dans le respect des formes régulières.",
    8: "également accessibles aux États concernés.",
    9: "des médias sociaux par les groupes criminels organisés.",
    10: "l’intensification de la coopération nationale et transfrontière.",
    11: "de la vie privée et des procédures.",
    12: "conformément au droit international et national.",
    13: "le long des itinéraires de trafic de personnes migrantes.",
    14: "une formation au personnel de contrôle des frontières concerné.",
    15: "avec des outils qui existent déjà.",
    16: "pour prévenir et combattre le trafic illicite de personnes migrantes.",
    17: "au respect de la vie privée et des droits humains.",
    18: "l’innovation et l’utilisation de la technologie pour lutter contre le trafic illicite "
    "de personnes migrantes.",
    19: "des formulaires de signalement anonyme en ligne.",
    20: "les problèmes liés à la migration clandestine.",
    21: "impliqués dans des infractions connexes.",
    22: "en particulier dans le cyberespace.",
}


def test_2020_text_is_recognised_as_ocr_and_the_markdown_reports_are_not():
    assert is_ocr_text(source("000")[0])
    assert not is_ocr_text(source("001")[0])
    assert not is_ocr_text(source("003")[0])


def test_2020_report_has_twenty_two_recommendations_with_its_symbol(r2020):
    assert r2020.kind == DocumentKind.REPORT
    assert [str(i.ref) for i in r2020.items] == [f"A:VII.{n}" for n in range(1, 23)]
    assert r2020.symbol == "CTOC/COP/WG.7/2020/4"  # running header, line 157
    assert {i.symbol for i in r2020.items} == {"CTOC/COP/WG.7/2020/4"}
    assert all(not i.children for i in r2020.items)
    assert all(i.status == Status.ADOPTED for i in r2020.items)


def test_2020_recommendations_fall_under_clusters_a_and_b(r2020):
    sections = [i.section for i in r2020.items]
    assert set(sections[:7]) == {
        "A. Recommandations relatives aux répercussions des catastrophes naturelles, des "
        "conflits et des crises, comme la pandémie de COVID-19, sur les modes opératoires des "
        "groupes criminels organisés et sur les itinéraires du trafic illicite de migrants, et "
        "aux bonnes pratiques pour soutenir, dans de telles situations de crise, la coopération "
        "efficace des services chargés de la détection, des enquêtes et des poursuites dans "
        "ces domaines"
    }
    assert set(sections[7:]) == {
        "B. Recommandations relatives aux stratégies gagnantes concernant l’utilisation de la "
        "technologie, notamment des technologies de l’information et des communications, pour "
        "prévenir le trafic illicite de migrants, mener des enquêtes à ce sujet et adopter des "
        "mesures énergiques face à l’utilisation croissante du cyberespace par des groupes "
        "criminels"
    }


@pytest.mark.parametrize("n", sorted(ENDINGS_2020))
def test_2020_recommendation_ends_with_its_last_words(r2020, n):
    assert r2020.items[n - 1].text.endswith(ENDINGS_2020[n])


def test_2020_recommendations_read_as_clean_french(r2020):
    for item in r2020.items:
        t = item.text
        assert not re.search(r"[¢™€]", t), item.ref
        assert not re.search(r"(?<![\w’'])[1I]’", t), item.ref  # I’/1’ misread for l’
        assert not re.search(r"\bEtats?\b", t), item.ref
        assert not re.search(r"CTOC/|\d+/10\b|V\.20-", t), item.ref  # page headers/footers
        assert t[0].isupper() and t.endswith("."), item.ref
        # no broken word ("ex ploitation", "Enapplication"): every word is French
        for word in re.findall(r"[^\W\d_]+", t):
            assert zipf_frequency(word.lower(), "fr") > 0, (item.ref, word)
    assert r2020.items[0].text.startswith("Les États parties sont encouragés à prendre")
    assert r2020.items[13].text.startswith("Conformément au Protocole relatif au trafic")


def test_2020_raw_text_is_the_same_line_range_of_the_ocr_source(r2020):
    text, _ = source("000")
    lines = text.split("\n")
    for item in r2020.items:
        n = item.raw_text.count("\n") + 1
        assert item.raw_text == "\n".join(lines[item.line - 1 : item.line - 1 + n])
    rec1 = r2020.items[0]
    assert rec1.line == 40
    assert "Les Etats parties sont encouragés a prendre" in rec1.raw_text  # OCR kept raw
    # recommendation 13 stops before the page footer/header (lines 153-159)
    assert r2020.items[12].raw_text.endswith("itinéraires de trafic de personnes migrantes.")
    assert r2020.items[13].raw_text.startswith("Recommandation 14")


def test_2020_report_metadata_as_printed(r2020):
    assert r2020.meeting == 7
    assert r2020.venue == "Vienne"
    assert (r2020.start_date, r2020.end_date) == (date(2020, 9, 8), date(2020, 9, 9))
    assert r2020.meetings[0].date_text == "les 8 et 9 septembre 2020"
    assert r2020.meetings[0].report_symbol == "CTOC/COP/WG.7/2020/4"
    assert r2020.body == WORKING_GROUP
    # the OCR text has no cover page: nothing of it is invented
    assert r2020.issued is None
    assert r2020.distribution is None
    assert r2020.original_language is None


def test_2020_meeting_number_is_read_from_paragraph_18():
    text, path = source("000")
    assert parse_wg_report(text, path).meeting == 7  # "La septiéme réunion …", line 443


def test_2020_paragraphs_are_numbered_1_to_34_under_their_headings(r2020):
    assert numbers(r2020) == list(range(1, 35))
    by_number = {p.number: p for p in r2020.paragraphs}
    assert by_number["3"].section == "II. Recommandations"
    assert by_number["4"].section == "III. Résumé des délibérations par la présidence"
    assert by_number["26"].section == "C. Adoption de l’ordre du jour et organisation des travaux"
    assert by_number["20"].section == "Déclarations"
    # the stray "IV." printed inside paragraph 16 (line 402) is not part of its text …
    p16 = by_number["16"].text
    assert "IV." not in p16
    assert "ces problèmes s’étaient multipliés ces dernières années" in p16
    # … it is the label of the heading "Organisation de la réunion" (line 439)
    text, _ = source("000")
    symbol = "CTOC/COP/WG.7/2020/4"
    repaired = repair(text, furniture=[symbol]).text.split("\n")
    headings = [h for _, h in read_body(repaired, 0, symbols=[symbol]).headings]
    assert "IV. Organisation de la réunion" in headings
    # a symbol broken over two lines is joined again (lines 541-542)
    assert by_number["32"].text.endswith("sous la cote CTOC/COP/WG.7/2020/INF/1/Rev.1.")
    # the agenda list in paragraph 26 is not read as paragraphs
    assert by_number["26"].text.endswith("4. Questions diverses. 5. Adoption du rapport.")
