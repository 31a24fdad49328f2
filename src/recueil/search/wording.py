"""Who an item addresses and how strongly it is worded, read from its French text by rules.

Readers filter recommendations by addressee ("what is asked of the Secretariat?") and by
the force of the wording ("devraient" vs "voudront peut-être envisager"); the texts say
both in a few fixed formulas, so a documented rule table beats a trained model here.

Rules (applied to the item's clean text; a subparagraph — "a) Faciliter …" — has no verb
of its own and inherits both values from its chapeau, the parent item):

Strength: the *first* of these formulas in the text decides (earliest position wins;
on a tie, the earlier row of `_STRENGTH_RULES`).

- `must` (doivent): doit/doivent, sont tenu(e)s de.
- `urged` (prie instamment / exhorte): prie/demande instamment, sont instamment priés,
  exhorte, engage vivement.
- `should` (devraient): devrait/devraient.
- `encouraged` (sont encouragés / invités / prie): devraient être encouragés (before
  "devraient"), sont (vivement) encouragés/invités/priés; COP verbs prie, invite,
  encourage, engage, demande, recommande, in any tense ("A prié").
- `may_wish` (voudront peut-être): voudront/voudra/souhaiteront peut-être,
  pourraient/pourrait envisager/examiner/être priés, peuvent envisager.
- `decides` (décide): Décide / A décidé (COP).
- `notes` (prend note / rappelle): COP verbs that ask nothing — note, prend note,
  rappelle, réaffirme, souligne, se félicite, salue, apprécie, garde à l'esprit,
  accueille — and every preambular paragraph ("Rappelant", "Consciente" …).
- `other`: none of the above.

Addressee (one item may address several): the subject of the directive formula — the
noun phrases between the last clause boundary (comma, semicolon, sentence start) and the
formula ("…, les États parties et l'ONUDC devraient" → États + ONUDC). A COP paragraph's
addressee is the object of its operative verb ("Prie le Secrétariat de" → ONUDC /
Secrétariat, "Prie instamment les États parties" → États; "Décide que le Groupe de
travail …" → Groupe de travail); a COP paragraph with no object (Décide de…, Note…,
preambular) addresses the Conference itself. Reported Working Group wording ("Le Groupe
de travail a prié le Secrétariat…", "a recommandé à la Conférence…") addresses the object.

- `states` (États parties / États): États, États parties, États Membres, les Parties.
- `secretariat` (ONUDC / Secrétariat): Secrétariat, ONUDC/ONUDD, l'Office des Nations
  Unies contre la drogue et le crime, Secrétaire général.
- `working_group` (Groupe de travail); `conference` (Conférence des Parties).
- `other` (autres): organisations internationales, signataires, donateurs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

STRENGTH_LABELS = {
    "must": "doivent",
    "urged": "prie instamment / exhorte",
    "should": "devraient",
    "encouraged": "sont encouragés / invités / prie",
    "may_wish": "voudront peut-être (envisager)",
    "decides": "décide",
    "notes": "prend note / rappelle",
    "other": "autre",
}
ADDRESSEE_LABELS = {
    "states": "États parties / États",
    "secretariat": "ONUDC / Secrétariat",
    "working_group": "Groupe de travail",
    "conference": "Conférence des Parties",
    "other": "autres",
}

_A = r"(?:A\s+|a\s+)?"  # COP decisions of 2/4 and 4/5 are reported in the past: "A prié"
_ADV = r"(?:\s+(?:aussi|également|en\s+outre|de\s+nouveau|à\s+nouveau))*"

# (value, pattern) — every pattern is searched; the earliest match in the text wins, and
# on a tie the first row of this table (so the more specific formula) wins.
_STRENGTH_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("encouraged", re.compile(r"\bdevr(?:aient|ait)\s+être\s+(?:encouragé|invité)", re.I)),
    ("must", re.compile(r"\b(?:doivent|doit)\b|\bsont\s+tenue?s\s+de\b", re.I)),
    (
        "urged",
        re.compile(
            r"\b(?:sont|est)\s+instamment\s+prié|"
            rf"\b{_A}(?:prie|prié|demande|demandé){_ADV}\s+instamment\b|"
            rf"\b{_A}(?:exhorte|exhorté)\b|\b{_A}(?:engage|engagé)\s+vivement\b",
            re.I,
        ),
    ),
    ("should", re.compile(r"\bdevr(?:aient|ait)\b", re.I)),
    (
        "may_wish",
        re.compile(
            r"\b(?:voudr(?:ont|a)|souhaiter(?:ont|a))\s+peut-être\b|"
            r"\bpourr(?:aient|ait)\s+(?:envisager|examiner|être\s+prié)|"
            r"\bpeuvent\s+envisager\b",
            re.I,
        ),
    ),
    (
        "encouraged",
        re.compile(
            r"\b(?:sont|est)\s+(?:vivement\s+)?(?:encouragé|invité|prié)|"
            rf"^\s*{_A}(?:prie|prié|invite|invité|encourage|encouragé|engage|engagé|"
            r"demande|demandé|recommande|recommandé)\b|"
            r"\ba\s+(?:prié|recommandé|invité|demandé)\b",
            re.I,
        ),
    ),
    ("decides", re.compile(rf"^\s*{_A}(?:décide|décidé)\b", re.I)),
    (
        "notes",
        re.compile(
            rf"^\s*(?:{_A}(?:note|noté|pris\s+note|prend\s+note|rappelle|réaffirme|réaffirmé|"
            r"souligne|salue|apprécie|garde|accueille)|se\s+félicite|s'est\s+félicitée|"
            r"s’est\s+félicitée)\b",
            re.I,
        ),
    ),
]

# Mentions of each addressee (searched in a subject or object span).
_MENTIONS: list[tuple[str, re.Pattern[str]]] = [
    (
        "secretariat",
        re.compile(
            r"\bSecrétariat\b|\bsecrétariat\b|\bONU\s?U?D[CD]\b|\bSecrétaire\s+général\b|"
            r"\bOffice\s+des\s+Nations\s+Unies\s+contre\s+la\s+drogue",
            re.I,
        ),
    ),
    ("working_group", re.compile(r"\bGroupe\s+de\s+travail\b", re.I)),
    ("conference", re.compile(r"\bConférence\b(?!\s+ministérielle)")),
    ("states", re.compile(r"\bÉtats?\b|\bEtats?\b|\bParties\b(?!\s+prenantes)")),
    (
        "other",
        re.compile(r"\borganisations\s+internationales\b|\bsignataires\b|\bdonateurs\b", re.I),
    ),
]

# COP operative verbs whose object is the addressee ("Prie le Secrétariat de …").
_COP_VERB = re.compile(
    rf"^\s*{_A}(?:prie|prié|invite|invité|encourage|encouragé|engage|engagé|exhorte|"
    r"exhorté|demande|demandé|rappelle|recommande)"
    rf"{_ADV}(?:\s+(?:instamment|vivement)){_ADV}\s+(?P<object>.*)$|"
    rf"^\s*{_A}(?:prie|prié|invite|invité|encourage|encouragé|engage|engagé|exhorte|"
    r"exhorté|demande|demandé|rappelle|recommande)"
    rf"{_ADV}\s+(?P<object2>.*)$",
    re.I | re.S,
)
# Reported Working Group wording: the object of "a prié" / "a recommandé à" is addressed.
_REPORTED = re.compile(
    r"\bGroupe\s+de\s+travail\b[^.;:]*?\ba\s+(?:prié|recommandé|invité|demandé)\s+(?P<object>.*)",
    re.I | re.S,
)
_DECIDES_THAT = re.compile(rf"^\s*{_A}(?:décide|décidé){_ADV}\s+que\s+(?P<object>.*)", re.I | re.S)
_CLAUSE_BOUNDARY = re.compile(r"[,;:.]\s")


@dataclass(frozen=True)
class Wording:
    addressees: tuple[str, ...]
    strength: str


def strength_of(text: str) -> tuple[str, int] | None:
    """The strength formula found earliest in `text` and where it starts, if any."""
    best: tuple[int, int, str] | None = None
    for order, (value, pattern) in enumerate(_STRENGTH_RULES):
        m = pattern.search(text)
        if m and (best is None or (m.start(), order) < best[:2]):
            best = (m.start(), order, value)
    return (best[2], best[0]) if best else None


def _mentions(span: str, limit: int | None = None) -> list[str]:
    """Addressee values mentioned in `span` (the first mention's position decides order)."""
    found = []
    for value, pattern in _MENTIONS:
        m = pattern.search(span)
        if m and (limit is None or m.start() < limit):
            found.append((m.start(), value))
    return [v for _, v in sorted(found)]


def _object_mentions(obj: str) -> list[str]:
    """Addressees named at the head of a verb's object (up to "de"/"à" + infinitive)."""
    head = re.split(
        r"\s(?:de|d'|d’|à)\s*(?=[a-zéèêàâîôûç]+(?:er|ir|re)\b)|[,;:]|\squi\s", obj, maxsplit=1
    )[0]
    return _mentions(head[:160])


def classify(text: str, *, part: str, kind: str) -> Wording:
    """Addressees and strength of one item's own text (see the module's rule tables)."""
    found = strength_of(text)
    strength = found[0] if found else "other"
    if kind == "preambular":
        return Wording(("conference",), "notes")
    if part == "B":
        decides_that = _DECIDES_THAT.match(text)
        if decides_that:  # "Décide que le Groupe de travail …": the one the decision binds
            return Wording(
                tuple(_object_mentions(decides_that.group("object"))) or ("conference",), strength
            )
        m = _COP_VERB.match(text)
        if m:
            obj = m.group("object") or m.group("object2") or ""
            addressees = _object_mentions(obj)
            return Wording(tuple(addressees) or ("conference",), strength)
        return Wording(("conference",), strength)
    reported = _REPORTED.search(text)
    if reported and (found is None or reported.start() <= found[1]):
        addressees = _object_mentions(reported.group("object"))
        if addressees:
            return Wording(tuple(addressees), strength)
    if found:
        before = text[: found[1]]
        cuts = [m.end() for m in _CLAUSE_BOUNDARY.finditer(before)]
        subject = before[cuts[-1] :] if cuts else before
        addressees = _mentions(subject) or _mentions(before)
        if addressees:
            return Wording(tuple(addressees), strength)
    return Wording(tuple(_mentions(text, limit=200)[:1]) or ("other",), strength)


def classify_item(text: str, *, part: str, kind: str, chapeau: str | None = None) -> Wording:
    """Like `classify`, but a subparagraph takes its chapeau's values (it has no subject)."""
    if kind == "subparagraph" and chapeau is not None:
        return classify(chapeau, part=part, kind="operative" if part == "B" else "recommendation")
    return classify(text, part=part, kind=kind)
