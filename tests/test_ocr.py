"""The French OCR repair layer on the real OCR report (000) and on clean reports (001–004).

Known-bad words below were found by reading the raw OCR file; the good forms are the French
spelling, not the module's output. Measured when written: 335 edits on 000 (332 word fixes,
3 furniture lines), each read and judged right; 0 changed words on 001, 002, 003 and 004.
"""

from __future__ import annotations

import re

import pytest

from recueil.ingest.ocr import dehyphenate, is_furniture_line, repair, undo
from tests.conftest import corpus_file

SYMBOL = "CTOC/COP/WG.7/2020/4"  # the 2020 report's symbol, printed as its running header


@pytest.fixture(scope="module")
def raw000() -> str:
    return corpus_file("000").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def result000(raw000):
    return repair(raw000, furniture=[SYMBOL])


@pytest.fixture(scope="module")
def text000(result000) -> str:
    return dehyphenate(result000.text)


def has(text: str, phrase: str) -> bool:
    """Does `phrase` occur in `text` as whole words (spaces and line breaks folded)?"""
    folded = re.sub(r"\s+", " ", text)
    return re.search(rf"(?<![\w’']){re.escape(phrase)}(?![\w’'])", folded) is not None


# --- Reversibility and line mapping ------------------------------------------------------


def test_undo_gives_back_the_raw_ocr_text_byte_for_byte(raw000, result000):
    assert undo(result000).encode("utf-8") == raw000.encode("utf-8")


def test_repair_and_dehyphenate_keep_the_number_of_lines(raw000, result000, text000):
    assert len(result000.text.split("\n")) == len(raw000.split("\n"))
    assert len(text000.split("\n")) == len(raw000.split("\n"))


def test_every_edit_points_at_its_raw_slice_and_untouched_lines_are_identical(raw000, result000):
    raw_lines, new_lines = raw000.split("\n"), result000.text.split("\n")
    edited = set()
    for edit in result000.edits:
        line = raw_lines[edit.line - 1]
        assert line[edit.column : edit.column + len(edit.original)] == edit.original
        edited.add(edit.line)
    for number, (raw, new) in enumerate(zip(raw_lines, new_lines, strict=True), 1):
        if number not in edited:
            assert raw == new


# --- What is repaired on the OCR report --------------------------------------------------


def test_no_ocr_marks_remain_after_repair_and_dehyphenate(raw000, text000):
    patterns = {
        "junk characters": r"[¢€™]",
        "I’ or 1’ for l’": r"(?<![\w’'])(?:1I|1|I)[’']\s?[^\W\d_]",
        "bare ’ at a word start": r"(?:^|(?<=\s))’[^\W\d_]",
        "unaccented État(s)": r"\bEtats?\b",
        "job-number line": r"(?m)^\s*[A-Z]\.\d\d-\d{5}.*$",
        "page-number line": r"(?m)^\s*\d{1,3}/\d{1,3}\s*$",
        "running-header line": rf"(?m)^\s*{re.escape(SYMBOL)}\s*$",
    }
    for what, pattern in patterns.items():
        assert re.search(pattern, raw000), f"the raw file should contain {what}"
        assert not re.search(pattern, text000), f"{what} left in the repaired text"


