"""Search quality on natural questions: nDCG@10, recall@10 and MRR, French and English.

The questions (bench/search_eval_queries.json) are paraphrases a reader would type, one
French and one English wording per topic, with graded relevance (2 answers the question,
1 on the subject) judged by reading the adopted items of the bundled corpus. Topics
alternate dev / test: recueil's fusion constants were tuned on `dev` only; `test` is held
out. In the same run, for comparison: recueil lexical only (ranked OR + coordination),
semantic only (multilingual-e5-small), hybrid (the default), and plain BM25 by tantivy
with its French stemmer (dev-only dependency).

Run: .venv/bin/python bench/search_eval.py [--split all|dev|test] [--db PATH] [--verbose]
     .venv/bin/python bench/search_eval.py --sweep    # the constants' grid on dev only
     .venv/bin/python bench/search_eval.py --nested   # nested cross-validation, all topics
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
    parser.add_argument("--nested", action="store_true",
                        help="nested cross-validation of the fusion constants over all topics")
    args = parser.parse_args()
    if args.sweep:
        return sweep(args)
    if args.nested:
        return nested(args)

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


# LEXICAL_WEIGHT starts at 0.3, not 0: these topics are all paraphrased questions, where
# the words rarely help, but a keyword query ("livraisons surveillées", an article number)
# must rank the texts that hold its words first (tests/search_queries.py).
GRID = {"USE_WEIGHT": [0.0, 0.5, 1.0], "THEME_WEIGHT": [0.0, 0.5, 1.0],
        "LEXICAL_WEIGHT": [0.3, 0.6, 1.0], "RRF_K": [10, 30, 60]}  # fmt: skip
FOLDS = 6


def _grid_scores(store, topics) -> list[tuple[dict, dict[str, tuple]]]:
    """Every configuration of GRID: (config, {topic id: (FR metrics, EN metrics)})."""
    import itertools

    from recueil.search import engine, search

    saved = {name: getattr(engine, name) for name in GRID}
    out = []
    try:
        for values in itertools.product(*GRID.values()):
            config = dict(zip(GRID, values, strict=True))
            for name, v in config.items():
                setattr(engine, name, v)
            engine.clear_cache()
            per_topic = {}
            for t in topics:
                got = {lang: [h["ref"] for h in store.run(search, t[lang], limit=K).hits]
                       for lang in ("fr", "en")}  # fmt: skip
                per_topic[t["id"]] = tuple(
                    (ndcg(got[lang], t["relevant"]), recall(got[lang], t["relevant"]),
                     mrr(got[lang], t["relevant"])) for lang in ("fr", "en"))  # fmt: skip
            out.append((config, per_topic))
    finally:
        for name, v in saved.items():
            setattr(engine, name, v)
        engine.clear_cache()
    return out


def _mean_ndcg(per_topic: dict, ids: list[str]) -> float:
    return sum(per_topic[i][0][0] + per_topic[i][1][0] for i in ids) / (2 * len(ids))


def sweep(args) -> None:
    """The grid of the fusion constants scored on the dev split only (never test)."""
    data = json.loads((ROOT / "bench" / "search_eval_queries.json").read_text())
    topics = [t for t in data["topics"] if t["split"] == "dev"]
    rows = _grid_scores(open_corpus_store(args.db), topics)
    ids = [t["id"] for t in topics]
    for config, per_topic in sorted(rows, key=lambda r: -_mean_ndcg(r[1], ids))[:10]:
        fr = sum(per_topic[i][0][0] for i in ids) / len(ids)
        en = sum(per_topic[i][1][0] for i in ids) / len(ids)
        print(f"dev nDCG@10 mean {(fr + en) / 2:.3f} fr {fr:.3f} en {en:.3f}  {config}")


def nested(args) -> None:
    """Nested cross-validation over all topics: each of FOLDS folds is scored with the
    configuration that is best on the other folds, so no figure comes from a configuration
    chosen by looking at the topics it is measured on."""
    data = json.loads((ROOT / "bench" / "search_eval_queries.json").read_text())
    topics = data["topics"]
    rows = _grid_scores(open_corpus_store(args.db), topics)
    folds = [[t["id"] for t in topics[f::FOLDS]] for f in range(FOLDS)]
    scored: dict[str, tuple] = {}
    for f, held in enumerate(folds):
        inner = [i for g, fold in enumerate(folds) if g != f for i in fold]
        config, per_topic = max(rows, key=lambda r: _mean_ndcg(r[1], inner))
        print(f"fold {f + 1}: chosen on the other {len(inner)} topics: {config}; "
              f"held-out nDCG@10 {_mean_ndcg(per_topic, held):.3f}")  # fmt: skip
        scored.update({i: per_topic[i] for i in held})
    print(f"nested {FOLDS}-fold cross-validation, {len(scored)} topics, hybrid:")
    print(f"{'lang':4} {'nDCG@10':>8} {'R@10':>6} {'MRR':>6}")
    for li, lang in enumerate(("fr", "en")):
        means = [sum(v[li][m] for v in scored.values()) / len(scored) for m in range(3)]
        print(f"{lang:4} {means[0]:8.3f} {means[1]:6.3f} {means[2]:6.3f}")
    print(f"load: {os.getloadavg()[0]:.2f} (1-min average, {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
