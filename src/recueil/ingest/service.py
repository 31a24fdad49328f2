"""One ingest run, for the CLI, `serve` and the tests: files → store → derived data.

    report = ingest_paths(store, ["report.pdf"], IngestOptions(meeting=12))
    if report.errors: ...        # nothing was written
    else: report.results         # one store.writer.SaveResult per file

Steps (nothing is written unless every file of the batch passes step 1):

1. Every file is read, recognised, parsed and checked (`pipeline.load`, no silent loss:
   `sequence_check`); every bad file gives one error line (file, line when known, what
   was expected), all of them collected, not just the first. A meeting number given by
   the user that contradicts a meeting already stored with other dates is an error too.
   The folders' `vocabulary.toml` files are read here as well.
2. The documents are saved (compendium first), idempotently (`store.save`).
3. Theme labels and scope notes from the vocabulary files fill empty fields.
4. The search index and the search vectors (embeddings of new or changed texts) follow
   the stored texts; uptake links are re-proposed when something changed (editors'
   decisions are kept).

Training the theme suggester is not part of a run (a minute of CPU): `serve` starts it
in the background (`train_in_background`), `recueil train` runs it.
"""

from __future__ import annotations

import getpass
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from recueil.ingest.errors import IngestError
from recueil.ingest.manifest import ManifestEntry, parse_kind
from recueil.ingest.pipeline import Loaded, LoadOptions, load, order_for_saving
from recueil.ingest.read import SUPPORTED, iter_sources, real_path

__all__ = ["IngestOptions", "IngestReport", "ingest_paths", "read_all", "train_in_background"]


@dataclass(frozen=True)
class IngestOptions:
    """What the user gives for files that do not print it (and how the run behaves)."""

    kind: str | None = None
    meeting: int | None = None
    session: int | None = None
    symbol: str | None = None
    language: str | None = None
    accept_gaps: bool = False
    user: str | None = None
    refresh: bool = True  # search index and uptake links after saving

    def load_options(self) -> LoadOptions:
        kind = parse_kind(self.kind, "--kind") if self.kind else None
        if self.language is not None and not re.fullmatch(r"[a-z]{2}", self.language):
            raise IngestError("--language", f"{self.language!r} is not an ISO 639-1 code "
                              "(two small letters: en, fr, es, ru, ar, zh)")  # fmt: skip
        overrides = ManifestEntry(
            kind=kind,
            meeting=self.meeting,
            session=self.session,
            symbol=self.symbol,
            language=self.language,
        )
        return LoadOptions(overrides=overrides, accept_gaps=self.accept_gaps)


@dataclass
class IngestReport:
    results: list = field(default_factory=list)  # store.writer.SaveResult, in saving order
    errors: list[IngestError] = field(default_factory=list)  # nothing saved when not empty
    vocabulary: list[tuple[Path, int]] = field(default_factory=list)  # (file, themes filled)
    links: int | None = None  # uptake links proposed (None: not re-proposed)
    vectors: int = 0  # texts embedded for semantic search
    loaded: list[Loaded] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return any(r.status != "unchanged" for r in self.results)


def read_all(
    paths: Iterable[str | Path],
    options: IngestOptions | None = None,
    *,
    progress: Callable[[Path], None] | None = None,
) -> tuple[list[Loaded], list[tuple[Path, dict]], list[IngestError]]:
    """Read, parse and check every file; (loaded, vocabularies, every error)."""
    from recueil.ingest.vocabulary import load_vocabulary, vocabulary_files

    options = options or IngestOptions()
    errors: list[IngestError] = []
    try:
        load_options = options.load_options()
    except IngestError as exc:
        return [], [], [exc]
    files: list[Path] = []
    seen: set[Path] = set()
    paths = [Path(p) for p in paths]
    for p in paths:
        try:
            found = iter_sources([p])
        except IngestError as exc:
            errors.append(exc)
            continue
        for f in found:
            if real_path(f) not in seen:
                seen.add(real_path(f))
                files.append(f)
    if not files and not errors:
        errors.append(IngestError(None, f"no ingestible files found ({SUPPORTED})"))
    loaded: list[Loaded] = []
    for f in files:
        if progress:
            progress(f)
        try:
            loaded.append(load(f, load_options))
        except IngestError as exc:
            errors.append(exc)
    vocabularies = []
    for v in vocabulary_files([p for p in paths if p.exists()]):
        try:
            vocabularies.append((v, load_vocabulary(v)))
        except IngestError as exc:
            errors.append(exc)
    return order_for_saving(loaded), vocabularies, errors


