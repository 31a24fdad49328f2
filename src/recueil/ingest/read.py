"""The first stage of ingestion: turn a file the user has (.txt, .md, .pdf, .docx) into text.

Every way a file can be unusable (missing, empty, binary, too big, corrupt, undecodable) is
refused here with a one-line IngestError, before any parser sees a character.

Formats and libraries:

- Text (.txt, .text) and Markdown (.md, .markdown): UTF-8 (with or without a byte-order
  mark; UTF-16/32 only with one) is tried first. Otherwise the legacy 8-bit encodings of
  French text (cp1252, ISO 8859-15, Mac Roman, cp850, Latin-1) are each tried and the one
  whose accented words are the most frequent French words (wordfreq) wins.
  `charset-normalizer` alone is not enough for French: on the corpus its best guess read
  cp1252 as cp1250 (¢ -> ˘), ISO 8859-15 as cp1252 (œ -> ½) and Mac Roman as Mac Latin-2
  (à -> ą, ê -> ź), all with a "chaos" near 0. It stays the fallback for text whose
  readings give no accented French words (English with curly quotes, Cyrillic).
- PDF: `pypdf` (BSD licence), chosen over PyMuPDF although PyMuPDF is faster and slightly
  better at paragraphs, because PyMuPDF's AGPL would bind the whole project. pypdf's
  layout mode keeps references such as "V.2.i" whole (plain mode splits kerned pairs into
  "V .2.i") but only marks paragraph gaps wider than a text line; so the layout is asked
  for with a fine vertical resolution (`_GAP_RESOLUTION`) and a paragraph starts where a
  line gap is clearly wider than the document's usual line pitch. Lines of a paragraph
  are joined with spaces (a word cut by a hyphen is rejoined when wordfreq knows the
  whole word); each paragraph is one line, paragraphs are separated by a blank line, and
  so are pages unless a sentence or a word runs on to the next one.
- DOCX: `python-docx`; the body's paragraphs and tables in document order (inside content
  controls and tracked insertions too; deleted text, field codes, text boxes, headers,
  footers and footnotes are not read). A table row becomes one line of tab-separated cell
  texts, the shape of the thematic index in the text export.

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

Format = Literal["text", "markdown", "pdf", "docx"]
FORMATS: dict[str, Format] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".pdf": "pdf",
    ".docx": "docx",
}
SUPPORTED = ", ".join(FORMATS)
SKIPPED_NAMES = frozenset({"manifest.toml"})

# Legacy encodings tried for French text, in order of preference when two read the same.
LEGACY_ENCODINGS = ("cp1252", "iso8859_15", "mac_roman", "cp850", "latin_1")
# Mean Zipf frequency of the accented words under the best reading: the corpus files score
# 3.9-4.8 in their true encoding and 0.0-0.5 in wrong ones; random bytes score about 1.
MIN_FRENCH_ZIPF = 2.5
# charset-normalizer's fallback guess must be tidy (mess ratio) and read as some language
# (coherence): English with curly quotes or Russian cp1251 score 0.65; mixed UTF-8 and
# cp1252 bytes came out as cp932 with a mess of 0.0 but a coherence of 0.0.
MAX_CHAOS = 0.1
MIN_COHERENCE = 0.3
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
_HIGH_TOKEN_RE = re.compile(rb"[A-Za-z0-9\x80-\xff]*[\x80-\xff][A-Za-z0-9\x80-\xff]*")
_WORD_RE = re.compile(r"[^\W\d_]+")

# PDF layout: vertical resolution of the gap between two lines, in font heights; a gap
# wider than PARAGRAPH_GAP times the most common one starts a paragraph (body text at
# 1.2 line pitch with 6 pt after a 10 pt paragraph: 1.8 / 1.2 = 1.5).
_GAP_RESOLUTION = 0.1
PARAGRAPH_GAP = 1.3
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
    elif fmt == "pdf":
        text = _pdf_text(data, path)
    else:
        text = _docx_text(data, path, max_bytes)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        problem = {
            "pdf": "no text layer (scanned PDF? OCR it first)",
            "docx": "the document has no text",
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
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                found.append(f)
    return found


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
    """Decode a text file: BOM, then UTF-8, then the best legacy reading; or refuse it."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise IngestError(
                    path, f"starts with a {encoding} byte-order mark but is not valid {encoding}"
                ) from exc
    _refuse_binary(data, path)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = _guess_legacy_encoding(data)
    if encoding is None:
        tried = ", ".join(codecs.lookup(e).name for e in ("utf-8", *LEGACY_ENCODINGS))
        raise IngestError(
            path,
            f"cannot determine the text encoding (tried {tried} and charset-normalizer's "
            "detection); save the file as UTF-8",
        )
    return data.decode(encoding), codecs.lookup(encoding).name


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


