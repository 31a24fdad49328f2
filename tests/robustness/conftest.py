"""Fixtures of the robustness tests: the web tests' clients and stores, reused."""

from __future__ import annotations

import pytest

from tests.web.conftest import (  # noqa: F401  (pytest finds fixtures by name)
    client,
    writable_client,
    writable_store,
)


@pytest.fixture(scope="module")
def _test_environment():
    """Django's test environment for this module, unless tests/web's session fixture has
    set it up already (both in one run: it may only be set up once at a time)."""
    from django.test import utils

    if hasattr(utils._TestState, "saved_data"):
        yield
        return
    utils.setup_test_environment()
    try:
        yield
    finally:
        utils.teardown_test_environment()
