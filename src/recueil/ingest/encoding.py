"""Decoding a text file without assuming its language.

Order of the tests (the first that applies decides):

1. A byte-order mark: UTF-8, UTF-16 or UTF-32 as marked (`utf-8-sig`, `utf-16`, `utf-32`).
2. UTF-16 without a mark: NUL bytes in most even (big-endian) or odd (little-endian)
   positions of ASCII-heavy text; decoded as `utf-16-le` / `utf-16-be`.
3. Valid UTF-8 (`utf-8`). UTF-8 that was decoded as cp1252 and saved again as UTF-8
   ("Ã©", "â€™") is mojibake: it is repaired when the whole text round-trips and the
   repair scores better (recorded as `utf-8 (double-encoded, repaired)`), refused otherwise.
4. A legacy 8-bit encoding among `LEGACY_ENCODINGS` (Western: cp1252, ISO 8859-15,
   Mac Roman, cp850, Latin-1; Cyrillic cp1251; Arabic cp1256). Every candidate that
   decodes is scored with `implausibility` and the lowest score wins; on a tie the
   earlier candidate (the encodings read identically on this text, cp1252 first).

`implausibility` counts characters that no text in any of the six UN languages (Arabic,
Chinese, English, French, Russian, Spanish) contains where they stand; it knows no words,
so it works for English as for French:

* C1 control characters (U+0080-U+009F: Latin-1 reading cp1252 quotes), U+FFFD,
  private-use and unassigned code points: 10 each;
* box drawing and block elements, spacing diacritics (ˆ ˜ ¨ ´ ¸ ¯ ˘ ˙ ˚ ˛ ˝ ˇ),
  Icelandic eth/thorn (Ð ð Þ þ), ¦ ¬ and mathematical operators (√ ∂ ∆ ∑ ∏ ≈ ≠ ≤ ≥ ◊ Ω):
  3 each (Mac Roman English read as cp1252 turns every "–" into "Ð");
* a non-ASCII capital right after a small letter ("ItalyÕs", "rÈunion", "rŽunion"):
  3 (a typist never writes one; every wrong Western reading makes them);
* a non-ASCII symbol or punctuation mark between two letters ("r‚union"), other than
  the apostrophes, hyphens and the middle dot that really stand there: 2;
* a letter of another script inside a word (Latin and Cyrillic mixed: "rйunion"): 2;
* a vulgar fraction touching a letter ("c½ur": ISO 8859-15 œ read as cp1252): 2;
* each character beyond `MAX_RUN` non-ASCII characters in a row without a space or an
  ASCII character (no word of an alphabetic script is that long; CJK excepted): 1;
* Latin Extended-A/B letters other than œ Œ š Š ž Ž Ÿ ƒ (Ő Đ ą Ł: Central European
  readings): 1.

The text is refused ("cannot determine the text encoding") when even the best reading
scores more than `MAX_IMPLAUSIBLE` per non-ASCII character, or when no candidate decodes
it: what is stored is never mojibake.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

# Legacy candidates, in order of preference when two read a text the same.
LEGACY_ENCODINGS = ("cp1252", "iso8859_15", "mac_roman", "cp850", "latin_1", "cp1251", "cp1256")
# The best reading may score at most this much per non-ASCII character (the shared UPR
# files and the corpus score 0; wrong readings 1-3; random high bytes above 0.5).
MAX_IMPLAUSIBLE = 0.1
# ... and a text with few non-ASCII characters may still carry this much (a stray symbol).
IMPLAUSIBLE_ALLOWANCE = 3
MAX_RUN = 20

_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ODD_SYMBOLS = frozenset("¤ÐðÞþ¦¬ˆ˜¨´¸¯˘˙˚˛˝ˇ◊Ω∆∂∑∏√∞≈≠≤≥∫")
_LATIN_EXT_OK = frozenset("œŒšŠžŽŸƒ")
_WORD_INNER_OK = frozenset("’'‘`·-‐‑")
_DOUBLE_UTF8_RE = re.compile(
    "[ÂÃ][\u00a0-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u2013-\u203a\u20ac\u2122]|â€"
)


class EncodingError(ValueError):
    """No reading of the bytes is plausible text."""


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else ""


def implausibility(text: str) -> int:
    """Points for characters no UN-language text has where they stand (see module doc)."""
    score = 0
    prev = ""
    n = len(text)
    run = 0  # non-ASCII characters in a row, without a space
    for i, ch in enumerate(text):
        o = ord(ch)
        if o < 0x80:
            prev = ch
            run = 0
            continue
        cat = unicodedata.category(ch)
        run = 0 if cat[0] == "Z" or 0x3000 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF else run + 1
        if run > MAX_RUN:
            score += 1
        if 0x80 <= o <= 0x9F or ch == "\ufffd" or cat in ("Co", "Cn"):
            score += 10
        elif ch in _ODD_SYMBOLS or 0x2500 <= o <= 0x259F or 0x02C0 <= o <= 0x02FF:
            score += 3
        elif 0x0100 <= o <= 0x024F and ch not in _LATIN_EXT_OK:
            score += 1
        if ch in "¼½¾" and (prev.isalpha() or text[i + 1 : i + 2].isalpha()):
            score += 2
        if cat == "Lu" and prev and prev.isalpha() and prev.islower():
            score += 3
        elif cat[0] in "PS" and ch not in _WORD_INNER_OK:
            nxt = text[i + 1] if i + 1 < n else ""
            if prev.isalpha() and nxt.isalpha():
                score += 2
        elif cat[0] == "L" and prev.isalpha() and not prev.isascii():
            if _script(prev) != _script(ch) and not _cjk_or_arabic(prev, ch):
                score += 2
        elif (
            cat[0] == "L"
            and prev.isalpha()
            and prev.isascii()
            and _script(ch) != "LATIN"
            and not _cjk_or_arabic(prev, ch)
        ):
            score += 2
        prev = ch
    return score


def _cjk_or_arabic(a: str, b: str) -> bool:
    """Scripts written next to Latin without spaces (CJK) or with their own marks."""
    return any(_script(c) in ("CJK", "HIRAGANA", "KATAKANA", "HANGUL") for c in (a, b))


def _allowed(text: str) -> float:
    non_ascii = sum(1 for ch in text if ord(ch) >= 0x80)
    return IMPLAUSIBLE_ALLOWANCE + MAX_IMPLAUSIBLE * non_ascii


def decode_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding name) for a text file's bytes, or EncodingError."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise EncodingError(
                    f"starts with a {encoding} byte-order mark but is not valid {encoding}"
                ) from exc
    utf16 = utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return _check_double_utf8(text)
    return _best_legacy(data)


def utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    if len(data) < 4 or b"\x00" not in data:
        return None
    even, odd = data[0::2], data[1::2]
    half = len(data) // 2
    for zeros, encoding in ((odd.count(0), "utf-16-le"), (even.count(0), "utf-16-be")):
        if zeros >= 0.3 * half:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if "\x00" not in text and implausibility(text) <= _allowed(text):
                return text, encoding
    return None


def _check_double_utf8(text: str) -> tuple[str, str]:
    marks = len(_DOUBLE_UTF8_RE.findall(text))
    if not marks:
        return text, "utf-8"
    try:
        repaired = text.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        repaired = None
    if repaired is not None and implausibility(repaired) <= implausibility(text):
        return repaired, "utf-8 (double-encoded, repaired)"
    if marks >= 3:
        raise EncodingError(
            f"UTF-8 text with {marks} mojibake sequences such as 'Ã©' or 'â€™' (text decoded "
            "with the wrong encoding and saved again) that cannot be undone; save the "
            "original file as UTF-8"
        )
    return text, "utf-8"


def legacy_scores(data: bytes) -> dict[str, int]:
    """{encoding: implausibility} for every legacy candidate that decodes `data`."""
    scores = {}
    for encoding in LEGACY_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        scores[codecs.lookup(encoding).name] = implausibility(text)
    return scores


def _best_legacy(data: bytes) -> tuple[str, str]:
    best: tuple[int, str, str] | None = None
    for encoding in LEGACY_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = implausibility(text)
        if best is None or score < best[0]:
            best = (score, text, codecs.lookup(encoding).name)
            if score == 0:
                break
    tried = ", ".join(codecs.lookup(e).name for e in ("utf-8", *LEGACY_ENCODINGS))
    if best is None or best[0] > _allowed(best[1]):
        raise EncodingError(
            f"cannot determine the text encoding (tried {tried}; no reading is plausible "
            "text); save the file as UTF-8"
        )
    return best[1], best[2]
