"""Numbers read from a request's query or form, parsed within bounds.

A number from a URL reaches the database as a 64-bit integer at most: `offset=2**63` was
an OverflowError on SQLite and "bigint out of range" on PostgreSQL (a 500). Every page reads
its numbers through `int_param`, which answers 400 for anything but a whole number within
the bounds the page can use.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.http import QueryDict

MAX_OFFSET = 10**9  # the API's bound too (web/api.py check_range)
MAX_PAGE = MAX_OFFSET // 100
YEARS = (1, 9999)


def int_param(params: QueryDict | dict, name: str, *, default: int | None, low: int,
              high: int) -> int | None:  # fmt: skip
    """`params[name]` as an int in [low, high]; `default` when absent or empty; else 400."""
    text = str(params.get(name) or "").strip()
    if not text:
        return default
    if len(text) > 20 or not text.lstrip("-").isdigit():
        raise BadRequest(f"{name} must be a whole number from {low} to {high}")
    value = int(text)
    if not low <= value <= high:
        raise BadRequest(f"{name} must be a whole number from {low} to {high}")
    return value
