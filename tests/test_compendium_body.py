"""Parts A and B of the real 2021 compendium read into meetings and items.

Expectations come from reading corpus/004_*.txt (line numbers quoted are 1-based lines of
that file) and its thematic index, not from the parser's output.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from recueil.ingest.errors import IngestError
from recueil.ingest.normalize import FOOTNOTE_MARKS, clean_text
from recueil.ingest.parsers.compendium_body import parse_compendium_body, parse_french_dates
from recueil.model import ItemKind, ParsedItem, Part, Ref, Status, to_roman

(COMPENDIUM,) = (Path(__file__).resolve().parent.parent / "corpus").glob("004_*")
SOURCE = COMPENDIUM.read_text(encoding="utf-8")
LINES = SOURCE.split("\n")


@pytest.fixture(scope="module")
def parsed():
    return parse_compendium_body(SOURCE, str(COMPENDIUM))


@pytest.fixture(scope="module")
def items(parsed) -> dict[str, ParsedItem]:
    _, top = parsed
    return {str(x.ref): x for item in top for x in item.walk()}


def _top(parsed, part: Part, meeting: int) -> list[ParsedItem]:
    return [i for i in parsed[1] if i.ref.part == part and i.ref.meeting == meeting]


def _letters(n: int, start: str = "a") -> list[str]:
    return [chr(ord(start) + k) for k in range(n)]


def _romans(n: int) -> list[str]:
    return [to_roman(k).lower() for k in range(1, n + 1)]


# --- meetings -------------------------------------------------------------------------


def test_meetings_are_read_in_order_with_titles_and_dates_as_printed(parsed):
    meetings, _ = parsed
    assert [(m.part, m.number) for m in meetings] == [
        *((Part.A, n) for n in range(1, 7)),
        *((Part.B, n) for n in range(1, 7)),
    ]
    by_key = {(m.part, m.number): m for m in meetings}
    first = by_key[(Part.A, 1)]
    assert first.title == "Première réunion"
    assert first.date_text == "du 30 mai au 1er juin 2012"  # printed "1^{er}"
    assert (first.start_date, first.end_date) == (date(2012, 5, 30), date(2012, 6, 1))
    fifth = by_key[(Part.A, 5)]
    assert fifth.date_text == "les 4 et 5 juillet 2018"
    assert (fifth.start_date, fifth.end_date) == (date(2018, 7, 4), date(2018, 7, 5))
    second = by_key[(Part.A, 2)]
    assert (second.start_date, second.end_date) == (date(2013, 11, 11), date(2013, 11, 13))
    cop1 = by_key[(Part.B, 1)]
    assert cop1.title == "Première session"
    assert (cop1.start_date, cop1.end_date) == (date(2004, 6, 28), date(2004, 7, 8))
    cop6 = by_key[(Part.B, 6)]
    assert cop6.title == "Sixième session"
    assert (cop6.start_date, cop6.end_date) == (date(2012, 10, 15), date(2012, 10, 19))
    for m in meetings:
        assert m.start_date <= m.end_date
        assert m.start_date.year == m.end_date.year == int(m.date_text[-4:])
        assert "^{" not in m.date_text


def test_cop_sessions_name_their_instrument(parsed):
    meetings, _ = parsed
    instruments = {m.number: m.instruments for m in meetings if m.part == Part.B}
    assert instruments == {
        1: ["Décision 1/6"], 2: ["Décision 2/4"], 3: ["Décision 3/3"],
        4: ["Décision 4/5"], 5: ["Résolution 5/3"], 6: ["Résolution 6/3"],
    }  # fmt: skip
    assert all(not m.instruments for m in meetings if m.part == Part.A)


# --- Part A ---------------------------------------------------------------------------


def test_part_a_has_the_recommendation_counts_per_meeting(parsed):
    counts = {n: len(_top(parsed, Part.A, n)) for n in range(1, 7)}
    assert counts == {1: 55, 2: 33, 3: 41, 4: 15, 5: 5, 6: 24}
    for n in range(1, 7):
        for item in _top(parsed, Part.A, n):
            assert item.kind == ItemKind.RECOMMENDATION
            assert item.status == Status.ADOPTED
            assert item.instrument is None


def test_part_a_subparagraphs_are_children_of_their_recommendation(parsed, items):
    with_children = {
        str(i.ref): [c.ref.path[-1] for c in i.children]
        for n in range(1, 7)
        for i in _top(parsed, Part.A, n)
        if i.children
    }
    assert with_children == {
        "A:II.8": _letters(5),
        "A:V.1": _letters(4),
        "A:V.2": _letters(11),
        "A:V.4": _letters(5),
    }
    assert sum(len(i.children) for i in _top(parsed, Part.A, 5)) == 20
    for ref in ("A:II.8.e", "A:V.2.d"):
        assert items[ref].kind == ItemKind.SUBPARAGRAPH
        assert items[ref].ref.parent == Ref.parse(ref.rsplit(".", 1)[0])
    # "- e)* Les mesures de justice pénale …" (line 195): label and markup gone
    assert items["A:II.8.e"].text.startswith("Les mesures de justice pénale, y compris")
    assert items["A:II.8.e"].line == 195


def test_a_parent_text_is_only_its_chapeau(items):
    assert items["A:II.8"].text == (
        "Le Groupe de travail sur le trafic illicite de migrants a recommandé à la "
        "Conférence que les thèmes suivants, entre autres, soient examinés lors de futures "
        "réunions du Groupe :"
    )
    assert items["A:V.2"].text == (
        "Les États parties devraient envisager d'adopter les mesures suivantes :"
    )
    assert items["B:VI.9"].text == "Prie aussi instamment les États parties :"
    assert items["A:V.3"].children == []


# --- Part B ---------------------------------------------------------------------------


def test_part_b_sessions_have_the_paragraphs_printed(parsed):
    def shape(n):
        return {
            str(i.ref.compendium_ref): [c.ref.path[-1] for c in i.children]
            for i in _top(parsed, Part.B, n)
        }

    s1 = shape(1)
    assert list(s1) == [f"I.{x}" for x in _letters(6)]
    assert s1["I.b"] == _romans(4) and sum(map(len, s1.values())) == 4
    s2 = shape(2)
    assert list(s2) == [f"II.{x}" for x in _letters(18)]  # a) … r)
    assert s2["II.n"] == _romans(3) and sum(map(len, s2.values())) == 3
    assert s2["II.i"] == []  # "i) A prié le secrétariat…" (line 498) is the letter i
    s3 = shape(3)
    assert list(s3) == [f"III.{x}" for x in _letters(13)]  # a) … m)
    assert sum(map(len, s3.values())) == 0
    s4 = shape(4)
    assert list(s4) == [f"IV.{x}" for x in _letters(11)]  # a) … k)
    assert s4["IV.j"] == _romans(2) and s4["IV.i"] == []
    s5 = shape(5)
    assert list(s5) == ["V.al. 1", *(f"V.{n}" for n in range(1, 25))]
    s6 = shape(6)
    assert list(s6) == [
        *(f"VI.al. {n}" for n in range(1, 8)),
        *(f"VI.{n}" for n in range(1, 23)),
    ]
    assert s6["VI.9"] == _letters(3) and sum(map(len, s6.values())) == 3


def test_part_b_kinds_follow_the_compendium_numbering(items):
    assert items["B:I.b"].kind == ItemKind.OPERATIVE
    assert items["B:I.b.iii"].kind == ItemKind.SUBPARAGRAPH
    assert items["B:VI.al.5"].kind == ItemKind.PREAMBULAR
    assert items["B:VI.9.c"].kind == ItemKind.SUBPARAGRAPH
    assert items["B:V.7"].kind == ItemKind.OPERATIVE
    assert items["B:V.al.1"].text.startswith("Rappelant les fonctions qui lui sont assignées")
    assert items["B:V.1"].text.startswith("Prie instamment les États Membres")  # "*Prie*"


def test_every_part_b_item_carries_its_instrument_and_titled_section(parsed):
    titles = {
        1: "Protocole contre le trafic illicite de migrants par terre, mer et air, additionnel "
        "à la Convention des Nations Unies contre la criminalité transnationale organisée",
        3: "Application du Protocole visant à prévenir, réprimer et punir la traite des "
        "personnes, en particulier des femmes et des enfants, et du Protocole contre le "
        "trafic illicite de migrants par terre, air et mer, additionnels à la Convention des "
        "Nations Unies contre la criminalité transnationale organisée",
    }
    meetings, top = parsed
    instrument_of = {m.number: m.instruments[0] for m in meetings if m.part == Part.B}
    for item in top:
        if item.ref.part != Part.B:
            continue
        for x in item.walk():
            assert x.instrument == instrument_of[x.ref.meeting]
            assert x.section.startswith(f"{x.instrument} — ")
            if x.ref.meeting in titles:
                assert x.section == f"{x.instrument} — {titles[x.ref.meeting]}"


def test_the_index_cites_preambles_only_of_resolution_6_3_and_they_resolve(items):
    index = "\n".join(LINES[LINES.index("**Index thématique") :])
    sessions_with_al = set(re.findall(r"\b([IVX]+)\.\s*al\.", index))
    assert sessions_with_al == {"VI"}
    # decision chapeaux (3/3, 4/5 "…, rappelant …") are not numbered paragraphs
    assert not [r for r in items if r.startswith(("B:III.al", "B:IV.al"))]
    assert not [r for r, x in items.items() if x.text.startswith("La Conférence des Parties")]
    # the index row "Processus de Bali …" cites "VI. al. 5": the Bali conference paragraph
    assert "Bali" in items["B:VI.al.5"].text
    assert "Mexico" in items["B:VI.al.6"].text
    for ref in ("B:I.b.iii", "B:II.n.iii", "B:III.k", "B:IV.j.ii", "B:V.22", "B:VI.al.7"):
        assert ref in items


# --- structure, continuations, hygiene --------------------------------------------------


def test_numbering_is_contiguous_everywhere(parsed):
    _, top = parsed
    groups: dict[tuple, list[ParsedItem]] = defaultdict(list)
    for item in top:
        groups[(item.ref.part, item.ref.meeting)].append(item)
    assert len(groups) == 12
    for key, group in groups.items():
        preamble = [i.ref.path[1] for i in group if i.ref.is_preambular]
        assert preamble == [str(n) for n in range(1, len(preamble) + 1)], key
        labels = [i.ref.path[0] for i in group if not i.ref.is_preambular]
        if labels[0].isdigit():
            assert labels == [str(n) for n in range(1, len(labels) + 1)], key
        else:
            assert labels == _letters(len(labels)), key
        for item in group:
            subs = [c.ref.path[-1] for c in item.children]
            # numbered paragraphs have lettered subparagraphs; lettered ones, roman
            numbered = item.ref.path[0].isdigit()
            assert subs == (_letters(len(subs)) if numbered else _romans(len(subs))), item.ref
            for child in item.children:
                assert child.children == []


def test_every_ref_is_unique(parsed):
    _, top = parsed
    refs = [str(x.ref) for item in top for x in item.walk()]
    assert len(refs) == len(set(refs))
    assert all(str(Ref.parse(r)) == r for r in refs)


@pytest.mark.parametrize(
    ("ref", "line", "ending"),
    [
        ("A:I.7", 79, "évaluer les incidences budgétaires de l'établissement d'un tel rapport."),
        ("A:I.24", 115, "en cas de détection d'un navire utilisé à de pareilles fins."),
        ("A:I.33", 135, "des informations sur les passagers auprès de ces entreprises."),
        ("A:III.36", 302, "d'actes de maltraitance et de violence à l'encontre de ces derniers."),
        ("A:V.2.d", 360, "et de donner suite aux demandes d'entraide judiciaire;"),
        ("B:I.c", 454, "selon les instructions données par elle à sa première session ;"),
        ("B:III.e", 538, "stratégies efficaces de lutte contre le trafic illicite de migrants ;"),
        ("B:V.10", 627, "renforcer leur capacité à lutter contre le trafic illicite de migrants ;"),
        ("B:VI.al.1", 675, "additionnel à la Convention des Nations Unies contre la criminalité "
         "transnationale organisée,"),
        ("B:VI.3", 699, "un accès effectif à la justice et une assistance juridique ;"),
        ("B:VI.9.b", 723, "qui impliquent un traitement inhumain ou dégradant de ces migrants ;"),
    ],
)  # fmt: skip
def test_page_break_continuations_join_the_interrupted_item(items, ref, line, ending):
    item = items[ref]
    assert item.line == line
    assert item.text.endswith(ending)
    assert item.raw_text.startswith(LINES[line - 1])


def test_continuations_join_the_subparagraph_not_the_next_recommendation(items):
    assert items["A:V.2.d"].text.startswith("Détacher, selon qu'il convient")
    assert "le but étant de faciliter la communication" in items["A:V.2.d"].text
    assert "le but étant" not in items["A:V.2.e"].text
    assert items["A:V.2.e"].text.startswith("Promouvoir une communication efficace")
    assert "avec les États parties, pour compléter" in items["A:I.7"].text
    assert items["A:I.8"].text.startswith("Les États parties voudront peut-être demander")


def _footnote_bodies() -> list[str]:
    pattern = re.compile(f"^[{FOOTNOTE_MARKS}]+\\s+(.*)$")
    return [clean_text(m.group(1)) for line in LINES if (m := pattern.match(line))]


def test_no_item_text_holds_footnotes_markup_or_page_furniture(parsed):
    bodies = _footnote_bodies()
    assert len(bodies) == 24  # ¹ … ²⁴ as printed in part B
    _, top = parsed
    for item in top:
        for x in item.walk():
            assert x.text and x.text == x.text.strip()
            assert not re.search(f"[{FOOTNOTE_MARKS}*]|\\^\\{{|\\]\\(", x.text), x.ref
            for body in bodies:
                if len(body) > 12:
                    assert body not in x.text, (x.ref, body)
            for raw_line in x.raw_text.split("\n"):
                assert not re.fullmatch(r"\s*\d{1,3}\s*", raw_line), x.ref  # page number
                assert not re.match(f"[{FOOTNOTE_MARKS}]", raw_line), x.ref  # footnote body
                assert not re.fullmatch(r"Al\. \d+", raw_line), x.ref  # margin label
            assert "Al. 5" not in x.text


def test_texts_are_the_source_paragraphs_after_whitespace_folding(parsed):
    folded = re.sub(r"\s+", " ", SOURCE).replace("*", "")
    folded = re.sub(f"(?<=\\S)[{FOOTNOTE_MARKS}]+", "", folded)
    folded = folded.replace("^{er}", "er")
    _, top = parsed
    every = [x for item in top for x in item.walk()]
    interrupted = {"B:I.c", "B:III.e", "B:V.10", "B:VI.al.1", "B:VI.3", "B:VI.9.b"}
    for x in every:
        if str(x.ref) in interrupted:
            head, tail = x.text[:80], x.text[-80:]
            assert head in folded and tail in folded, x.ref
        else:
            assert x.text in folded, x.ref


def test_raw_text_is_the_exact_source_slice_where_no_footnote_intervenes(parsed):
    _, top = parsed
    for item in top:
        if item.ref.part != Part.A:
            continue
        for x in item.walk():
            first = x.raw_text.split("\n")[0]
            assert LINES[x.line - 1] == first, x.ref
            assert "\n".join(LINES[x.line - 1 : x.line - 1 + x.raw_text.count("\n") + 1]) == (
                x.raw_text
            ), x.ref


# --- dates and bad input ------------------------------------------------------------------


def test_french_date_forms_parse():
    assert parse_french_dates("du 30 mai au 1er juin 2012") == (date(2012, 5, 30), date(2012, 6, 1))
    assert parse_french_dates("du 30 mai au 1^{er} juin 2012")[1] == date(2012, 6, 1)
    assert parse_french_dates("du 11 au 13 novembre 2013") == (
        date(2013, 11, 11),
        date(2013, 11, 13),
    )
    assert parse_french_dates("les 4 et 5 juillet 2018") == (date(2018, 7, 4), date(2018, 7, 5))
    assert parse_french_dates("le 1er août 2020") == (date(2020, 8, 1), date(2020, 8, 1))
    assert parse_french_dates("du 30 décembre 2012 au 2 janvier 2013") == (
        date(2012, 12, 30),
        date(2013, 1, 2),
    )
    with pytest.raises(ValueError):
        parse_french_dates("du 13 au 11 novembre 2013")
    with pytest.raises(ValueError):
        parse_french_dates("en novembre 2013")


def test_a_gap_in_the_numbering_is_an_ingest_error_naming_file_and_line():
    gone = LINES.index(next(x for x in LINES if x.startswith("10. Les États parties voudront")))
    broken = "\n".join(LINES[:gone] + LINES[gone + 1 :])
    with pytest.raises(IngestError) as err:
        parse_compendium_body(broken, "recueil.txt")
    assert err.value.path == "recueil.txt"
    assert err.value.line == gone + 2  # "11." now sits one line higher: 0-based gone+1
    assert "expected paragraph 10." in str(err.value)


def test_a_file_without_the_parts_is_an_ingest_error():
    with pytest.raises(IngestError, match="A. Recommandations"):
        parse_compendium_body("Introduction\n\nRien ici.\n", "x.txt")
    no_b = SOURCE.replace("B. Résolutions et décisions adoptées", "B. Autres textes")
    with pytest.raises(IngestError, match="B. Résolutions"):
        parse_compendium_body(no_b, "x.txt")
