"""French OCR repair: some reports only exist as OCR text, whose misread accents, elisions and
page furniture would otherwise leak into item text, search and comparisons with clean copies.

The layer is separate, line-preserving and reversible: `repair` keeps the number of lines
(page furniture becomes an empty line, word fixes happen in place) and records every change
as an `Edit` in raw coordinates, so a line range of the repaired text maps back to the raw
slice and `undo` gives the raw text back exactly. The caller always keeps the raw text.

Evidence: the French lexicon and its frequencies come from the `wordfreq` package (Zipf
scale: 7 = "de", 3 = once per million words), never from the corpus itself. Many OCR forms
are themselves attested ("Etats", "matiére", "acces"), so a lexical fix needs the candidate
to be common (`MIN_ZIPF`) *and* far more frequent than what was printed (`MARGIN`: ten
times; real homographs sit below it, e.g. cote/côte at 0.57, and on the clean reports a
margin under 0.6 starts changing correct words); only a fix of the initial capital's
accent, which the web text behind wordfreq often omits, gets the looser `CAPITAL_MARGIN`.
Words under `MIN_LENGTH` letters are too ambiguous for lexical fixes (ou/où, la/là,
ére/ère/être) and are left to context rules.

Rule table (applied in this order; `rule` is the name stored on each Edit):

==============  ==========================  ========================  =========================
rule            pattern                     candidates                condition
==============  ==========================  ========================  =========================
furniture       whole line: job number      empty line                line holds nothing else
                `V.20-05362` (+ `3/10`),
                page `4/10`, a symbol from
                `furniture=`, or a lone
                UN symbol line
ligature        ﬁ ﬂ ﬀ ﬃ ﬄ ﬅ ﬆ               fi fl ff ffi ffl st       always
elision         `I’` `1’` `1I’` `I'` (+     `l’` (`L’` at sentence    next letter is a vowel or
                optional space), `’` at     start)                    h; bare `’` only after a
                word start                                            space / at line start
capital-i       `Ia` `Ie` `Ies` `Iui`       `la` `le` `les` `lui`     whole word (no such French
                `Ieur(s)`                   `leur(s)` (`La`… at       words)
                                            sentence start)
abbreviation    `M™`, `M™°`, `M™¢`          `Mme`                     stands alone
ordinal         digit + `™` `¢`; digit +    `1re`, `Ne`; `Ne ` (glued  digit before; `°` only
                `°` glued to a word         word split off)           when glued to a letter
list-label      `¢)`                        `c)`                      not inside a word
junk-char       word containing `¢` / `€`   each junk char → é è ê    a lexicon word ≥ MIN_ZIPF,
                                            ç, else nothing c e       accented readings first
accent          word ≥ MIN_LENGTH letters   add ` ̀ ̂ ̈ ` / ç, or      cand ≥ MIN_ZIPF and
                                            é→è/ê/ë (never remove an  cand ≥ orig + MARGIN; if
                                            accent, never add é to e) orig is not a word
                                                                      (< UNKNOWN_ZIPF): cand ≥
                                                                      UNKNOWN_FLOOR
capital-accent  capitalised word, initial   É È Ê À Â Î Ô             cand ≥ MIN_ZIPF and
                E A I O                                               cand ≥ orig +
                                                                      CAPITAL_MARGIN
confusion       word not in the lexicon     one OCR confusion: c→è/é  orig < UNKNOWN_ZIPF;
                or with a capital inside    /e, d→ô, t→û, ii→û, g→ç,  best result (accent fix
                (`cOtes`)                   é→ô, rn→m, cl→d, I→l,     allowed on top) ≥
                                            1→l, 0→o, O→ô/o           UNKNOWN_FLOOR
grave-before-  unknown word ending in é +   é → è                     the è form is in the
mute-e          consonant(s) + e/es/ent                               lexicon (≥ UNKNOWN_ZIPF):
                (`transfrontiére`)                                    French spelling rule
split           unknown word = function     `w1 w2`                   w2 ≥ SPLIT_ZIPF, ≥ 4
                word + word                                           letters
                (`Enapplication`)
join            `w1 w2` with w2 unknown     `w1w2`                    w1w2 ≥ SPLIT_ZIPF
                (`ex ploitation`)
ampersand       `&` between two lowercase   `à`                       always
                words
a-grave         `a` between spaces          `à`                       context, see below
A-grave         `A` at sentence start +     `À`                       next word lowercase
                lowercase word
first-of-month  `1 juin`                    `1er juin`                month name follows
==============  ==========================  ========================  =========================

A word broken by a hyphen at a line end ("enqué-/tes") is judged as the joined word and
fixed in its two halves (letter-for-letter fixes only), so `repair` never moves text from
one line to another; `dehyphenate` rejoins such words afterwards.

`a` → `à` (rule a-grave) is decided by context, first match wins: keep the verb when the
next word (after adverbs like "également", "par ailleurs") is a past participle ("a adopté",
"a été", "a tenue"), when the previous word is a subject pronoun ("il a", "qui a", "il y
a"), when the next word is a preposition or an avoir-collocate ("a lieu", "a besoin") and
nothing before rules the verb out. Make it `à` when the next word is an infinitive or `se`,
`s’`, `ne` ("encouragés a prendre", "a se concerter"), in "a ce que", when the previous word
rules out a subject ("Parties a la", "encouragés a", "et a", ", a", "conformément a",
"recours a", a participle or infinitive not preceded by a determiner, a gerund "en veillant
a"), or when the next word is a bare lowercase noun ("a distance", "a composition").
Otherwise (a singular noun before a determiner: "le trafic a la nationalité") nothing
changes: both readings are French.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import pairwise, product

from wordfreq import get_frequency_dict

MIN_ZIPF = 3.0  # a candidate word must be at least this common (once per million words)
MARGIN = 1.0  # ... and ten times more frequent than the printed form
CAPITAL_MARGIN = -0.5  # initial-capital accent only: at least about as frequent
UNKNOWN_ZIPF = 1.0  # below this the printed form is not a French word
UNKNOWN_FLOOR = 2.5  # a word not in the lexicon may become a less common word
SPLIT_ZIPF = 3.5  # parts created by split/join must be clearly common words
MIN_LENGTH = 4  # shorter words are left to context rules

__all__ = ["Edit", "OcrResult", "dehyphenate", "is_furniture_line", "repair", "undo", "zipf"]


@dataclass(frozen=True)
class Edit:
    """One change: on 1-based `line`, raw text `original` at 0-based raw `column` became
    `replacement` (rules joined by '+' when several rules touched the same span)."""

    line: int
    column: int
    original: str
    replacement: str
    rule: str


@dataclass(frozen=True)
class OcrResult:
    """The repaired text (same number of lines as the raw text) and the edits made."""

    text: str
    edits: tuple[Edit, ...]

    def edits_by_rule(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for edit in self.edits:
            counts[edit.rule] = counts.get(edit.rule, 0) + 1
        return counts


# --- Lexicon ---------------------------------------------------------------------------

_FOLD = str.maketrans("àâäéèêëîïôöûùüç", "aaaeeeeiioouuuc")
# (printed, candidate) letter pairs an accent fix may make: OCR loses graves, circumflexes
# and diaereses, reads è/ê as é, but reads acute accents well; it never invents accents.
_ACCENT_PAIRS = {
    ("e", "è"), ("e", "ê"), ("e", "ë"), ("é", "è"), ("é", "ê"), ("é", "ë"),
    ("a", "à"), ("a", "â"), ("i", "î"), ("i", "ï"), ("o", "ô"),
    ("u", "û"), ("u", "ù"), ("u", "ü"), ("c", "ç"),
}  # fmt: skip
_CAPITAL_PAIRS = {("e", "é"), ("e", "è"), ("e", "ê"), ("a", "à"), ("a", "â"),
                  ("i", "î"), ("o", "ô")}  # fmt: skip


@cache
def _frequencies() -> dict[str, float]:
    return get_frequency_dict("fr")


def zipf(word: str) -> float:
    """Zipf frequency of a single French word (lower-cased) in wordfreq; 0 if unknown."""
    f = _frequencies().get(word.lower())
    return round(math.log10(f) + 9, 2) if f else 0.0


@cache
def _accent_index() -> dict[str, tuple[tuple[str, float], ...]]:
    """Words (≥ UNKNOWN_FLOOR) grouped by their accent-less spelling."""
    index: dict[str, list[tuple[str, float]]] = {}
    floor = 10 ** (UNKNOWN_FLOOR - 9)
    for word, f in _frequencies().items():
        if f >= floor and word.isalpha():
            index.setdefault(word.translate(_FOLD), []).append((word, math.log10(f) + 9))
    return {k: tuple(v) for k, v in index.items()}


def _reachable(printed: str, cand: str, capital: bool) -> tuple[bool, bool]:
    """Can `cand` come from `printed` by allowed accent changes? -> (ok, only initial)."""
    if len(printed) != len(cand):
        return False, False
    changed = [i for i, (p, c) in enumerate(zip(printed, cand, strict=True)) if p != c]
    if not changed:
        return False, False
    for i in changed:
        pair = (printed[i], cand[i])
        if pair in _ACCENT_PAIRS or (i == 0 and capital and pair in _CAPITAL_PAIRS):
            continue
        return False, False
    return True, changed == [0] and capital


def _accent_fix(lower: str, capital: bool, floor: float = MIN_ZIPF) -> tuple[str, str] | None:
    """Best accent variant of a lower-cased word, with its rule name, or None."""
    if len(lower) < MIN_LENGTH:
        return None
    z0 = zipf(lower)
    best: tuple[str, float, str] | None = None
    for cand, z in _accent_index().get(lower.translate(_FOLD), ()):
        ok, only_initial = _reachable(lower, cand, capital)
        if not ok:
            continue
        need = max(floor, z0 + (CAPITAL_MARGIN if only_initial else MARGIN))
        if z >= need and (best is None or z > best[1]):
            best = (cand, z, "capital-accent" if only_initial else "accent")
    return (best[0], best[2]) if best else None


def _best_known(forms: Iterable[str], capital: bool, floor: float) -> tuple[str, str] | None:
    """The most frequent word (≥ floor) among `forms` or their accent fixes, with the form
    it came from; the printed form of a word not in the lexicon is never a candidate."""
    best: tuple[str, float, str] | None = None
    for form in forms:
        options = [form]
        fixed = _accent_fix(form, capital, floor)
        if fixed:
            options.append(fixed[0])
        for option in options:
            z = zipf(option)
            if z >= floor and option.isalpha() and (best is None or z > best[1]):
                best = (option, z, form)
    return (best[0], best[2]) if best else None


_JUNK = "¢€"
# `¢` / `€` are misread accented letters, or a stray mark beside one ("d’¢éléments").
_JUNK_READINGS = (("é", "è", "ê", "ç"), ("", "c", "e"))
# OCR confusions tried on words that are not in the lexicon (printed → meant).
_CONFUSIONS = (
    ("c", "è"), ("c", "é"), ("c", "e"), ("d", "ô"), ("t", "û"), ("ii", "û"), ("g", "ç"),
    ("é", "ô"), ("rn", "m"), ("cl", "d"), ("I", "l"), ("1", "l"), ("0", "o"), ("O", "ô"),
    ("O", "o"),
)  # fmt: skip
_FUNCTION_WORDS = ("en", "de", "des", "du", "la", "le", "les", "et", "au", "aux", "par",
                   "pour", "sur", "dans", "une", "un")  # fmt: skip


# French spelling never has é before a consonant and a final mute e ("-ére", "-éme"): OCR
# reads the grave accent as acute. Applied to unknown words whose è form is attested.
_MUTE_E_RE = re.compile(r"é((?:[bcdfgjklmnpqrstvz]|[bcdfgptv][lr]|gn|ch|ss|ll|tt))e(s|nt)?$")


def _with_case(cand: str, printed: str) -> str:
    return cand[0].upper() + cand[1:] if printed[0].isupper() else cand


def _fix_word(word: str) -> tuple[str, str] | None:
    """A repaired spelling for one word (no hyphen, no elision) and its rule, or None."""
    if len(word) < 2 or any(ch.isdigit() for ch in word if ch not in "01"):
        return None
    if not any(ch.isalpha() for ch in word):
        return None
    letters = [ch for ch in word if ch.isalpha()]
    if len(letters) > 1 and all(ch.isupper() for ch in letters):
        return None  # acronyms: ONU, COVID, INTERPOL
    capital = word[0].isupper()
    inner_capital = any(ch.isupper() for ch in word[1:])
    if capital and inner_capital:
        return None  # McDonald, ONUDC-like forms: not ours to judge
    lower = word.lower()

    if any(ch in _JUNK for ch in word):
        slots = [i for i, ch in enumerate(lower) if ch in _JUNK]
        if len(slots) > 3:
            return None
        for readings in _JUNK_READINGS:  # accented readings first, then the rest
            forms = []
            for choice in product(readings, repeat=len(slots)):
                chars = list(lower)
                for i, reading in zip(slots, choice, strict=True):
                    chars[i] = reading
                forms.append("".join(chars))
            best = _best_known(forms, capital, MIN_ZIPF)
            if best:
                return _with_case(best[0], word), "junk-char"
        return None

    if not all(ch.isalpha() or ch in "01" for ch in word):
        return None
    if inner_capital or zipf(lower) < UNKNOWN_ZIPF or not lower.isalpha():
        # Not a word as printed: any common enough word one accent fix or one OCR
        # confusion away will do.
        if len(word) < MIN_LENGTH:
            return None
        forms = [lower] if lower.isalpha() and not inner_capital else []
        for printed, meant in _CONFUSIONS:
            start = word.find(printed, 1 if printed in "IO1" else 0)
            while start != -1:
                forms.append((word[:start] + meant + word[start + len(printed) :]).lower())
                start = word.find(printed, start + 1)
        best = _best_known(forms, capital, UNKNOWN_FLOOR)
        if best:
            rule = "accent" if best[1] == lower and not inner_capital else "confusion"
            return _with_case(best[0], word), rule
        grave = _MUTE_E_RE.sub(r"è\1e\2", lower)
        if grave != lower and zipf(grave) >= UNKNOWN_ZIPF:
            return _with_case(grave, word), "grave-before-mute-e"
        if lower.isalpha() and not inner_capital:
            for fw in _FUNCTION_WORDS:
                rest = lower[len(fw) :]
                if lower.startswith(fw) and len(rest) >= 4 and zipf(rest) >= SPLIT_ZIPF:
                    return f"{word[: len(fw)]} {word[len(fw) :]}", "split"
        return None
    fixed = _accent_fix(lower, capital)
    if fixed:
        return _with_case(fixed[0], word), fixed[1]
    return None


# --- Per-line edit bookkeeping ------------------------------------------------------------


@dataclass
class _Piece:
    text: str
    raw_start: int
    raw_end: int
    rules: tuple[str, ...] = ()


class _Line:
    """A raw line and its current text, kept as pieces that remember their raw span."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.pieces = [_Piece(raw, 0, len(raw))] if raw else []

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.pieces)

    def replace(self, start: int, end: int, new: str, rule: str) -> None:
        """Replace current-text span [start, end) (non-empty) by `new`."""
        if start >= end or self.text[start:end] == new:
            return
        before: list[_Piece] = []
        hits: list[tuple[_Piece, int]] = []
        after: list[_Piece] = []
        pos = 0
        for p in self.pieces:
            s, e = pos, pos + len(p.text)
            pos = e
            if s < end and e > start:
                hits.append((p, s))
            elif e <= start and not hits:
                before.append(p)
            else:
                after.append(p)
        (first, s0), (last, sn) = hits[0], hits[-1]
        prefix, suffix = first.text[: start - s0], last.text[end - sn :]
        raw_lo, raw_hi = first.raw_start, last.raw_end
        if not first.rules and prefix:
            before.append(_Piece(prefix, first.raw_start, first.raw_start + len(prefix)))
            raw_lo, prefix = first.raw_start + len(prefix), ""
        tail: list[_Piece] = []
        if not last.rules and suffix:
            tail.append(_Piece(suffix, last.raw_end - len(suffix), last.raw_end))
            raw_hi, suffix = last.raw_end - len(suffix), ""
        rules: list[str] = []
        for p, _ in hits:
            rules.extend(r for r in p.rules if r not in rules)
        if rule not in rules:
            rules.append(rule)
        text = prefix + new + suffix
        merged = _Piece(text, raw_lo, raw_hi, () if text == self.raw[raw_lo:raw_hi] else
                        tuple(rules))  # fmt: skip
        self.pieces = [*before, merged, *tail, *after]

    def edits(self, number: int) -> Iterator[Edit]:
        for p in self.pieces:
            if p.rules:
                yield Edit(number, p.raw_start, self.raw[p.raw_start : p.raw_end], p.text,
                           "+".join(p.rules))  # fmt: skip


