"""The first stage of ingestion: turn a file the user has (.txt, .md, .pdf, .docx, .html)
into text.

Every way a file can be unusable (missing, empty, binary, too big, corrupt, undecodable) is
refused here with a one-line IngestError, before any parser sees a character.

Formats and libraries:

- Text (.txt, .text) and Markdown (.md, .markdown): decoded by `ingest.encoding` without
  assuming a language (byte-order marks, UTF-16 without a mark, UTF-8, then the legacy
  8-bit reading with the fewest characters implausible in any UN language); the encoding
  used is recorded on the document. CR, CRLF and LF line ends all become "\n".
- PDF: `pypdf` (BSD licence), chosen over PyMuPDF although PyMuPDF is faster and slightly
  better at paragraphs, because PyMuPDF's AGPL would bind the whole project. pypdf's
  layout mode keeps references such as "V.2.i" whole (plain mode splits kerned pairs into
  "V .2.i") but only marks paragraph gaps wider than a text line; so the layout is asked
  for with a fine vertical resolution (`_GAP_RESOLUTION`) and a paragraph starts where a
  line gap is clearly wider than the document's usual line pitch. Lines of a paragraph
  are joined with spaces (a word cut by a hyphen is rejoined when wordfreq knows the
  whole word); each paragraph is one line, paragraphs are separated by a blank line, and
  so are pages unless a sentence or a word runs on to the next one. The line pitch is the
  smallest common gap, so a layout with one short paragraph per printed line reads as
  well as one with wrapped paragraphs (`_paragraph_threshold`). Running headers and
  footers (job numbers, page numbers, symbols, a title repeated on every page) are taken
  off the page edges first (`_strip_furniture`). A PDF without a text layer (a scan) is
  refused: "no text layer (scanned PDF? OCR it first)".
- DOCX: `python-docx`; the body's paragraphs and tables in document order (inside content
  controls and tracked insertions too; deleted text, field codes, text boxes, headers,
  footers and footnotes are not read). A table row becomes one line of tab-separated cell
  texts, the shape of the thematic index in the text export. Paragraphs numbered by Word
  (list numbering, not text) get the number Word draws (`_Numbering`).
- HTML (.html, .htm): lxml's HTML parser; one block element per paragraph, `<ol>`
  numbers written out, scripts/styles/head skipped (see `_html_text`).

The result is NFC with "\\n" newlines; the SHA-256 is of the file's bytes.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import re
import stat
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from recueil.ingest.errors import IngestError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024

Format = Literal["text", "markdown", "pdf", "docx", "html"]
FORMATS: dict[str, Format] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
}
SUPPORTED = ", ".join(FORMATS)
SKIPPED_NAMES = frozenset({"manifest.toml"})

MAX_CONTROL_RATIO = 0.01  # control bytes (other than \t \n \r \f \v, Ctrl-Z) in a text file
MIB = 1024 * 1024

_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0b\x0c\x1a")

# PDF layout: vertical resolution of the gap between two lines, in font heights; a gap
# wider than PARAGRAPH_GAP times the most common one starts a paragraph (body text at
# 1.2 line pitch with 6 pt after a 10 pt paragraph: 1.8 / 1.2 = 1.5).
_GAP_RESOLUTION = 0.1
PARAGRAPH_GAP = 1.3
_PITCH_SHARE = 0.02
_MAX_PITCH = 1.6  # font heights: a wider common gap is a gap between paragraphs
# A word cut at a line end is joined without its hyphen when the whole word is at least
# this common (the true compounds tried score under 3: peutêtre 2.3, anticorruption 2.6).
JOINED_ZIPF = 3.0
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl",
                            "ﬅ": "st", "ﬆ": "st"})  # fmt: skip
_GLUED_END_RE = re.compile(r"[^\s][/\u00ad-]$")  # "CTOC/", "2019-", soft hyphen: no space
_PDF_CONTROLS_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES_RE = re.compile(r"[ \t]+")
_SENTENCE_END = ".:;!?)»]"
_HYPHENATED_END_RE = re.compile(r"([^\W\d_]+)[-\u2010]$")
_FIRST_WORD_RE = re.compile(r"[^\W\d_]+")

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_DOCX_BODY = "word/document.xml"
_DOCX_MAX_EXPANSION = 20  # word/document.xml may unzip to at most max_bytes x this
_DOCX_MAX_UNZIPPED = 128 * 1024 * 1024  # all parts together: at most max_bytes + this


@dataclass(frozen=True)
class SourceText:
    """A file's text as the parsers see it, with what the store records about the file."""

    path: Path
    text: str  # NFC, "\n" newlines
    format: Format  # the container: a Markdown-looking .txt is still "text"
    encoding: str | None  # detected encoding (text formats only)
    sha256: str  # of the file's bytes
    size: int  # bytes


