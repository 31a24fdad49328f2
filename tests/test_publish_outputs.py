"""The four publication formats, read back: headings, items per meeting, index rows, shading.

The default publication (every adopted item of the whole ingested corpus) is rendered once;
each file is then parsed (lxml for HTML, python-docx for DOCX, pypdf for PDF) and compared
with what the store's own listing queries say, never with the templates' strings.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from recueil.model import to_roman
from recueil.publish import build_publication, render
from recueil.publish.model import Publication
from recueil.store import queries

from .test_publish_roundtrip import read_docx_index, read_html_index


def squash(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", "", text)


@pytest.fixture(scope="module")
def pub(corpus_store) -> Publication:
    return build_publication(corpus_store)


@pytest.fixture(scope="module")
def files(pub, tmp_path_factory):
    from recueil.publish.docx import render_docx

    folder = tmp_path_factory.mktemp("publication")
    out = {fmt: folder / f"recueil.{fmt}" for fmt in ("html", "md", "pdf", "docx")}
    for fmt in ("html", "md", "pdf"):
        render(pub, fmt, out[fmt])
    render_docx(pub, out["docx"], update_toc=False)  # the LibreOffice pass is tested apart
    return out


@pytest.fixture(scope="module")
def expected(corpus_store) -> dict:
    """What the store says, through the listing queries the CLI uses."""
    meetings = corpus_store.run(queries.list_meetings)
    items = corpus_store.run(queries.list_items, status="adopted")
    themed = [i for i in items if i["themes"]]
    return {
        "meetings": [(m["part"], m["number"]) for m in meetings if m["items"]],
        # top-level items printed per meeting: the named counts without the subparagraphs
        "items": {(m["part"], m["number"]): m["recommendations"] + m["paragraphs"]
                  + m["preambular"] for m in meetings if m["items"]},  # fmt: skip
        "themes": {t for i in themed for t in i["themes"]},
        "b_lines": {(t, i["session"]) for i in themed if i["part"] == "B" for t in i["themes"]},
        "a_lines": {(t, i["meeting"]) for i in themed if i["part"] == "A" for t in i["themes"]},
        "drafts": corpus_store.run(queries.list_items, status="draft"),
        "adopted_refs": {i["ref"] for i in items},
    }


# --- the publication itself --------------------------------------------------------------


def test_default_publication_has_every_meeting_in_chronological_order(pub, expected):
    got = [(m.part.value, m.roman) for m in (*pub.part_a, *pub.part_b)]
    assert got == expected["meetings"]
    assert {"VII", "XI"} <= {m.roman for m in pub.part_a}  # the reports after 2021
    for part in (pub.part_a, pub.part_b):
        starts = [m.number for m in part]
        assert starts == sorted(starts)


def test_introduction_says_which_meetings_and_sessions_are_covered(pub):
    text = " ".join(pub.intro)
    assert "réunions I à VII et XI" in text
    assert "de sa première à sa sixième session" in text
    assert f"{len(pub.index)} thèmes" in text


def test_cluster_headings_of_the_reports_are_kept(pub):
    eleventh = next(m for m in pub.part_a if m.roman == "XI")
    headings = [c.heading for c in eleventh.clusters]
    assert len(headings) >= 2 and all(h and h[:3] in ("A. ", "B. ", "C. ") for h in headings)


def test_part_b_has_preamble_and_operative_paragraphs(pub):
    sixth = next(m for m in pub.part_b if m.roman == "VI")
    (resolution,) = sixth.instruments
    assert resolution.name == "Résolution 6/3"
    assert resolution.preamble and all(i.ref.is_preambular for i in resolution.preamble)
    assert [i.label for i in resolution.operative][:3] == ["1.", "2.", "3."]


# --- HTML ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def html_tree(files):
    return lxml_html.fromstring(files["html"].read_bytes())


def test_html_headings(html_tree, pub, expected):
    h1 = [squash(h.text_content()) for h in html_tree.xpath("//section[not(@id='title')]/h1")]
    assert h1 == [squash(t) for t in ("Introduction", pub.BODY_HEADING, pub.INDEX_HEADING)]
    assert len(html_tree.xpath("//section[contains(@class, 'part')]/h2")) == 2
    h3 = html_tree.xpath("//section[contains(@class, 'meeting')]/h3")
    assert len(h3) == len(expected["meetings"])


def test_html_items_per_meeting(html_tree, expected):
    got = {}
    for section in html_tree.xpath("//section[contains(@class, 'meeting')]"):
        key = (section.get("data-part"), section.get("data-meeting"))
        got[key] = len(section.xpath(".//div[contains(@class, 'items')]/div[@data-ref]"))
    assert got == expected["items"]


def test_html_publishes_no_draft(html_tree, expected):
    published = set(html_tree.xpath("//div[@data-ref]/@data-ref"))
    assert published <= expected["adopted_refs"]
    draft_only = {d["ref"] for d in expected["drafts"]} - expected["adopted_refs"]
    assert not (published & draft_only)
    body = squash(html_tree.text_content())
    for draft in expected["drafts"]:
        adopted = [i for i in expected["adopted_refs"] if i == draft["ref"]]
        if not adopted:
            assert squash(draft["text"]) not in body


def test_html_index_rows_and_shading(html_tree, expected):
    index = read_html_index(lxml_html.tostring(html_tree, encoding="unicode"))
    assert set(index) == expected["themes"]
    lines = [(theme, row) for theme, rows in index.items() for row in rows]
    a_lines = {(t, to_roman(r["meeting"])) for t, r in lines if r["part"] == "A"}
    b_lines = {(t, to_roman(r["meeting"])) for t, r in lines if r["part"] == "B"}
    assert a_lines == expected["a_lines"]
    assert b_lines == expected["b_lines"]
    assert len(lines) == len(a_lines) + len(b_lines)  # one line per meeting and theme
    for tr in html_tree.xpath("//tbody/tr[contains(concat(' ', @class, ' '), ' line ')]"):
        assert ("shaded" in tr.get("class").split()) == (tr.get("data-part") == "B")
    for theme, rows in index.items():
        parts = [r["part"] for r in rows]
        assert parts == sorted(parts), f"{theme}: Part A lines must come first"


def test_html_toc_links_resolve(html_tree):
    ids = set(html_tree.xpath("//@id"))
    hrefs = html_tree.xpath("//nav[@id='toc']//a/@href")
    assert hrefs and all(h.startswith("#") and h[1:] in ids for h in hrefs)


def test_html_french_typography(html_tree):
    first = html_tree.xpath("//section[@id='meeting-A-I']/h3")[0]
    assert [s.text for s in first.xpath(".//sup")] == ["er"]
    text = html_tree.xpath("//body")[0].text_content()
    assert " ;" not in text and " :" not in text  # always non-breaking
    assert "\u00a0;" in text and "«\u00a0" in text


# --- DOCX ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def document(files):
    import docx

    return docx.Document(str(files["docx"]))


def test_docx_headings_use_real_heading_styles(document, pub, expected):
    by_style = {}
    for p in document.paragraphs:
        by_style.setdefault(p.style.name, []).append(p.text)
    assert [squash(t) for t in by_style["Heading 1"]] == [
        squash(t) for t in ("Introduction", pub.BODY_HEADING, pub.INDEX_HEADING)
    ]
    assert len(by_style["Heading 2"]) == 2
    assert len(by_style["Heading 3"]) == len(expected["meetings"])


def test_docx_items_per_meeting(document, expected):
    counts: Counter = Counter()
    part, meeting = None, None
    for p in document.paragraphs:
        if p.style.name == "Heading 2":
            part = "B" if p.text.startswith("B.") else "A"
        elif p.style.name == "Heading 3":
            meeting = (part, p.text.split(".")[0])
        elif p.style.name == "Recueil Item" and meeting:
            counts[meeting] += 1
    assert dict(counts) == expected["items"]


def test_docx_index_table_style_header_and_shading(document, files, expected):
    from docx.oxml.ns import qn

    table = document.tables[-1]
    assert table.style.name == "Index thématique"
    header = [
        r
        for r in table.rows
        if r._tr.trPr is not None and r._tr.trPr.find(qn("w:tblHeader")) is not None
    ]
    assert len(header) == 2
    index = read_docx_index(files["docx"])  # also checks each row's shading against its part
    assert set(index) == expected["themes"]
    lines = [(t, r) for t, rows in index.items() for r in rows]
    b_lines = {(t, to_roman(r["meeting"])) for t, r in lines if r["part"] == "B"}
    assert b_lines == expected["b_lines"]


def test_docx_has_a_prefilled_toc_field(document, pub):
    from docx.oxml.ns import qn

    body = document.element.body
    instructions = [t.text for t in body.iter(qn("w:instrText"))]
    assert any('TOC \\o "1-3"' in t for t in instructions)
    entries = [p for p in document.paragraphs if re.fullmatch(r"TOC \d", p.style.name)]
    assert [squash(p.text) for p in entries] == [squash(e.text) for e in pub.toc()]
    links = [h.get(qn("w:anchor")) for p in entries for h in p._p.iter(qn("w:hyperlink"))]
    bookmarks = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    assert links and set(links) <= bookmarks
    settings = document.settings.element
    assert settings.find(qn("w:updateFields")) is not None


def test_docx_ordinals_are_superscript(document):
    heading = next(p for p in document.paragraphs if p.style.name == "Heading 3")
    assert [r.text for r in heading.runs if r.font.superscript] == ["er"]


# --- PDF ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf(files):
    from pypdf import PdfReader

    return PdfReader(str(files["pdf"]))


def test_pdf_has_a_toc_whose_page_numbers_point_at_the_headings(pdf, pub):
    pages = [squash(page.extract_text()) for page in pdf.pages]
    toc_page = next(
        i
        for i, text in enumerate(pages)
        if text.startswith("Tabledesmatières") or "Tabledesmatières" in text[:80]
    )
    toc = pages[toc_page]
    for entry in pub.toc():
        m = re.search(re.escape(squash(entry.text)) + r"[.]*(\d+)", toc)
        assert m, f"no page number for {entry.text!r} in the table of contents"
        number = int(m.group(1))
        assert number > toc_page + 1
        assert squash(entry.text) in pages[number - 1], f"{entry.text!r} is not on page {number}"


def test_pdf_contains_every_meeting_heading_and_the_index(pdf, pub):
    text = squash("".join(page.extract_text() for page in pdf.pages[2:]))
    for meeting in (*pub.part_a, *pub.part_b):
        assert squash(meeting.heading) in text
    assert squash(pub.INDEX_HEADING) in text
    assert len(pdf.pages) > 30


def test_pdf_embeds_the_bundled_fonts(pdf):
    fonts = {}
    for page in pdf.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font.get("/BaseFont"))] = embedded
    assert fonts and all(fonts.values()), fonts
    names = " ".join(fonts)
    assert "Source-Serif-Pro" in names and "Source-Sans-Pro" in names


# --- Markdown -----------------------------------------------------------------------------


def test_markdown_headings_items_and_index(files, pub, expected):
    text = files["md"].read_text(encoding="utf-8")
    meetings = re.findall(r"^#### (.+)$", text, flags=re.M)
    assert len(meetings) == len(expected["meetings"])
    top_items = re.findall(r"^(?:\d+\\\.|[a-z]+\)|\*\(al\. \d+\)\*) ", text, flags=re.M)
    assert len(top_items) == sum(expected["items"].values())
    table = [line for line in text.splitlines() if line.startswith("| ")]
    rows = sum(len(t.display_rows()) for t in pub.index)
    assert len(table) == 1 + rows  # header + every printed row
    shaded_marks = [line for line in table if "*Partie B*" in line]
    assert len(shaded_marks) == sum(1 for t in pub.index if t.part_b)


# --- the CLI and the LibreOffice page numbers ------------------------------------------------


def test_cli_publish_writes_the_file(corpus_store, tmp_path):
    from recueil.cli import main

    out = tmp_path / "recueil.md"
    result = CliRunner().invoke(
        main,
        ["publish", "--format", "md", "--out", str(out), "--db", corpus_store.url,
         "--meetings", "A:I-VI,B:I-VI"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "6 meetings, 6 sessions" in result.output
    assert "Septième réunion" not in out.read_text(encoding="utf-8")


def test_cli_publish_refuses_a_bad_meeting_selection(corpus_store, tmp_path):
    from recueil.cli import main

    out = tmp_path / "x.md"
    result = CliRunner().invoke(
        main, ["publish", "--format", "md", "--out", str(out), "--db", corpus_store.url,
               "--meetings", "A:Z"],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "not a meeting selection" in result.output
    assert not out.exists()


def test_libreoffice_fills_docx_toc_page_numbers(pub, tmp_path):
    from docx import Document
    from docx.oxml.ns import qn

    from recueil.publish.docx import libreoffice, render_docx

    if libreoffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed; the TOC keeps its linked entries")
    out = tmp_path / "recueil.docx"
    assert render_docx(pub, out, update_toc=True)
    entries = [p for p in Document(str(out)).paragraphs if re.fullmatch(r"TOC \d", p.style.name)]
    numbers = []
    for p in entries:
        texts = [t.text for t in p._p.iter(qn("w:t"))]
        numbers.append(int(texts[-1]))
    assert numbers == sorted(numbers) and numbers[0] >= 2
