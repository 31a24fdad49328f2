"""Every corpus document saved as PDF and as DOCX ingests to the same items as its text.

The PDF and DOCX files are generated here from the corpus (WeasyPrint, python-docx), then
go through the whole pipeline: read → detect → parse, exactly as a user's file would.
"""

from __future__ import annotations

import re
import tomllib

import pytest

from recueil.ingest.errors import IngestError
from recueil.ingest.manifest import MANIFEST_NAME
from recueil.ingest.normalize import strip_markup
from recueil.ingest.pipeline import load
from tests.conftest import CORPUS
from tests.test_read import corpus_text, docx_from, pdf_from

FILES = sorted(p for p in CORPUS.iterdir() if p.suffix == ".txt")


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """{(prefix, format): path} for every corpus file, with a manifest for the new names."""
    folder = tmp_path_factory.mktemp("formats")
    manifest = tomllib.loads((CORPUS / MANIFEST_NAME).read_text(encoding="utf-8"))
    lines, out = [], {}
    for path in FILES:
        text = as_printed(corpus_text(path))
        for fmt, make in (("pdf", pdf_from), ("docx", docx_from)):
            target = folder / f"{path.stem}.{fmt}"
            target.write_bytes(make(text))
            out[(path.name[:3], fmt)] = target
            entry = manifest[path.name]
            lines.append(f'["{target.name}"]')
            lines += [f"{k} = {v!r}".replace("'", '"') for k, v in entry.items() if k != "note"]
    (folder / MANIFEST_NAME).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


_HEADING = re.compile(r"^\s*(Recommandation \d+|[A-Z]\.|[IVX]+\.\s.*)\s*$")
_PARAGRAPH_START = re.compile(r"^\s*\d{1,2}\.\s")


def as_printed(text: str) -> str:
    """What a word processor or PDF shows of a source, one paragraph per printed paragraph.

    Markdown conversions print each source line as its own paragraph (list items, headings)
    without the Markdown marks; plain OCR text keeps its blank-line paragraphs with line
    wraps, headings standing on their own. Table lines stay tab-separated (DOCX tables).
    """
    markdown = "**" in text or "\n#" in text
    out = []
    for line in text.split("\n"):
        if "\t" not in line:
            line = strip_markup(line.lstrip("#").strip()) if markdown else line
        if markdown or _HEADING.match(line):
            out += ["", line, ""] if line.strip() else []
        elif _PARAGRAPH_START.match(line):  # a numbered paragraph starts a new paragraph
            out += ["", line]
        else:
            out.append(line)
    return "\n".join(out)


def _items(loaded) -> dict[str, str]:
    return {f"{i.ref}/{i.status}": i.text for i in loaded.parsed.all_items()}


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize("prefix", ["000", "001", "002", "003"])
def test_report_in_pdf_or_docx_gives_the_same_items_and_texts(converted, prefix, fmt):
    original = load(next(CORPUS.glob(f"{prefix}_*")))
    again = load(converted[(prefix, fmt)])
    assert again.source.format == fmt
    assert again.parsed.kind == original.parsed.kind
    assert _items(again) == _items(original)
    assert len(again.parsed.paragraphs) == len(original.parsed.paragraphs)


def test_compendium_in_docx_gives_the_same_items_and_thematic_index(converted):
    original = load(next(CORPUS.glob("004_*")))
    again = load(converted[("004", "docx")])
    assert _items(again) == _items(original)
    pairs = {(e.theme, str(e.ref)) for e in again.parsed.index_entries}
    assert pairs == {(e.theme, str(e.ref)) for e in original.parsed.index_entries}
    assert len(pairs) == 645


def test_compendium_in_pdf_is_refused_clearly_because_its_index_table_is_flattened(converted):
    """pypdf gives a table's cells as running text: the index cannot be read back, and
    ingesting the compendium without its index would silently lose 645 assignments."""
    with pytest.raises(IngestError, match="thematic index has no rows"):
        load(converted[("004", "pdf")])
