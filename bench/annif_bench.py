"""Annif against recueil's suggester on exactly the same leave-one-meeting-out folds.

Creates `.venv-annif` from bench/annif/requirements.txt (Annif's pins never touch the
project's .venv), exports every fold as Annif corpora (TSV subject vocabulary, short-text
TSV training corpus, JSONL test documents), trains Annif's tfidf, omikuji, svc and mllm
backends and an ensemble of them (French snowball analyser), then prints Annif's and
recueil's pooled metrics side by side (one metrics module: recueil.index.metrics), and
times a full retrain and one-item suggestion of recueil.

Annif has no calibrated threshold, so its micro/macro scores use the single threshold that
maximises its pooled micro-F1 on the test folds themselves (an oracle in Annif's favour);
recueil's use each fold's threshold learned on that fold's training data only.
Run: .venv/bin/python bench/annif_bench.py [--db PATH] [--projects tfidf,omikuji,...]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANNIF_VENV = ROOT / ".venv-annif"
REQUIREMENTS = ROOT / "bench" / "annif" / "requirements.txt"
RUNNER = ROOT / "bench" / "annif" / "run_folds.py"
BACKENDS = ("tfidf", "omikuji", "svc", "mllm")


def ensure_annif_venv() -> Path:
    python = ANNIF_VENV / "bin" / "python"
    stamp = ANNIF_VENV / ".requirements"
    wanted = REQUIREMENTS.read_text(encoding="utf-8")
    if python.exists() and stamp.exists() and stamp.read_text(encoding="utf-8") == wanted:
        return python
    print(f"creating {ANNIF_VENV} from {REQUIREMENTS.relative_to(ROOT)} …", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(ANNIF_VENV)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-r", str(REQUIREMENTS)],
        check=True,
    )  # fmt: skip
    stamp.write_text(wanted, encoding="utf-8")
    return python


def projects_cfg(backends: list[str]) -> str:
    blocks = []
    for b in backends:
        extra = "limit=100\n"
        blocks.append(
            f"[{b}-fr]\nname={b}\nlanguage=fr\nbackend={b}\nanalyzer=snowball(french)\n"
            f"vocab=themes\n{extra}"
        )
    sources = ",".join(f"{b}-fr" for b in backends)
    blocks.append(
        f"[ensemble-fr]\nname=ensemble\nlanguage=fr\nbackend=ensemble\nsources={sources}\n"
        "vocab=themes\nlimit=100\n"
    )
    return "\n".join(blocks)


def one_line(text: str) -> str:
    return " ".join(text.split())


def export_fold(fold, vocabulary, directory: Path, backends: list[str]) -> None:
    from recueil.index.skos import theme_uri, to_annif_tsv

    directory.mkdir(parents=True)
    (directory / "vocab.tsv").write_text(to_annif_tsv(vocabulary), encoding="utf-8")
    with (directory / "train.tsv").open("w", encoding="utf-8") as f:
        for d in fold.train:
            uris = " ".join(f"<{theme_uri(t)}>" for t in sorted(d.themes))
            f.write(f"{one_line(d.full_text)}\t{uris}\n")
    with (directory / "test.jsonl").open("w", encoding="utf-8") as f:
        for d in fold.test:
            f.write(json.dumps({"text": one_line(d.full_text), "document_id": d.ref}) + "\n")
    (directory / "projects.cfg").write_text(projects_cfg(backends), encoding="utf-8")


def run_annif(python: Path, ts, work: Path, backends: list[str]):
    from recueil.index.evaluate import folds

    projects = [f"{b}-fr" for b in backends] + ["ensemble-fr"]
    ranked: dict[str, list] = {p: [] for p in projects}
    gold: list[set[str]] = []
    train_seconds: dict[str, float] = {p: 0.0 for p in projects}
    for fold in folds(ts):
        directory = work / fold.held_out.replace(":", "-")
        export_fold(fold, ts.vocabulary, directory, backends)
        env = {**os.environ, "ANNIF_DATADIR": str(directory / "data")}
        print(f"annif: fold {fold.held_out} ({len(fold.test)} test items)", file=sys.stderr)
        subprocess.run(
            [str(python), str(RUNNER), str(directory), ",".join(projects)], check=True, env=env
        )
        result = json.loads((directory / "results.json").read_text(encoding="utf-8"))
        by_ref = {d.ref: d for d in fold.test}
        for p in projects:
            train_seconds[p] += result["train_seconds"][p]
            rows = {r["document_id"]: r["results"] for r in result["suggestions"][p]}
            for ref in by_ref:
                ranked[p].append([(s["label"], float(s["score"])) for s in rows.get(ref, [])])
        gold += [set(d.themes) for d in fold.test]
    return gold, ranked, train_seconds


def oracle_metrics(gold, ranked, vocabulary: list[str]) -> dict[str, float]:
    from recueil.index import metrics

    best = None
    for t in [i / 100 for i in range(1, 100)]:
        m = metrics.evaluate(gold, ranked, threshold=t, vocabulary=vocabulary)
        if best is None or m["micro-F1"] > best["micro-F1"]:
            best = {**m, "threshold": t}
    return best


def time_recueil(store) -> dict[str, float]:
    from recueil.index import project
    from recueil.index.corpus import Doc

    start = time.perf_counter()
    model = project.train(store)
    retrain = time.perf_counter() - start
    docs = project.docs_for(store, unindexed=True)[:21]
    start = time.perf_counter()
    project.suggest(model, docs[:1], top=10)  # loads the embedding model once per process
    first = time.perf_counter() - start
    latencies = []
    for d in docs[1:]:  # items of the collection: their vectors were computed by train()
        start = time.perf_counter()
        project.suggest(model, [d], top=10)
        latencies.append(time.perf_counter() - start)
    new_texts = []  # texts never seen: the transformer embeds each one first
    for d in docs[1:]:
        text = Doc(ref="", text=d.text + " (texte nouveau)")
        start = time.perf_counter()
        project.suggest(model, [text], top=10)
        new_texts.append(time.perf_counter() - start)
    return {
        "retrain_s": retrain,
        "first_ms": 1000 * first,
        "suggest_median_ms": 1000 * statistics.median(latencies),
        "suggest_max_ms": 1000 * max(latencies),
        "new_text_median_ms": 1000 * statistics.median(new_texts),
        "new_text_max_ms": 1000 * max(new_texts),
        "items_timed": len(latencies),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an ingested database (default: ingest corpus/ afresh)")
    parser.add_argument("--projects", default=",".join(BACKENDS), help="Annif backends")
    parser.add_argument("--skip-annif", action="store_true", help="only recueil's side")
    args = parser.parse_args()
    backends = [b for b in args.projects.split(",") if b]

    from recueil.index import metrics, project
    from recueil.index.corpus import load_training_set
    from recueil.store import open_store

    with tempfile.TemporaryDirectory(prefix="recueil-annif-") as tmp:
        work = Path(tmp)
        if args.db:
            store = open_store(args.db)
        else:
            from recueil.ingest.pipeline import load_all

            store = open_store(work / "bench.sqlite3")
            for loaded in load_all([ROOT / "corpus"]):
                store.save(loaded, user="bench")
        ts = store.run(load_training_set)
        labels = ts.vocabulary.labels
        rows: dict[str, dict[str, float]] = {}
        if not args.skip_annif:
            python = ensure_annif_venv()
            gold, ranked, train_seconds = run_annif(python, ts, work / "folds", backends)
            for p, r in ranked.items():
                rows[f"annif {p.removesuffix('-fr')}"] = oracle_metrics(gold, r, labels)
        start = time.perf_counter()
        _ts, result = project.evaluate(store)
        eval_seconds = time.perf_counter() - start
        rows["recueil"] = result.metrics(labels)
        print(f"\nleave-one-meeting-out, Part A I–VI, {len(result.gold)} items pooled")
        print(metrics.format_table(rows))
        if not args.skip_annif:
            thresholds = ", ".join(
                f"{k.removeprefix('annif ')} {v['threshold']:.2f}"
                for k, v in rows.items() if "threshold" in v
            )  # fmt: skip
            print(f"(Annif thresholds, oracle on the test folds: {thresholds})")
            for p, s in train_seconds.items():
                print(f"annif {p}: {s:.1f} s training over the 6 folds")
        timing = time_recueil(store)
        print(f"recueil: evaluation {eval_seconds:.1f} s (6 folds; every item embedded once)")
        print(
            f"recueil: full retrain {timing['retrain_s']:.1f} s; suggestion for one item "
            f"awaiting themes median {timing['suggest_median_ms']:.0f} ms, max "
            f"{timing['suggest_max_ms']:.0f} ms ({timing['items_timed']} unindexed items; "
            "their vectors are computed by the training); for a text never seen (embedding "
            f"included) median {timing['new_text_median_ms']:.0f} ms, max "
            f"{timing['new_text_max_ms']:.0f} ms; the first call of a process also loads the "
            f"embedding model: {timing['first_ms']:.0f} ms"
        )


if __name__ == "__main__":
    main()
