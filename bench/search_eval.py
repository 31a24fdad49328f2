"""Search quality on natural questions: nDCG@10, recall@10 and MRR, French and English.

The questions (bench/search_eval_queries.json) are paraphrases a reader would type, one
French and one English wording per topic, with graded relevance (2 answers the question,
1 on the subject) judged by reading the adopted items of the bundled corpus. Topics
alternate dev / test: recueil's fusion constants were tuned on `dev` only; `test` is held
out. In the same run, for comparison: recueil lexical only (ranked OR + coordination),
semantic only (multilingual-e5-small), hybrid (the default), and plain BM25 by tantivy
with its French stemmer (dev-only dependency).

Run: .venv/bin/python bench/search_eval.py [--split all|dev|test] [--db PATH] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recueil.web.settings")
K = 10


def ndcg(ranked: list[str], rel: dict[str, int], k: int = K) -> float:
    dcg = sum((2 ** rel.get(r, 0) - 1) / math.log2(i + 2) for i, r in enumerate(ranked[:k]))
    ideal = sorted(rel.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall(ranked: list[str], rel: dict[str, int], k: int = K) -> float:
    wanted = {r for r, g in rel.items() if g > 0}
    return len(wanted & set(ranked[:k])) / len(wanted) if wanted else 0.0


def mrr(ranked: list[str], rel: dict[str, int], k: int = K) -> float:
    for i, r in enumerate(ranked[:k]):
        if rel.get(r, 0) > 0:
            return 1.0 / (i + 1)
    return 0.0


def open_corpus_store(db: str | None):
    from recueil.search import embed, ensure_index
    from recueil.store import open_store
    from tests.conftest import CORPUS, ingest_into

    if db is None:
        db = str(Path(tempfile.mkdtemp(prefix="recueil-eval-")) / "eval.sqlite3")
        store = open_store(db)
        ingest_into(store, [CORPUS])
    else:
        store = open_store(db)
    store.run(ensure_index)
    t = time.perf_counter()
    info = store.run(embed.refresh)
    print(f"vectors: {info} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return store


class Tantivy:
    """BM25 over the adopted items with tantivy's French stemmer (OR of the query words)."""

    def __init__(self, docs: list[tuple[str, str]]) -> None:
        import tantivy

        analyzer = (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.stemmer("french"))
            .filter(tantivy.Filter.ascii_fold())
            .build()
        )
        sb = tantivy.SchemaBuilder()
        sb.add_text_field("ref", stored=True, tokenizer_name="raw")
        sb.add_text_field("body", stored=False, tokenizer_name="fr")
        self.schema = sb.build()
        self.index = tantivy.Index(self.schema)
        self.index.register_tokenizer("fr", analyzer)
        writer = self.index.writer(50_000_000, 1)
        for ref, text in docs:
            writer.add_document(tantivy.Document(ref=ref, body=text))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()
        self._tantivy = tantivy

    def search(self, q: str, k: int = K) -> list[str]:
        import re

        words = re.findall(r"[^\W_]+", q)
        if not words:
            return []
        query = self.index.parse_query(" ".join(words), ["body"])
        hits = self.searcher.search(query, k).hits
        return [self.searcher.doc(addr)["ref"][0] for _score, addr in hits]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="all", choices=("all", "dev", "test"))
    parser.add_argument("--db", help="an existing store holding the corpus")
    parser.add_argument("--verbose", action="store_true", help="per-query nDCG@10")
    parser.add_argument("--sweep", action="store_true",
                        help="tune the fusion constants on the dev split (prints a grid)")
    args = parser.parse_args()
    if args.sweep:
        return sweep(args)

    from recueil.search import search
    from recueil.store.models import Item

    data = json.loads((ROOT / "bench" / "search_eval_queries.json").read_text())
    topics = [t for t in data["topics"] if args.split == "all" or t["split"] == args.split]
    store = open_corpus_store(args.db)
    docs = store.run(lambda: list(
        Item.objects.filter(status="adopted").values_list("ref", "text")))  # fmt: skip
    bm25 = Tantivy(docs)

    def recueil(mode):
        return lambda q: [h["ref"] for h in store.run(search, q, limit=K, mode=mode).hits]

    systems = {
        "tantivy BM25 (fr stem)": bm25.search, "recueil lexical": recueil("lexical"),
        "recueil semantic": recueil("semantic"), "recueil hybrid": recueil("hybrid"),
    }  # fmt: skip
    print(f"split: {args.split} ({len(topics)} topics); nDCG@10 / recall@10 / MRR@10")
    print(f"{'system':24} {'lang':4} {'nDCG@10':>8} {'R@10':>6} {'MRR':>6}  n")
    for name, run in systems.items():
        for lang in ("fr", "en"):
            scores = []
            for t in topics:
                got = run(t[lang])
                scores.append((ndcg(got, t["relevant"]), recall(got, t["relevant"]),
                               mrr(got, t["relevant"])))  # fmt: skip
                if args.verbose:
                    print(f"   {name[:16]:16} {lang} {scores[-1][0]:.2f} {t[lang]}")
            n = len(scores)
            means = [sum(s[i] for s in scores) / n for i in range(3)]
            print(f"{name:24} {lang:4} {means[0]:8.3f} {means[1]:6.3f} {means[2]:6.3f}  {n}")
    by_id = {t["id"]: t for t in data["topics"]}
    other = data.get("other", [])
    if other and args.split == "all":
        print("other languages (hybrid), nDCG@10 per query:")
        run = systems["recueil hybrid"]
        total = 0.0
        for o in other:
            got = run(o["q"])
            score = ndcg(got, by_id[o["topic"]]["relevant"])
            total += score
            print(f"  {o['lang']} {score:.2f}  {o['q']}")
        print(f"  mean nDCG@10 {total / len(other):.3f} ({len(other)} queries)")
    print(f"load: {os.getloadavg()[0]:.2f} (1-min average, {os.cpu_count()} CPUs)")


def sweep(args) -> None:
    """Grid of the hybrid fusion constants, scored on the dev split only (never test)."""
    import itertools

    from recueil.search import engine, search

    data = json.loads((ROOT / "bench" / "search_eval_queries.json").read_text())
    topics = [t for t in data["topics"] if t["split"] == "dev"]
    store = open_corpus_store(args.db)
    grid = {"RRF_K": [10, 30], "LEXICAL_WEIGHT": [0.3, 0.6],
            "THEME_BLEND": [0.0, 0.5, 1.0], "PRF_BETA": [0.0, 0.5, 1.0]}  # fmt: skip
    rows = []
    for values in itertools.product(*grid.values()):
        for name, v in zip(grid, values, strict=True):
            setattr(engine, name, v)
        engine.clear_cache()
        means = []
        for lang in ("fr", "en"):
            got = [ndcg([h["ref"] for h in store.run(search, t[lang], limit=K).hits],
                        t["relevant"]) for t in topics]  # fmt: skip
            means.append(sum(got) / len(got))
        rows.append((sum(means) / 2, *means, dict(zip(grid, values, strict=True))))
    for mean, fr, en, cfg in sorted(rows, key=lambda r: -r[0])[:10]:
        print(f"dev nDCG@10 mean {mean:.3f} fr {fr:.3f} en {en:.3f}  {cfg}")


if __name__ == "__main__":
    main()