def read_source(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceText:
    """Read one file into a SourceText, or raise IngestError saying what is wrong with it."""
    path = Path(path)
    fmt = _check_file(path, max_bytes)
    try:
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)  # the file may have grown since stat()
    except OSError as exc:
        raise IngestError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    if len(data) > max_bytes:
        raise IngestError(path, _too_large(len(data), max_bytes))
    if not data:
        raise IngestError(path, "empty file (0 bytes)")

    encoding: str | None = None
    if fmt in ("text", "markdown"):
        text, encoding = _decode_text(data, path)
    elif fmt == "html":
        text, encoding = _html_text(data, path)
    elif fmt == "pdf":
        text = _pdf_text(data, path)
    else:
        text = _docx_text(data, path, max_bytes)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        problem = {
            "pdf": "no text layer (scanned PDF? OCR it first)",
            "docx": "the document has no text",
            "html": "the page has no text (only markup, scripts or images)",
        }.get(fmt, "the file contains only whitespace")
        raise IngestError(path, problem)
    return SourceText(
        path=path,
        text=text,
        format=fmt,
        encoding=encoding,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )


def iter_sources(paths: Iterable[str | Path]) -> list[Path]:
    """The files to ingest: files as given, folders walked (sorted, recursively).

    In folders only supported extensions are taken; hidden files and folders and
    `manifest.toml` are skipped. A path that does not exist raises IngestError. A file
    named twice is listed once.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise IngestError(path, "no such file or directory")
        candidates = _walk(path) if path.is_dir() else [path]
        for f in candidates:
            key = real_path(f)
            if key not in seen:
                seen.add(key)
                found.append(f)
    return found


def real_path(path: Path) -> Path:
    """The file a path names, links followed; a symbolic link loop gives the path itself
    (Path.resolve raises RuntimeError on a loop; reading the file then fails cleanly)."""
    return Path(os.path.realpath(path))


def _walk(folder: Path) -> list[Path]:
    """Supported, visible files under `folder`, sorted by path (symlinked folders not entered)."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [
            Path(root) / name
            for name in files
            if not name.startswith(".")
            and name not in SKIPPED_NAMES
            and Path(name).suffix.lower() in FORMATS
        ]
    return sorted(found)


# --- Checks before reading ------------------------------------------------------------


def _check_file(path: Path, max_bytes: int) -> Format:
    """Refuse what is not a readable, supported, reasonably sized file; return its format."""
    try:
        st = path.stat()
    except FileNotFoundError as exc:
        raise IngestError(path, "file not found") from exc
    except OSError as exc:
        raise IngestError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    if stat.S_ISDIR(st.st_mode):
        raise IngestError(path, f"is a directory, not a file (expected one of {SUPPORTED})")
    if not stat.S_ISREG(st.st_mode):
        raise IngestError(path, "not a regular file (a device, pipe or socket?)")
    suffix = path.suffix.lower()
    fmt = FORMATS.get(suffix)
    if fmt is None:
        what = f"unsupported file type {suffix!r}" if suffix else "no file extension"
        raise IngestError(path, f"{what}; supported: {SUPPORTED}")
    if st.st_size > max_bytes:
        raise IngestError(path, _too_large(st.st_size, max_bytes))
    if st.st_size == 0:
        raise IngestError(path, "empty file (0 bytes)")
    return fmt


def _too_large(size: int, max_bytes: int) -> str:
    return f"file too large ({size / MIB:.1f} MiB; the limit is {max_bytes / MIB:.1f} MiB)"


