"""Which kind of document a text is, so the right parser reads it.

A manifest entry decides when present; otherwise the cover page and headings do. An
unrecognised text is refused with a message listing what recueil can read.
"""

from __future__ import annotations

import re
from pathlib import Path

from recueil.ingest.errors import IngestError
from recueil.ingest.normalize import strip_markup
from recueil.model import DocumentKind

_RECOMMENDATION_HEADING = re.compile(r"^\W*Recommandation\s+\d+\W*$", re.MULTILINE)
_NUMBERED = re.compile(r"^\s*\d+\.\s+\S", re.MULTILINE)


def detect_kind(text: str, path: str | Path | None = None) -> DocumentKind:
    head = strip_markup(text[:6000])
    folded = re.sub(r"\s+", " ", head)
    if "Recueil et index thématique" in folded and "Index thématique" in strip_markup(text):
        return DocumentKind.COMPENDIUM
    if "Rapport du Secrétariat" in folded:
        return DocumentKind.SECRETARIAT_REPORT
    has_recs = bool(_RECOMMENDATION_HEADING.search(strip_markup(text)))
    if "Groupe de travail sur le trafic illicite de migrants" in folded or has_recs:
        if "Projet de rapport" in folded or "Distr. limitée" in folded:
            return DocumentKind.DRAFT_ADDENDUM
        if has_recs:
            return DocumentKind.REPORT
    if not _NUMBERED.search(text):
        raise IngestError(
            path,
            "unknown structure: no numbered paragraphs or recommendations found "
            "(expected a Working Group report, a draft addendum, a Secretariat report "
            "or the compendium)",
        )
    raise IngestError(
        path,
        "unknown structure: not recognised as a Working Group report (no 'Recommandation N' "
        "headings), a Secretariat report, a draft addendum or the compendium; "
        "name its kind in manifest.toml",
    )
