"""The 2020 and 2024 Working Group reports rendered in every layout a user may bring
give exactly the items of their text files, or are refused: never an item missing.

Rendered here, once per module: DOCX (python-docx), HTML, and PDF (WeasyPrint) with one
printed line per paragraph under running headers and footers (symbol, job number, page
number); the PDF with one paragraph per block is tests/test_formats_end_to_end.py. The
files are named like the corpus files with another extension, in a folder holding a copy
of the corpus manifest: the manifest entry is found by the file's stem (it survives the
conversion).
"""

from __future__ import annotations

import html
import shutil

import pytest

from recueil.ingest.errors import IngestError
from recueil.ingest.pipeline import load
from tests.conftest import CORPUS, corpus_file
from tests.test_formats_end_to_end import as_printed
from tests.test_read import blocks, corpus_text, docx_from, fold, is_table

PREFIXES = ("000", "001")
RUNNING = (
    "@page { size: A4; margin: 2.5cm; "
    "@top-right { content: 'CTOC/COP/WG.7/2020/4' } "
    "@bottom-left { content: 'V.20-05362' } @bottom-right { content: counter(page) } }"
)


def pdf_one_line_per_paragraph(text: str) -> bytes:
    """Every printed line its own paragraph (a layout where paragraph = line), with a
    running header (symbol) and footer (job number, page number) on every page."""
    weasyprint = pytest.importorskip("weasyprint")
    body = "".join(f"<p>{html.escape(line.strip())}</p>\n" for line in text.split("\n")
                   if line.strip())  # fmt: skip
    page = ('<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
            f"<style>{RUNNING}</style></head><body>{body}</body></html>")  # fmt: skip
    return weasyprint.HTML(string=page).write_pdf()


def html_from(text: str) -> bytes:
    """One <p> per paragraph ("Recommandation N" as an <h3>), tables as tables."""
    parts = []
    for block in blocks(text):
        if is_table(block):
            rows = "".join(
                "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in line.split("\t")) + "</tr>"
                for line in block.split("\n")
            )
            parts.append(f"<table>{rows}</table>")
        elif fold(block).startswith("Recommandation "):
            parts.append(f"<h3>{html.escape(fold(block))}</h3>")
        else:
            parts.append(f"<p>{html.escape(fold(block))}</p>")
    page = ('<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Rapport</title>'
            "<style>p { margin: 0 }</style><script>var x = '1. not text';</script></head>"
            f"<body><nav>Menu</nav>{''.join(parts)}</body></html>")  # fmt: skip
    return page.encode("utf-8")


def printed_lines(text: str) -> str:
    """One paragraph per printed line (what a converter that loses the wrapping gives)."""
    return "\n\n".join(line.strip() for line in text.split("\n") if line.strip())


