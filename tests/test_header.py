"""The cover-block reader on the real reports: what each one prints, and nothing more.

Expected values are read from the files themselves (1-based line numbers quoted).
"""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest

from recueil.ingest.parsers.header import (
    find_venue_and_dates,
    ordinal_number,
    parse_date_span,
    parse_french_date,
    plain_line,
    read_header,
)
from recueil.model import Distribution

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def lines_of(prefix: str) -> list[str]:
    (path,) = CORPUS.glob(f"{prefix}_*")
    return path.read_text(encoding="utf-8").split("\n")


CONFERENCE = (
    "Conférence des Parties à la Convention des Nations Unies contre la criminalité "
    "transnationale organisée"
)
WORKING_GROUP = "Groupe de travail sur le trafic illicite de migrants"


def test_secretariat_report_cover_gives_session_venue_dates_and_titles():
    h = read_header(lines_of("002"))
    assert h.distribution == Distribution.GENERAL  # line 7
    assert h.issued == date(2020, 7, 16)  # line 8
    assert h.language == "Français"
    assert h.original_language == "anglais"
    assert h.conference == CONFERENCE  # line 5
    assert h.working_group is None
    assert h.body == CONFERENCE
    assert h.session == 10  # "Dixième session", line 12
    assert h.meeting is None
    assert (h.venue, h.date_text) == ("Vienne", "12-16 octobre 2020")  # line 14
    assert (h.start_date, h.end_date) == (date(2020, 10, 12), date(2020, 10, 16))
    assert h.agenda_item == "Point 2 c) de l'ordre du jour provisoire"  # footnote call dropped
    # lines 18-22: one bold title wrapped over five lines
    assert h.agenda_title == (
        "Examen de l'application de la Convention des Nations Unies contre la criminalité "
        "transnationale organisée et des Protocoles s'y rapportant : Protocole contre le "
        "trafic illicite de migrants par terre, air et mer"
    )
    assert h.title.startswith("Activités menées par l'Office des Nations Unies contre la drogue")
    assert h.title.endswith("additionnel à la Convention des Nations Unies contre la "
                            "criminalité transnationale organisée")  # fmt: skip
    assert h.subtitle == "Rapport du Secrétariat"
    assert h.symbol is None  # no symbol printed; "CTOC/COP/2020/1" is the agenda's footnote
    assert lines_of("002")[h.end].strip() == "I. Introduction"


def test_2024_report_cover_reads_body_and_meeting_dates_from_its_title():
    h = read_header(lines_of("001"))
    assert h.distribution == Distribution.GENERAL
    assert h.issued == date(2024, 7, 26)
    assert (h.language, h.original_language) == ("Français", "anglais")
    assert h.conference == CONFERENCE
    assert h.title == (
        "Rapport de la réunion du Groupe de travail sur le trafic illicite de migrants tenue "
        "à Vienne les 11 et 12 juillet 2024"
    )
    assert h.working_group == WORKING_GROUP
    assert h.body == WORKING_GROUP
    assert (h.venue, h.date_text) == ("Vienne", "les 11 et 12 juillet 2024")
    assert (h.start_date, h.end_date) == (date(2024, 7, 11), date(2024, 7, 12))
    assert h.session is None and h.meeting is None
    assert h.symbol is None  # the 2024 report prints no symbol
    assert not h.is_draft


def test_draft_addendum_cover_is_limited_distribution_and_a_draft():
    h = read_header(lines_of("003"))
    assert h.distribution == Distribution.LIMITED
    assert h.issued == date(2019, 9, 12)
    assert h.working_group == WORKING_GROUP  # line 12
    assert (h.venue, h.date_text) == ("Vienne", "11-13 septembre 2019")  # line 14
    assert (h.start_date, h.end_date) == (date(2019, 9, 11), date(2019, 9, 13))
    assert (h.title, h.subtitle) == ("Projet de rapport", "Additif")
    assert h.is_draft
    assert h.symbol is None


def test_ocr_report_without_cover_only_yields_its_running_header_symbol():
    lines = lines_of("000")
    h = read_header(lines)
    assert h.end == 0  # the text starts at "I. Introduction"
    assert h.symbol == "CTOC/COP/WG.7/2020/4"  # line 157, alone, as a page header
    printed = {k: v for k, v in asdict(h).items() if v is not None}
    assert printed == {"end": 0, "symbol": "CTOC/COP/WG.7/2020/4"}


