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


def theme_details() -> dict[str, dict]:
    """What the store knows of each theme beyond the training vocabulary: its stable key,
    labels in other languages, scope notes, former labels, retirement. Call through
    `Store.run`; retired themes are included (SKOS marks them deprecated)."""
    from recueil.store.curation import theme_state
    from recueil.store.models import Theme as ThemeRow

    return {
        t.label: {
            **theme_state(t),
            "key": t.key,
            "parent": t.parent.label if t.parent else None,
            "merged_into": t.merged_into.label if t.merged_into else None,
        }
        for t in ThemeRow.objects.select_related("parent", "merged_into").order_by("label")
    }


def to_turtle(
    vocabulary: Vocabulary, base: str = DEFAULT_BASE_URI, details: dict[str, dict] | None = None
) -> str:
    """One skos:Concept per theme: prefLabel@fr, broader/narrower, scope note. With the
    store's `details`: URIs from the themes' stable keys, English and other UN-language
    labels and notes, former labels as altLabel, retired themes as owl:deprecated (with
    dct:isReplacedBy for a merged one)."""
    details = details or {}

    def uri(label: str) -> str:
        key = details.get(label, {}).get("key")
        return base + key if key else theme_uri(label, base)

    scheme = base.rstrip("/") + "/scheme"
    lines = [
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .",
        "@prefix dct: <http://purl.org/dc/terms/> .",
        "",
        f"<{scheme}> a skos:ConceptScheme ;",
        f"    skos:prefLabel {_literal('Index thématique du Recueil')}@fr ;",
        f"    skos:prefLabel {_literal('Thematic index of the Compendium')}@en .",
        "",
    ]
    retired = [label for label, d in details.items() if d["retired"]]
    for label in [*vocabulary.labels, *sorted(retired)]:
        d = details.get(label, {})
        theme = vocabulary.theme(label) if label in vocabulary else None
        parent = theme.parent if theme else d.get("parent")
        props = [f"skos:inScheme <{scheme}>", f"skos:prefLabel {_literal(label)}@fr"]
        if d.get("label_en"):
            props.append(f"skos:prefLabel {_literal(d['label_en'])}@en")
        for lang, tr in sorted(d.get("translations", {}).items()):
            if tr.get("label"):
                props.append(f"skos:prefLabel {_literal(tr['label'])}@{lang}")
        for alias in d.get("aliases", []):
            props.append(f"skos:altLabel {_literal(alias)}@fr")
        if parent and (parent in vocabulary or parent in details):
            props.append(f"skos:broader <{uri(parent)}>")
        elif not d.get("retired"):
            props.append(f"skos:topConceptOf <{scheme}>")
        for child in vocabulary.children(label):
            props.append(f"skos:narrower <{uri(child)}>")
        note = d.get("scope_note") or (theme.scope_note if theme else None)
        if note:
            props.append(f"skos:scopeNote {_literal(note)}@fr")
        if d.get("scope_note_en"):
            props.append(f"skos:scopeNote {_literal(d['scope_note_en'])}@en")
        for lang, tr in sorted(d.get("translations", {}).items()):
            if tr.get("scope_note"):
                props.append(f"skos:scopeNote {_literal(tr['scope_note'])}@{lang}")
        if d.get("retired"):
            props.append("owl:deprecated true")
            if d.get("merged_into"):
                props.append(f"dct:isReplacedBy <{uri(d['merged_into'])}>")
        lines.append(f"<{uri(label)}> a skos:Concept ;")
        lines.append("    " + " ;\n    ".join(props) + " .")
        lines.append("")
    return "\n".join(lines)


def to_annif_tsv(vocabulary: Vocabulary, base: str = DEFAULT_BASE_URI) -> str:
    """Annif's simple subject vocabulary: `<uri>\\tlabel` per line."""
    return "".join(f"<{theme_uri(t.label, base)}>\t{t.label}\n" for t in vocabulary.themes)
