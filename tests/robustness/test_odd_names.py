"""Odd file names and folders end in a clean answer, not a traceback (issue 15, "500s").

A source file whose name holds CR/LF and a `"` is served by `/documents/<name>/text` with
a well-formed Content-Disposition (before: BadHeaderError, a 500, and an unescaped quote);
a folder holding a symbolic link loop is refused by `recueil ingest` with the file named
(before: `RuntimeError: Symlink loop` traceback from Path.resolve).
"""

from __future__ import annotations

import shutil
from urllib.parse import quote

from click.testing import CliRunner

from tests.conftest import copy_store, corpus_file, ingest_into

ODD = 'rapport "final"\r\nX-Injected: 1.txt'


def test_a_file_name_with_cr_lf_and_quote_downloads_with_a_safe_header(
    corpus_store, tmp_path, _test_environment
):
    from django.test import Client
    from django.test.utils import override_settings

    folder = tmp_path / "odd"
    folder.mkdir()
    text = corpus_file("000").read_text(encoding="utf-8")  # a changed copy (not a twin)
    (folder / ODD).write_text(text.replace("nouvelles tendances", "tendances"), encoding="utf-8")
    store = copy_store(corpus_store, tmp_path / "odd.sqlite3")
    ingest_into(store, [folder / ODD], kind="report", meeting=7)
    with override_settings(RECUEIL_DB_ALIAS=store.alias):
        client = Client(raise_request_exception=False)
        r = client.get("/documents/" + quote(ODD, safe="") + "/text")
        listing = client.get("/documents/")
    assert r.status_code == 200, r.status_code
    header = r["Content-Disposition"]
    assert "\r" not in header and "\n" not in header and "X-Injected" not in r.headers
    assert header.startswith("attachment;")
    # the quote is escaped inside the quoted file name (or the name is RFC 5987-encoded)
    assert 'filename="rapport \\"final\\"__X-Injected: 1.txt"' in header or "filename*=" in header
    assert r.content.decode("utf-8").startswith(text[:40])
    assert listing.status_code == 200


def test_ingest_of_a_folder_with_a_symlink_loop_names_the_file(tmp_path):
    from recueil.cli import main

    folder = tmp_path / "loops"
    folder.mkdir()
    shutil.copy(corpus_file("004"), folder)
    (folder / "self.txt").symlink_to("self.txt")  # a link to itself
    (folder / "a.md").symlink_to("b.md")  # two links to each other
    (folder / "b.md").symlink_to("a.md")
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to("..", target_is_directory=True)  # a folder cycle
    db = tmp_path / "loops.sqlite3"
    result = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db)])
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output and "RuntimeError" not in result.output
    for name in ("self.txt", "a.md", "b.md"):
        assert f"{name}: cannot read the file (Too many levels of symbolic links)" in result.output
    assert "nothing was written" in result.output