# --- Text and Markdown ------------------------------------------------------------------


def _decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """Decode a text file (see ingest.encoding), refusing binary data first."""
    from recueil.ingest.encoding import EncodingError, decode_bytes, utf16_without_bom

    if not any(data.startswith(bom) for bom, _ in _BOMS) and utf16_without_bom(data) is None:
        _refuse_binary(data, path)
    try:
        return decode_bytes(data)
    except EncodingError as exc:
        raise IngestError(path, str(exc)) from exc


def _refuse_binary(data: bytes, path: Path) -> None:
    """A "text" file with NUL bytes or many control bytes is not text; name what it is."""
    kind = _magic(data)
    if kind:
        raise IngestError(path, f"not a text file: this is {kind}; rename or convert it")
    if b"\x00" in data:
        raise IngestError(
            path,
            "binary file, not text (NUL bytes found; UTF-16 without a byte-order mark?); "
            "expected UTF-8 or legacy 8-bit text",
        )
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls > MAX_CONTROL_RATIO * len(data):
        raise IngestError(
            path,
            f"binary file, not text ({controls / len(data):.0%} control characters); "
            "expected UTF-8 or legacy 8-bit text",
        )


def _magic(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "a PDF document (.pdf)"
    if data.startswith(b"PK\x03\x04"):
        return "a zip archive (a .docx?)"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old binary Office file (.doc?)"
    return None


# --- HTML -------------------------------------------------------------------------------

_HTML_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-:.]+)""", re.I)
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_HTML_BLOCKS = frozenset(
    "address article aside blockquote body caption center dd details div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre "
    "section summary ul".split()
)
_HTML_SKIPPED = frozenset("head script style noscript template svg button select".split())
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _html_text(data: bytes, path: Path) -> tuple[str, str]:
    """An HTML page's text, one block element (p, h1-h6, li, div …) per paragraph.

    The page is decoded by its declared charset (`<meta charset>`), else like a text file
    (ingest.encoding); lxml's HTML parser (libxml2) reads the markup. Scripts, styles and
    the head are skipped; a table row is one line of tab-separated cells (as in DOCX);
    list items of an `<ol>` get the number or letter the browser would draw ("1. ", "a) ");
    a `<sup>` holding only digits right after a word is a footnote call and is written in
    superscript digits, which the normalisation removes ("organisée<sup>1</sup>").
    """
    import lxml.html
    from lxml import etree

    from recueil.ingest.encoding import EncodingError, decode_bytes

    declared = _HTML_CHARSET_RE.search(data[:4096])
    text = None
    encoding = None
    if declared:
        try:
            encoding = codecs.lookup(declared.group(1).decode("ascii")).name
            text = data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None:
        try:
            text, encoding = decode_bytes(data)
        except EncodingError as exc:
            raise IngestError(path, str(exc)) from exc
    try:
        root = lxml.html.document_fromstring(_XML_DECL_RE.sub("", text))
    except (etree.ParserError, ValueError) as exc:
        raise IngestError(path, f"not a readable HTML page ({exc})") from exc
    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        block = "".join(current).strip()
        current.clear()
        if block:
            blocks.append(_SPACES_RE.sub(" ", block.replace("\n", " ")).strip())

    def walk(el, label: str | None = None) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if not tag or tag in _HTML_SKIPPED:  # comments, processing instructions
            if el.tail:
                current.append(el.tail)
            return
        if tag == "table":
            flush()
            for tr in el.iter("tr"):
                cells = [" ".join(td.text_content().split()) for td in tr if td.tag in ("td", "th")]
                if any(cells):
                    blocks.append("\t".join(cells))
        elif tag == "br":
            current.append(" ")
        else:
            block = tag in _HTML_BLOCKS
            if block:
                flush()
            if label:
                current.append(label)
            if tag == "sup" and (el.text or "").strip().isdigit() and len(el) == 0:
                before = "".join(current)[-1:]
                sup = el.text.strip()
                current.append(sup.translate(_SUPERSCRIPT) if before.isalpha() else sup)
            elif el.text:
                current.append(el.text)
            numbers = _list_labels(el) if tag == "ol" else None
            k = 0
            for child in el:
                child_label = None
                if numbers is not None and isinstance(child.tag, str) and child.tag == "li":
                    child_label = numbers(k)
                    k += 1
                walk(child, child_label)
            if block:
                flush()
        if el.tail:
            current.append(el.tail)

    body = root.find("body")
    walk(body if body is not None else root)
    flush()
    return "\n\n".join(blocks), encoding


def _list_labels(ol):
    """The marker a browser draws for the k-th item of an <ol> (type 1, a, A, i)."""
    try:
        start = int(ol.get("start", "1"))
    except ValueError:
        start = 1
    kind = ol.get("type", "1")

    def label(k: int) -> str:
        n = start + k
        if kind in ("a", "A"):
            letter = chr(ord("a") + (n - 1) % 26)
            return f"{letter.upper() if kind == 'A' else letter}) "
        return f"{n}. "

    return label


# --- PDF --------------------------------------------------------------------------------


def _pdf_text(data: bytes, path: Path) -> str:
    import pypdf
    from pypdf import PasswordType
    from pypdf.errors import DependencyError, FileNotDecryptedError

    if not data[:1024].lstrip().startswith(b"%PDF-"):
        kind = _magic(data)
        raise IngestError(path, f"not a PDF ({kind or 'no %PDF- header'})")
    if b"%%EOF" not in data[-1024:]:
        raise IngestError(
            path, "truncated PDF (no %%EOF marker at the end: was the file cut short?)"
        )
    # pypdf fails on damaged files in many ways (PdfReadError, KeyError, ValueError, ...).
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:  # many are encrypted with an empty password: try it
            try:
                opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
            except (FileNotDecryptedError, DependencyError, NotImplementedError) as exc:
                raise IngestError(path, f"encrypted PDF that cannot be opened ({exc})") from exc
            if not opened:
                raise IngestError(path, "encrypted PDF (password-protected); decrypt it first")
        pages = list(reader.pages)
    except IngestError:
        raise
    except Exception as exc:
        raise IngestError(path, f"corrupt PDF ({type(exc).__name__}: {exc})") from exc

    page_lines = [_page_lines(page, number, path) for number, page in enumerate(pages, 1)]
    page_lines = [_strip_footnotes(lines) for lines in _strip_furniture(page_lines)]
    gaps = Counter(gap for lines in page_lines for gap, _ in lines if gap)
    threshold = _paragraph_threshold(gaps)
    paragraphs: list[list[str]] = []
    for lines in page_lines:
        for i, (gap, line) in enumerate(lines):
            if i == 0 and paragraphs and _continues(paragraphs[-1][-1], line):
                pass  # a sentence running on from the previous page
            elif i == 0 or gap > threshold:
                paragraphs.append([])
            paragraphs[-1].append(line)
    return "\n\n".join(_join_lines(p) for p in paragraphs)


_FURNITURE_ATOM_RE = re.compile(
    r"[A-Z]{1,2}\.\d{2}-\d{5}"  # job number V.20-05362
    r"|\d{1,4}(?:/\d{1,4})?"  # page number 2, 2/9
    r"|\([A-Z]\)|\*\d{5,}\*"  # translation mark (F), bar-code text *2005362*
    r"|[A-Z][A-Z0-9.]*(?:/[A-Za-z0-9.()\-]+)+"  # a UN symbol A/RES/80/228
    r"|[Pp]age|[Pp]ages?"
)
_EDGE_LINES = 3  # lines at the top and at the bottom of a page where furniture stands


def _strip_furniture(pages: list[list[tuple[int, str]]]) -> list[list[tuple[int, str]]]:
    """Running headers and footers off every page, whatever the layout.

    Removed from the top and bottom `_EDGE_LINES` lines of a page: lines made only of job
    numbers (`V.20-05362`), page numbers (`2`, `2/9`), translation marks (`(F)`) and UN
    symbols (`CTOC/COP/WG.7/2020/4`), and any line printed identically at an edge of at
    least half of the pages (a running title), when there are two pages or more.
    """
    def norm(line: str) -> str:
        return _SPACES_RE.sub(" ", line).strip()

    def furniture_atoms(line: str) -> bool:
        atoms = norm(line).split(" ")
        return bool(atoms[0]) and all(_FURNITURE_ATOM_RE.fullmatch(a) for a in atoms) and any(
            any(ch.isdigit() for ch in a) for a in atoms
        )

    def edges(lines):
        n = len(lines)
        return [k for k in range(n) if k < _EDGE_LINES or k >= n - _EDGE_LINES]

    counts = Counter()
    for lines in pages:
        counts.update({norm(lines[k][1]) for k in edges(lines)})
    repeated = {t for t, c in counts.items() if len(pages) >= 2 and c >= max(2, len(pages) / 2)}
    def is_furniture(line: str) -> bool:
        return furniture_atoms(line) or norm(line) in repeated

    out = []
    for lines in pages:
        drop = set()
        n = len(lines)
        for k in range(min(n, _EDGE_LINES)):  # from the top, while furniture
            if not is_furniture(lines[k][1]):
                break
            drop.add(k)
        for k in range(n - 1, max(n - _EDGE_LINES, 0) - 1, -1):  # from the bottom
            if k in drop or not is_furniture(lines[k][1]):
                break
            drop.add(k)
        kept = [line for k, line in enumerate(lines) if k not in drop]
        if kept and drop and min(drop) == 0:
            kept[0] = (0, kept[0][1])  # the first line left starts the page
        out.append(kept)
    return out


_FOOTNOTE_START_RE = re.compile(r"^\s*(\d{1,3})\s+(?=[^\W\d_])")
_MAX_FOOTNOTE_SHARE = 0.5  # footnotes take at most this share of a page's lines


def _strip_footnotes(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Footnote bodies off the bottom of a page; their calls in the text made superscript.

    A footnote body is a line starting with a number and a space ("1 Voir la résolution
    5/3") in the bottom half of the page whose number is called above it: glued to the end
    of a word or a closing quote ("coopérer1", "»2"). From the first such line to the end of
    the page everything is footnotes. The calls of the removed footnotes are written in
    superscript digits ("coopérer¹"), which the normalisation takes out of the clean text.
    """
    n = len(lines)
    for k in range(max(1, int(n * (1 - _MAX_FOOTNOTE_SHARE))), n):
        m = _FOOTNOTE_START_RE.match(lines[k][1])
        if not m:
            continue
        above = "\n".join(text for _, text in lines[:k])
        if not _footnote_call_re(m.group(1)).search(above):
            continue
        numbers = {f.group(1) for _, text in lines[k:] if (f := _FOOTNOTE_START_RE.match(text))}
        kept = []
        for gap, text in lines[:k]:
            for number in numbers:
                text = _footnote_call_re(number).sub(number.translate(_SUPERSCRIPT), text)
            kept.append((gap, text))
        return kept
    return lines


