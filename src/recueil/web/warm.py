"""Warm the per-process caches in the server's master before it forks its workers.

The workers inherit (copy-on-write) what the master loaded: the search engine's rows,
vocabulary and vectors, the query encoder, the link index and the analysis of the texts
the item pages compare. Without it every new worker pays those loads on its first
requests, all at once: `bench/load_bench.py` measured at 32 clients a first 10 s of p95
2.0 s and max 3.5 s against p95 0.9 s and max 1.5 s for the next 10 s on the same server.
Only work that is safe before a fork is done here: the encoder runs a single query on one
thread (OpenMP starts no thread pool for it).
"""

from __future__ import annotations

import time

# Item texts analysed ahead (the link ranking's cache holds 8 192; ~0.7 ms each), the
# newest first: bounded so that a large collection delays the start by ~1.5 s at most.
TEXTS = 2000


def warm(store) -> float:
    """Load the caches of a search, an item page and the API into this process; seconds."""
    start = time.perf_counter()
    store.run(_warm)
    return time.perf_counter() - start


def _warm() -> None:
    from recueil.link.rank import analysed
    from recueil.link.similar import catalog, related
    from recueil.search import search
    from recueil.search.engine import warm as warm_search
    from recueil.store.models import Item
    from recueil.text.analysis import in_dictionary

    search("trafic de migrants", limit=20)  # engine rows, vocabulary, vectors, encoders
    in_dictionary("migrants")  # the dictionaries of spelling correction (~1 s to load)
    warm_search()  # postings of the most frequent words (see search.engine.warm)
    rows = Item.objects.filter(status="adopted").order_by("-id").values_list("ref", "text")
    first = None
    for ref, text in rows[:TEXTS].iterator():
        analysed(text)
        first = first or ref
    if first is not None:
        catalog()
        related(first)
