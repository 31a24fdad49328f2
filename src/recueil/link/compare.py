"""Word-level comparison of two texts: how much wording they share, and exactly what changed.

The diff aligns French-aware tokens (`text.tokenize`), so typography, case and accents
never count as edits, then shows each span in its side's own spelling and spacing.
Relation thresholds live here, next to the measures they apply to (chosen on the corpus:
see tests/test_link_related.py and the README's "Agreed language" section).
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from recueil.link.text import Token, tokenize

# --- relation thresholds -------------------------------------------------------------
# Chosen on resolution 6/3 paras 1-9 × meeting I, checked on paras 10-22 (held out), see
# tests/test_link_related.py. `shared` alone is fooled by boilerplate (the Protocol's full
# title) and by short texts, so every relation also needs a shared subject (cosine).
RESTATES_SHARED = 0.60  # ≥ this share of the shorter text's words, in order…
RESTATES_COSINE = 0.30  # …on the same subject → restates
REVISES_SHARED = 0.40  # ≥ this share…
REVISES_COSINE = 0.20  # …on the same subject → revises
# TF-IDF cosine of content stems ≥ this → related (same subject). At 0.20, 155 of the 350
# adopted items had no related item at all; at 0.15, 72 (e.g. 6/3 para. 17 then finds the
# multi-agency centres of II.21-23 and I.37); below, unrelated texts start to come in.
RELATED_COSINE = 0.15
SHORT_TEXT = 20  # words: a shorter text counts as this long for `shared` ("Prie les États :")


@dataclass(frozen=True)
class Overlap:
    """Shared wording of two texts, counted on word tokens in order (punctuation aside)."""

    matched: int  # words of A aligned with equal words of B
    len_a: int
    len_b: int

    @property
    def ratio(self) -> float:
        """2M / (|A| + |B|): 1.0 for the same words, penalises additions on either side."""
        total = self.len_a + self.len_b
        return 2 * self.matched / total if total else 0.0

    @property
    def shared(self) -> float:
        """M / min(|A|, |B|): how much of the shorter text the longer one repeats (a text
        under SHORT_TEXT words counts as that long: a chapeau is not a restatement)."""
        shortest = max(min(self.len_a, self.len_b), min(SHORT_TEXT, max(self.len_a, self.len_b)))
        return self.matched / shortest if shortest else 0.0


def _matcher(a: list[str], b: list[str]) -> SequenceMatcher:
    return SequenceMatcher(None, a, b, autojunk=False)


def words(tokens: list[Token]) -> list[str]:
    """The folded keys of the word tokens, in order: what `overlap` aligns."""
    return [t.key for t in tokens if t.is_word]


def overlap(a: str | list[Token], b: str | list[Token]) -> Overlap:
    ta = tokenize(a) if isinstance(a, str) else a
    tb = tokenize(b) if isinstance(b, str) else b
    return overlap_words(words(ta), words(tb))


def overlap_words(wa: list[str], wb: list[str]) -> Overlap:
    """`overlap` of two texts already reduced to their `words`."""
    matched = sum(block.size for block in _matcher(wa, wb).get_matching_blocks())
    return Overlap(matched, len(wa), len(wb))


def relation(shared: float, cosine: float) -> str | None:
    """restates / revises / related, or None when the two texts are not on one subject."""
    if shared >= RESTATES_SHARED and cosine >= RESTATES_COSINE:
        return "restates"
    if shared >= REVISES_SHARED and cosine >= REVISES_COSINE:
        return "revises"
    if cosine >= RELATED_COSINE:
        return "related"
    return None


def _span(text: str, tokens: list[Token], i: int, j: int) -> str:
    """Tokens i..j-1 as printed, with the spacing that precedes them in their text."""
    start = tokens[i - 1].end if i > 0 else tokens[i].start
    return text[start : tokens[j - 1].end]


def diff(old: str, new: str) -> list[dict]:
    """Word-level diff from `old` (e.g. the adopted text) to `new` (e.g. a draft).

    Spans are {"op": "equal"|"delete"|"insert", "text": …}: "delete" = words of `old`
    missing from `new`, "insert" = words `new` adds; "equal" text is `old`'s spelling, and
    carries "new_text" when `new` spells it differently (accents, case, typography only).
    Joining equal + delete spans gives `old` back; equal (new_text) + insert gives `new`.
    """
    ta, tb = tokenize(old), tokenize(new)
    sm = _matcher([t.key for t in ta], [t.key for t in tb])
    spans: list[dict] = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            span = {"op": "equal", "text": _span(old, ta, i1, i2)}
            other = _span(new, tb, j1, j2)
            if other.strip() != span["text"].strip():
                span["new_text"] = other
            spans.append(span)
            continue
        if i2 > i1:
            spans.append({"op": "delete", "text": _span(old, ta, i1, i2)})
        if j2 > j1:
            spans.append({"op": "insert", "text": _span(new, tb, j1, j2)})
    return spans


def edits(spans: list[dict]) -> list[tuple[str, str]]:
    """The non-equal spans as (op, words) pairs: a compact view for tables and tests."""
    return [(s["op"], s["text"].strip()) for s in spans if s["op"] != "equal"]