def _footnote_call_re(number: str) -> re.Pattern:
    return re.compile(rf"(?<=[^\W\d_»”)]){number}(?![\d/.,]\d|\w)")


def _paragraph_threshold(gaps: Counter) -> float:
    """The line gap above which a new paragraph starts.

    The line pitch is the smallest gap that is not rare (at least `_PITCH_SHARE` of the
    gaps): with one paragraph per block most gaps are the pitch; with one short paragraph
    per line most gaps are paragraph gaps and the pitch is that of the few wrapped lines.
    When every gap is a paragraph gap (no line wraps at all: each paragraph one line), the
    common gap is wider than `_MAX_PITCH` font heights and each line is a paragraph.
    """
    if not gaps:
        return float("inf")
    total = sum(gaps.values())
    frequent = [g for g, n in gaps.items() if n >= max(3, _PITCH_SHARE * total)]
    pitch = min(frequent) if frequent else gaps.most_common(1)[0][0]
    if pitch * _GAP_RESOLUTION > _MAX_PITCH:
        return pitch * 0.8
    return pitch * PARAGRAPH_GAP


def _continues(last_line: str, first_line: str) -> bool:
    """Does a page's first line carry on the previous page's unfinished sentence or word?"""
    last, first = _SPACES_RE.sub(" ", last_line).strip(), first_line.lstrip()
    if _GLUED_END_RE.search(last) or _HYPHENATED_END_RE.search(last):
        return True
    return bool(first[:1].islower() and last and last[-1] not in _SENTENCE_END)