def _apply(line: _Line, changes: list[tuple[int, int, str, str]]) -> None:
    """Apply non-overlapping (start, end, new, rule) changes found on the current text."""
    for start, end, new, rule in sorted(changes, key=lambda c: c[0], reverse=True):
        line.replace(start, end, new, rule)


# --- Page furniture ----------------------------------------------------------------------

_JOB_RE = re.compile(r"[A-Z]{1,2}\.\d{2}-\d{5}")
_PAGE_RE = re.compile(r"(\d{1,3})/(\d{1,3})")
_SYMBOL_RE = re.compile(r"[A-Z][A-Z0-9.]*(?:/[A-Za-z0-9.()\-]+)+")
_TRANSLATION_MARK_RE = re.compile(r"\([A-Z]\)")  # "V.20-05362 (F)"


def _is_symbol(atom: str) -> bool:
    return bool(_SYMBOL_RE.fullmatch(atom)) and any(ch.isdigit() for ch in atom)


def is_furniture_line(line: str, symbols: Iterable[str] = ()) -> bool:
    """Is the line only page furniture: job number, page `n/m`, and/or a known symbol?"""
    atoms = line.split()
    if not atoms:
        return False
    known = {s.strip() for s in symbols if s.strip()}
    for atom in atoms:
        if _JOB_RE.fullmatch(atom) or atom in known or _TRANSLATION_MARK_RE.fullmatch(atom):
            continue
        page = _PAGE_RE.fullmatch(atom)
        if page and 1 <= int(page.group(1)) <= int(page.group(2)) and int(page.group(2)) > 1:
            continue
        return False
    return not all(_TRANSLATION_MARK_RE.fullmatch(a) for a in atoms)