@pytest.mark.parametrize("prefix", ["001", "002", "003"])
def test_markdown_marks_around_cover_lines_change_nothing(prefix):
    lines = lines_of(prefix)
    plain = read_header(lines)
    end = plain.end
    for wrap in (lambda s: f"## {s}", lambda s: f"**{s}**", lambda s: f"### *{s}*"):
        marked = [wrap(plain_line(s)) if s.strip() and i < end else s for i, s in enumerate(lines)]
        again = read_header(marked)
        for field in ("distribution", "issued", "language", "original_language", "conference",
                      "working_group", "session", "venue", "start_date", "end_date",
                      "agenda_item", "symbol"):  # fmt: skip
            assert getattr(again, field) == getattr(plain, field), field


def test_symbol_is_never_guessed_when_no_line_prints_it_alone():
    # the first page of the 2020 report mentions no symbol on a line of its own
    h = read_header(lines_of("000")[:150])
    assert h.symbol is None
    # a symbol inside a sentence is not the document's symbol (001 paragraph 49)
    assert read_header(lines_of("001")[220:230]).symbol is None


def test_french_dates_and_spans_as_the_reports_print_them():
    assert parse_french_date("26 juillet 2024") == date(2024, 7, 26)
    assert parse_french_date("le 1er juin 2012") == date(2012, 6, 1)
    assert parse_french_date("juillet 2024") is None
    # spans printed in 001 paragraph 1 and the compendium's meeting headings
    assert parse_date_span("du 30 mai au 1er juin 2012") == (date(2012, 5, 30), date(2012, 6, 1))
    assert parse_date_span("les 4 et 5 juillet 2018") == (date(2018, 7, 4), date(2018, 7, 5))
    assert parse_date_span("du 11 au 13 novembre 2013") == (
        date(2013, 11, 11),
        date(2013, 11, 13),
    )
    assert parse_date_span("Vienne") == (None, None)


def test_venue_and_dates_found_in_the_2020_report_sentence():
    # 000 line 24, as repaired ("tenue a Vienne" keeps working before the accent is fixed)
    line = " ".join(lines_of("000")[23:25])
    assert find_venue_and_dates(line) == ("Vienne", "les 8 et 9 septembre 2020")
    # "se sont tenues du 30 mai …" (plural, earlier meetings) is not this meeting's date
    assert find_venue_and_dates(lines_of("001")[15].split(". Les précédentes")[1]) is None


def test_ordinals_are_read_with_or_without_ocr_accents():
    assert ordinal_number("Dixième") == 10
    assert ordinal_number("onzième") == 11
    # 000 line 443 prints "septiéme"
    assert re.search(r"La (\w+) réunion", lines_of("000")[442])[1] == "septiéme"
    assert ordinal_number("septiéme") == 7
    assert ordinal_number("Vienne") is None


# --- English (the UN English forms of the same cover lines) ---------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12–16 October 2020", (date(2020, 10, 12), date(2020, 10, 16))),
        ("on 11 and 12 July 2024", (date(2024, 7, 11), date(2024, 7, 12))),
        ("from 30 May to 1 June 2012", (date(2012, 5, 30), date(2012, 6, 1))),
        ("8 September 2020", (date(2020, 9, 8), date(2020, 9, 8))),
    ],
)
def test_english_dates(text, expected):
    assert parse_date_span(text) == expected


def test_english_ordinals_and_cover_lines():
    assert ordinal_number("Twelfth") == 12 and ordinal_number("seventh") == 7
    assert ordinal_number("douzième") == 12
    header = read_header([
        "Conference of the Parties to the United Nations Convention against Transnational "
        "Organized Crime", "", "Distr.: General", "26 July 2024", "", "English",
        "Original: English", "", "Working Group on the Smuggling of Migrants",
        "Twelfth meeting", "Vienna, 9 and 10 July 2025", "",
        "Item 2 (c) of the provisional agenda*", "", "Protection measures", "",
        "I. Introduction",
    ])  # fmt: skip
    assert header.distribution == Distribution.GENERAL and header.issued == date(2024, 7, 26)
    assert (header.language, header.original_language) == ("English", "English")
    assert header.conference.startswith("Conference of the Parties")
    assert header.working_group == "Working Group on the Smuggling of Migrants"
    assert header.meeting == 12 and header.venue == "Vienna"
    assert (header.start_date, header.end_date) == (date(2025, 7, 9), date(2025, 7, 10))
    assert header.agenda_item == "Item 2 (c) of the provisional agenda"
    assert header.agenda_title == "Protection measures"
    assert find_venue_and_dates("Report on the meeting of the Working Group on the Smuggling "
                                "of Migrants held in Vienna on 11 and 12 July 2024") == (
        "Vienna", "on 11 and 12 July 2024")  # fmt: skip