def _page_lines(page, number: int, path: Path) -> list[tuple[int, str]]:
    """A page's text lines with the gap above each (in _GAP_RESOLUTION font heights)."""
    try:
        raw = page.extract_text(
            extraction_mode="layout", layout_mode_font_height_weight=_GAP_RESOLUTION
        )
    except Exception:  # layout mode is the younger code path; plain mode may still cope
        try:
            raw = page.extract_text()
        except Exception as exc:
            raise IngestError(
                path, f"corrupt PDF: page {number} cannot be read ({type(exc).__name__}: {exc})"
            ) from exc
    raw = _PDF_CONTROLS_RE.sub("", raw.translate(_LIGATURES))
    lines: list[tuple[int, str]] = []
    blanks = 0  # blank lines since the previous text line
    for line in raw.split("\n"):
        if not line.strip():
            blanks += 1
        else:
            lines.append((blanks + 1 if lines else 0, line))  # 0: first line of the page
            blanks = 0
    return lines


def _join_lines(lines: list[str]) -> str:
    """One paragraph from its layout lines: positional spacing folded, hyphens resolved.

    No space is put after a line ending in "/" ("CTOC/COP/" + "WG.7"), a hyphen glued to a
    word, or a soft hyphen (which is then dropped, like every soft hyphen).
    """
    joined = ""
    for line in filter(None, (_SPACES_RE.sub(" ", line).strip() for line in lines)):
        if not joined:
            joined = line
        elif (end := _HYPHENATED_END_RE.search(joined)) and (nxt := _FIRST_WORD_RE.match(line)):
            keep = _is_compound(end.group(1), nxt.group())
            joined = joined[: end.end(1)] + ("-" if keep else "") + line
        else:
            joined += line if _GLUED_END_RE.search(joined) else " " + line
    return joined.replace("\u00ad", "")