RENDERERS = {
    "docx": ("docx", docx_from),
    "docx-lines": ("docx", lambda text: docx_from(printed_lines(text))),
    "html": ("html", html_from),
    "html-lines": ("html", lambda text: html_from(printed_lines(text))),
    "pdf-lines": ("pdf", pdf_one_line_per_paragraph),
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[tuple[str, str], object]:
    """{(prefix, layout): path}, each document rendered once."""
    out = {}
    for layout, (ext, make) in RENDERERS.items():
        folder = tmp_path_factory.mktemp(layout)
        shutil.copy(CORPUS / "manifest.toml", folder)
        for prefix in PREFIXES:
            source = corpus_file(prefix)
            target = folder / f"{source.stem}.{ext}"
            target.write_bytes(make(as_printed(corpus_text(source))))
            out[(prefix, layout)] = target
    return out


def _items(loaded) -> dict[str, str]:
    return {f"{i.ref}/{i.status}": i.text for i in loaded.parsed.all_items()}


@pytest.mark.parametrize("layout", list(RENDERERS))
@pytest.mark.parametrize("prefix", PREFIXES)
def test_rendered_report_gives_exactly_the_items_of_its_text(rendered, prefix, layout):
    expected = load(corpus_file(prefix))
    again = load(rendered[(prefix, layout)])  # an IngestError here (a refusal) fails too
    assert again.parsed.kind == expected.parsed.kind
    assert again.parsed.meeting == expected.parsed.meeting
    assert _items(again) == _items(expected)
    assert len(again.parsed.paragraphs) == len(expected.parsed.paragraphs)
    assert not again.parsed.gaps


def test_html_page_is_read_without_script_navigation_or_markup(rendered):
    from recueil.ingest.read import read_source

    source = read_source(rendered[("001", "html")])
    assert source.format == "html" and source.encoding == "utf-8"
    assert "not text" not in source.text and "<" not in source.text
    assert source.text.startswith("Menu\n\nConférence des Parties")


def test_html_ordered_lists_keep_the_numbers_the_browser_draws(tmp_path):
    from recueil.ingest.read import read_source

    page = tmp_path / "list.html"
    page.write_text(
        "<html><body><ol start='3'><li>Trois.</li><li>Quatre :<ol type='a'><li>premier ;</li>"
        "<li>second.</li></ol></li></ol><p>Texte<sup>1</sup> suivi.</p></body></html>",
        encoding="cp1252",
    )
    text = read_source(page).text
    assert text.split("\n\n") == ["3. Trois.", "4. Quatre :", "a) premier ;", "b) second.",
                                  "Texte¹ suivi."]  # fmt: skip


def test_scanned_pdf_without_text_layer_is_refused_clearly(tmp_path):
    """A PDF of images (a scan) has no text to read: refused, with what to do."""
    weasyprint = pytest.importorskip("weasyprint")
    pdf = weasyprint.HTML(string="<html><body><div style='width:10cm;height:5cm;"
                          "background:#888'></div></body></html>").write_pdf()  # fmt: skip
    path = tmp_path / "scan.pdf"
    path.write_bytes(pdf)
    with pytest.raises(IngestError, match="no text layer"):
        load(path)


FOOTNOTES = (
    "@page { size: A4; margin: 2.5cm } .fn { float: footnote } "
    "::footnote-call { content: counter(footnote); vertical-align: super; font-size: 70% } "
    "::footnote-marker { content: counter(footnote) ' ' }"
)


def test_pdf_footnotes_are_left_out_of_the_items(tmp_path):
    """UN-style footnotes (a call glued to a word, the body at the foot of the page) in
    three recommendations: the bodies are not read into any item, the calls are dropped."""
    weasyprint = pytest.importorskip("weasyprint")
    note = "<span class='fn'>Voir la résolution 5/3 de la Conférence des Parties, par. 4.</span>"
    parts = []
    for block in blocks(as_printed(corpus_text(corpus_file("001")))):
        text = html.escape(fold(block))
        if text.startswith("Les États parties sont encouragés à"):
            text = text.replace(" sont encouragés", f" sont encouragés{note}", 1)
        parts.append(f"<p>{text}</p>")
    page = ('<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
            f"<style>{FOOTNOTES}</style></head><body>{''.join(parts)}</body></html>")  # fmt: skip
    path = tmp_path / f"{corpus_file('001').stem}.pdf"
    path.write_bytes(weasyprint.HTML(string=page).write_pdf())
    shutil.copy(CORPUS / "manifest.toml", tmp_path)
    again = load(path)
    assert "Voir la résolution 5/3" not in again.source.text
    assert "encouragés¹" in again.source.text
    assert _items(again) == _items(load(corpus_file("001")))


def test_docx_with_word_list_numbering_keeps_the_paragraph_numbers(tmp_path):
    """Paragraphs numbered by Word itself ("List Number": the number is not in the text)
    come back numbered, so no numbered paragraph is lost or merged."""
    import io
    import re

    import docx

    document = docx.Document()
    expected_number = 1  # the report's paragraphs (an agenda's "1. …" lines stay as text)
    for block in blocks(as_printed(corpus_text(corpus_file("001")))):
        text = fold(block)
        m = re.match(r"(\d{1,2})\. (.*)", text)
        if m and int(m.group(1)) == expected_number:
            document.add_paragraph(m.group(2), style="List Number")
            expected_number += 1
        else:
            document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    path = tmp_path / f"{corpus_file('001').stem}.docx"
    path.write_bytes(out.getvalue())
    shutil.copy(CORPUS / "manifest.toml", tmp_path)
    again, expected = load(path), load(corpus_file("001"))
    assert [p.number for p in again.parsed.paragraphs] == [str(n) for n in range(1, 55)]
    assert [p.text for p in again.parsed.paragraphs] == [p.text for p in expected.parsed.paragraphs]
    assert _items(again) == _items(expected)
