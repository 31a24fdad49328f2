"""Fuzzing (hypothesis): malformed queries, documents, manifests and vocabularies end in a
result or the project's own clear error (QueryError, IngestError: a message, no
traceback), within a time bound per case and a memory bound for the whole campaign.

The suite runs a short, derandomized campaign; the long one is
`RECUEIL_FUZZ_EXAMPLES=5000 .venv/bin/pytest tests/robustness -k fuzz` (docs/robustness.md).
Inputs are real corpus files mutated: lines deleted, duplicated, shuffled, characters
flipped, encodings swapped, truncation; .docx and .pdf made from corpus text, then
truncated, bit-flipped or turned into zip bombs.
"""

from __future__ import annotations

import io
import os
import random
import resource
import signal
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.conftest import CORPUS

EXAMPLES = int(os.environ.get("RECUEIL_FUZZ_EXAMPLES", "25"))
CASE_SECONDS = 30  # a case over this is a hang (the loaded 2-core CI machine included)
MAX_RSS_MIB = 3 * 1024  # peak resident memory of the whole test process
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))  # fmt: skip
STATS: dict[str, dict[str, int]] = {}


class Hang(Exception):
    pass


@contextmanager
def time_bound(seconds: int = CASE_SECONDS):
    def alarm(signum, frame):
        raise Hang(f"over {seconds} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _count(probe: str, outcome: str) -> None:
    STATS.setdefault(probe, {"cases": 0, "refused": 0})
    STATS[probe]["cases"] += 1
    STATS[probe]["refused"] += outcome == "refused"


def _clear(exc: Exception) -> bool:
    """The project's own error, with a message a user can act on."""
    from recueil.ingest.errors import IngestError
    from recueil.search.query import QueryError

    return isinstance(exc, IngestError | QueryError) and len(str(exc)) > 10


def _expect_result_or_clear_error(probe: str, fn, *args):
    with time_bound():
        try:
            result = fn(*args)
        except Hang:
            raise
        except Exception as exc:
            if not _clear(exc):
                raise
            _count(probe, "refused")
            return None
    _count(probe, "ok")
    return result


def teardown_module(module):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("\nfuzz campaign:", STATS, f"peak RSS {peak:.0f} MiB")
    assert peak < MAX_RSS_MIB


# --- Query parser and search --------------------------------------------------------------

TOKENS = ['"', "(", ")", "OR", "OU", "|", "AND", "ET", "&", "NOT", "SAUF", "-", "*", "trafic",
          "migrants", "passeur*", "e*", "mer", "\x00", "'", ":", "^", "NEAR", "{", "}", "%",
          "é", "\u200b", "ﬁ", "🙂", "--", "**", "\\", ";", "DROP", "SELECT"]  # fmt: skip
queries = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(TOKENS), max_size=30).map(" ".join),
    st.lists(st.sampled_from(TOKENS), max_size=30).map("".join),
)


@FUZZ
@given(q=queries)
def test_fuzz_query_parser_and_search(corpus_store, q):
    from recueil.search import engine, query

    node = _expect_result_or_clear_error("query parser", query.parse, q)
    if node is not None:
        query.to_fts5(node)
        query.to_pg(node, "french")
    _expect_result_or_clear_error("search", corpus_store.run, engine.search, q)


# --- Documents --------------------------------------------------------------------------------

CORPUS_FILES = sorted(p for p in CORPUS.glob("0*"))
SMALL_FILES = [p for p in CORPUS_FILES if p.stat().st_size < 70_000]  # parsed in < 1 s


def _mutate(data: bytes, ops: list[tuple[str, float, float]]) -> bytes:
    lines = data.split(b"\n")
    for op, a, b in ops:
        i, j = int(a * len(lines)), int(b * len(lines))
        if not lines:
            break
        i, j = min(i, len(lines) - 1), min(j, len(lines) - 1)
        if op == "delete":
            del lines[min(i, j) : max(i, j) + 1][:50]
        elif op == "duplicate":
            lines[i:i] = lines[i : i + 1 + (j % 20)]
        elif op == "shuffle":
            window = lines[i : i + 30]
            random.Random(j).shuffle(window)
            lines[i : i + 30] = window
        elif op == "flip":
            line = bytearray(lines[i])
            if line:
                line[j % len(line)] ^= 1 << (j % 8)
                lines[i] = bytes(line)
        elif op == "truncate":
            lines = lines[: max(1, i)]
    out = b"\n".join(lines)
    for op, a, _b in ops:
        if op == "encoding":
            codec = ["latin-1", "cp1252", "utf-16", "utf-16-le", "mac_roman", "cp850"][int(a * 6)]
            out = out.decode("utf-8", "replace").encode(codec, "replace")
        elif op == "bytes":
            out = out[: int(a * len(out))] + bytes(range(256)) + out[int(a * len(out)) :]
    return out


