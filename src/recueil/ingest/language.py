"""Which language a document is written in: ISO 639-1, from a table of common words.

Rule table (one row per language; adding Spanish, Russian, Arabic or Chinese is adding a
row — docs/documents.md says what else each needs):

| code | how the text is cut | marker words (the most frequent function words) |
|------|---------------------|--------------------------------------------------|
| en   | words               | the, of, and, to, in, that, for, with, its, on, by, is, are |
| fr   | words               | le, la, les, des, et, du, que, dans, pour, une, sur, aux, est |
| es   | words               | el, los, las, del, y, que, en, para, con, por, una, sus |
| ru   | words               | и, в, на, по, что, с, для, о, от, к, его, их |
| ar   | words               | في, من, على, إلى, أن, التي, الذي, عن, مع, هذا |
| zh   | characters          | 的, 和, 在, 与, 及, 对, 为, 其, 各, 国 |

The language whose markers make the largest share of the text's tokens wins; a text in
which no table reaches MIN_SHARE is "und" (undetermined) and the caller decides.
"""

from __future__ import annotations

import re
from collections import Counter

LANGUAGE_MARKERS: dict[str, tuple[str, frozenset[str]]] = {
    "en": ("words", frozenset(
        "the of and to in that for with its on by is are".split())),
    "fr": ("words", frozenset(
        "le la les des et du que dans pour une sur aux est".split())),
    "es": ("words", frozenset(
        "el los las del y que en para con por una sus".split())),
    "ru": ("words", frozenset(
        "и в на по что с для о от к его их".split())),
    "ar": ("words", frozenset(
        "في من على إلى أن التي الذي عن مع هذا".split())),
    "zh": ("chars", frozenset("的和在与及对为其各国")),
}  # fmt: skip
MIN_SHARE = 0.05
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def detect_language(text: str, *, sample: int = 20000) -> str:
    """The ISO 639-1 code of the language of `text` (first `sample` characters), or "und"."""
    head = text[:sample]
    words = Counter(w.lower() for w in _WORD_RE.findall(head))
    chars = Counter(head)
    n_words = sum(words.values()) or 1
    n_chars = sum(c for ch, c in chars.items() if not ch.isspace()) or 1
    best, best_share = "und", 0.0
    for code, (unit, markers) in LANGUAGE_MARKERS.items():
        if unit == "words":
            share = sum(words[m] for m in markers) / n_words
        else:
            share = sum(chars[m] for m in markers) / n_chars
        if share > best_share:
            best, best_share = code, share
    return best if best_share >= MIN_SHARE else "und"


# --- ordinals ("Twenty-eighth session", "Douzième session") --------------------------------

_ORDINAL_WORDS = {
    "en": {
        "units": ("first second third fourth fifth sixth seventh eighth ninth").split(),
        "teens": ("tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth "
                  "seventeenth eighteenth nineteenth").split(),
        "tens": "twenty thirty forty fifty sixty seventy eighty ninety".split(),
        "tens_ord": ("twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth "
                     "ninetieth").split(),
    },
    "fr": {
        "units": ("premier deuxième troisième quatrième cinquième sixième septième huitième "
                  "neuvième").split(),
        "teens": ("dixième onzième douzième treizième quatorzième quinzième seizième "
                  "dix-septième dix-huitième dix-neuvième").split(),
        "tens": "vingt trente quarante cinquante soixante soixante-dix quatre-vingt "
                "quatre-vingt-dix".split(),
        "tens_ord": ("vingtième trentième quarantième cinquantième soixantième "
                     "soixante-dixième quatre-vingtième quatre-vingt-dixième").split(),
    },
}  # fmt: skip


def ordinal_number(word: str, language: str = "en") -> int | None:
    """`Twenty-eighth` -> 28, `Douzième` -> 12 (1-99); None when not an ordinal word."""
    table = _ORDINAL_WORDS.get(language)
    if table is None:
        return None
    w = word.strip().lower().replace("–", "-")
    m = re.fullmatch(r"(\d{1,4})(?:st|nd|rd|th|e|er|re|ème)?", w)
    if m:
        return int(m.group(1)) or None
    if language == "fr":
        w = w.replace("première", "premier").replace("unième", "premier")
        w = re.sub(r"-et-", "-", w)
    if w in table["units"]:
        return table["units"].index(w) + 1
    if w in table["teens"]:
        return table["teens"].index(w) + 10
    if w in table["tens_ord"]:
        return (table["tens_ord"].index(w) + 2) * 10
    for i, tens in sorted(enumerate(table["tens"]), key=lambda t: -len(t[1])):
        if w.startswith(tens + "-"):
            rest = ordinal_number(w[len(tens) + 1 :], language)
            if rest is not None and rest < 20:
                return (i + 2) * 10 + rest
    return None
