"""Fixtures of the web tests: Django's test client on the corpus store, a writable store.

Requests are routed to a store through the RECUEIL_DB_ALIAS setting (see
recueil.web.middleware), so each fixture points the whole web app at its own database.
"""

from __future__ import annotations

import pytest

from tests.conftest import CORPUS, ingest_into


def _point_web_at(store):
    from django.test.utils import override_settings

    override = override_settings(RECUEIL_DB_ALIAS=store.alias)
    override.enable()
    return override


@pytest.fixture
def client(corpus_store, _test_environment):
    """A Django test client reading the session's corpus store (French interface)."""
    from django.test import Client

    override = _point_web_at(corpus_store)
    try:
        yield Client(HTTP_ACCEPT_LANGUAGE="fr")
    finally:
        override.disable()


@pytest.fixture(scope="module")
def writable_store(tmp_path_factory):
    """The corpus plus a second copy of the 2020 report that words A:VII.5 differently,
    so one item has a conflicting reading; tests of this module may write to it."""
    import shutil

    from recueil.store import open_store

    folder = tmp_path_factory.mktemp("writable")
    corpus = folder / "corpus"
    shutil.copytree(CORPUS, corpus)
    report = next(corpus.glob("000_*"))
    text = report.read_text(encoding="utf-8")
    assert "faire face aux nouvelles tendances" in text
    (corpus / "second_copy_of_2020_report.txt").write_text(
        text.replace("faire face aux nouvelles tendances", "faire face aux tendances"),
        encoding="utf-8",
    )
    manifest = corpus / "manifest.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8")
        + '\n["second_copy_of_2020_report.txt"]\nkind = "report"\nmeeting = 7\n',
        encoding="utf-8",
    )
    store = open_store(folder / "writable.sqlite3")
    ingest_into(store, [corpus])
    return store


@pytest.fixture
def writable_client(writable_store, _test_environment):
    from django.test import Client

    override = _point_web_at(writable_store)
    try:
        yield Client(HTTP_ACCEPT_LANGUAGE="fr")
    finally:
        override.disable()
