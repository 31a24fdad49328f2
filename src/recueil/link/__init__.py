"""Agreed language and lineage: similar items, precedents with word-level diffs, uptake.

A pure core over the store (no web code): the CLI, the API and the web pages call these
functions through `store.run(fn, …)` and show the dicts they return.
"""

from recueil.link.compare import diff, edits, overlap, relation
from recueil.link.lineage import (
    confirm,
    find_citations,
    links_for,
    propose_links,
    reject,
    uptake,
    uptake_summary,
)
from recueil.link.similar import (
    catalog,
    compare,
    draft_fate,
    draft_paragraphs,
    invalidate,
    measures,
    precedent,
    precedent_document,
    related,
)

__all__ = [
    "catalog", "compare", "confirm", "diff", "draft_fate", "draft_paragraphs", "edits",
    "find_citations", "invalidate", "links_for", "measures", "overlap", "precedent",
    "precedent_document", "propose_links", "reject", "related", "relation", "uptake",
    "uptake_summary",
]  # fmt: skip
