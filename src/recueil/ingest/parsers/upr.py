"""A Human Rights Council UPR report: the recommendations of its conclusions section.

Items are cited by the report's symbol, its paragraph and the recommendation number:
`A/HRC/28/4:145.12`; when the numbering restarts in each paragraph (`97. … 1. 2. …`,
`98. … 1. …`) the paragraph tells them apart (`…:97.1`, `…:98.1`). A report that prints
no symbol gets a stable derived id `UPR-<State>-HRC<session>` (`UPR-Senegal-HRC11`).

Rule table (English | French; a new language is a new entry in `RULES`):

- kind: "Report of the Working Group on the Universal Periodic Review" / "Rapport du Groupe
  de travail sur l'Examen périodique universel" on the cover
- symbol: `A/HRC/N/N` at a line start on the cover (not "Previously issued under document
  symbol …")
- State under review: first line after the report title that is not a footnote (`* …`)
- HRC session: "Human Rights Council Twelfth session" / "Conseil des droits de l'homme
  Douzième session"
- section: heading "II. Conclusions and/or recommendations" / "II. Conclusions et/ou
  recommandations" (not the contents line), up to "Annex"/"Annexe" or the next roman heading
- recommendation: `P.n` (`86.1.`, `145.1`) anywhere, n = 1, 2, 3 … in sequence, or `n.` at a
  line start, numbering restarting after each paragraph `P.`
- recommending States: the parenthesised lists that end a clause (`… (Brazil, Algeria); …
  (Mexico)`), nested parentheses kept (`Iran (Islamic Republic of)`)
- response: the paragraph's introduction: "enjoy the support of" → supported; "will be
  examined by" / "will examine" → to be examined; "did not enjoy the support" / "noted" →
  noted; otherwise none
- footnotes: lines `2 The recommendation as read out …` inside the section are left out
- gaps (`ingest.sequence_check`, on `ParsedDocument.gaps`: the file is refused unless
  `--accept-gaps`): a recommendation number that skips ahead (up to 3; the recommendation is
  still read under its printed number) or repeats the one before (its text stays in the
  recommendation before), a later number found inside a recommendation's text (more
  numbers skipped), no recommendation at all; the numbering restarting at 1. after a
  new paragraph `P.` (Senegal's "to be examined" list) is not a gap
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from recueil.ingest.errors import IngestError
from recueil.ingest.language import detect_language, ordinal_number
from recueil.ingest.normalize import clean_text
from recueil.ingest.sequence_check import Gap, check_sequence, no_items
from recueil.model import (
    Distribution,
    DocumentKind,
    ItemKind,
    ParsedDocument,
    ParsedItem,
    Ref,
    Status,
    UprResponse,
)


@dataclass(frozen=True)
class Rules:
    title: re.Pattern
    session: re.Pattern
    section: re.Pattern
    end: re.Pattern
    responses: tuple[tuple[re.Pattern, UprResponse], ...]


RULES: dict[str, Rules] = {
    "en": Rules(
        title=re.compile(
            r"Report\s+of\s+the\s+Working\s+Group\s+on\s+the\s+Universal\s*Periodic"
            r"\s+Review",
            re.IGNORECASE,
        ),  # fmt: skip
        session=re.compile(r"Human\s+Rights\s+Council\s+([A-Za-z0-9-]+)\s+session", re.IGNORECASE),
        section=re.compile(
            r"^[ \t]*II\.\s*Conclusions\s+and/or\s+recommendations\b(?!.*\.{4})",
            re.IGNORECASE | re.MULTILINE,
        ),  # fmt: skip
        end=re.compile(r"^[ \t]*(?:Annex\b|III\.\s)", re.MULTILINE),
        responses=(
            (
                re.compile(
                    r"did\s+not\s+enjoy|(?:have|has|were|will)\s+(?:been\s+|be\s+)?noted|"
                    r"not\s+supported|noted\s+by",
                    re.IGNORECASE,
                ),
                UprResponse.NOTED,
            ),  # fmt: skip
            (
                re.compile(
                    r"enjoys?\s+the\s+support|are\s+supported|(?:have\s+been|were)\s+"
                    r"(?:accepted|supported)|will\s+be\s+supported",
                    re.IGNORECASE,
                ),
                UprResponse.SUPPORTED,
            ),  # fmt: skip
            (
                re.compile(r"will\s+be\s+examined|will\s+examine", re.IGNORECASE),
                UprResponse.TO_BE_EXAMINED,
            ),  # fmt: skip
        ),
    ),
    "fr": Rules(
        title=re.compile(
            r"Rapport\s+du\s+Groupe\s+de\s+travail\s+sur\s+l['’]Examen\s+périodique"
            r"\s+universel",
            re.IGNORECASE,
        ),  # fmt: skip
        session=re.compile(
            r"Conseil\s+des\s+droits\s+de\s+l['’]homme\s+([\w-]+)\s+session", re.IGNORECASE
        ),  # fmt: skip
        section=re.compile(
            r"^[ \t]*II\.\s*Conclusions\s+et/ou\s+recommandations\b(?!.*\.{4})",
            re.IGNORECASE | re.MULTILINE,
        ),  # fmt: skip
        end=re.compile(r"^[ \t]*(?:Annexe\b|III\.\s)", re.MULTILINE),
        responses=(
            (
                re.compile(
                    r"n['’]ont\s+pas\s+recueilli\s+l['’]appui|prend\s+note|pris\s+note",
                    re.IGNORECASE,
                ),
                UprResponse.NOTED,
            ),  # fmt: skip
            (
                re.compile(
                    r"recueilli\s+l['’]appui|bénéficient\s+du\s+soutien|acceptées", re.IGNORECASE
                ),
                UprResponse.SUPPORTED,
            ),  # fmt: skip
            (
                re.compile(r"seront\s+examinées|examinera", re.IGNORECASE),
                UprResponse.TO_BE_EXAMINED,
            ),  # fmt: skip
        ),
    ),
}
_SYMBOL_RE = re.compile(r"^\s*(A/HRC/\d+/\d+(?:/Add\.\d+)?)\b", re.MULTILINE)
_FOOTNOTE_LINE_RE = re.compile(r"^[ \t]*(?:\d{1,2}|\*+)[ \t]+(?![\d.])\S.*$", re.MULTILINE)
_FURNITURE_RE = re.compile(
    r"^[ \t]*(?:GE\.\d{2}-\d{5}.*|A/HRC/\d+/\d+[ \t]*(?:page[ \t]+\d+)?|page[ \t]+\d+)[ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)


def detect(text: str) -> float:
    """A UPR report prints its title on the cover and has a conclusions section."""
    head = text[:4000]
    for r in RULES.values():
        if r.title.search(head) and r.section.search(text):
            return 0.9
    return 0.0


def recommending_states(text: str) -> list[str]:
    """The States named in the parentheses that end each clause, in order, once each."""
    states: list[str] = []
    depth, start = 0, None
    for i, ch in enumerate(text):
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0 and start is not None:
                after = text[i + 1 :].lstrip()
                if not after or after[0] in ";." or after.startswith("and "):
                    for name in _split_top(text[start + 1 : i]):
                        if name and name[0].isupper() and name not in states:
                            states.append(name)
    return states


def _split_top(inner: str) -> list[str]:
    parts, depth, cur = [], 0, []
    for ch in inner:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [re.sub(r"\s+", " ", p).strip() for p in parts]


def _response(intro: str, rules: Rules) -> UprResponse | None:
    for pattern, response in rules.responses:
        if pattern.search(intro):
            return response
    return None


def _clean(raw: str) -> str:
    raw = _FOOTNOTE_LINE_RE.sub("", raw)
    raw = _FURNITURE_RE.sub("", raw)
    return clean_text(raw)


def parse_upr_report(
    text: str, path: str | None = None, *, symbol: str | None = None, language: str | None = None
) -> ParsedDocument:
    lang = detect_language(text)
    if lang == "und":  # the text does not show it: the hint names it
        lang = language or "en"
    rules = RULES.get(lang, RULES["en"])
    head = text[:4000]
    title_m = rules.title.search(head)
    if not title_m:
        raise IngestError(path, "not a UPR report (no 'Report of the Working Group on the "
                          "Universal Periodic Review' on the cover)")  # fmt: skip
    printed = _SYMBOL_RE.search(head)
    state = None
    for line in head[title_m.end() :].split("\n")[1:]:
        s = line.strip()
        if s and not s.startswith("*"):
            state = s
            break
    m = rules.session.search(re.sub(r"\s+", " ", head))
    session = ordinal_number(m.group(1), lang) if m else None
    symbol = (printed.group(1) if printed else None) or symbol
    derived = False
    if not symbol:
        year = re.search(r"\b(?:19|20)\d\d\b", head)
        if not state or not (session or year):
            raise IngestError(path, "UPR report without a printed symbol, State or session; "
                              "give its symbol with --symbol or in manifest.toml")  # fmt: skip
        when = f"HRC{session}" if session else year.group(0)
        symbol = f"UPR-{re.sub(r'[^A-Za-z0-9]+', '-', state).strip('-')}-{when}"
        derived = True
    sections = [s for s in rules.section.finditer(text) if "...." not in
                text[s.start() : text.find("\n", s.start())]]  # fmt: skip
    if not sections:
        raise IngestError(path, "UPR report without its 'II. Conclusions and/or "
                          "recommendations' section")  # fmt: skip
    start = sections[-1].end()
    end_m = rules.end.search(text, start)
    end = end_m.start() if end_m else len(text)
    line_of = _line_counter(text)
    warnings: list[str] = []
    gaps: list[Gap] = []
    items = _recommendations(text, start, end, symbol, rules, lang, line_of, warnings, gaps)
    if not items:
        gaps.append(no_items("numbered recommendation", f"the conclusions section of {symbol}",
                             line=line_of(start)))  # fmt: skip
    doc = ParsedDocument(
        kind=DocumentKind.UPR_REPORT,
        title=f"Report of the Working Group on the Universal Periodic Review: {state}"
        if lang == "en"
        else f"Rapport du Groupe de travail sur l'Examen périodique universel : {state}",
        symbol=None if derived else symbol,
        body="Human Rights Council" if lang == "en" else "Conseil des droits de l'homme",
        session=session,
        language=lang,
        distribution=Distribution.GENERAL,
        items=items,
        warnings=warnings,
        gaps=[str(g) for g in gaps],
    )
    if derived:
        doc.warnings.append(f"no symbol printed; items are cited as {symbol}:P.N (derived id)")
    return doc


def _line_counter(text: str):
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def line_of(pos: int) -> int:
        import bisect

        return bisect.bisect_right(starts, pos)

    return line_of


_SKIP = 3  # how far ahead a skipped recommendation number is looked for


def _recommendations(
    text, start, end, symbol, rules, lang, line_of, warnings, gaps
) -> list[ParsedItem]:
    """The recommendations in sequence. A number that skips ahead (by up to `_SKIP`) still
    opens its recommendation; the previous number printed again stays in the text of the
    recommendation before; both are gaps (`sequence_check`), appended to `gaps`."""
    first = re.compile(r"^[ \t]*(\d{1,3})\.(?=\s)", re.MULTILINE).search(text, start, end)
    if not first:
        return []
    para = int(first.group(1))
    pos = first.end()
    n = 1
    items: list[ParsedItem] = []
    intro_start = pos
    response = None
    current: tuple[int, int, str] | None = None  # (label start, text start, path number)

    def close(upto: int) -> None:
        nonlocal current
        if current is None:
            return
        label_at, text_at, key = current
        raw = text[text_at:upto]
        spans.append((key, text_at, upto))
        body = _clean(raw)
        items.append(
            ParsedItem(
                ref=Ref.of_symbol(symbol, (str(para_of[key]), key.split(".")[1])),
                kind=ItemKind.RECOMMENDATION,
                raw_text=raw.strip(),
                text=body,
                status=Status.ADOPTED,
                symbol=None if symbol.startswith("UPR-") else symbol,
                report_paragraph=key,
                line=line_of(label_at),
                language=lang,
                recommending_states=recommending_states(body),
                response=response_of[key].value if response_of[key] else None,
            )
        )
        current = None

    para_of: dict[str, int] = {}
    response_of: dict[str, UprResponse | None] = {}
    found: dict[int, list[tuple[int, int]]] = {}  # paragraph -> (number, line) as printed
    spans: list[tuple[str, int, int]] = []  # (P.n, start, end) of each recommendation's text
    dotted_style: bool | None = None
    while True:
        dotted = re.compile(rf"(?<![\d.])({para})\.({n})\.?(?=\s)").search(text, pos, end)
        plain = re.compile(rf"^[ \t]*({n})\.(?=\s)", re.MULTILINE).search(text, pos, end)
        nxt = re.compile(rf"^[ \t]*({para + 1})\.(?=\s)", re.MULTILINE).search(text, pos, end)
        misprint = re.compile(rf"^[ \t]*(\d{{1,3}})\.({n})\.?(?=\s)", re.MULTILINE).search(
            text, pos, end
        )  # "85.75." printed among 86.74 and 86.76
        if misprint and int(misprint.group(1)) == para:
            misprint = None
        others = rf"{n - 1}|{'|'.join(str(n + k) for k in range(1, _SKIP + 1))}"
        odd = re.compile(rf"(?<![\d.])({para})\.({others})\.?(?=\s)").search(text, pos, end)
        if n > 1 and dotted_style is False:  # plain numbering: "3." again, or "5." after 3
            odd = re.compile(rf"^[ \t]*()({others})\.(?=\s)", re.MULTILINE).search(
                text, pos, end
            )
        cands = [(m.start(), kind, m) for kind, m in (("dotted", dotted), ("plain", plain),
                                                       ("para", nxt), ("misprint", misprint),
                                                       ("odd", odd)) if m]  # fmt: skip
        if not cands:
            break
        at, kind, m = min(cands, key=lambda c: (c[0], c[1] != "dotted", c[1] == "odd"))
        if kind == "odd" and int(m.group(2)) < n:  # the number before, again: a duplicate
            found.setdefault(para, []).append((n - 1, line_of(m.start(2))))
            pos = m.end()
            continue
        if kind == "odd":  # numbers skipped: read on from the printed one
            n = int(m.group(2))
        if current is None and response is None and intro_start is not None:
            response = _response(re.sub(r"\s+", " ", text[intro_start:at]), rules)
        close(at)
        if kind == "para":
            para += 1
            n = 1
            pos = m.end()
            intro_start = pos
            response = None
            continue
        key = f"{para}.{n}"
        if dotted_style is None:
            dotted_style = kind != "plain"
        found.setdefault(para, []).append((n, line_of(m.start(2 if kind == "odd" else 1))))
        if kind == "misprint":
            warnings.append(
                f"line {line_of(m.start(1))}: recommendation printed as "
                f"{m.group(1)}.{m.group(2)} between {para}.{n - 1} and {para}.{n + 1}: read as "
                f"{key}"
            )
        para_of[key] = para
        response_of[key] = response
        current = (m.start(1), m.end(), key)
        intro_start = None
        n += 1
        pos = m.end()
    close(end if current is None else _next_paragraph_end(text, current[1], end))
    for p, labels in found.items():
        gaps.extend(check_sequence(labels, what="recommendation", parent=f"{symbol} paragraph {p}",
                                   style="number"))  # fmt: skip
    # a later number of the same paragraph inside a recommendation's text (more numbers
    # skipped than `_SKIP`): a gap, never silently merged
    for key, a, b in spans:
        p, k = (int(x) for x in key.split("."))
        labels = re.compile(rf"(?<![\d.]){p}\.(\d{{1,3}})\.?(?=\s)")
        if dotted_style is False:
            labels = re.compile(r"^[ \t]*(\d{1,3})\.(?=\s)", re.MULTILINE)
        inside = next((m for m in labels.finditer(text, a, b)
                       if k + _SKIP < int(m.group(1)) <= (p if dotted_style is False else 999)),
                      None)  # fmt: skip
        if inside:
            gaps.append(Gap("gap", f"recommendation {inside.group(1)} of {symbol} paragraph {p} "
                            f"found inside the text of {key}: missing {k + 1} …",
                            line_of(inside.start(1))))  # fmt: skip
    # a later number of the same paragraph that was not read in sequence
    last = {}
    for item in items:
        last[item.ref.path[0]] = int(item.ref.path[1])
    for p, k in last.items():
        stray = re.compile(rf"(?<![\d.]){p}\.({k + 2}|{k + 1})\.?\s").search(text, start, end)
        if stray:
            gaps.append(Gap("gap", f"recommendation {p}.{stray.group(1)} of {symbol} found "
                            f"after {p}.{k}, out of sequence", line_of(stray.start())))  # fmt: skip
    return items


def _next_paragraph_end(text: str, start: int, end: int) -> int:
    return end
