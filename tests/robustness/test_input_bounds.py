"""Unvalidated input never ends in a server error: numbers beyond 64 bits and NUL bytes in
every page, form and API endpoint, on SQLite and PostgreSQL (issue 15).

Before the fix: `page`, `offset`, `year` and meeting numbers over 2**63 raised
OverflowError (SQLite) or DataError "bigint out of range" (PostgreSQL), and a NUL byte in a
path or query reached PostgreSQL ("A string literal cannot contain NUL") — all 500s. The
sweep walks the URL map and the OpenAPI schema rather than a list of known cases: every
route with a valid sample argument and then with attacked arguments; every query and form
parameter the views read, set to a huge number or given a NUL byte; every API operation's
path, query and JSON body fields. Each answer must be a clean 4xx (or a 2xx/3xx that
ignores the value), never a 5xx.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest

from tests.conftest import copy_store, pg_database

BIG63 = str(2**63)  # one past SQLite's and PostgreSQL's largest integer
HUGE = "1" + "0" * 30
NUMBERS = (BIG63, "-" + HUGE)
# The query and form parameters the views read (request.GET / request.POST, and the search
# and analytics filters); numbers for those that take one.
NUMERIC = ("page", "offset", "year", "meeting", "limit", "top")
FORM_NUMERIC = ("event", "limit", "score", "threshold")
TEXT = ("q", "a", "b", "part", "theme", "status", "status_a", "status_b", "lang", "scope", "ref",
        "open", "show", "addressee", "strength", "next", "ui", "download", "action", "source",
        "target", "text", "note", "op", "label", "label_en", "parent", "scope_note")  # fmt: skip
SKIPPED = ("admin/", "i18n/", "api/", "accounts/", "publication/")  # Django's own; API below;
# the publication renders the whole compendium per request and reads no parameter


def _valid(name: str, route: str, samples: dict) -> str:
    if name == "fmt":
        return "csv" if route.startswith("exports") else "md"
    if name == "name":
        return "heatmap"
    return samples[name]


def _attacks(name: str) -> list[str]:
    """Path arguments: a number beyond 64 bits where the argument holds one, NUL bytes."""
    numbers = {"key": ["A:" + BIG63, "B:" + HUGE], "ref": ["A:I." + BIG63, "A:" + HUGE + ".1"]}
    return [*numbers.get(name, [BIG63]), "\x00", "A:VII\x00"]


def _routes(samples: dict) -> list[tuple[str, dict, dict]]:
    """(route, valid kwargs, {kwarg: attack values}) for every page of the URL map."""
    from django.urls import get_resolver

    out = []
    for pattern in get_resolver().url_patterns:
        route = str(pattern.pattern)
        if route.startswith(SKIPPED):
            continue
        names = list(pattern.pattern.converters)
        valid = {n: _valid(n, route, samples) for n in names}
        out.append((route, valid, {n: _attacks(n) for n in names}))
    return out


def _path(route: str, kwargs: dict) -> str:
    import re

    def arg(m):
        return quote(kwargs[m.group(2)], safe=":")

    return "/" + re.sub(r"<(\w+:)?(\w+)>", arg, route)


def _requests(samples: dict):
    """(method, path, data) of the sweep over the web pages and forms."""
    forms = {"action": "add", "ref": "A:I.22", "theme": samples["label"], "source": "A:I.22",
             "target": "A:II.1", "text": "trafic illicite de migrants", "op": "rename",
             "label": samples["label"], "limit": "10", "score": "0.5", "threshold": "0.5",
             "event": "1"}  # fmt: skip
    for route, valid, attacks in _routes(samples):
        for name, values in attacks.items():
            for value in values:
                yield "GET", _path(route, {**valid, name: value}), None
        path = _path(route, valid)
        for name in NUMERIC:
            yield "GET", path + "?" + urlencode({"q": "trafic", name: BIG63}), None
        for name in FORM_NUMERIC:
            yield "POST", path, {**forms, name: BIG63}
        yield "GET", path + "?" + urlencode({n: "trafic\x00migrants" for n in TEXT}), None
        yield "GET", path + "?" + urlencode({"q": "trafic\x00migrants"}), None
        yield "POST", path, {k: v + "\x00" for k, v in forms.items()}


def _api_requests(schema: dict, samples: dict):
    """(method, path, JSON body) for every operation of the OpenAPI schema: each integer
    parameter and body field beyond 64 bits, each string one with a NUL byte."""
    valid = {"ref": "A:I.22", "key": "A:VII", "label": samples["label"], "event_id": "1",
             "source_file": samples["source_file"], "q": "trafic", "a": "A:I.22",
             "b": "A:II.1", "text": "trafic illicite de migrants",
             "theme": samples["label"]}  # fmt: skip

    def kind(param_schema: dict) -> str:
        types = [param_schema.get("type")] + [s.get("type") for s in param_schema.get("anyOf", [])]
        return "integer" if "integer" in types else "number" if "number" in types else "string"

    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            params = op.get("parameters", [])
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            fields = _body_fields(schema, body.get("schema", {}))
            base_path = {p["name"]: valid.get(p["name"], "x") for p in params if p["in"] == "path"}
            base_query = {p["name"]: valid[p["name"]] for p in params
                          if p["in"] == "query" and p.get("required")}  # fmt: skip
            base_body = {n: _sample_value(n, t, valid) for n, t in fields.items()}

            def url(path_args, query, path=path):
                out = path
                for k, v in path_args.items():
                    out = out.replace("{" + k + "}", quote(v, safe=":"))
                return out + ("?" + urlencode(query) if query else "")

            for p in params:
                if kind(p["schema"]) == "integer":
                    attacks = [*NUMBERS, "\x00"]
                elif p["in"] == "path":
                    attacks = _attacks(p["name"])
                else:  # strings; some hold numbers (meeting)
                    attacks = [
                        "trafic\x00migrants",
                        "\x00",
                        *(NUMBERS if p["name"] in NUMERIC else ()),
                    ]
                for value in attacks:
                    if p["in"] == "path":
                        yield method, url({**base_path, p["name"]: value}, base_query), base_body
                    else:
                        query = {**base_query, p["name"]: value}
                        yield method, url(base_path, query), base_body
            for name, t in fields.items():
                values = (int(BIG63), -int(HUGE)) if t == "integer" else ("a\x00b",)
                for value in values:
                    yield method, url(base_path, base_query), {**base_body, name: value}


def _body_fields(schema: dict, body: dict) -> dict[str, str]:
    """{field: "integer" | "number" | "string" | "other"} of a JSON request body."""
    if "$ref" in body:
        body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    out = {}
    for name, prop in body.get("properties", {}).items():
        types = [prop.get("type")] + [s.get("type") for s in prop.get("anyOf", [])]
        out[name] = next((t for t in ("integer", "number", "string") if t in types), "other")
    return out


def _sample_value(name: str, kind: str, valid: dict):
    if kind == "integer":
        return 5
    if kind == "number":
        return 0.5
    if kind == "string":
        return valid.get(name, "A:I.22" if "ref" in name else "x")
    return None


def _sweep(client, requests) -> tuple[int, list[str]]:
    import json

    failures, count = [], 0
    for method, path, data in requests:
        count += 1
        if method == "GET":
            r = client.get(path)
        elif data is None or (isinstance(data, dict) and path.startswith("/api/")):
            r = client.generic(method, path, json.dumps(data or {}),
                               content_type="application/json")  # fmt: skip
        else:
            r = client.post(path, data)
        if r.status_code == 503 and b"retry in a minute" in r.content:
            continue  # designed: no theme suggester trained yet in the test store
        if r.status_code >= 500:
            failures.append(f"{method} {path} {data!r}: {r.status_code}")
        elif ("\x00" in path + repr(data) or "%00" in path) and not (
            r.status_code in (400, 404, 405, 422) or 300 <= r.status_code < 400
        ):
            failures.append(f"{method} {path} {data!r}: {r.status_code}, not refused")
    return count, failures


def _admin_client(store):
    from django.contrib.auth.models import User
    from django.test import Client

    def make():
        return User.objects.create_superuser("sweep", password="not-used-sweep-7")

    user = store.run(make)
    client = Client(HTTP_ACCEPT_LANGUAGE="fr", raise_request_exception=False)
    store.run(client.force_login, user)  # the session is saved in the store's database
    return client


@pytest.fixture(params=["sqlite", "postgresql"])
def swept_store(request, corpus_store, tmp_path):
    """A writable copy of the corpus store (the sweep posts forms), SQLite or PostgreSQL."""
    from recueil.store import open_store

    if request.param == "sqlite":
        yield copy_store(corpus_store, tmp_path / "sweep.sqlite3")
        return
    template = request.getfixturevalue("pg_corpus_url")
    with pg_database(template=template) as url:
        store = open_store(url, migrate=False)
        yield store
        store.close()


def _samples(store) -> dict:
    from recueil.store.models import Document, Theme

    def read():
        document = Document.objects.order_by("id").first()
        return {"label": Theme.objects.order_by("id").first().label, "key": "A:VII",
                "ref": "A:I.22", "source_file": document.source_file}  # fmt: skip

    return store.run(read)


def _point_web_at(store):
    from django.test.utils import override_settings

    return override_settings(RECUEIL_DB_ALIAS=store.alias)


def test_pages_and_forms_refuse_huge_numbers_and_nul_bytes(swept_store, _test_environment):
    samples = _samples(swept_store)
    with _point_web_at(swept_store):
        client = _admin_client(swept_store)
        count, failures = _sweep(client, _requests(samples))
    print(f"{swept_store.alias}: {count} page and form requests, {len(failures)} failures")
    assert not failures, f"{len(failures)} of {count}:\n" + "\n".join(failures[:40])


def test_api_refuses_huge_numbers_and_nul_bytes(swept_store, _test_environment):
    samples = _samples(swept_store)
    with _point_web_at(swept_store):
        client = _admin_client(swept_store)
        schema = client.get("/api/openapi.json").json()
        count, failures = _sweep(client, _api_requests(schema, samples))
    print(f"{swept_store.alias}: {count} API requests, {len(failures)} failures")
    assert not failures, f"{len(failures)} of {count}:\n" + "\n".join(failures[:40])