KNOWN_BAD_TO_GOOD = [
    ("¢léments permanents", "éléments permanents"),
    ("d’¢éléments de preuve", "d’éléments de preuve"),
    ("Enapplication de la", "En application de la"),
    ("cinquiéme session", "cinquième session"),
    ("de I’arrivée", "de l’arrivée"),
    ("faisant 1’objet", "faisant l’objet"),
    ("collecte et ’analyse", "collecte et l’analyse"),
    ("que ’actuelle pandémie", "que l’actuelle pandémie"),
    ("1I’innovation", "l’innovation"),
    ("dotée I’ Afrique du Sud", "dotée l’Afrique du Sud"),
    ("Les Etats parties", "Les États parties"),
    ("Bolivie (Etat plurinational", "Bolivie (État plurinational"),
    ("3. A la réunion", "3. À la réunion"),
    ("10. A I’issue", "10. À l’issue"),
    ("encouragés a prendre", "encouragés à prendre"),
    ("a Vienne", "à Vienne"),
    ("en veillant a ce que", "en veillant à ce que"),
    ("Parties a la Convention", "Parties à la Convention"),
    ("a distance", "à distance"),
    ("conséquences & moyen", "conséquences à moyen"),
    ("des enquétes", "des enquêtes"),
    ("le systéme de justice", "le système de justice"),
    ("formes réguliéres", "formes régulières"),
    ("en prétant", "en prêtant"),
    ("personnes agées", "personnes âgées"),
    ("en matiére de", "en matière de"),
    ("mati¢re de droits", "matière de droits"),
    ("existent déja", "existent déjà"),
    ("les regles relatives", "les règles relatives"),
    ("I’acces a la justice", "l’accès à la justice"),
    ("ci-apres", "ci-après"),
    ("brievement", "brièvement"),
    ("La premicre intervenante", "La première intervenante"),
    ("contrdles de sécurité", "contrôles de sécurité"),
    ("voies de migration siires", "voies de migration sûres"),
    ("le 19 aott 2020", "le 19 août 2020"),
    ("spécialisés congus", "spécialisés conçus"),
    ("du tragage", "du traçage"),
    ("un aper¢u", "un aperçu"),
    ("avait amplifi¢ les lacunes", "avait amplifié les lacunes"),
    ("crises €économiques", "crises économiques"),
    ("a I’ex ploitation", "à l’exploitation"),
    ("garde-cOtes", "garde-côtes"),
    ("Saint-Si¢ge", "Saint-Siège"),
    ("Israél", "Israël"),
    ("Azerbaidjan", "Azerbaïdjan"),
    ("Thailande", "Thaïlande"),
    ("Caraibes", "Caraïbes"),
    ("Gréce", "Grèce"),
    ("Egypte", "Égypte"),
    ("Emirats arabes unis", "Émirats arabes unis"),
    ("(Equateur)", "(Équateur)"),
    ("M™ Ledwaba", "Mme Ledwaba"),
    ("M™¢ Ragazzi", "Mme Ragazzi"),
    ("A ses 1™ et 2¢ séances", "À ses 1re et 2e séances"),
    ("A ses 2°et 3¢ séances", "À ses 2e et 3e séances"),
    ("au 1 juin 2012", "au 1er juin 2012"),
    ("¢) Document d’information", "c) Document d’information"),
]


@pytest.mark.parametrize(("bad", "good"), KNOWN_BAD_TO_GOOD)
def test_known_ocr_errors_of_the_2020_report_are_corrected(raw000, text000, bad, good):
    assert has(raw000, bad)
    assert not has(text000, bad)
    assert has(text000, good)


def test_verb_a_stays_a_verb(text000):
    # The auxiliary before a participle and after a subject pronoun must not become "à".
    folded = re.sub(r"\s+", " ", text000)
    assert not re.search(r"\bà (été|adopté|adoptée|examiné|souligné|noté|décidé|proposé)\b",
                         folded)  # fmt: skip
    assert not re.search(r"\b(?:[Ii]l|[Ee]lle|qui|y) à\b", folded)
    for phrase in ("qu’il a tenue à Vienne", "s’il y a lieu", "Elle a par ailleurs présenté",
                   "le Groupe de travail a adopté", "la Conférence a décidé"):  # fmt: skip
        assert has(text000, phrase)


def test_compound_broken_at_a_line_end_is_rejoined_with_its_hyphen(raw000, text000):
    assert re.search(r"sous-\n", raw000)
    assert has(text000, "niveaux régional et sous-régional,")


def test_symbols_and_fractions_inside_sentences_are_kept(raw000, text000):
    for phrase in ("(CTOC/COP/WG.7/2020/1)", "la résolution 5/3", "cote CTOC/COP/"):
        assert has(raw000, phrase)
        assert has(text000, phrase)


def test_corrections_on_the_ocr_report_cover_the_marked_errors(raw000, result000):
    fixes = [e for e in result000.edits if e.rule != "furniture"]
    marked = len(re.findall(r"[¢€™°&]|(?<![\w’'])(?:1I|1|I)[’']|\bEtats?\b", raw000))
    # Measured: 332 word fixes (77 a→à, 89 elisions, 80 accents, 44 capital accents, ...),
    # every one read and judged right; the floor catches a rule that stops working.
    assert len(fixes) >= max(marked, 300)
    assert sum(e.rule == "furniture" for e in result000.edits) == 3


