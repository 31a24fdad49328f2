"""Round trip: the index published from the imported 2021 assignments is the 2021 index.

The whole corpus is ingested (tests/conftest.py `corpus_store`); the publication is
restricted to what the 2021 edition covered (Working Group meetings I–VI, COP sessions
I–VI). For every theme, each printed line (refs, Cote, Résolution/décision, Paragraphe,
Recommandations) must equal the original's row as read from corpus file 004, after
whitespace normalisation and with the "Partie A :"/"Partie B :" prefix removed (we print the
part as its own row). The same comparison is run on the index read back from the HTML and
DOCX files, so what readers get is what is checked.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache

import pytest
from lxml import html as lxml_html

from recueil.ingest.parsers.compendium import parse_compendium
from recueil.model import Part
from recueil.publish import build_publication, render

from .conftest import corpus_file

COVERED_2021 = ["A:I-VI", "B:I-VI"]
CELLS = ("refs", "symbol", "instrument", "paragraph", "recommendation")

# Where the original itself is inconsistent: (theme, part, meeting) → (cell, printed, why).
# Ours prints the regular form there; everything else must be identical.
ORIGINAL_INCONSISTENCIES = {
    (
        "Processus de Bali sur le trafic de migrants, la traite des personnes et la "
        "criminalité transnationale qui y est associée",
        "B",
        6,
    ): (
        "refs",
        "VI. al. 5",
        "space after 'VI.': the same index writes preambular refs 'VI.al. 1 à 7' (line 1032)",
    ),
    ("Protocole contre le trafic illicite de migrants par terre, mer et air", "A", 5): (
        "paragraph",
        "7 d), 8 b), e), g) et i), et 10 c)",
        "serial comma ', et' before the last group; all other multi-group cells have none "
        "('7 d) et 8 e) et f)', '8 b), g) et h) et 10 e)')",
    ),
    ("Trafic illicite par air", "B", 5): (
        "instrument",
        None,
        "packed line 1128 prints no Résolution/décision for its COP row; every other COP row "
        "of the index names its instrument (here Résolution 5/3, as the other V rows do)",
    ),
    ("Trafic illicite par mer", "B", 5): (
        "instrument",
        None,
        "packed line 1129 prints no Résolution/décision for its COP rows (Résolution 5/3)",
    ),
    ("Trafic illicite par mer", "B", 6): (
        "instrument",
        None,
        "packed line 1129 prints no Résolution/décision for its COP rows (Résolution 6/3)",
    ),
}


def _norm(text: str | None) -> str | None:
    if text is None:
        return None
    text = re.sub(r"^Partie\s+[AB]\s*:?\s*", "", text)
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip() or None


@cache
def _original() -> dict[str, list[dict]]:
    path = corpus_file("004")
    parsed = parse_compendium(path.read_text(encoding="utf-8"), str(path))
    rows: dict[str, list[dict]] = defaultdict(list)
    for row in parsed.index_rows:
        if not row.refs_expanded:  # a lone "Partie A" / "Partie B" marker row
            continue
        rows[row.theme].append(
            {
                "part": row.part.value,
                "meeting": row.refs_expanded[0].meeting,
                "line": row.line,
                **{c: _norm(getattr(row, c)) for c in CELLS},
            }
        )
    return dict(rows)


@pytest.fixture(scope="module")
def publication_2021(corpus_store):
    return build_publication(corpus_store, meetings=COVERED_2021)


def _model_rows(pub) -> dict[str, list[dict]]:
    return {
        theme.label: [
            {"part": line.part.value, "meeting": line.meeting}
            | {c: _norm(getattr(line, c)) for c in CELLS}
            for line in theme.lines
        ]
        for theme in pub.index
    }


def compare(ours: dict[str, list[dict]]) -> tuple[int, int, dict]:
    """(themes equal, lines equal, differences keyed like ORIGINAL_INCONSISTENCIES)."""
    original = _original()
    assert list(ours) == list(original), "themes or their order differ"
    differences = {}
    themes_equal = lines_equal = 0
    for theme, rows in original.items():
        mine = ours[theme]
        assert [(r["part"], r["meeting"]) for r in mine] == [
            (r["part"], r["meeting"]) for r in rows
        ], f"{theme}: not one line per meeting, Part A first, as printed"
        theme_ok = True
        for o, m in zip(rows, mine, strict=True):
            diff = [c for c in CELLS if o[c] != m[c]]
            if not diff:
                lines_equal += 1
                continue
            theme_ok = False
            for cell in diff:
                differences[(theme, o["part"], o["meeting"])] = (cell, o[cell], m[cell])
        themes_equal += theme_ok
    return themes_equal, lines_equal, differences


def _check(ours: dict[str, list[dict]]) -> None:
    themes_equal, lines_equal, differences = compare(ours)
    documented = {
        k: (cell, printed) for k, (cell, printed, _why) in ORIGINAL_INCONSISTENCIES.items()
    }
    assert {k: (cell, printed) for k, (cell, printed, _) in differences.items()} == documented
    total_lines = sum(len(rows) for rows in _original().values())
    assert themes_equal == len(_original()) - len({k[0] for k in documented})
    assert lines_equal == total_lines - len(documented)


def test_published_index_reproduces_the_2021_index(publication_2021):
    assert len(_original()) >= 75
    _check(_model_rows(publication_2021))


def test_documented_differences_print_the_regular_form(publication_2021):
    ours = _model_rows(publication_2021)
    lines = {(t, r["part"], r["meeting"]): r for t, rows in ours.items() for r in rows}
    assert (
        lines[next(k for k in ORIGINAL_INCONSISTENCIES if k[2] == 6 and k[1] == "B")]["refs"]
        == "VI.al. 5"
    )
    for key, (cell, _printed, _why) in ORIGINAL_INCONSISTENCIES.items():
        if cell == "instrument":
            session = key[2]
            assert lines[key]["instrument"] == f"Résolution {session}/3"


def test_index_read_back_from_html_reproduces_the_2021_index(publication_2021, tmp_path):
    out = tmp_path / "recueil.html"
    render(publication_2021, "html", out)
    _check(read_html_index(out.read_text(encoding="utf-8")))


def test_index_read_back_from_docx_reproduces_the_2021_index(publication_2021, tmp_path):
    from recueil.publish.docx import render_docx

    out = tmp_path / "recueil.docx"
    render_docx(publication_2021, out, update_toc=False)
    _check(read_docx_index(out))


def test_restricting_to_2021_leaves_out_later_meetings(publication_2021):
    assert [m.roman for m in publication_2021.part_a] == ["I", "II", "III", "IV", "V", "VI"]
    assert [m.roman for m in publication_2021.part_b] == ["I", "II", "III", "IV", "V", "VI"]
    cited = {
        (r.part, r.meeting) for t in publication_2021.index for ln in t.lines for r in ln.items
    }
    assert all(n <= 6 for _, n in cited)
    assert {p for p, _ in cited} == {Part.A, Part.B}


# --- readers of the produced files (shared with test_publish_outputs) ------------------------


def read_html_index(text: str) -> dict[str, list[dict]]:
    """Theme → printed lines, read from the HTML's index table."""
    tree = lxml_html.fromstring(text.encode("utf-8"))
    out: dict[str, list[dict]] = {}
    for body in tree.xpath('//table[contains(@class, "index-table")]/tbody'):
        label = _norm(body.xpath('.//th[contains(@class, "theme-label")]')[0].text_content())
        rows = []
        for tr in body.xpath('./tr[contains(concat(" ", @class, " "), " line ")]'):
            cells = {c: _norm(tr.xpath(f'./td[@class="{c}"]')[0].text_content()) for c in CELLS}
            rows.append(
                {"part": tr.get("data-part"), "meeting": int(tr.get("data-meeting"))} | cells
            )
        out[label] = rows
    return out


def read_docx_index(path) -> dict[str, list[dict]]:
    """Theme → printed lines, read from the DOCX's index table (the document's last table)."""
    import docx
    from docx.oxml.ns import qn

    from recueil.model import from_roman

    table = docx.Document(str(path)).tables[-1]
    out: dict[str, list[dict]] = {}
    label = None
    part = "A"
    for row in table.rows[2:]:
        cells = row.cells
        theme = _norm(cells[0].text)
        if theme and theme != label:
            label, part = theme, "A"
            out[label] = []
        texts = [" ".join(c.text.split()) for c in cells[1:]]
        if texts[0] in ("Partie A", "Partie B") and set(texts) == {texts[0]}:  # merged cell
            part = texts[0][-1]
            continue
        values = [_norm(t) for t in texts]
        shaded = any(
            shd.get(qn("w:fill")) not in (None, "auto", "FFFFFF")
            for c in cells[1:]
            for shd in c._tc.iter(qn("w:shd"))
        )
        assert shaded == (part == "B"), f"{label}: {values[0]} shading does not match its part"
        roman = values[0].split(".")[0]
        out[label].append(
            {"part": part, "meeting": from_roman(roman)} | dict(zip(CELLS, values, strict=True))
        )
    return out