def _is_compound(left: str, right: str) -> bool:
    """Is "left-" + "right" at a line break a hyphenated compound, not a word cut in two?

    A capitalised second half ("États-/Unis", "ONU-/Femmes") makes a compound, unless both
    halves are capitals ("CO-/VID"). Otherwise the hyphen goes when the joined word is a
    common French word (Zipf >= JOINED_ZIPF: "pour-/suites", "co-/opération") or more
    frequent than the pair ("cin-/quiéme" in OCR text); "peut-/être", "sous-/région",
    "non-/discrimination", "anti-/corruption" stay. Kept hyphens are written U+002D even
    when the PDF drew U+2010.
    """
    from wordfreq import zipf_frequency

    if right[0].isupper() and not (left.isupper() and right.isupper()):
        return True
    joined = zipf_frequency(left + right, "fr")
    return joined < JOINED_ZIPF and joined <= zipf_frequency(f"{left}-{right}", "fr")


# --- DOCX -------------------------------------------------------------------------------


def _docx_text(data: bytes, path: Path, max_bytes: int) -> str:
    import docx

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        kind = _magic(data)
        hint = f"this is {kind}" if kind and "zip" not in kind else "not a zip archive"
        raise IngestError(path, f"corrupt or not a .docx ({hint})") from exc
    with archive:
        try:
            body = archive.getinfo(_DOCX_BODY)
        except KeyError as exc:
            raise IngestError(
                path, f"not a Word document (the zip archive has no {_DOCX_BODY})"
            ) from exc
        if body.file_size > _DOCX_MAX_EXPANSION * max_bytes:
            raise IngestError(
                path, f"{_DOCX_BODY} unzips to {body.file_size / MIB:.0f} MiB; refusing it"
            )
        # python-docx loads every part (styles, numbering, media…): bound them all together
        total = sum(info.file_size for info in archive.infolist())
        if total > min(_DOCX_MAX_EXPANSION * max_bytes, max_bytes + _DOCX_MAX_UNZIPPED):
            raise IngestError(path, f"the archive unzips to {total / MIB:.0f} MiB; refusing it")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # zip CRC errors, malformed XML, missing parts, ...
        raise IngestError(path, f"corrupt .docx ({type(exc).__name__}: {exc})") from exc
    numbering = _Numbering(document)
    blocks = _docx_blocks(document.element.body, numbering)
    return "\n\n".join(b for b in blocks if b.strip())