def check_meetings(store, loaded: list[Loaded], options: IngestOptions) -> list[IngestError]:
    """A meeting number given by the user must not contradict a stored meeting's dates."""
    if options.meeting is None:
        return []
    errors = []
    for lo in loaded:
        parsed = lo.parsed
        if parsed.meeting != options.meeting or parsed.start_date is None:
            continue
        stored = store.run(_stored_start, "A", options.meeting)
        if stored is not None and stored != parsed.start_date:
            errors.append(
                IngestError(
                    lo.source.path,
                    f"--meeting {options.meeting} contradicts the printed dates: the report "
                    f"is of a meeting held from {parsed.start_date.isoformat()}, but meeting "
                    f"{options.meeting} already stored was held from {stored.isoformat()}",
                )
            )
    return errors


def _stored_start(part: str, number: int):
    from recueil.store.models import Meeting

    meeting = Meeting.objects.filter(part=part, number=number).first()
    return meeting.start_date if meeting else None


def ingest_paths(
    store,
    paths: Iterable[str | Path],
    options: IngestOptions | None = None,
    *,
    progress: Callable[[Path], None] | None = None,
    on_saved: Callable[[object], None] | None = None,
) -> IngestReport:
    """Ingest files and folders into `store` (see the module doc); never raises IngestError.

    `store` may also be a function that opens it: it is then called only once every file
    has been read, so a batch refused while reading never creates a database.
    """
    options = options or IngestOptions()
    loaded, vocabularies, errors = read_all(paths, options, progress=progress)
    if callable(store) and not hasattr(store, "run"):
        if errors:
            return IngestReport(errors=errors, loaded=loaded)
        store = store()
    errors += check_meetings(store, loaded, options)
    report = IngestReport(errors=errors, loaded=loaded)
    if errors:
        return report
    from recueil.store.db import write_transaction

    user = options.user or getpass.getuser()
    # One transaction: killed at any moment, the database is as before (docs/robustness.md)
    with write_transaction(store.alias):
        for lo in loaded:
            result = store.save(lo, user=user)
            report.results.append(result)
            if on_saved:
                on_saved(result)
        fill_vocabulary(store, vocabularies, report)
        if options.refresh:
            refresh_derived(store, report, changed=report.changed, vectors=False)
    if options.refresh:
        # The search vectors are computed after the commit: encoding is the slow part
        # (~20 texts/s) and would hold the store's write lock, so editors' decisions would
        # wait for it. They are a cache of the texts: a run killed here leaves texts
        # without vectors (found by their words) until the next ingest or `serve` adds them.
        refresh_vectors(store, report)
    return report


def refresh_vectors(store, report: IngestReport | None = None) -> None:
    """The search vectors of new or changed texts (see recueil.search.embed.refresh)."""
    from recueil.search.embed import refresh

    done = store.run(refresh)
    if report is not None:
        report.vectors = done["embedded"]


def fill_vocabulary(store, vocabularies: list[tuple[Path, dict]], report: IngestReport) -> None:
    """Translations and scope notes from the folders' vocabulary.toml (empty fields only)."""
    from recueil.store.curation import fill_vocabulary as fill

    for path, entries in vocabularies:
        filled = store.run(fill, entries)
        report.vocabulary.append((path, filled))


def refresh_derived(
    store, report: IngestReport | None = None, *, changed: bool, vectors: bool = True
) -> None:
    """After saving: the search index and the uptake proposals follow the stored texts.

    (The writing transaction already brought the search index up to date; `ensure_index`
    here only catches up on writes that bypassed it.) `vectors=False` leaves the search
    vectors of new texts for later (`recueil serve --no-embed` on a large import)."""
    from recueil.link import propose_links
    from recueil.search import ensure_index

    store.run(ensure_index)
    if vectors:  # semantic search: only new or changed texts
        refresh_vectors(store, report)
    if changed:  # editors' confirmed/rejected links are kept by propose_links
        links = store.run(propose_links)
        if report is not None:
            report.links = links


def train_in_background(store, db) -> bool:
    """No theme suggester trained yet: train one in a separate process (a minute the first
    time); the review pages use it as soon as it is saved. True when one was started."""
    from recueil.index import project

    if any(project.model_dir(store).glob("model-*.pkl")):
        return False
    cmd = [sys.executable, "-m", "recueil.cli", "train", *(["--db", str(db)] if db else [])]
    trainer = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)  # fmt: skip
    # Waited for as soon as it ends: without it the finished trainer stayed a zombie
    # process until the server stopped (a daemon thread does not delay the server's exit).
    threading.Thread(target=trainer.wait, name="recueil-trainer-reaper", daemon=True).start()
    return True
