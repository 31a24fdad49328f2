"""The theme vocabulary as SKOS (Turtle) and as Annif's TSV subject file.

Other indexing tools (Annif, Skosmos) read vocabularies in these forms; URIs are the
base URI plus a stable slug of the French label.
"""

from __future__ import annotations

import re

from recueil.index.analyzer import fold_accents
from recueil.index.corpus import Vocabulary

DEFAULT_BASE_URI = "https://recueil.invalid/theme/"


def slug(label: str) -> str:
    text = fold_accents(label).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:120]


def theme_uri(label: str, base: str = DEFAULT_BASE_URI) -> str:
    return base + slug(label)


def _literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def to_turtle(vocabulary: Vocabulary, base: str = DEFAULT_BASE_URI) -> str:
    """One skos:Concept per theme: prefLabel@fr, broader/narrower, scope note."""
    scheme = base.rstrip("/") + "/scheme"
    lines = [
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "",
        f"<{scheme}> a skos:ConceptScheme ;",
        f"    skos:prefLabel {_literal('Index thématique du Recueil')}@fr .",
        "",
    ]
    for theme in vocabulary.themes:
        props = [
            f"skos:inScheme <{scheme}>",
            f"skos:prefLabel {_literal(theme.label)}@fr",
        ]
        if theme.parent and theme.parent in vocabulary:
            props.append(f"skos:broader <{theme_uri(theme.parent, base)}>")
        else:
            props.append(f"skos:topConceptOf <{scheme}>")
        for child in vocabulary.children(theme.label):
            props.append(f"skos:narrower <{theme_uri(child, base)}>")
        if theme.scope_note:
            props.append(f"skos:scopeNote {_literal(theme.scope_note)}@fr")
        lines.append(f"<{theme_uri(theme.label, base)}> a skos:Concept ;")
        lines.append("    " + " ;\n    ".join(props) + " .")
        lines.append("")
    return "\n".join(lines)


def to_annif_tsv(vocabulary: Vocabulary, base: str = DEFAULT_BASE_URI) -> str:
    """Annif's simple subject vocabulary: `<uri>\\tlabel` per line."""
    return "".join(f"<{theme_uri(t.label, base)}>\t{t.label}\n" for t in vocabulary.themes)