# --- What is left alone ------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["001", "002", "003", "004"])
def test_clean_reports_are_almost_untouched(prefix):
    # These files have correct accents, so every change would be a false correction. The
    # bound allows 1 per 2,000 words (measured: 0 on each file); FINDINGS reports 1 false
    # change per 40 correct words for an earlier rule-table prototype, spell checkers 6/40.
    raw = corpus_file(prefix).read_text(encoding="utf-8")
    result = repair(raw)
    words = len(re.findall(r"[^\W\d_]+", raw))
    changed = [e for e in result.edits if e.rule != "furniture"]
    assert len(changed) <= words // 2000, changed
    assert undo(result) == raw


def test_french_typography_survives(raw000, text000):
    for mark in "«»":
        assert text000.count(mark) == raw000.count(mark) > 0
    assert text000.count("’") >= raw000.count("’")
    sample = "Les Etats\u00a0: « l’article 8 » ; l'avis\u202fdes Parties a été rendu\u00a0!"
    repaired = repair(sample).text
    assert repaired == sample.replace("Etats", "États")


def test_lone_page_lines_go_but_a_symbol_printed_once_stays_without_the_furniture_hint(
    raw000,
):
    lines = repair(raw000).text.split("\n")
    assert SYMBOL in [line.strip() for line in lines]  # once only: not known as a header
    assert not any(re.fullmatch(r"\s*(V\.20-05362.*|\d+/\d+)\s*", line) for line in lines)


def test_symbol_repeated_as_a_lone_line_is_a_running_header():
    text = "A/RES/55/25\n\nTexte de la page.\n\n2/3\nA/RES/55/25\nVoir A/RES/55/25 pour le texte."
    lines = repair(text).text.split("\n")
    assert lines[0] == lines[4] == lines[5] == ""
    assert lines[6] == "Voir A/RES/55/25 pour le texte."


def test_is_furniture_line_recognises_job_numbers_and_pages_only():
    assert is_furniture_line("V.20-05362 3/10")
    assert is_furniture_line("  4/10 ")
    assert is_furniture_line("V.19-08877 (F)")
    assert is_furniture_line("CTOC/COP/WG.7/2020/4", [SYMBOL])
    assert not is_furniture_line("CTOC/COP/WG.7/2020/4")
    assert not is_furniture_line("résolution 5/3")
    assert not is_furniture_line("12/3")  # page number larger than the page count


# --- Context rules on sentences written for the purpose ----------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Il a adopté le texte.", "Il a adopté le texte."),
        (
            "Le Comité a également examiné la question.",
            "Le Comité a également examiné la question.",
        ),
        ("Les Parties sont invitées a coopérer.", "Les Parties sont invitées à coopérer."),
        ("Il est prêt a se réunir.", "Il est prêt à se réunir."),
        ("Le délégué a la parole.", "Le délégué a la parole."),
        ("Les bureaux a Genève et a New York.", "Les bureaux à Genève et à New York."),
        ("Il y a lieu de noter.", "Il y a lieu de noter."),
        ("des mesures a long terme", "des mesures à long terme"),
        ("Voir l’annexe A de la partie B.", "Voir l’annexe A de la partie B."),
        ("Fin. A cette fin, elle a parlé.", "Fin. À cette fin, elle a parlé."),
        ("a) Ouverture de la session ;", "a) Ouverture de la session ;"),
        ("selon Ia loi et Ies règles", "selon la loi et les règles"),
        ("une ﬁgure ﬂottante", "une figure flottante"),
    ],
)
def test_context_rules_on_general_french(raw, expected):
    assert repair(raw).text == expected


def test_short_words_and_real_homographs_are_left_alone():
    text = "Une tache difficile, la cote du document, ou bien là, la côte et le côté."
    assert repair(text).text == text


# --- Dehyphenation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("des enquê-\ntes et", "des enquêtes\net"),
        ("la coopé-\nration, dans", "la coopération,\ndans"),
        ("sous-\nrégional et", "sous-régional\net"),
        ("ci-\naprès.", "ci-après.\n"),
        ("au-\ndelà de", "au-delà\nde"),
        ("enfants non-\naccompagnés", "enfants non-accompagnés\n"),
        ("les États-\nUnis d’Amérique", "les États-Unis\nd’Amérique"),
        ("fin de ligne -\nsuite", "fin de ligne -\nsuite"),
    ],
)
def test_dehyphenate_joins_broken_words_and_keeps_compounds(raw, expected):
    assert dehyphenate(raw) == expected


def test_repair_fixes_a_word_broken_across_lines_in_both_halves():
    result = repair("des enqué-\ntes et la mati-\nére")
    assert result.text == "des enquê-\ntes et la mati-\nère"
    assert undo(result) == "des enqué-\ntes et la mati-\nére"
