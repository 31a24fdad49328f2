"""Reading files into text: the corpus as text, in legacy encodings, as PDF and as DOCX,
and every kind of unusable file refused with a message naming the file and the problem.

PDF and DOCX copies are generated from the corpus files (one paragraph per source
paragraph; the tab-separated lines of 004 as Word tables) once per module.
"""

from __future__ import annotations

import codecs
import copy
import difflib
import hashlib
import html
import io
import re
import unicodedata
import zipfile
from pathlib import Path

import pytest

from recueil.ingest.errors import IngestError
from recueil.ingest.read import (
    DEFAULT_MAX_BYTES,
    FORMATS,
    SourceText,
    iter_sources,
    read_source,
)
from tests.conftest import CORPUS, corpus_file

CORPUS_FILES = sorted(CORPUS.glob("*.txt"))
IDS = [p.name[:3] for p in CORPUS_FILES]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def corpus_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def blocks(text: str) -> list[str]:
    """The source's paragraphs: blocks between blank lines, as written."""
    return [b.strip("\n") for b in re.split(r"\n[ \t]*\n", text) if b.strip()]


def fold(text: str) -> str:
    """Ordinary whitespace folded to one space (non-breaking spaces kept)."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def is_table(block: str) -> bool:
    return all("\t" in line for line in block.split("\n"))


def word_ratio(expected: str, actual: str) -> float:
    a, b = expected.split(), actual.split()
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def no_space(text: str) -> str:
    return re.sub(r"\s+", "", text)


def read_error(path: Path, **kwargs) -> str:
    with pytest.raises(IngestError) as info:
        read_source(path, **kwargs)
    message = str(info.value)
    assert str(path) in message and "\n" not in message
    return message


# --- The corpus as text -----------------------------------------------------------------


def test_corpus_has_the_five_documents():
    assert IDS == ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("path", CORPUS_FILES, ids=IDS)
def test_corpus_file_reads_as_its_utf8_text(path):
    data = path.read_bytes()
    source = read_source(path)
    assert isinstance(source, SourceText)
    assert source.path == path
    assert source.format == "text"
    assert source.encoding == "utf-8"
    assert source.sha256 == hashlib.sha256(data).hexdigest()
    assert source.size == len(data)
    assert source.text == unicodedata.normalize("NFC", data.decode("utf-8"))


def test_markdown_extension_gives_markdown_format(tmp_path):
    path = tmp_path / "report.md"
    path.write_bytes(corpus_file("001").read_bytes())
    source = read_source(path)
    assert source.format == "markdown"
    assert source.text == corpus_text(corpus_file("001"))


def test_utf8_byte_order_mark_is_dropped_and_reported(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8 + corpus_file("003").read_bytes())
    source = read_source(path)
    assert source.text == corpus_text(corpus_file("003"))
    assert source.encoding == "utf-8-sig"
    assert source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_utf16_with_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "notepad.txt"
    path.write_bytes(corpus_text(corpus_file("003")).encode("utf-16"))
    source = read_source(path)
    assert source.text == corpus_text(corpus_file("003"))
    assert source.encoding == "utf-16"


def test_windows_and_old_mac_newlines_become_line_feeds(tmp_path):
    text = corpus_text(corpus_file("003"))
    for newline in ("\r\n", "\r"):
        path = tmp_path / "newlines.txt"
        path.write_bytes(text.replace("\n", newline).encode("utf-8"))
        assert read_source(path).text == text


def test_decomposed_accents_are_composed_nfc(tmp_path):
    text = corpus_text(corpus_file("003"))
    path = tmp_path / "nfd.txt"
    path.write_bytes(unicodedata.normalize("NFD", text).encode("utf-8"))
    assert text != unicodedata.normalize("NFD", text)
    assert read_source(path).text == text


# --- Legacy encodings ---------------------------------------------------------------------


def representable(text: str, encoding: str) -> str:
    """The paragraphs of `text` that `encoding` can represent (all of them if it can)."""
    kept = []
    for part in re.split(r"(\n[ \t]*\n)", text):
        try:
            part.encode(encoding)
        except UnicodeEncodeError:
            continue
        kept.append(part)
    return "".join(kept)


# cp1252 represents every character of 000-003 (’ œ – € ™ included); 004's superscript
# digits (⁴ ⁵ …) are outside cp1252, Latin-1 and Mac Roman, and Latin-1 lacks ’ œ – €,
# so for those only the paragraphs the encoding can represent are written (the share is
# checked below). Mac Roman differs from cp1252 on every accented letter, cp850 too.
LEGACY_CASES = [
    (prefix, encoding)
    for prefix in IDS
    for encoding in ("cp1252", "latin_1", "iso8859_15", "mac_roman", "cp850")
]


@pytest.mark.parametrize(("prefix", "encoding"), LEGACY_CASES)
def test_legacy_encoded_corpus_text_decodes_to_the_original(tmp_path, prefix, encoding):
    original = corpus_text(corpus_file(prefix))
    sample = representable(original, encoding)
    if encoding == "cp1252" and prefix != "004":
        assert sample == original  # the whole file round-trips
    accented = sum(not c.isascii() and c.isalpha() for c in sample)
    assert len(sample) >= 1000 and accented >= 20, (len(sample), accented)
    data = sample.encode(encoding)
    path = tmp_path / f"{prefix}.{encoding}.txt"
    path.write_bytes(data)

    source = read_source(path)
    assert source.text == sample
    assert data.decode(source.encoding) == sample
    assert source.sha256 == hashlib.sha256(data).hexdigest()
    if encoding in ("cp1252", "mac_roman", "cp850"):  # bytes only this encoding reads right
        assert source.encoding == codecs.lookup(encoding).name


# charset-normalizer's own best guess for these files misreads them (shown right).
@pytest.mark.parametrize(
    ("prefix", "encoding", "right", "wrong"),
    [
        ("000", "cp1252", "¢", "˘"),  # guessed cp1250
        ("003", "mac_roman", "à", "ą"),  # guessed mac_latin2
        ("001", "iso8859_15", "œ", "½"),  # guessed cp1252
    ],
)
def test_french_words_pick_between_encodings_that_differ_on_a_few_letters(
    tmp_path, prefix, encoding, right, wrong
):
    sample = representable(corpus_text(corpus_file(prefix)), encoding)
    path = tmp_path / f"{prefix}.txt"
    path.write_bytes(sample.encode(encoding))
    source = read_source(path)
    assert source.encoding == codecs.lookup(encoding).name
    assert right in source.text and wrong not in source.text


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("The Working Group’s report “on smuggling” of migrants. " * 30, "cp1252"),
        ("Доклад Рабочей группы по незаконному ввозу мигрантов. " * 30, "cp1251"),
    ],
)
def test_text_without_french_accents_falls_back_to_charset_normalizer(tmp_path, text, encoding):
    path = tmp_path / "other.txt"
    path.write_bytes(text.encode(encoding))
    source = read_source(path)
    assert source.text == text
    assert source.encoding == encoding


def test_text_with_no_possible_encoding_is_refused(tmp_path):
    path = tmp_path / "noise.txt"
    path.write_bytes((bytes(range(0x80, 0x100)) + b" le texte ") * 40)
    assert "cannot determine the text encoding (tried utf-8, cp1252" in read_error(path)


def test_text_mixing_utf8_and_undefined_cp1252_bytes_is_refused(tmp_path):
    # charset-normalizer alone calls this cp932 (Japanese), with no mess and no language.
    path = tmp_path / "mixed.txt"
    path.write_bytes("Les États".encode() + bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D] * 50))
    assert "cannot determine the text encoding" in read_error(path)


# --- PDF ------------------------------------------------------------------------------------


def pdf_from(text: str, css: str = "") -> bytes:
    weasyprint = pytest.importorskip("weasyprint")
    body = "".join(f"<p>{html.escape(fold(b))}</p>\n" for b in blocks(text))
    page = (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f"<style>{css}</style></head><body>{body}</body></html>"
    )
    return weasyprint.HTML(string=page).write_pdf()


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    """Each corpus file as a PDF: one <p> per source paragraph (generated once)."""
    folder = tmp_path_factory.mktemp("pdf")
    out = {}
    for path in CORPUS_FILES:
        out[path.name[:3]] = folder / f"{path.stem}.pdf"
        out[path.name[:3]].write_bytes(pdf_from(corpus_text(path)))
    return out


@pytest.fixture(scope="module")
def pdf_sources(pdfs) -> dict[str, SourceText]:
    return {prefix: read_source(path) for prefix, path in pdfs.items()}


@pytest.mark.parametrize("prefix", IDS)
def test_pdf_keeps_the_words_of_the_source_in_order(pdfs, pdf_sources, prefix):
    source = pdf_sources[prefix]
    assert source.format == "pdf" and source.encoding is None
    assert source.sha256 == hashlib.sha256(pdfs[prefix].read_bytes()).hexdigest()
    expected = " ".join(fold(b) for b in blocks(corpus_text(corpus_file(prefix))))
    assert word_ratio(expected, source.text) >= 0.99


@pytest.mark.parametrize("prefix", IDS)
def test_pdf_contains_every_source_paragraph(pdf_sources, prefix):
    # Spaces may differ where the renderer broke a line inside a symbol ("WG.7/" + "2018").
    # The OCR text's own page furniture ("V.20-05362 3/10", "CTOC/COP/WG.7/2020/4") is taken
    # off when the rendering puts it at a page edge, like a real running header or footer.
    flat = no_space(pdf_sources[prefix].text)
    source_blocks = blocks(corpus_text(corpus_file(prefix)))
    missing = [b[:80] for b in source_blocks if no_space(b) not in flat and not is_furniture(b)]
    assert missing == []


_FURNITURE_ATOM = re.compile(
    r"[A-Z]\.\d{2}-\d{5}|\d{1,3}(?:/\d{1,3})?|\([A-Z]\)|[A-Z][A-Z0-9.]*(?:/\S+)+"
)


def is_furniture(block: str) -> bool:
    """A job number, page number or symbol line (OCR'd running header or footer)."""
    return all(_FURNITURE_ATOM.fullmatch(atom) for atom in block.split())


@pytest.mark.parametrize("prefix", IDS)
def test_pdf_paragraphs_come_back_as_paragraphs(pdf_sources, prefix):
    # Not all: a paragraph that a page break cuts after a full stop stays cut in two.
    out = {fold(p) for p in pdf_sources[prefix].text.split("\n\n")}
    source_blocks = blocks(corpus_text(corpus_file(prefix)))
    kept = sum(fold(b) in out for b in source_blocks)
    assert kept >= 0.9 * len(source_blocks), (kept, len(source_blocks))


UN_STYLE = (
    "@page { size: A4; margin: 2.5cm } "
    "p { margin: 0 0 6pt 0; font-size: 10pt; line-height: 1.2; text-align: justify; "
    "text-indent: 1.5em; hyphens: auto }"
)


@pytest.mark.parametrize("prefix", ["000", "003"])
def test_justified_hyphenated_pdf_rejoins_cut_words_and_paragraphs(tmp_path, prefix):
    # Paragraph gaps of 6 pt (1.5 line pitches): pypdf's own layout blank lines miss them.
    import pypdf

    text = corpus_text(corpus_file(prefix))
    path = tmp_path / f"{prefix}.pdf"
    path.write_bytes(pdf_from(text, UN_STYLE))
    plain = "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
    assert re.search(r"\w[\u2010-]\n", plain), "the renderer hyphenated nothing"

    source = read_source(path)
    source_blocks = blocks(text)
    assert word_ratio(" ".join(fold(b) for b in source_blocks), source.text) >= 0.99
    out = {fold(p) for p in source.text.split("\n\n")}
    assert sum(fold(b) in out for b in source_blocks) >= 0.9 * len(source_blocks)


def test_pdf_without_text_layer_is_refused(tmp_path):
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_blank_page(595, 842)
    path = tmp_path / "scan.pdf"
    writer.write(path)
    assert "no text layer (scanned PDF? OCR it first)" in read_error(path)


def test_first_half_of_a_pdf_is_refused_as_truncated(pdfs, tmp_path):
    data = pdfs["003"].read_bytes()
    path = tmp_path / "half.pdf"
    path.write_bytes(data[: len(data) // 2])
    assert "truncated PDF" in read_error(path)


def test_pdf_with_damaged_content_is_refused_as_corrupt(pdfs, tmp_path):
    data = bytearray(pdfs["003"].read_bytes())
    data[len(data) // 5 : len(data) // 2] = b"\x00" * (len(data) // 2 - len(data) // 5)
    path = tmp_path / "damaged.pdf"
    path.write_bytes(bytes(data))
    assert "corrupt PDF" in read_error(path)


def test_pdf_with_garbage_body_is_refused_as_corrupt(tmp_path):
    path = tmp_path / "garbage.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n")
    assert "corrupt PDF" in read_error(path)


def test_text_file_named_pdf_is_refused(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(corpus_file("003").read_bytes())
    assert "not a PDF (no %PDF- header)" in read_error(path)


def test_password_protected_pdf_is_refused(pdfs, tmp_path):
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pdfs["003"])
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    writer.write(path)
    assert "encrypted PDF (password-protected)" in read_error(path)


def test_pdf_encrypted_with_empty_password_is_read(pdfs, pdf_sources, tmp_path):
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pdfs["003"])
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    path = tmp_path / "restricted.pdf"
    writer.write(path)
    assert read_source(path).text == pdf_sources["003"].text


# --- DOCX -------------------------------------------------------------------------------


def docx_from(text: str) -> bytes:
    """One Word paragraph per source paragraph; a block of tab-separated lines a table."""
    import docx

    document = docx.Document()
    for block in blocks(text):
        if is_table(block):
            rows = [line.split("\t") for line in block.split("\n")]
            table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            for row, cells in zip(table.rows, rows, strict=True):
                for cell, value in zip(row.cells, cells, strict=False):
                    cell.text = value
        else:
            document.add_paragraph(fold(block))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_expected(text: str) -> str:
    return "\n\n".join(b if is_table(b) else fold(b) for b in blocks(text))


@pytest.fixture(scope="module")
def docxs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("docx")
    out = {}
    for path in CORPUS_FILES:
        out[path.name[:3]] = folder / f"{path.stem}.docx"
        out[path.name[:3]].write_bytes(docx_from(corpus_text(path)))
    return out


@pytest.mark.parametrize("prefix", IDS)
def test_docx_gives_back_paragraphs_and_tables_in_document_order(docxs, prefix):
    text = corpus_text(corpus_file(prefix))
    source = read_source(docxs[prefix])
    assert source.format == "docx" and source.encoding is None
    assert source.sha256 == hashlib.sha256(docxs[prefix].read_bytes()).hexdigest()
    expected = " ".join(fold(b) for b in blocks(text))
    assert word_ratio(expected, source.text) >= 0.99
    out = {fold(p) for p in source.text.split("\n\n")}
    assert [b[:80] for b in blocks(text) if fold(b) not in out] == []
    assert source.text == docx_expected(text)


def test_docx_table_rows_come_back_as_the_sources_tab_separated_lines(docxs):
    text = corpus_text(corpus_file("004"))
    source_rows = [line for line in text.split("\n") if "\t" in line]
    rows = [line for line in read_source(docxs["004"]).text.split("\n") if "\t" in line]
    assert len(source_rows) == 368  # 17 contents lines, 351 index lines
    assert rows == source_rows
    assert "Appui consulaire et diplomatique\tPartie A\t\t\t\t" in rows
    assert "\tI.22\tCTOC/COP/WG.7/2012/6\t\t25\t" in rows


def test_docx_merged_cells_keep_their_columns(tmp_path):
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=4)
    top = table.cell(0, 1).merge(table.cell(0, 2))  # horizontal: one w:tc, gridSpan 2
    top.text = "Rapport de réunion"
    table.cell(0, 0).text = "Thème"
    table.cell(0, 3).text = "Paragraphe"
    table.cell(0, 0).merge(table.cell(1, 0))  # vertical: the lower cell continues it
    table.cell(1, 1).text = "I.22"
    table.cell(1, 2).text = "CTOC/COP/WG.7/2012/6"
    table.cell(1, 3).text = "25"
    path = tmp_path / "merged.docx"
    document.save(path)
    assert read_source(path).text == (
        "Thème\tRapport de réunion\t\tParagraphe\n\tI.22\tCTOC/COP/WG.7/2012/6\t25"
    )


def test_docx_reads_inserted_and_linked_text_but_not_deleted_text(tmp_path):
    import docx

    document = docx.Document()
    paragraph = document.add_paragraph("Le Groupe de travail ")
    p = paragraph._p
    run = p.r_lst[0]
    inserted = p.makeelement(f"{W}ins", {f"{W}id": "1", f"{W}author": "x"})
    inserted.append(copy.deepcopy(run))
    inserted[0].find(f"{W}t").text = "recommande "
    deleted = p.makeelement(f"{W}del", {f"{W}id": "2", f"{W}author": "x"})
    deleted_run = copy.deepcopy(run)
    deleted_run.find(f"{W}t").tag = f"{W}delText"
    deleted_run.find(f"{W}delText").text = "suggère "
    link = p.makeelement(f"{W}hyperlink", {})
    link.append(copy.deepcopy(run))
    link[0].find(f"{W}t").text = "aux États"
    p.extend([deleted, inserted, link])
    path = tmp_path / "tracked.docx"
    document.save(path)
    assert read_source(path).text == "Le Groupe de travail recommande aux États"


def test_file_that_is_not_a_zip_is_refused_as_docx(tmp_path):
    path = tmp_path / "report.docx"
    path.write_bytes(corpus_file("003").read_bytes())
    assert "corrupt or not a .docx (not a zip archive)" in read_error(path)


def test_zip_without_word_document_is_refused(tmp_path):
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert "no word/document.xml" in read_error(path)


def test_truncated_docx_is_refused(docxs, tmp_path):
    data = docxs["003"].read_bytes()
    path = tmp_path / "half.docx"
    path.write_bytes(data[: len(data) // 2])
    assert "corrupt or not a .docx" in read_error(path)


def test_docx_with_broken_xml_is_refused(docxs, tmp_path):
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(docxs["003"]) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]
            dst.writestr(item, data)
    assert "corrupt .docx" in read_error(path)


def test_empty_docx_is_refused(tmp_path):
    import docx

    path = tmp_path / "empty.docx"
    docx.Document().save(path)
    assert "the document has no text" in read_error(path)


# --- Bad input --------------------------------------------------------------------------


def test_missing_file_is_refused(tmp_path):
    assert "file not found" in read_error(tmp_path / "absent.txt")


def test_directory_is_refused(tmp_path):
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    assert "is a directory, not a file" in read_error(folder)


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert "empty file (0 bytes)" in read_error(path)


def test_whitespace_only_file_is_refused(tmp_path):
    path = tmp_path / "blank.md"
    path.write_bytes(b"\n  \n\t\r\n\xc2\xa0\n")
    assert "contains only whitespace" in read_error(path)


def test_file_with_nul_bytes_is_refused_as_binary(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"GIF89a\x01\x00\x01\x00\x00\xff" + corpus_file("003").read_bytes())
    assert "binary file, not text (NUL bytes found" in read_error(path)


def test_file_full_of_control_characters_is_refused_as_binary(tmp_path):
    path = tmp_path / "controls.txt"
    path.write_bytes(bytes(range(1, 9)) * 50 + corpus_file("003").read_bytes())
    assert "binary file, not text (" in read_error(path)
    assert "control characters" in read_error(path)


def test_pdf_saved_with_txt_extension_is_named(pdfs, tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(pdfs["003"].read_bytes())
    assert "not a text file: this is a PDF document (.pdf)" in read_error(path)


@pytest.mark.parametrize("name", ["photo.png", "report.doc", "corpus.tar.gz", "README"])
def test_unsupported_extension_is_refused_listing_the_supported_ones(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(corpus_file("003").read_bytes())
    message = read_error(path)
    assert ("unsupported file type" in message) == ("." in name)
    assert ("no file extension" in message) == ("." not in name)
    assert all(suffix in message for suffix in FORMATS)


def test_200_mib_file_is_refused_without_being_read(tmp_path, monkeypatch):
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: no disk used

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", no_reading)
    monkeypatch.setattr(Path, "read_bytes", no_reading)
    message = read_error(path)
    assert "file too large (200.0 MiB; the limit is 50.0 MiB)" in message
    assert DEFAULT_MAX_BYTES == 50 * 1024 * 1024


def test_max_bytes_is_a_parameter(tmp_path):
    path = tmp_path / "small.txt"
    path.write_bytes(corpus_file("003").read_bytes())
    assert "file too large" in read_error(path, max_bytes=1000)
    assert read_source(path, max_bytes=path.stat().st_size).size == path.stat().st_size


# --- iter_sources -----------------------------------------------------------------------


def test_iter_sources_on_the_corpus_folder_lists_the_five_texts_without_the_manifest():
    assert iter_sources([CORPUS]) == CORPUS_FILES
    assert (CORPUS / "manifest.toml").exists()


def test_iter_sources_walks_folders_sorted_skipping_hidden_and_unsupported(tmp_path):
    for name in [
        "b.txt", "a.md", "sub/c.pdf", "sub/deeper/d.docx", "sub/e.TXT", "notes.odt",
        "manifest.toml", ".hidden.txt", ".git/x.txt", "sub/.cache/y.md",
    ]:  # fmt: skip
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert iter_sources([tmp_path]) == [
        tmp_path / "a.md",
        tmp_path / "b.txt",
        tmp_path / "sub/c.pdf",
        tmp_path / "sub/deeper/d.docx",
        tmp_path / "sub/e.TXT",
    ]


def test_iter_sources_keeps_given_files_and_drops_repeats(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "odd.odt").write_text("x")
    found = iter_sources([tmp_path / "odd.odt", str(tmp_path / "a.txt"), tmp_path])
    assert found == [tmp_path / "odd.odt", tmp_path / "a.txt"]  # odd.odt fails at reading


def test_iter_sources_refuses_a_path_that_does_not_exist(tmp_path):
    with pytest.raises(IngestError) as info:
        iter_sources([CORPUS, tmp_path / "missing"])
    assert str(tmp_path / "missing") in str(info.value)
    assert "no such file or directory" in str(info.value)