mutations = st.lists(
    st.tuples(st.sampled_from(["delete", "duplicate", "shuffle", "flip", "truncate",
                               "encoding", "bytes"]),  # fmt: skip
              st.floats(0, 0.999), st.floats(0, 0.999)),  # fmt: skip
    min_size=1, max_size=6,
)  # fmt: skip


def _load(folder: Path, name: str, data: bytes, manifest: bool):
    from recueil.ingest.pipeline import load

    folder.mkdir(parents=True, exist_ok=True)
    for f in folder.iterdir():
        f.unlink()
    if manifest:
        (folder / "manifest.toml").write_bytes((CORPUS / "manifest.toml").read_bytes())
    path = folder / name
    path.write_bytes(data)
    return _expect_result_or_clear_error("documents", load, path)


@FUZZ
@given(index=st.integers(0, 99), ops=mutations, manifest=st.booleans(),
       suffix=st.sampled_from([".txt", ".md"]))  # fmt: skip
def test_fuzz_text_documents(tmp_path_factory, index, ops, manifest, suffix):
    files = CORPUS_FILES if index % 10 == 0 else SMALL_FILES  # the compendium 1 case in 10
    source = files[index % len(files)]
    folder = tmp_path_factory.getbasetemp() / "fuzz-text"
    name = source.name if suffix == ".txt" else source.stem + suffix
    _load(folder, name, _mutate(source.read_bytes(), ops), manifest)


def _docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    for block in text.split("\n\n")[:200]:
        document.add_paragraph(block)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def containers() -> dict[str, bytes]:
    """A .docx and a .pdf made from the 2020 report."""
    weasyprint = pytest.importorskip("weasyprint")
    import html

    text = next(CORPUS.glob("000_*")).read_text(encoding="utf-8")
    body = "".join(f"<p>{html.escape(b)}</p>" for b in text.split("\n\n")[:60])
    return {".docx": _docx(text), ".pdf": weasyprint.HTML(string=body).write_pdf()}


def _zip_bomb(docx: bytes, part: str, mib: int) -> bytes:
    out = io.BytesIO()
    deflated = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(out, "w", deflated) as dst:
        for info in src.infolist():
            if info.filename != part:
                dst.writestr(info, src.read(info.filename))
        with dst.open(part, "w") as f:
            f.write(b'<?xml version="1.0"?><w:styles xmlns:w="x">')
            for _ in range(mib):
                f.write(b" " * (1 << 20))
    return out.getvalue()


@FUZZ
@given(kind=st.sampled_from([".docx", ".pdf"]),
       how=st.sampled_from(["truncate", "flip", "bomb-body", "bomb-styles", "bomb-media"]),
       where=st.floats(0, 0.999), count=st.integers(1, 64))  # fmt: skip
def test_fuzz_docx_and_pdf(tmp_path_factory, containers, kind, how, where, count):
    data = containers[kind]
    if how == "truncate":
        data = data[: int(where * len(data))]
    elif how == "flip":
        data = bytearray(data)
        for k in range(count):
            pos = int((where + k / count) % 1 * len(data))
            data[pos] ^= 0xFF
        data = bytes(data)
    elif kind == ".docx":
        part = {"bomb-body": "word/document.xml", "bomb-styles": "word/styles.xml",
                "bomb-media": "word/media/image1.png"}[how]  # fmt: skip
        data = _zip_bomb(data, part, 200 + 4 * count)  # 204–456 MiB unzipped
    folder = tmp_path_factory.getbasetemp() / "fuzz-bin"
    _load(folder, "draft" + kind, data, manifest=False)


# --- Manifest and vocabulary ------------------------------------------------------------------


@FUZZ
@given(which=st.sampled_from(["manifest.toml", "vocabulary.toml"]), ops=mutations)
def test_fuzz_manifest_and_vocabulary(tmp_path_factory, which, ops):
    from recueil.ingest.manifest import load_manifest
    from recueil.ingest.vocabulary import load_vocabulary

    folder = tmp_path_factory.getbasetemp() / "fuzz-toml"
    folder.mkdir(exist_ok=True)
    path = folder / which
    path.write_bytes(_mutate((CORPUS / which).read_bytes(), ops))
    reader = load_manifest if which == "manifest.toml" else load_vocabulary
    _expect_result_or_clear_error(which, reader, folder if reader is load_manifest else path)


# --- JSONL import (`recueil import`) ---------------------------------------------------------