def _docx_blocks(container, numbering: _Numbering | None = None) -> Iterator[str]:
    """Paragraphs and tables of a body (or cell) in document order, one string each."""
    for child in container:
        if child.tag == f"{_W}p":
            text = _paragraph_text(child)
            label = numbering.label(child) if numbering is not None and text.strip() else ""
            yield f"{label} {text.lstrip()}" if label else text
        elif child.tag == f"{_W}tbl":
            yield "\n".join(_row_line(tr, numbering) for tr in _children(child, "tr"))
        elif child.tag in (f"{_W}sdt", f"{_W}customXml", f"{_W}ins"):
            content = child.find(f"{_W}sdtContent")
            yield from _docx_blocks(content if content is not None else child, numbering)


class _Numbering:
    """The numbers Word draws for automatically numbered paragraphs ("1.", "a)", "iv.").

    UN documents saved from Word often number their paragraphs with list numbering: the
    number is not in the text, so it is computed here from `word/numbering.xml` (levels'
    start, format and text such as "%1." or "(%2)"), the paragraph's own `w:numPr` or its
    style's (following `basedOn`). Counters are kept per list (abstract numbering, or the
    `w:num` when it restarts the numbering); a level's counter restarts when a higher
    level advances. Bullets and unknown formats give no label.
    """

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, list[int]] = {}
        self.styles: dict[str, tuple[str | None, int | None, str | None]] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            root = None
        if root is not None:
            for abstract in root.findall(f"{_W}abstractNum"):
                levels = {}
                for lvl in abstract.findall(f"{_W}lvl"):
                    start = lvl.find(f"{_W}start")
                    fmt = lvl.find(f"{_W}numFmt")
                    text = lvl.find(f"{_W}lvlText")
                    levels[_int_attr(lvl, "ilvl", 0)] = (
                        _int_val(start, 1) if start is not None else 1,
                        fmt.get(f"{_W}val", "decimal") if fmt is not None else "decimal",
                        text.get(f"{_W}val", "") if text is not None else "",
                    )
                self.levels[abstract.get(f"{_W}abstractNumId")] = levels
            for num in root.findall(f"{_W}num"):
                ref = num.find(f"{_W}abstractNumId")
                overrides = {}
                for override in num.findall(f"{_W}lvlOverride"):
                    start = override.find(f"{_W}startOverride")
                    if start is not None:
                        overrides[_int_attr(override, "ilvl", 0)] = _int_val(start, 1)
                if ref is not None:
                    self.nums[num.get(f"{_W}numId")] = (ref.get(f"{_W}val"), overrides)
        for style in document.styles.element.findall(f"{_W}style"):
            num_pr = style.find(f"{_W}pPr/{_W}numPr")
            based = style.find(f"{_W}basedOn")
            num_id = num_pr.find(f"{_W}numId") if num_pr is not None else None
            ilvl = num_pr.find(f"{_W}ilvl") if num_pr is not None else None
            self.styles[style.get(f"{_W}styleId")] = (
                num_id.get(f"{_W}val") if num_id is not None else None,
                _int_val(ilvl, 0) if ilvl is not None else None,
                based.get(f"{_W}val") if based is not None else None,
            )

    def _from_style(self, style_id: str | None) -> tuple[str | None, int]:
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            num_id, ilvl, based = self.styles.get(style_id, (None, None, None))
            if num_id is not None:
                return num_id, ilvl or 0
            style_id = based
        return None, 0

    def label(self, p) -> str:
        ppr = p.find(f"{_W}pPr")
        if ppr is None:
            return ""
        num_pr = ppr.find(f"{_W}numPr")
        style = ppr.find(f"{_W}pStyle")
        num_id, ilvl = self._from_style(style.get(f"{_W}val") if style is not None else None)
        if num_pr is not None:
            own_id, own_lvl = num_pr.find(f"{_W}numId"), num_pr.find(f"{_W}ilvl")
            num_id = own_id.get(f"{_W}val") if own_id is not None else num_id
            ilvl = _int_val(own_lvl, 0) if own_lvl is not None else ilvl
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        abstract_id, overrides = self.nums[num_id]
        levels = self.levels.get(abstract_id, {})
        if ilvl not in levels or ilvl > 8 or _format_number(1, levels[ilvl][1]) is None:
            return ""  # bullets and unknown formats: no label (and no count)
        key = f"num{num_id}" if overrides else abstract_id
        counts = self.counters.setdefault(key, [0] * 9)
        start = overrides.get(ilvl, levels[ilvl][0])
        counts[ilvl] = start if counts[ilvl] == 0 else counts[ilvl] + 1
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = 0
        text = levels[ilvl][2]
        for level in range(ilvl + 1):
            if f"%{level + 1}" in text:
                lvl = levels.get(level, (1, "decimal", ""))
                shown = _format_number(counts[level] or lvl[0], lvl[1])
                if shown is None:
                    return ""
                text = text.replace(f"%{level + 1}", shown)
        return text.strip()


