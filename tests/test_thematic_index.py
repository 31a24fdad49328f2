"""The compendium's thematic index read into themes, printed rows and (theme, ref) pairs.

Grammar tests use literal strings; corpus tests use the real 2021 compendium and compare
with what a reader sees in lines 759–1141 of the file (expectations written from reading it).
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

from recueil.ingest.errors import IngestError
from recueil.ingest.parsers.thematic_index import (
    RefSyntaxError,
    ThematicIndex,
    build_hierarchy,
    expand_paragraphs,
    expand_refs,
    normalize_label,
    parse_thematic_index,
    scan_refs,
    split_fragments,
)
from recueil.model import Part, Ref

(COMPENDIUM,) = (Path(__file__).resolve().parent.parent / "corpus").glob("004_*")


def refs(*texts: str) -> list[Ref]:
    return [Ref.parse(t) for t in texts]


@cache
def _source() -> str:
    return COMPENDIUM.read_text(encoding="utf-8")


@cache
def _index() -> ThematicIndex:
    return parse_thematic_index(_source(), "004")


@pytest.fixture
def index() -> ThematicIndex:
    return _index()


def _refs_of(index: ThematicIndex, theme: str) -> set[Ref]:
    return {e.ref for e in index.entries if e.theme == theme}


# --- The refs grammar, one test per printed form ---------------------------------------


def test_single_ref():
    assert expand_refs("I.22") == refs("A:I.22")


def test_list_with_commas_and_et():
    assert expand_refs("I.21, I.22, I.25 et I.27") == refs("A:I.21", "A:I.22", "A:I.25", "A:I.27")


@pytest.mark.parametrize(
    ("cell", "first", "last", "count"),
    [
        ("II.17 à 23", "A:II.17", "A:II.23", 7),
        ("III.19 à 21", "A:III.19", "A:III.21", 3),
        ("IV.6 à 8", "A:IV.6", "A:IV.8", 3),
        ("I.40 à 51", "A:I.40", "A:I.51", 12),
    ],
)
def test_number_range_is_inclusive(cell, first, last, count):
    got = expand_refs(cell)
    assert (str(got[0]), str(got[-1]), len(got)) == (first, last, count)
    lo, hi = (int(Ref.parse(r).path[0]) for r in (first, last))
    assert [int(r.path[0]) for r in got] == list(range(lo, hi + 1))


def test_number_range_inside_a_list():
    assert expand_refs("IV.3, IV.6 à 8, IV.10 et IV.15") == refs(
        "A:IV.3", "A:IV.6", "A:IV.7", "A:IV.8", "A:IV.10", "A:IV.15"
    )


def test_letter_range_keeps_the_paragraph_number():
    assert expand_refs("V.2.a à d, V.2.f et V.3") == refs(
        "A:V.2.a", "A:V.2.b", "A:V.2.c", "A:V.2.d", "A:V.2.f", "A:V.3"
    )
    assert expand_refs("I.c à f", Part.B) == refs("B:I.c", "B:I.d", "B:I.e", "B:I.f")


def test_subparagraph_list():
    assert expand_refs("V.1.d, V.2.e et V.2.f") == refs("A:V.1.d", "A:V.2.e", "A:V.2.f")


def test_preambular_range_then_operative_list():
    got = expand_refs("VI.al. 1 à 7 ; VI.6, VI.7, VI.19 et VI.20", Part.B)
    assert got == [Ref(Part.B, 6, ("al", str(n))) for n in range(1, 8)] + refs(
        "B:VI.6", "B:VI.7", "B:VI.19", "B:VI.20"
    )
    assert expand_refs("Partie B : VI. al. 5") == refs("B:VI.al.5")


@pytest.mark.parametrize("cell", ["I.b.iii", "II.n.iii", "IV.j.i", "IV.c et IV.j.i"])
def test_roman_subsubparagraphs(cell):
    got = expand_refs(cell, Part.B)
    assert got[-1] == Ref.parse("B:" + cell.split(" et ")[-1])


def test_part_marker_switches_the_part_for_the_cell_and_after_it():
    groups, part, marker = scan_refs("Partie B : VI.17 et VI.20", Part.A)
    assert marker and part == Part.B
    assert [r for g in groups for r in g.refs] == refs("B:VI.17", "B:VI.20")
    groups, part, marker = scan_refs("Partie A", Part.B)
    assert (groups, part, marker) == ([], Part.A, True)
    assert expand_refs("Partie A II.24 à 26", Part.B) == refs("A:II.24", "A:II.25", "A:II.26")


def test_packed_cell_groups_refs_by_meeting_with_their_printed_text():
    cell = "I.15 et I.33 III.27 IV.11 VI.13 et VI.19 à 21 Partie B : V.13"
    groups, _, _ = scan_refs(cell)
    assert [(g.part, g.meeting) for g in groups] == [
        (Part.A, 1), (Part.A, 3), (Part.A, 4), (Part.A, 6), (Part.B, 5),
    ]  # fmt: skip
    assert [g.text for g in groups] == [
        "I.15 et I.33", "III.27", "IV.11", "VI.13 et VI.19 à 21", "Partie B : V.13",
    ]  # fmt: skip
    assert " ".join(g.text for g in groups) == cell


@pytest.mark.parametrize(
    "cell", ["Victimes d'infractions", "Institutions financières", "I.5 à 3", "à 5", "I.22 ?"]
)
def test_text_that_is_not_a_refs_cell_is_rejected(cell):
    with pytest.raises(RefSyntaxError):
        scan_refs(cell)


# --- Paragraph / recommendation cells ------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "items"),
    [
        ("24, 25, 28 et 30", ["24", "25", "28", "30"]),
        ("9, 18 et 23 à 25", ["9", "18", "23", "24", "25"]),
        ("7 d) et 8 e) et f)", ["7 d)", "8 e)", "8 f)"]),
        ("8 a) à d) et f) et 9", ["8 a)", "8 b)", "8 c)", "8 d)", "8 f)", "9"]),
        ("7 d), 8 b), e), g) et i), et 10 c)", ["7 d)", "8 b)", "8 e)", "8 g)", "8 i)", "10 c)"]),
        ("b), f) et n)", ["b)", "f)", "n)"]),
        ("c) et j) i)", ["c)", "j) i)"]),
        ("c) à f)", ["c)", "d)", "e)", "f)"]),
        ("2 et 9 a) et b)", ["2", "9 a)", "9 b)"]),
        ("al. 1 à 7 ; 6, 7, 19 et 20", [f"al. {n}" for n in range(1, 8)] + ["6", "7", "19", "20"]),
    ],
)
def test_paragraph_cells_give_one_item_per_cited_ref(cell, items):
    assert expand_paragraphs(cell) == items


@pytest.mark.parametrize(
    ("cell", "fragments"),
    [
        ("18 et 36 31 13", ["18 et 36", "31", "13"]),
        ("11 13 et 19 à 21", ["11", "13 et 19 à 21"]),
        (
            "26, 27 et 50 12 d) 5, 14 et 18 13 18",
            ["26, 27 et 50", "12 d)", "5, 14 et 18", "13", "18"],
        ),
        ("al. 1 à 7 ; 6, 7", ["al. 1 à 7 ; 6, 7"]),
    ],
)
def test_packed_paragraph_cells_split_where_no_connector_joins_two_numbers(cell, fragments):
    assert split_fragments(cell) == fragments


# --- Labels and hierarchy ------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "label", "suite"),
    [
        ("Législation <i>(suite)</i>", "Législation", True),
        ("Législation (suite)", "Législation", True),
        ("Enfants (non accompagnés/ séparés)", "Enfants (non accompagnés/séparés)", False),
        (
            "Droit international (obligations envers les réfugiés/ demandeurs d'asile)",
            "Droit international (obligations envers les réfugiés/demandeurs d'asile)",
            False,
        ),
        (
            "Coopération internationale (centres pluri- institutions)",
            "Coopération internationale (centres pluri-institutions)",
            False,
        ),
        ("  Médias ", "Médias", False),
    ],
)
def test_label_variants_normalise_to_one_label(printed, label, suite):
    assert normalize_label(printed) == (label, suite)


def test_hierarchy_rules_on_literal_labels():
    defs = build_hierarchy(
        [
            "Coopération internationale",
            "Coopération internationale (extradition)",
            "Enfants (général)",
            "Enfants (protection)",
            "Portail de gestion (SHERLOC)",
            "Trafic illicite par mer",
            "Trafic illicite par mer, notification au Secrétaire général",
            "ONUDC, rapport mondial",
        ]
    )
    parents = {d.label: d.parent for d in defs}
    assert parents["Coopération internationale (extradition)"] == "Coopération internationale"
    assert parents["Enfants (général)"] == parents["Enfants (protection)"] == "Enfants"
    assert parents["Enfants"] is None  # synthesised, placed before its first child
    assert [d.label for d in defs].index("Enfants") < [d.label for d in defs].index(
        "Enfants (général)"
    )
    assert parents["Portail de gestion (SHERLOC)"] is None  # one label only: a qualifier
    assert parents["Trafic illicite par mer, notification au Secrétaire général"] == (
        "Trafic illicite par mer"
    )
    assert parents["ONUDC, rapport mondial"] is None


# --- The real index -------------------------------------------------------------------


def test_number_of_themes(index):
    # Counted by reading lines 764–1131: 78 lines have a non-empty first cell that is a
    # label (neither the "Thème" header nor one of the 26 rows printed without their
    # leading tab, whose first cell is a ref or "Partie B"); one of them is
    # "Législation (suite)", so 77 distinct labels. Five "Parent (child)" families have
    # no row of their own (Droit international, Enfants, Intervenants, Organisations
    # internationales, Système de justice pénale): 82 ThemeDefs in all.
    labels = {e.theme for e in index.entries}
    assert len(labels) == 77
    assert {r.theme for r in index.rows} == labels
    assert len(index.themes) == 82
    assert len({t.label for t in index.themes}) == 82
    assert {t.label for t in index.themes} - labels == {
        "Droit international",
        "Enfants",
        "Intervenants",
        "Organisations internationales",
        "Système de justice pénale",
    }


def test_label_normalisations_leave_one_label_per_theme(index):
    labels = {t.label for t in index.themes}
    assert "Enfants (non accompagnés/séparés)" in labels
    assert "Coopération internationale (centres pluri-institutions)" in labels
    assert "Droit international (obligations envers les réfugiés/demandeurs d'asile)" in labels
    assert not [label for label in labels if re.search(r"/ |- |suite|<|\s\s", label)]


def test_suite_is_merged_into_one_legislation_theme(index):
    assert [t.label for t in index.themes].count("Législation") == 1
    assert _refs_of(index, "Législation") == set(
        refs(
            "A:I.2", "A:I.20", "A:III.2", "A:III.30", "A:V.4.c", "A:VI.1",  # lines 975–978
            "B:I.b.i", "B:III.a", "B:IV.c", "B:IV.j.i", "B:V.5", "B:VI.2", "B:VI.4",  # 983–987
        )
    )  # fmt: skip
    lines = {e.line for e in index.entries if e.theme == "Législation"}
    assert min(lines) == 975 and max(lines) == 987


def test_row_without_leading_tab_stays_in_its_theme(index):
    # line 777 "VI.3\tCTOC/COP/2012/15\tRésolution 6/3\t3\t\t" ends the Part B group
    # of "Assistance aux personnes migrantes objet d'un trafic illicite"
    theme = "Assistance aux personnes migrantes objet d'un trafic illicite"
    (row,) = [r for r in index.rows if r.line == 777]
    assert (row.theme, row.part, row.refs, row.symbol) == (
        theme, Part.B, "VI.3", "CTOC/COP/2012/15",
    )  # fmt: skip
    assert (row.instrument, row.paragraph, row.recommendation) == ("Résolution 6/3", "3", None)
    assert Ref.parse("B:VI.3") in _refs_of(index, theme)
    # the other shifted rows too: a Part A one (962) and one carrying its marker (916)
    assert Ref.parse("A:III.34") in _refs_of(index, "Institutions financières")
    assert Ref.parse("B:VI.14") in _refs_of(index, "Échange de renseignements")
    assert not [t.label for t in index.themes if re.match(r"(Partie [AB]\b|[IVX]+\.)", t.label)]


def test_theme_without_part_marker_starts_in_part_a(index):
    theme = "Assistance aux personnes migrantes objet d'un trafic illicite"
    first = min((r for r in index.rows if r.theme == theme), key=lambda r: r.line)
    assert (first.line, first.part, first.refs_expanded[0]) == (770, Part.A, Ref.parse("A:I.21"))
    assert {r.part for r in index.rows if r.theme == theme and r.line >= 775} == {Part.B}


def test_preambular_refs_are_expanded(index):
    theme = next(t.label for t in index.themes if t.label.startswith("Conférence des Parties"))
    got = _refs_of(index, theme)
    assert {Ref(Part.B, 6, ("al", str(n))) for n in range(1, 8)} <= got
    assert Ref(Part.B, 6, ("al", "8")) not in got
    bali = next(t.label for t in index.themes if t.label.startswith("Processus de Bali"))
    assert _refs_of(index, bali) == set(refs("A:II.33", "B:VI.al.5"))
    al5 = next(e for e in index.entries if e.theme == theme and str(e.ref) == "B:VI.al.5")
    assert (al5.paragraph, al5.instrument, al5.line) == ("al. 5", "Résolution 6/3", 831)


def test_packed_air_row_is_split_per_meeting(index):
    theme = "Trafic illicite par air"
    got = {str(e.ref): e for e in index.entries if e.theme == theme}
    wg = "CTOC/COP/WG.7/"
    expected_symbol = {
        "A:I.15": wg + "2012/6", "A:I.33": wg + "2012/6", "A:III.27": wg + "2015/6",
        "A:IV.11": wg + "2017/5", "A:VI.13": wg + "2019/6", "A:VI.19": wg + "2019/6",
        "A:VI.20": wg + "2019/6", "A:VI.21": wg + "2019/6", "B:V.13": "CTOC/COP/2010/17",
    }  # fmt: skip
    assert {ref: e.symbol for ref, e in got.items()} == expected_symbol
    # "18 et 36 31 13" → I.15→18, I.33→36, III.27→31, B:V.13→13;
    # "11 13 et 19 à 21" → IV.11→11, VI.13→13, VI.19..21→19..21 (Recommandations)
    assert {ref: e.paragraph for ref, e in got.items() if e.paragraph} == {
        "A:I.15": "18", "A:I.33": "36", "A:III.27": "31", "B:V.13": "13",
    }  # fmt: skip
    assert {ref: e.recommendation for ref, e in got.items() if e.recommendation} == {
        "A:IV.11": "11", "A:VI.13": "13", "A:VI.19": "19", "A:VI.20": "20", "A:VI.21": "21",
    }  # fmt: skip
    rows = [r for r in index.rows if r.line == 1128]
    assert [(r.part, r.refs, r.paragraph, r.recommendation) for r in rows] == [
        (Part.A, "I.15 et I.33", "18 et 36", None),
        (Part.A, "III.27", "31", None),
        (Part.A, "IV.11", None, "11"),
        (Part.A, "VI.13 et VI.19 à 21", None, "13 et 19 à 21"),
        (Part.B, "Partie B : V.13", "13", None),
    ]


def test_packed_sea_row_is_split_per_meeting(index):
    got = {str(e.ref): e for e in index.entries if e.theme == "Trafic illicite par mer"}
    assert set(got) == {
        "A:I.23", "A:I.24", "A:I.47", "A:II.8.d", "A:III.1", "A:III.10", "A:III.14",
        "A:IV.10", "A:IV.11", "B:V.13", "B:VI.18",
    }  # fmt: skip
    assert got["A:II.8.d"].symbol == "CTOC/COP/WG.7/2013/5"
    assert got["A:II.8.d"].paragraph == "12 d)"
    assert got["A:III.14"].paragraph == "18"
    assert (got["A:IV.10"].recommendation, got["A:IV.10"].paragraph) == ("10", None)
    assert (got["B:VI.18"].symbol, got["B:VI.18"].paragraph) == ("CTOC/COP/2012/15", "18")
    # the Résolution/décision cell of that line is empty; the session's other rows say which
    assert got["B:V.13"].instrument == "Résolution 5/3"
    assert [r.instrument for r in index.rows if r.line == 1129 and r.part == Part.B] == [
        None,
        None,
    ]


def test_other_packed_rows_pair_each_meeting_with_its_symbol(index):
    def symbols(theme: str) -> dict[str, str | None]:
        return {str(e.ref): e.symbol for e in index.entries if e.theme == theme}

    extradition = symbols("Coopération internationale (extradition)")
    assert extradition["B:V.5"] == "CTOC/COP/2010/17"
    assert extradition["B:VI.13"] == "CTOC/COP/2012/15"
    notification = symbols(
        "Trafic illicite par mer, notification au Secrétaire général des autorités nationales"
    )
    assert notification == {"A:I.47": "CTOC/COP/WG.7/2012/6", "A:IV.10": "CTOC/COP/WG.7/2017/5"}
    groups = symbols("Groupes criminels transnationaux organisés")
    assert {groups[f"A:III.{n}"] for n in range(31, 35)} == {"CTOC/COP/WG.7/2015/6"}


def test_rows_regenerate_every_printed_cell(index):
    """Joining the rows of each line gives back the printed cells (round trip)."""
    lines = _source().split("\n")
    by_line = defaultdict(list)
    for row in index.rows:
        by_line[row.line].append(row)
    table_lines = [
        n for n in range(764, 1132)
        if lines[n - 1].count("\t") == 5 and not re.match(r"Thème\t|\t\tCote\t", lines[n - 1])
    ]  # fmt: skip
    assert sorted(by_line) == table_lines
    for n, rows in by_line.items():
        cells = lines[n - 1].split("\t")
        if cells[0] and re.match(r"(Partie [AB]\b|[IVX]+\.)", cells[0]):
            cells = ["", *cells[:5]]  # printed without its leading tab

        def join(values):
            return " ".join(v for v in values if v)

        assert join(r.refs for r in rows) == cells[1], n
        assert join(r.symbol for r in rows) == cells[2], n
        assert join(r.instrument for r in rows) == cells[3], n
        assert join(r.paragraph for r in rows) == cells[4], n
        assert join(r.recommendation for r in rows) == cells[5], n
    assert max(by_line) == 1131  # the back cover ("ONU DC", "Centre international…") is not


def test_report_columns_follow_the_meeting(index):
    # WG reports I–III and V are cited by paragraph, IV and VI by recommendation number;
    # COP texts by their own paragraph (read off the single-meeting rows)
    assert index.report_columns == {
        **{(Part.A, m): "paragraph" for m in (1, 2, 3, 5)},
        **{(Part.A, m): "recommendation" for m in (4, 6)},
        **{(Part.B, m): "paragraph" for m in range(1, 7)},
    }
    for e in index.entries:
        if e.ref.part == Part.A and e.ref.meeting in (4, 6):
            assert e.recommendation == e.ref.path[0] and e.paragraph is None, e
        else:
            assert e.paragraph and e.recommendation is None, e


def test_per_ref_paragraphs_follow_the_printed_cells(index):
    def entry(theme, ref):
        return next(e for e in index.entries if e.theme == theme and str(e.ref) == ref)

    assert entry("Appui consulaire et diplomatique", "A:V.2.e").paragraph == "8 e)"
    assert entry("Assistance technique", "B:I.b.iii").paragraph == "b) iii)"
    coop = "Coopération internationale"
    assert entry(coop, "A:V.2.c").paragraph == "8 c)"  # "8 a) à d) et f) et 9"
    assert entry(coop, "A:V.3").paragraph == "9"
    assert entry(coop, "A:I.47").paragraph == "50"  # "… 43 à 54" for I.40 à 51
    assert entry(coop, "A:IV.7").recommendation == "7"


def test_symbol_and_meeting_agree_everywhere(index):
    expected = {
        (Part.A, 1): "CTOC/COP/WG.7/2012/6",
        (Part.A, 2): "CTOC/COP/WG.7/2013/5",
        (Part.A, 3): "CTOC/COP/WG.7/2015/6",
        (Part.A, 4): "CTOC/COP/WG.7/2017/5",
        (Part.A, 5): "CTOC/COP/WG.7/2018/3",
        (Part.A, 6): "CTOC/COP/WG.7/2019/6",
        (Part.B, 1): "CTOC/COP/2004/6",
        (Part.B, 2): "CTOC/COP/2005/8",
        (Part.B, 3): "CTOC/COP/2006/14",
        (Part.B, 4): "CTOC/COP/2008/19",
        (Part.B, 5): "CTOC/COP/2010/17",
        (Part.B, 6): "CTOC/COP/2012/15",
    }
    assert index.meeting_symbols == expected
    assert index.meeting_instruments == {
        (Part.B, 1): "Décision 1/6",
        (Part.B, 2): "Décision 2/4",
        (Part.B, 3): "Décision 3/3",
        (Part.B, 4): "Décision 4/5",
        (Part.B, 5): "Résolution 5/3",
        (Part.B, 6): "Résolution 6/3",
    }
    warned = {int(w.split(":")[1]) for w in index.warnings}
    for e in index.entries:
        key = (e.ref.part, e.ref.meeting)
        assert e.symbol == expected[key] or e.line in warned, e
        assert e.ref.part == Part.A or e.instrument == index.meeting_instruments[key], e


def test_warnings_are_the_empty_instrument_cells_of_the_last_page(index):
    # From reading the file: every symbol matches its meeting; the only gaps are the
    # empty Résolution/décision cells of the packed lines 1128 (B:V) and 1129 (B:V, B:VI)
    assert len(index.warnings) == 3
    assert [int(w.split(":")[1]) for w in index.warnings] == [1128, 1129, 1129]
    assert all("without their decision/resolution" in w for w in index.warnings)


def test_a_symbol_that_contradicts_its_meeting_is_kept_and_warned():
    text = _source().replace(
        "\tII.30\tCTOC/COP/WG.7/2013/5\t\t34\t", "\tII.30\tCTOC/COP/WG.7/2015/6\t\t34\t", 1
    )
    index = parse_thematic_index(text, "x.txt")
    bad = next(e for e in index.entries if str(e.ref) == "A:II.30")
    assert (bad.symbol, bad.line) == ("CTOC/COP/WG.7/2015/6", 768)
    assert index.meeting_symbols[(Part.A, 2)] == "CTOC/COP/WG.7/2013/5"
    assert any(w.startswith("x.txt:768:") and "A:II" in w for w in index.warnings)


def test_unattributable_packed_fragment_is_left_none_with_a_warning():
    text = _source().replace("\t\t18 et 36 31 13\t", "\t\t18 et 36 31\t", 1)
    index = parse_thematic_index(text, "x.txt")
    air = {str(e.ref): e for e in index.entries if e.theme == "Trafic illicite par air"}
    assert air["A:I.15"].paragraph is None and air["B:V.13"].paragraph is None
    assert air["A:IV.11"].recommendation == "11"  # the other column still fits
    assert any(w.startswith("x.txt:1128:") and "fragments" in w for w in index.warnings)


def test_pair_count(index):
    # The issue says "about 645"; an independent count from the raw lines: every printed
    # ref token plus the extra items of each "X à Y" range in the refs cells.
    lines = _source().split("\n")[763:1131]
    tokens = 0
    for line in lines:
        cells = line.split("\t")
        if len(cells) != 6 or cells[0] == "Thème":
            continue
        cell = cells[0] + " " + cells[1]
        found = re.findall(r"(?<![\w/])[IVX]+\.\s*(?:al\.\s*)?(?:[0-9a-z]+\.)*([0-9a-z]+)"
                           r"(?:\s+à\s+([0-9a-z]+))?", cell)  # fmt: skip
        for start, end in found:
            tokens += 1
            if end:
                tokens += (int(end) - int(start)) if end.isdigit() else ord(end) - ord(start)
    assert len(index.entries) + index.duplicates_dropped == tokens
    assert 640 <= len(index.entries) <= 650


def test_entries_are_unique_per_theme_and_carry_their_line(index):
    pairs = [(e.theme, e.ref) for e in index.entries]
    assert len(pairs) == len(set(pairs))
    lines = _source().split("\n")
    for e in index.entries:
        printed = lines[e.line - 1]
        assert e.symbol is None or e.symbol in printed
        assert f"{e.ref.compendium_ref.split('.')[0]}." in printed


def test_duplicates_within_a_theme_are_dropped_and_counted():
    head = "**Index thématique\n\n"
    text = head + "Médias\tI.32 et I.32\tCTOC/COP/WG.7/2012/6\t\t35 et 35\t\n"
    index = parse_thematic_index(text)
    assert [str(e.ref) for e in index.entries] == ["A:I.32"]
    assert index.duplicates_dropped == 1
    assert index.duplicates == [("Médias", Ref.parse("A:I.32"), 3)]


def test_hierarchy_of_the_real_index(index):
    parent = {t.label: t.parent for t in index.themes}
    assert parent["Coopération internationale (extradition)"] == "Coopération internationale"
    assert parent["Système de justice pénale (règles de preuve)"] == "Système de justice pénale"
    assert parent["Système de justice pénale"] is None
    protocol = "Protocole contre le trafic illicite de migrants par terre, mer et air"
    expected = {
        "Collecte de données et recherche, rapport mondial sur le trafic illicite de "
        "personnes migrantes": "Collecte de données et recherche",
        "Organisations internationales (Organisation internationale de police criminelle "
        "(INTERPOL))": "Organisations internationales",
        f"{protocol} (définitions)": protocol,
    }
    assert {label: parent[label] for label in expected} == expected
    assert parent["ONUDC, rapport mondial sur le trafic illicite de personnes migrantes"] is None
    sherloc = next(label for label in parent if label.endswith("(SHERLOC)"))
    assert parent[sherloc] is None
    assert all(p in parent and parent[p] is None for p in parent.values() if p)
    assert sum(1 for p in parent.values() if p == "Coopération internationale") == 8
    assert sum(1 for p in parent.values() if p == "Système de justice pénale") == 10


def test_table_of_contents_entry_is_not_the_heading():
    text = (
        "Index thématique des recommandations\t37\n"
        "Corps\tdu\trecueil\n"
        "**Index thématique\n"
        "Médias\tI.32\tCTOC/COP/WG.7/2012/6\t\t35\t\n"
    )
    (row,) = parse_thematic_index(text).rows
    assert (row.theme, row.line, row.refs_expanded) == ("Médias", 4, refs("A:I.32"))


def test_missing_heading_is_an_ingest_error():
    with pytest.raises(IngestError, match="x.txt.*Index thématique"):
        parse_thematic_index("Thème\tI.22\t\t\t\t\n", "x.txt")


def test_row_with_wrong_cell_count_is_an_ingest_error_naming_the_line():
    text = "**Index thématique\n\nMédias\tI.32\tCTOC/COP/WG.7/2012/6\t35\n"
    with pytest.raises(IngestError, match=r"x\.txt:3: .*expected 6"):
        parse_thematic_index(text, "x.txt")
