"""The italic lead verb of UN resolutions and decisions, for display only.

UN texts print the operative verb of a resolution paragraph (*Prie instamment*, *Décide*)
and the participle opening a preambular paragraph (*Rappelant*, *Consciente*) in italics.
The clean text stays plain so that it is searched and compared without markup; pages and
the publication italicise the lead words found by this rule, which reproduces every
`*…*` span of the compendium's own markup (tests/test_first_hour.py checks it on the
corpus). The rule: in a Part B paragraph (operative or preambular, not a subparagraph),
the first word when it is a present-tense operative verb of the list below (or, in a
preambular paragraph, a word ending in -ant/-ante), followed by any of the adverbs or
fixed phrases that UN style keeps in the italic span ("aussi", "en outre", "instamment",
"avec satisfaction"…). Past-tense report narrative ("A prié", "A décidé") is not
italicised, as in the compendium. Reversible by construction: only the rendering changes.
"""

from __future__ import annotations

import re

OPERATIVE_VERBS = (
    "Accueille", "Adopte", "Affirme", "Appelle", "Apprécie", "Approuve", "Attend",
    "Autorise", "Charge", "Condamne", "Considère", "Constate", "Convient", "Décide",
    "Déclare", "Demande", "Encourage", "Engage", "Estime", "Exhorte", "Exprime",
    "Félicite", "Garde à l'esprit", "Insiste", "Invite", "Juge", "Note", "Prend acte",
    "Prend note", "Prie", "Rappelle", "Recommande", "Reconnaît", "Réaffirme", "Réitère",
    "Remercie", "Salue", "Se déclare", "Se félicite", "Souligne", "Souscrit", "Soutient",
)  # fmt: skip
ADVERBS = (
    "aussi", "également", "en outre", "instamment", "de nouveau", "à nouveau",
    "avec satisfaction", "avec préoccupation", "avec inquiétude", "avec intérêt",
    "vivement", "fermement", "résolument", "encore",
)  # fmt: skip

_APOS = "['’]"
_VERB = "|".join(re.escape(v).replace("'", _APOS) for v in sorted(OPERATIVE_VERBS, key=len)[::-1])
_ADV = "|".join(re.escape(a) for a in sorted(ADVERBS, key=len)[::-1])
_OPERATIVE = re.compile(rf"(?:{_VERB})(?:\s+(?:{_ADV}))*(?=[\s,.;:]|$)")
_PREAMBULAR = re.compile(rf"[A-ZÀ-Ý][a-zà-ÿ]+(?:ant|ent)e?s?(?:\s+(?:{_ADV}))*(?=[\s,.;:]|$)")


def lead_span(text: str, *, part: str, kind: str) -> int:
    """The number of leading characters of `text` UN style prints in italics (0: none)."""
    if part != "B" or not text:
        return 0
    if kind == "operative":
        m = _OPERATIVE.match(text)
    elif kind == "preambular":
        m = _PREAMBULAR.match(text)
    else:
        return 0
    return m.end() if m else 0


def split_lead(text: str, *, part: str, kind: str) -> tuple[str, str]:
    """(italic lead, rest) of a text; the lead is empty when the rule finds none."""
    n = lead_span(text, part=part, kind=kind)
    return text[:n], text[n:]
