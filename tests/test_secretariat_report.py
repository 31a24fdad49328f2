"""The Secretariat report to the tenth session (corpus/002): metadata and its 75 numbered
paragraphs, no items. Expectations read from the file (1-based line numbers quoted).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from recueil.ingest.errors import IngestError
from recueil.ingest.normalize import FOOTNOTE_MARKS
from recueil.ingest.parsers.secretariat_report import parse_secretariat_report
from recueil.model import Distribution, DocumentKind

(PATH,) = (Path(__file__).resolve().parent.parent / "corpus").glob("002_*")
TEXT = PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def report():
    return parse_secretariat_report(TEXT, str(PATH))


def by_number(report) -> dict:
    return {p.number: p for p in report.paragraphs}


def test_secretariat_report_metadata_as_printed(report):
    assert report.kind == DocumentKind.SECRETARIAT_REPORT
    assert report.session == 10  # "Dixième session"
    assert report.meeting is None
    assert report.venue == "Vienne"
    assert (report.start_date, report.end_date) == (date(2020, 10, 12), date(2020, 10, 16))
    assert report.distribution == Distribution.GENERAL
    assert report.issued == date(2020, 7, 16)
    assert report.original_language == "anglais"
    assert report.body.startswith("Conférence des Parties à la Convention des Nations Unies")
    assert report.title.startswith(
        "Activités menées par l'Office des Nations Unies contre la drogue et le crime pour "
        "promouvoir et appuyer l'application du Protocole contre le trafic illicite de migrants"
    )
    assert report.symbol is None  # not printed
    assert report.warnings == []


def test_secretariat_report_makes_no_recommendations_though_it_mentions_them(report):
    assert "recommandations" in TEXT  # e.g. paragraph 8, line 59
    assert report.items == []
    assert list(report.all_items()) == []


def test_paragraphs_run_from_1_to_75_without_gaps(report):
    assert [int(p.number) for p in report.paragraphs] == list(range(1, 76))
    assert report.paragraphs[-1].line == 229


def test_numbered_subheadings_are_headings_not_paragraphs(report):
    paragraphs = by_number(report)
    # "2. Participation aux mécanismes …" (line 95) sits between paragraphs 20 and 21
    assert paragraphs["21"].section == (
        "2. Participation aux mécanismes de coordination et de coopération interinstitutions "
        "et régionaux"
    )
    assert paragraphs["21"].line == 97
    assert not any(p.text.startswith("Participation aux mécanismes") for p in report.paragraphs)


def test_paragraphs_carry_the_heading_they_fall_under(report):
    paragraphs = by_number(report)
    assert paragraphs["1"].section == "I. Introduction"
    assert paragraphs["6"].section == (
        "II. Activités destinées à aider les États à appliquer le Protocole relatif au trafic "
        "illicite de migrants"
    )
    assert paragraphs["7"].section.startswith("A. Élaboration de normes et de politiques")
    assert paragraphs["8"].section.startswith("Conférence des Parties à la Convention")
    assert paragraphs["14"].section == "Assemblée générale"
    assert paragraphs["19"].section == "Conseil de sécurité"
    assert paragraphs["40"].section == (
        "B. Promouvoir et appuyer l'application du Protocole relatif au trafic illicite de "
        "migrants par la coopération technique"
    )
    assert paragraphs["43"].section == "1. Assistance législative et élaboration de stratégies"
    assert paragraphs["69"].section == "III. Conclusions"


def test_footnotes_are_left_out_of_paragraph_text(report):
    texts = " ".join(p.text for p in report.paragraphs)
    assert "Toute mention du Kosovo" not in texts  # footnote 1, line 47
    assert "How COVID-19 restrictions" not in texts  # footnote 2, line 49
    assert "CTOC/COP/2020/1" not in texts  # the "*" footnote, line 35
    assert not re.search(f"[{FOOTNOTE_MARKS}]", texts)
    assert by_number(report)["5"].text.endswith("à destination de pays plus riches.")


def test_paragraphs_split_by_a_page_break_are_joined(report):
    paragraphs = by_number(report)
    # paragraph 4 continues at line 39, after the footnote
    assert "au titre de l'Action mondiale pour prévenir et combattre" in paragraphs["4"].text
    assert paragraphs["4"].raw_text.startswith("4. Au cours de la période 2018-2020")
    assert "à poursuivre ceux qui s'y livraient" in paragraphs["16"].text  # line 83
    assert "pénal destinée à la collecte de renseignements" in paragraphs["31"].text  # line 119
    assert paragraphs["57"].text.endswith("de l'OIM, de l'ONUDC et d'Uber.")  # line 183
    assert "importants. Elles sont complétées" in paragraphs["62"].text  # line 197
    assert all(not p.text[0].isdigit() for p in report.paragraphs)  # "N." label removed


def test_text_without_numbered_paragraphs_is_refused():
    cover_only = "\n".join(TEXT.split("\n")[:27])
    with pytest.raises(IngestError, match="no numbered paragraphs"):
        parse_secretariat_report(cover_only, "cover.txt")