def _running_symbols(lines: list[str]) -> set[str]:
    """UN symbols standing alone on two or more lines: a running header."""
    counts: dict[str, int] = {}
    for line in lines:
        atom = line.strip()
        if atom and " " not in atom and _is_symbol(atom):
            counts[atom] = counts.get(atom, 0) + 1
    return {s for s, n in counts.items() if n >= 2}


# --- Character-level stages ------------------------------------------------------------

_LIGATURES = {"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
_LIGATURE_RE = re.compile("[" + "".join(_LIGATURES) + "]")
_VOWEL_OR_H = "aeiouyhéèêëàâîïôûùœæAEIOUYHÉÈÊËÀÂÎÏÔÛŒÆ¢€"
_ELISION_RE = re.compile(rf"(?<![\w’'])(?:1I|1|I)([’'])[ ]?(?=[{_VOWEL_OR_H}])")
_BARE_APOSTROPHE_RE = re.compile(r"(?:(?<=[ \t])|^)’(?=[a-zéèêàâîôûœh])")
_MME_RE = re.compile(r"(?<!\w)M™[°¢e]?(?!\w)")
_ORDINAL_RE = re.compile(r"(?<![\w.])(\d{1,2})([™¢])(?!\w)")
_GLUED_ORDINAL_RE = re.compile(r"(?<![\w.])(\d{1,2})°(?=[^\W\d_])")
_LIST_LABEL_RE = re.compile(r"(?<!\w)¢(?=\))")
_CAPITAL_I_RE = re.compile(r"(?<![\w’'])I(a|e|es|ui|eurs?)(?![\w’'])")
_SENTENCE_END = ".!?…"
_WRAPPED_LINE = 50  # characters: a shorter line ending in a small letter may be a heading


def _sentence_start(lines: list[_Line], index: int, column: int) -> bool:
    """Does a sentence (or paragraph) start at this position of the current text?"""
    before = lines[index].text[:column].rstrip()
    if before:
        return before[-1] in _SENTENCE_END
    for j in range(index - 1, -1, -1):
        prev = lines[j].text.rstrip()
        if not prev:  # blank or furniture line: a paragraph or page boundary, unless the
            # text before it is a long line stopping mid-sentence (a layout with one
            # printed line per paragraph: "… notamment en améliorant" / "I’accès …")
            for k in range(j - 1, max(j - 4, -1), -1):
                before_blank = lines[k].text.rstrip()
                if before_blank:
                    return not (
                        len(before_blank) >= _WRAPPED_LINE
                        and (before_blank[-1].islower() or before_blank[-1] == ",")
                    )
            return True
        return prev[-1] in _SENTENCE_END
    return True


def _char_stage(lines: list[_Line], index: int) -> None:
    line = lines[index]
    text = line.text
    _apply(line, [(m.start(), m.end(), _LIGATURES[m.group()], "ligature")
                  for m in _LIGATURE_RE.finditer(text)])  # fmt: skip
    text = line.text
    changes = []
    for m in _ELISION_RE.finditer(text):
        ell = "L" if _sentence_start(lines, index, m.start()) else "l"
        changes.append((m.start(), m.end(), ell + m.group(1), "elision"))
    for m in _BARE_APOSTROPHE_RE.finditer(text):
        ell = "L" if _sentence_start(lines, index, m.start()) else "l"
        changes.append((m.start(), m.end(), ell + "’", "elision"))
    _apply(line, changes)
    text = line.text
    changes = [(m.start(), m.end(), "Mme", "abbreviation") for m in _MME_RE.finditer(text)]
    for m in _ORDINAL_RE.finditer(text):
        suffix = "re" if m.group(1) == "1" and m.group(2) == "™" else "e"
        changes.append((m.start(2), m.end(2), suffix, "ordinal"))
    for m in _GLUED_ORDINAL_RE.finditer(text):
        changes.append((m.end(1), m.end(), "e ", "ordinal"))
    changes += [(m.start(), m.end(), "c", "list-label") for m in _LIST_LABEL_RE.finditer(text)]
    for m in _CAPITAL_I_RE.finditer(text):
        ell = "L" if _sentence_start(lines, index, m.start()) else "l"
        changes.append((m.start(), m.end(), ell + m.group(1), "capital-i"))
    _apply(line, changes)


# --- Word-level stage ------------------------------------------------------------------

_WORD_RE = re.compile(r"[\w¢€](?:[\w¢€’'-]*[\w¢€])?")
_ELIDED_RE = re.compile(r"(?:[ldjmnstcLDJMNSTC]|[Qq]u|[Jj]usqu|[Ll]orsqu|[Pp]uisqu|[Qq]uoiqu)[’']")


def _components(token: str, offset: int) -> Iterator[tuple[int, str]]:
    """Hyphen-separated parts of a word token, elision prefix removed, with offsets."""
    pos = 0
    for part in token.split("-"):
        start = offset + pos
        pos += len(part) + 1
        m = _ELIDED_RE.match(part)
        if m:
            part, start = part[m.end() :], start + m.end()
        if part and "’" not in part and "'" not in part:
            yield start, part


def _word_stage(lines: list[_Line], index: int, done: set[tuple[int, int]]) -> None:
    line = lines[index]
    text = line.text
    changes: list[tuple[int, int, str, str]] = []
    tokens = list(_WORD_RE.finditer(text))
    # A word broken by a hyphen at the line end is judged whole, fixed in its two halves.
    if tokens and re.fullmatch(r"-[ \t]*", text[tokens[-1].end() :]) and index + 1 < len(lines):
        nxt = re.match(r"[ \t]*([^\W\d_]+)", lines[index + 1].text)
        parts = list(_components(tokens[-1].group(), tokens[-1].start()))
        if nxt and parts and nxt.group(1).islower():
            start, frag = parts[-1]
            fix = _fix_word(frag + nxt.group(1))
            if fix and len(fix[0]) == len(frag) + len(nxt.group(1)):
                new_frag, new_rest = fix[0][: len(frag)], fix[0][len(frag) :]
                changes.append((start, start + len(frag), new_frag, fix[1]))
                _apply(lines[index + 1],
                       [(nxt.start(1), nxt.end(1), new_rest, fix[1])])  # fmt: skip
                done.add((index + 1, nxt.start(1)))
                tokens = tokens[:-1]
    for token in tokens:
        if (index, token.start()) in done:
            continue
        for start, part in _components(token.group(), token.start()):
            fix = _fix_word(part)
            if fix:
                changes.append((start, start + len(part), fix[0], fix[1]))
    _apply(line, changes)
    # join: "ex ploitation" -> "exploitation" (second part unknown, joined form common)
    text = line.text
    changes = []
    tokens = list(_WORD_RE.finditer(text))
    for left, right in pairwise(tokens):
        if text[left.end() : right.start()] != " ":
            continue
        parts = list(_components(left.group(), left.start()))
        w2 = right.group()
        if not parts or not w2.isalpha() or not w2.islower() or zipf(w2) >= UNKNOWN_ZIPF:
            continue
        start, w1 = parts[-1]
        if w1.isalpha() and zipf(w1 + w2) >= SPLIT_ZIPF:
            changes.append((start, right.end(), w1 + w2, "join"))
    _apply(line, changes)


# --- Context stage: a/à, A/À, &, 1er ------------------------------------------------------

_TOKEN_RE = re.compile(r"[^\W_](?:[\w’'-]*[^\W_])?|\S")
_SUBJECTS = {"il", "elle", "on", "qui", "y", "cela", "ça", "ceci", "celle-ci", "celui-ci",
             "lequel", "laquelle", "chacun", "chacune", "nul", "rien", "n’y", "n'y"}  # fmt: skip
_DETERMINERS = {
    "la", "le", "les", "un", "une", "des", "de", "ce", "cet", "cette", "ces", "son", "sa",
    "ses", "leur", "leurs", "notre", "nos", "votre", "vos", "mon", "ma", "mes", "tout",
    "toute", "tous", "toutes", "chaque", "quelque", "quelques", "quel", "quelle", "quels",
    "quelles", "plusieurs", "certains", "certaines", "aucun", "aucune", "nombre", "moins",
    "autre", "autres", "telle", "telles", "tel", "tels",
}  # fmt: skip
# Words that can only introduce a noun: a word after them is not an infinitive or participle.
_NOUN_DETERMINERS = {"le", "la", "les", "un", "une", "du", "au", "aux", "ce", "cet", "cette",
                     "ces", "son", "sa", "ses", "leur", "leurs", "notre", "nos", "votre",
                     "vos", "mon", "ma", "mes", "chaque"}  # fmt: skip
_PREPOSITIONS = {"par", "pour", "en", "dans", "sur", "sous", "avec", "sans", "chez", "vers",
                 "entre", "contre", "depuis", "pendant", "selon", "malgré", "après", "avant",
                 "auprès", "parmi", "dès", "du", "au", "aux", "lui", "y", "priori",
                 "posteriori", "fortiori", "contrario", "minima", "maxima"}  # fmt: skip
_AVOIR_COLLOCATES = {"lieu", "besoin", "recours", "accès", "droit", "trait", "raison", "tort",
                     "peur", "honte", "hâte", "envie", "faim", "soif", "affaire", "beau",
                     "mal", "cours", "soin", "intérêt", "conscience", "connaissance",
                     "tendance", "vocation", "qualité", "compétence"}  # fmt: skip
_ADVERBS = {"également", "aussi", "ensuite", "déjà", "toujours", "encore", "enfin", "pas",
            "jamais", "bien", "beaucoup", "très", "trop", "peu", "souvent", "longtemps",
            "ainsi", "donc", "alors", "même", "notamment", "surtout", "récemment", "plus",
            "pourtant", "cependant", "toutefois", "néanmoins", "aujourd’hui", "aujourd'hui",
            "ici", "certes", "vraiment"}  # fmt: skip
_ADVERB_PHRASES = (("par", "ailleurs"), ("en", "outre"), ("en", "effet"), ("de", "plus"),
                   ("de", "nouveau"), ("à", "nouveau"), ("pour", "sa", "part"),
                   ("pour", "son", "part"), ("pour", "leur", "part"), ("en", "particulier"),
                   ("entre", "autres"), ("à", "cet", "égard"), ("à", "ce", "sujet"),
                   ("en", "revanche"), ("à", "son", "tour"))  # fmt: skip
# Words after which `a` is the preposition: conjunctions, adverbs, and words governing "à".
_PREP_CONTEXT = {
    "et", "ou", "mais", "puis", "ni", "notamment", "ainsi", "conformément", "face", "grâce",
    "quant", "jusqu’", "jusqu'", "relatif", "relative", "relatifs", "relatives",
    "additionnel", "additionnelle", "additionnels", "additionnelles", "accès", "recours",
    "droit", "droits", "atteinte", "appel", "lieu", "contribution", "participation",
    "favorable", "favorables", "contraire", "contraires", "conforme", "conformes", "propre",
    "propres", "nécessaire", "nécessaires", "préalable", "préalables", "également",
    "obstacle", "référence", "adhésion", "préjudice", "particulièrement",
    "essentiellement", "principalement", "seulement", "uniquement",
    "surtout", "compris", "parallèlement", "préalablement", "ultérieurement",
}  # fmt: skip
_NOT_INFINITIVE = {"entre", "contre", "notre", "votre", "autre", "outre", "premier", "dernier",
                   "hier", "cher", "fier", "entier", "leur", "plusieurs", "ailleurs"}  # fmt: skip
_INVARIABLE = {"pays", "cas", "temps", "fois", "processus", "accès", "recours", "progrès",
               "succès", "corps", "prix", "choix", "voix", "mois", "avis", "bras", "poids",
               "sens", "dos", "repas", "discours", "concours", "cours", "secours", "parcours",
               "ailleurs", "plus", "moins", "très", "après", "dès", "sous", "vers", "dans",
               "sans", "chez", "puis", "depuis", "mais", "jamais", "alors", "toujours",
               "parfois", "tous", "nous", "vous", "ils", "elles", "les", "des", "ces", "ses",
               "mes", "tes", "nos", "vos", "leurs", "eux", "ceux", "lesquels", "lesquelles",
               "quels", "quelles", "plusieurs", "certains", "certaines", "autres", "mêmes",
               "tels", "telles", "aux", "jus", "virus", "consensus", "statut", "refus",
               "abus", "fils", "os", "gaz", "paix", "croix", "noix"}  # fmt: skip
_IRREGULAR_PARTICIPLES = (
    "été eu pu su vu lu bu cru dû plu fallu valu voulu connu reconnu reçu perçu conçu aperçu "
    "déçu vécu paru apparu disparu couru parcouru recouru secouru résolu conclu inclus exclu "
    "élu suivi poursuivi fait dit écrit décrit inscrit prescrit souscrit produit conduit "
    "construit traduit introduit réduit induit instruit détruit interdit prédit mis pris "
    "appris compris surpris repris entrepris permis soumis admis commis promis remis "
    "transmis omis acquis requis conquis assis ouvert offert couvert découvert souffert "
    "atteint peint craint contraint joint rejoint éteint restreint astreint enjoint né mort"
).split()
_MONTHS = {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"}  # fmt: skip


@cache
def _participles() -> frozenset[str]:
    forms = set()
    for base in _IRREGULAR_PARTICIPLES:
        forms.add(base)
        forms.update((base + "e", base + "es") if base.endswith("s") else
                     (base + "e", base + "s", base + "es"))  # fmt: skip
    return frozenset(forms)


def _strip_elision(word: str) -> str:
    m = _ELIDED_RE.match(word)
    return word[m.end() :] if m and m.end() < len(word) else word


def _is_participle(word: str) -> bool:
    w = word.lower()
    if w in _participles():
        return True
    for endings, verb_endings in (
        (("ées", "és", "ée", "é"), ("er",)),
        (("ies", "is", "ie", "i"), ("ir",)),
        (("ues", "us", "ue", "u"), ("re", "ir")),
    ):
        for ending in endings:
            if w.endswith(ending):
                stem = w[: -len(ending)]
                return len(stem) >= 3 and any(zipf(stem + v) >= MIN_ZIPF for v in verb_endings)
    return False


def _is_infinitive(word: str) -> bool:
    w = word.lower()
    return (
        len(w) >= 4
        and w.endswith(("er", "ir", "re"))
        and w not in _NOT_INFINITIVE
        and zipf(w) >= 2.5
    )


def _is_plural(word: str) -> bool:
    w = word.lower()
    if len(w) < 3 or w in _INVARIABLE or not w.endswith(("s", "x")) or not w.isalpha():
        return False
    singular = w[:-3] + "al" if w.endswith("aux") else w[:-1]
    return zipf(singular) >= 2.0


@dataclass
class _Tok:
    line: int
    start: int
    end: int
    text: str

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum()

    @property
    def core(self) -> str:
        return _strip_elision(self.text).lower()


def _tokens(lines: list[_Line]) -> list[_Tok]:
    return [_Tok(i, m.start(), m.end(), m.group())
            for i, line in enumerate(lines) for m in _TOKEN_RE.finditer(line.text)]  # fmt: skip


def _skip_adverbs(toks: list[_Tok], k: int) -> int:
    while k < len(toks) and toks[k].is_word:
        low = toks[k].text.lower()
        if low in _ADVERBS or (low.endswith("ment") and len(low) > 6 and zipf(low) >= 2.0):
            k += 1
            continue
        for phrase in _ADVERB_PHRASES:
            words = [t.text.lower() for t in toks[k : k + len(phrase)]]
            if tuple(words) == phrase:
                k += len(phrase)
                break
        else:
            return k
    return k


def _prep_context(prev: _Tok | None, prev2: _Tok | None) -> bool:
    """Does the word before `a` rule out its being the verb's subject?"""
    if prev is None:
        return False
    if not prev.is_word:
        return prev.text in ",;"
    core = prev.core
    if core in _PREP_CONTEXT or prev.text.lower() in _PREP_CONTEXT:
        return True
    if _is_plural(core) or core.endswith("aient"):
        return True
    if not prev.text[0].islower():
        return False
    after_det = prev2 is not None and prev2.text.lower() in _NOUN_DETERMINERS
    after_det = after_det or prev.text.lower().startswith(("l’", "l'"))
    if after_det:
        return False  # "le délégué a la parole": a noun, maybe the subject
    if core.endswith("ant") and prev2 is not None and prev2.text.lower() == "en":
        return True  # gerund
    return _is_participle(core) or (
        _is_infinitive(core) and (core.endswith(("er", "ir")) or
                                  (prev2 is not None and prev2.text.lower() in
                                   {"de", "d’", "d'", "pour", "sans", "afin"}))
    )  # fmt: skip


def _a_is_preposition(toks: list[_Tok], i: int) -> str | None:
    """Decide `a` at toks[i]: the reason it is the preposition `à`, or None (keep)."""
    if i + 1 >= len(toks) or not toks[i + 1].is_word:
        return None  # "a)" list label, end of text, "[garbage"
    prev = toks[i - 1] if i >= 1 else None
    prev2 = toks[i - 2] if i >= 2 else None
    k = _skip_adverbs(toks, i + 1)
    if k < len(toks) and toks[k].is_word and _is_participle(toks[k].core):
        return None  # auxiliary: "a adopté", "a également souligné"
    if k != i + 1:
        return None  # "a bien", "a par ailleurs" without a participle: unsure
    nxt = toks[i + 1]
    n1 = nxt.text.lower()
    if prev is not None and prev.is_word and (
        prev.text.lower() in _SUBJECTS or prev.text.lower().endswith(("’il", "'il", "’elle",
                                                                       "'elle", "’on", "'on"))
    ):  # fmt: skip
        return None
    strong = _prep_context(prev, prev2)
    if n1 in _AVOIR_COLLOCATES and not strong:
        return None
    if n1 in _PREPOSITIONS:
        return None
    if (
        n1 in {"se", "ne"}
        or n1.startswith(("s’", "s'"))
        or (n1 not in _DETERMINERS and _is_infinitive(n1))
    ):
        return "infinitive"
    if n1 == "ce" and i + 2 < len(toks) and toks[i + 2].text.lower().startswith("qu"):
        return "à ce que"
    if strong:
        return "context"
    elided = n1.startswith(("l’", "l'", "d’", "d'"))
    if (n1[0].islower() and not elided and n1 not in _DETERMINERS and nxt.text.isalpha()
            and zipf(n1) >= 2.0):  # fmt: skip
        return "bare noun"
    return None


def _context_stage(lines: list[_Line]) -> None:
    toks = _tokens(lines)
    changes: dict[int, list[tuple[int, int, str, str]]] = {}

    def change(tok: _Tok, new: str, rule: str) -> None:
        changes.setdefault(tok.line, []).append((tok.start, tok.end, new, rule))

    for i, tok in enumerate(toks):
        prev = toks[i - 1] if i else None
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        text = lines[tok.line].text
        if tok.text in ("a", "A") and (
            (tok.start and text[tok.start - 1] not in " \t(«“")
            or (tok.end < len(text) and text[tok.end] not in " \t")
        ):
            continue  # "I.a", "V.2.a", "a)", "a-t-il": not a free-standing word
        if tok.text == "a":
            if _a_is_preposition(toks, i):
                change(tok, "à", "a-grave")
        elif tok.text == "A" and nxt is not None and nxt.is_word and nxt.text[0].islower():
            starts = (
                prev is None
                or prev.text in _SENTENCE_END
                or (prev.line < tok.line and not lines[tok.line - 1].text.strip())
            )
            if starts:
                change(tok, "À", "A-grave")
        elif tok.text == "&" and prev is not None and nxt is not None:
            if prev.text.isalpha() and prev.text.islower() and nxt.text[0].islower():
                change(tok, "à", "ampersand")
        elif tok.text == "1" and nxt is not None and nxt.text.lower() in _MONTHS:
            change(tok, "1er", "first-of-month")
    for index, line_changes in changes.items():
        _apply(lines[index], line_changes)


# --- Public API --------------------------------------------------------------------------


def repair(raw: str, *, furniture: Iterable[str] = ()) -> OcrResult:
    """Repair French OCR text line by line; `furniture` lists symbols printed as headers."""
    raw_lines = raw.split("\n")
    symbols = set(furniture) | _running_symbols(raw_lines)
    lines = [_Line(r) for r in raw_lines]
    for line in lines:
        if line.raw.strip() and is_furniture_line(line.raw, symbols):
            line.replace(0, len(line.raw), "", "furniture")
    for index in range(len(lines)):
        _char_stage(lines, index)
    done: set[tuple[int, int]] = set()
    for index in range(len(lines)):
        _word_stage(lines, index, done)
    _context_stage(lines)
    edits = tuple(e for number, line in enumerate(lines, 1) for e in line.edits(number))
    return OcrResult("\n".join(line.text for line in lines), edits)


def undo(result: OcrResult) -> str:
    """The raw text `repair` was given, rebuilt from the repaired text and its edits."""
    lines = result.text.split("\n")
    by_line: dict[int, list[Edit]] = {}
    for edit in result.edits:
        by_line.setdefault(edit.line, []).append(edit)
    for number, edits in by_line.items():
        text = lines[number - 1]
        shift = 0
        spans = []
        for edit in sorted(edits, key=lambda e: e.column):
            start = edit.column + shift
            if text[start : start + len(edit.replacement)] != edit.replacement:
                raise ValueError(f"line {number}: edit {edit} does not match the text")
            spans.append((start, edit))
            shift += len(edit.replacement) - len(edit.original)
        for start, edit in reversed(spans):
            text = text[:start] + edit.original + text[start + len(edit.replacement) :]
        lines[number - 1] = text
    return "\n".join(lines)


# --- Hyphenated line breaks ----------------------------------------------------------------

# First parts that make hyphenated compounds with a word ("sous-estimé", "non-membre").
_COMPOUND_FIRST = {"ci", "là", "au", "non", "vice", "ex", "demi", "mi", "semi", "quasi",
                   "porte", "garde", "grand", "grande", "arrière", "celui", "celle", "ceux",
                   "celles", "peut", "vis", "bien", "sous", "avant", "après", "contre",
                   "auto", "anti", "co", "néo", "post", "pré", "pro"}  # fmt: skip
_LINE_END_HYPHEN_RE = re.compile(r"([^\W\d_]+)-[ \t]*$")
_NEXT_WORD_RE = re.compile(r"[ \t]*(\S+)[ \t]*")


def dehyphenate(text: str) -> str:
    """Rejoin words broken by a hyphen at a line end, keeping the number of lines.

    The second half (with any punctuation glued to it) moves up to the first line. The
    hyphen is dropped when the joined word is a common French word ("enquê-/tes" ->
    "enquêtes") unless the halves form a compound ("sous-/régional", "ci-/après",
    "non-/accompagnés", "États-/Unis" keep it).
    """
    lines = text.split("\n")
    for i in range(len(lines) - 1):
        end = _LINE_END_HYPHEN_RE.search(lines[i])
        nxt = _NEXT_WORD_RE.match(lines[i + 1])
        if not end or not nxt:
            continue
        moved = nxt.group(1)
        rest = re.match(r"[^\W\d_]+", moved)
        if not rest:
            continue
        frag, tail = end.group(1), rest.group()
        joined = (
            tail[0].islower()  # "Etats-/Unis", "Nouvelle-/Zélande": always a compound
            and zipf(frag + tail) >= MIN_ZIPF
            and not (frag.lower() in _COMPOUND_FIRST and zipf(tail) >= MIN_ZIPF)
        )
        head = lines[i][: end.start(1)] + frag
        lines[i] = head + ("" if joined else "-") + moved
        lines[i + 1] = lines[i + 1][nxt.end() :]
    return "\n".join(lines)
