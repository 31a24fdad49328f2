"""French full-text search over the store: ranked hits, highlighted snippets and facets.

One entry point for every interface (CLI, REST API, web pages): `search(query, …)`;
`ensure_index()` builds or refreshes the engine's index of the current store.
"""

from recueil.search.engine import SearchResults, search
from recueil.search.index import ensure_index
from recueil.search.query import QueryError

__all__ = ["QueryError", "SearchResults", "ensure_index", "search"]