FIELDS = ["ref", "part", "meeting", "session", "number", "sub", "status", "kind", "symbol",
          "report_paragraph", "recommendation_number", "section", "instrument", "text",
          "raw_text", "themes", "source_file", "line", "language", "document_kind",
          "recommending_states", "response", "id", "parent", "sort_key", "document"]  # fmt: skip
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats()
    | st.text(max_size=30) | st.sampled_from(["\x00", "A:I.22", "A:99999999999999999999.1",
                                             "MMMMMMMMMM", "draft", "", " "]),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=6,
)  # fmt: skip
field_ops = st.lists(
    st.tuples(
        st.sampled_from(["set", "delete", "rename"]),
        st.sampled_from(FIELDS),
        json_values,
        st.floats(0, 0.999),
    ),  # fmt: skip
    max_size=5,
)


@pytest.fixture(scope="module")
def export_lines(corpus_store, tmp_path_factory) -> list[bytes]:
    """`recueil export --format jsonl` of the bundled corpus, line by line."""
    from click.testing import CliRunner

    from recueil.cli import main

    out = tmp_path_factory.mktemp("export") / "corpus.jsonl"
    corpus_store.close()
    result = CliRunner().invoke(main, ["export", "--format", "jsonl", "--out", str(out),
                                       "--db", str(corpus_store.url)])  # fmt: skip
    assert result.exit_code == 0, result.output
    return out.read_bytes().splitlines()


@pytest.fixture(scope="module")
def import_store(corpus_store, tmp_path_factory):
    """A copy of the corpus store the fuzzed files are imported into (accepted ones change it)."""
    from tests.conftest import copy_store

    return copy_store(corpus_store, tmp_path_factory.mktemp("import") / "import.sqlite3")


def _edit_lines(lines: list[bytes], ops) -> list[bytes]:
    import json

    lines = list(lines)
    for op, name, value, where in ops:
        i = int(where * len(lines))
        try:
            row = json.loads(lines[i])
        except ValueError:
            continue
        if op == "set":
            row[name] = value
        elif op == "delete":
            row.pop(name, None)
        elif name in row:
            row[name + "_"] = row.pop(name)
        lines[i] = json.dumps(row, ensure_ascii=bool(int(where * 10) % 2)).encode()
    return lines


@settings(FUZZ, phases=[Phase.explicit, Phase.generate])  # big cases: no shrinking (minutes)
@given(start=st.integers(0, 10_000), count=st.integers(1, 40), edits=field_ops,
       ops=st.one_of(st.just([]), mutations))  # fmt: skip
def test_fuzz_jsonl_import(import_store, export_lines, tmp_path_factory, start, count, edits,
                           ops):  # fmt: skip
    """Mutated real export lines: imported, or refused with line numbers and nothing written."""
    import re

    from click.testing import CliRunner

    from recueil.cli import main
    from tests.robustness.state import digest, snapshot

    first = start % len(export_lines)
    lines = _edit_lines(export_lines[first : first + count], edits)
    data = b"\n".join(lines) + b"\n"
    if ops:
        data = _mutate(data, ops)
    path = tmp_path_factory.getbasetemp() / "fuzz.jsonl"
    path.write_bytes(data)
    before = digest(snapshot(import_store))
    with time_bound():
        result = CliRunner().invoke(main, ["import", str(path), "--db", str(import_store.url),
                                           "--user", "fuzz"])  # fmt: skip
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    if result.exit_code == 0:
        _count("jsonl import", "ok")
        return
    _count("jsonl import", "refused")
    assert result.exit_code == 1, result.output
    assert re.search(r"^line \d+: .{10,}", result.output, re.M), result.output
    assert "Traceback" not in result.output
    assert digest(snapshot(import_store)) == before, "a refused import wrote"


BAD_VALUES = {
    "line beyond 64 bits": {"line": 2**64},  # OverflowError on SQLite before
    "NUL in the text": {"text": "trafic\x00migrants"},  # PostgreSQL cannot store it
    "text over its column": {"response": "x" * 100},  # PostgreSQL refuses it (24)
    "31-digit meeting": {"ref": "A:1" + "0" * 30 + ".1", "meeting": None},  # MemoryError
    "object as kind": {"kind": {"a": 1}},  # TypeError: unhashable
}


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_import_refuses_values_the_database_cannot_store(export_lines, tmp_path, engine,
                                                         request):  # fmt: skip
    """Each found by the fuzzer or by review: a traceback before, a line error now."""
    import json

    from click.testing import CliRunner

    from recueil.cli import main

    db = str(tmp_path / "bad.sqlite3") if engine == "sqlite" else request.getfixturevalue("pg_url")
    good = json.loads(export_lines[0])
    for name, change in BAD_VALUES.items():
        path = tmp_path / "bad.jsonl"
        path.write_text(json.dumps(good) + "\n" + json.dumps({**good, **change}) + "\n")
        result = CliRunner().invoke(main, ["import", str(path), "--db", db])
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), (
            name, result.output, result.exception)  # fmt: skip
        assert "line 2: " in result.output and "nothing imported" in result.output, name
