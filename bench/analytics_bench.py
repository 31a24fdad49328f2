"""Analytics on the bundled corpus: time of each analysis and weight of each page.

Prints, per analysis, the milliseconds to compute it and the size of its web page (HTML
with the inline SVG charts, raw and gzip-compressed). Run: `.venv/bin/python
bench/analytics_bench.py` (ingests the corpus into a temporary SQLite file first).
"""

from __future__ import annotations

import gzip
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recueil.web.settings")
ROOT = Path(__file__).resolve().parent.parent
PAGES = {"heatmap": "/analytics/", "trends": "/analytics/trends", "uptake": "/analytics/uptake",
         "wording": "/analytics/wording", "coverage": "/analytics/coverage"}  # fmt: skip


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from recueil import analytics
    from recueil.link import propose_links
    from recueil.store import open_store
    from tests.conftest import ingest_into

    with tempfile.TemporaryDirectory() as d:
        store = open_store(Path(d) / "corpus.sqlite3")
        ingest_into(store, [ROOT / "corpus"])
        store.run(propose_links)
        from django.test import Client
        from django.test.utils import override_settings, setup_test_environment

        setup_test_environment()
        print(f"{'analysis':<10} {'compute ms':>10} {'page KB':>8} {'gzip KB':>8} {'svg':>4}")
        with override_settings(RECUEIL_DB_ALIAS=store.alias, ALLOWED_HOSTS=["*"]):
            client = Client(HTTP_ACCEPT_LANGUAGE="fr")
            for name, url in PAGES.items():
                fn = getattr(analytics, name)
                store.run(fn)  # warm
                t = time.perf_counter()
                for _ in range(5):
                    store.run(fn)
                ms = (time.perf_counter() - t) / 5 * 1000
                body = client.get(url).content
                packed = len(gzip.compress(body)) / 1024
                print(f"{name:<10} {ms:>10.0f} {len(body) / 1024:>8.0f} "
                      f"{packed:>8.0f} {body.count(b'<svg '):>4}")  # fmt: skip


if __name__ == "__main__":
    main()