def _guess_legacy_encoding(data: bytes) -> str | None:
    """The 8-bit encoding under which the accented words are the most common French words.

    Only the byte sequences containing bytes >= 0x80 differ between these encodings, so
    each distinct one is decoded and its words looked up once. A reading that produces C1
    control characters (Latin-1 of cp1252 quotes) is out. When no reading gives any
    accented word, or the best one is not French, charset-normalizer decides, if its
    result is not a mess.
    """
    from wordfreq import zipf_frequency

    high = bytes(sorted({b for b in data if b >= 0x80}))
    tokens = Counter(_HIGH_TOKEN_RE.findall(data))
    best: tuple[float, float, str] | None = None
    for encoding in LEGACY_ENCODINGS:
        try:
            decoded_high = high.decode(encoding)
        except UnicodeDecodeError:
            continue
        if any(0x80 <= ord(c) <= 0x9F for c in decoded_high):
            continue
        total = words = 0.0
        for token, count in tokens.items():
            for word in _WORD_RE.findall(token.decode(encoding)):
                if not word.isascii():
                    total += count * zipf_frequency(word, "fr")
                    words += count
        if words and (best is None or total > best[0]):  # ties: the earlier encoding
            best = (total, total / words, encoding)
    if best is not None and best[1] >= MIN_FRENCH_ZIPF:
        return best[2]
    return _case_plausible_encoding(data) or _charset_normalizer_guess(data)


def _case_plausible_encoding(data: bytes) -> str | None:
    """The one legacy reading with no capital letter glued after a small one.

    Language-neutral: English Mac Roman text read as cp1252 turns its apostrophes and
    dashes into capitals inside words and alone between spaces (`AustraliaÕs`, ` Ð `).
    Decides only for text whose non-ASCII characters are mostly punctuation (quotes,
    dashes, bullets) under the clean reading, and only when another reading is not clean.
    """
    scores: list[tuple[int, str]] = []
    for encoding in LEGACY_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if any(0x80 <= ord(c) <= 0x9F for c in text):
            continue
        bad = high = letters = 0
        for i, c in enumerate(text):
            if ord(c) < 0x80:
                continue
            high += 1
            letters += c.isalpha()
            if not c.isupper():
                continue
            before = text[i - 1] if i else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            if before.islower() or (not before.isalpha() and not after.isalpha()):
                bad += 1
        scores.append((bad, encoding, letters <= high / 2))
    clean = [e for bad, e, mostly_punctuation in scores if bad == 0 and mostly_punctuation]
    if clean and len(clean) < len(scores):
        return clean[0]
    return None


def _charset_normalizer_guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    match = from_bytes(data).best()
    if match is None or match.chaos > MAX_CHAOS or match.coherence < MIN_COHERENCE:
        return None
    text = str(match)
    if any(0x80 <= ord(c) <= 0x9F for c in text) or "\ufffd" in text:
        return None
    for encoding in LEGACY_ENCODINGS:  # name the usual encoding when it reads the same
        try:
            if data.decode(encoding) == text:
                return encoding
        except UnicodeDecodeError:
            continue
    return match.encoding


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
    gaps = Counter(gap for lines in page_lines for gap, _ in lines if gap)
    threshold = gaps.most_common(1)[0][0] * PARAGRAPH_GAP if gaps else float("inf")
    paragraphs: list[list[str]] = []
    for lines in page_lines:
        for i, (gap, line) in enumerate(lines):
            if i == 0 and paragraphs and _continues(paragraphs[-1][-1], line):
                pass  # a sentence running on from the previous page
            elif i == 0 or gap > threshold:
                paragraphs.append([])
            paragraphs[-1].append(line)
    return "\n\n".join(_join_lines(p) for p in paragraphs)


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
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # zip CRC errors, malformed XML, missing parts, ...
        raise IngestError(path, f"corrupt .docx ({type(exc).__name__}: {exc})") from exc
    return "\n\n".join(b for b in _docx_blocks(document.element.body) if b.strip())


def _docx_blocks(container) -> Iterator[str]:
    """Paragraphs and tables of a body (or cell) in document order, one string each."""
    for child in container:
        if child.tag == f"{_W}p":
            yield _paragraph_text(child)
        elif child.tag == f"{_W}tbl":
            yield "\n".join(_row_line(tr) for tr in _children(child, "tr"))
        elif child.tag in (f"{_W}sdt", f"{_W}customXml", f"{_W}ins"):
            content = child.find(f"{_W}sdtContent")
            yield from _docx_blocks(content if content is not None else child)


def _row_line(tr) -> str:
    """One table row as tab-separated cell texts; merged cells keep their grid columns."""
    cells: list[str] = []
    tr_pr = tr.find(f"{_W}trPr")
    before = tr_pr.find(f"{_W}gridBefore") if tr_pr is not None else None
    if before is not None:
        cells += [""] * _int_val(before, 0)
    for tc in _children(tr, "tc"):
        text = " ".join(b for b in _docx_blocks(tc) if b.strip())
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
