"""Latency of `related` and `precedent` at corpus size and on synthetic collections.

Run: .venv/bin/python bench/link_bench.py [--sizes 100000 1000000] [--queries 40]
Corpus size goes through the store (`store.run(related …)`), exactly as the CLI does.
Synthetic collections are the corpus items themselves plus generated French paragraphs
(1-3 corpus sentences recombined, a few content words swapped for other corpus words);
they go through the same index and ranking code (`link.index`, `link.rank`) with texts
regenerated on demand instead of read from a database. Each synthetic paragraph's index
terms are assembled from its sentences' precomputed tokens (checked equal to analysing
the generated text on a sample), so building 1 M takes about a minute instead of the
~3 min the per-text analysis would (its rate is printed too).
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from recueil.link.index import TermIndex, features  # noqa: E402
from recueil.link.rank import candidates, rank_precedents, rank_related  # noqa: E402
from recueil.link.text import Token, fold, term_of, terms, tokenize  # noqa: E402

SENTENCE_RE = re.compile(r"(?<=[.;:])\s+(?=\S)")


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def ms(values: list[float]) -> str:
    return f"p50 {pct(values, 0.5) * 1000:6.1f} ms  p95 {pct(values, 0.95) * 1000:6.1f} ms"


def strip_accents(text: str) -> str:
    nfd = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in nfd if not unicodedata.combining(c)))


def light_edit(text: str, rng: random.Random) -> str:
    """Insert two words, delete one, replace one, and drop every accent."""
    words = text.split(" ")
    extra = ["notamment", "également", "pleinement", "rapidement"]
    for _ in range(2):
        words.insert(rng.randrange(1, len(words)), rng.choice(extra))
    del words[rng.randrange(1, len(words) - 1)]
    i = rng.randrange(1, len(words) - 1)
    words[i] = "renforcées" if words[i] != "renforcées" else "accrues"
    return strip_accents(" ".join(words))


def corpus_bench(n_queries: int) -> tuple[list[str], list[str]]:
    """Times the store functions on the ingested corpus; returns the corpus texts."""
    from recueil.ingest.pipeline import load_all
    from recueil.link import precedent, related
    from recueil.store import open_store, queries
    from recueil.store.models import Paragraph

    tmp = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    store = open_store(tmp)
    for lo in load_all([ROOT / "corpus"]):
        store.save(lo, user="bench")
    items = store.run(queries.list_items, status="adopted")
    recs = [i for i in items if i["part"] == "A" and len(i["text"].split()) >= 15]
    rng = random.Random(1)
    t = time.perf_counter()
    store.run(related, items[0]["ref"], 10)
    build = time.perf_counter() - t
    rel, prec, hits = [], [], 0
    for item in rng.sample(items, min(n_queries, len(items))):
        t = time.perf_counter()
        store.run(related, item["ref"], 10)
        rel.append(time.perf_counter() - t)
    for item in rng.sample(recs, min(n_queries, len(recs))):
        draft = light_edit(item["text"], rng)
        t = time.perf_counter()
        rows = store.run(precedent, draft, 10)
        prec.append(time.perf_counter() - t)
        hits += rows[0]["ref"] == item["ref"]
    print(f"corpus: {len(items)} adopted items; index built in {build * 1000:.0f} ms "
          f"(first query, incl. fingerprint)")  # fmt: skip
    print(f"  related   {ms(rel)}")
    print(f"  precedent {ms(prec)}  edited copy found first: {hits}/{len(prec)}")
    paragraphs = store.run(lambda: list(Paragraph.objects.values_list("text", flat=True)))
    return [i["text"] for i in items], paragraphs


class Synthetic:
    """Paragraph i: the corpus item i (i < number of items), else a deterministic
    recombination of corpus sentences seeded by i."""

    def __init__(self, real: list[str], sources: list[str]):
        self.real = real
        sentences = sorted({s.strip() for t in real + sources for s in SENTENCE_RE.split(t)})
        self.sentences = [s for s in sentences if len(s.split()) >= 4]
        self.tokens: list[list[Token]] = [tokenize(s) for s in self.sentences]
        self.terms: list[list[str | None]] = [[term_of(t) for t in ts] for ts in self.tokens]
        self.content: list[list[int]] = [
            [i for i, term in enumerate(ts) if term is not None] for ts in self.terms
        ]
        vocab = sorted({t.text for ts in self.tokens for t in ts if term_of(t)})
        self.vocab = vocab
        self.vocab_terms = [term_of(Token(w, fold(w), 0, len(w))) for w in vocab]

    def recipe(self, i: int) -> list[tuple[int, dict[int, int]]]:
        rng = random.Random(i)
        out = []
        for _ in range(rng.choice((1, 2, 2, 3))):
            s = rng.randrange(len(self.sentences))
            subs = {}
            content = self.content[s]
            for _ in range(rng.randrange(0, 6)):
                if content:
                    subs[rng.choice(content)] = rng.randrange(len(self.vocab))
            out.append((s, subs))
        return out

    def text(self, i: int) -> str:
        if i < len(self.real):
            return self.real[i]
        parts = []
        for s, subs in self.recipe(i):
            sentence, toks = self.sentences[s], self.tokens[s]
            pieces, last = [], 0
            for k in sorted(subs):
                pieces += [sentence[last : toks[k].start], self.vocab[subs[k]]]
                last = toks[k].end
            parts.append("".join([*pieces, sentence[last:]]))
        return " ".join(parts)

    def doc_terms(self, i: int) -> list[str]:
        if i < len(self.real):
            return terms(self.real[i])
        out: list[str] = []
        for s, subs in self.recipe(i):
            for k, term in enumerate(self.terms[s]):
                if k in subs:
                    term = self.vocab_terms[subs[k]]
                if term is not None:
                    out.append(term)
        return out

    def fetch(self, positions):
        return {p: self.text(p) for p in positions}


def build(syn: Synthetic, n: int) -> TermIndex:
    return TermIndex.build(features(syn.doc_terms(i)) for i in range(n))


def synthetic_bench(syn: Synthetic, n: int, n_queries: int) -> None:
    for i in range(len(syn.real), len(syn.real) + 300):  # the fast path is the real analysis
        assert Counter(terms(syn.text(i))) == Counter(syn.doc_terms(i)), i
    t = time.perf_counter()
    index = build(syn, n)
    built = time.perf_counter() - t
    rng = random.Random(2)
    real = [i for i, t in enumerate(syn.real) if len(t.split()) >= 15]
    rel, prec, hits, top10 = [], [], 0, 0
    for p in rng.sample(range(len(syn.real)), n_queries):
        allowed = np.ones(index.n, dtype=bool)
        allowed[p] = False
        t = time.perf_counter()
        rank_related(candidates(syn.text(p), index, syn.fetch, 60, allowed), 10)
        rel.append(time.perf_counter() - t)
    for p in rng.sample(real, n_queries):
        draft = light_edit(syn.text(p), rng)
        t = time.perf_counter()
        rows = rank_precedents(draft, candidates(draft, index, syn.fetch, 60), 10)
        prec.append(time.perf_counter() - t)
        # a generated paragraph may repeat the original word for word: that counts as found
        hits += rows[0]["pos"] == p or rows[0]["text"] == syn.text(p)
        top10 += any(r["pos"] == p or r["text"] == syn.text(p) for r in rows)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"synthetic {n:>9,}: index built in {built:5.1f} s, {len(index.indices):,} postings, "
          f"peak RSS {rss:,.0f} MB")  # fmt: skip
    print(f"  related   {ms(rel)}")
    print(f"  precedent {ms(prec)}  edited copy found first: {hits}/{len(prec)}, "
          f"in the top 10: {top10}/{len(prec)}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=40)
    args = parser.parse_args()
    real, paragraphs = corpus_bench(args.queries)
    syn = Synthetic(real, paragraphs)
    sample = [syn.text(i) for i in range(len(real), len(real) + 2000)]
    t = time.perf_counter()
    for text in sample:
        features(terms(text))
    rate = len(sample) / (time.perf_counter() - t)
    print(f"synthetic source: {len(syn.sentences)} sentences, {len(syn.vocab)} words; "
          f"analysing a generated paragraph from its text: {rate:,.0f} paragraphs/s")  # fmt: skip
    for n in args.sizes:
        synthetic_bench(syn, n, args.queries)


if __name__ == "__main__":
    main()