def _format_number(n: int, fmt: str) -> str | None:
    if fmt in ("decimal", "decimalZero"):
        return str(n) if fmt == "decimal" else f"{n:02d}"
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        from recueil.ingest.sequence_check import _to_roman

        roman = _to_roman(n)
        return roman.upper() if fmt == "upperRoman" else roman
    return None  # bullet, none, ordinal words …: no label


def _int_attr(element, name: str, default: int) -> int:
    try:
        return int(element.get(f"{_W}{name}", default))
    except ValueError:
        return default


def _row_line(tr, numbering: _Numbering | None = None) -> str:
    """One table row as tab-separated cell texts; merged cells keep their grid columns."""
    cells: list[str] = []
    tr_pr = tr.find(f"{_W}trPr")
    before = tr_pr.find(f"{_W}gridBefore") if tr_pr is not None else None
    if before is not None:
        cells += [""] * _int_val(before, 0)
    for tc in _children(tr, "tc"):
        text = " ".join(b for b in _docx_blocks(tc, numbering) if b.strip())
        cells.append(re.sub(r"[\t\n]+", " ", text))
        span = tc.find(f"{_W}tcPr/{_W}gridSpan")
        if span is not None:
            cells += [""] * (_int_val(span, 1) - 1)
    return "\t".join(cells)


def _int_val(element, default: int) -> int:
    try:
        return max(int(element.get(f"{_W}val", default)), 0)
    except ValueError:
        return default


def _children(parent, name: str) -> Iterator:
    """The w:`name` children of a table (rows) or row (cells), also inside content controls."""
    for child in parent:
        if child.tag == f"{_W}{name}":
            yield child
        elif child.tag in (f"{_W}sdt", f"{_W}customXml"):
            content = child.find(f"{_W}sdtContent")
            yield from _children(content if content is not None else child, name)


def _paragraph_text(p) -> str:
    """The visible text of a w:p: runs, hyperlinks, fields' results, tracked insertions.

    Skipped: deleted runs (w:delText), field codes (w:instrText), text boxes and other
    drawings (their text is not where the anchor sits), alternative content fallbacks.
    """
    parts: list[str] = []
    stack = [iter(p)]
    while stack:
        element = next(stack[-1], None)
        if element is None:
            stack.pop()
            continue
        tag = element.tag
        if tag == f"{_W}t":
            parts.append(element.text or "")
        elif tag in (f"{_W}tab", f"{_W}ptab"):
            parts.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
        elif tag in (f"{_W}del", f"{_W}moveFrom", f"{_W}drawing", f"{_W}pict",
                     f"{_W}object", f"{_MC}AlternateContent", f"{_W}pPr", f"{_W}rPr"):  # fmt: skip
            continue
        else:
            stack.append(iter(element))
    return "".join(parts)
