"""Fixtures of the robustness tests: the web tests' clients and stores, reused."""

from __future__ import annotations

from tests.web.conftest import (  # noqa: F401  (pytest finds fixtures by name)
    client,
    writable_client,
    writable_store,
)
