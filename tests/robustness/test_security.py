"""The hardening of docs/security.md, enforced: headers, cookies, secret key, DEBUG, hosts,
throttled logins, bounded uploads, no traversal, no XSS (stored or reflected), no open
redirect."""

from __future__ import annotations

import base64
import io
import logging
import os
import re
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

PASSWORD = "a long passphrase 42"
PAGES = [
    "/",
    "/search?q=trafic",
    "/items/A:VII.5",
    "/themes/",
    "/meetings/",
    "/documents/",
    "/precedents",
    "/accounts/login/",
]


def _user(store, name: str, group: str):
    from django.contrib.auth.models import Group, User

    def make():
        user, created = User.objects.get_or_create(username=name)
        if created:
            user.set_password(PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name=group))
        return user

    return store.run(make)


@pytest.fixture
def throttle():
    """A clean failure counter before and after (they outlive a test run otherwise)."""
    from django.core.cache import caches

    caches["throttle"].clear()
    yield caches["throttle"]
    caches["throttle"].clear()


# --- Headers and cookies ------------------------------------------------------------------


@pytest.mark.parametrize("url", PAGES)
def test_every_page_sends_the_security_headers(client, url):
    r = client.get(url)
    assert r.status_code == 200
    csp = r["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no CDN
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Referrer-Policy"] == "same-origin"
    assert r["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("url", [*PAGES, "/items/A:XX.99"])
def test_pages_have_no_inline_script_or_style(client, url):
    """What the policy forbids is not used: no <script> without src, no on* handler, no
    style attribute (the browser would block them)."""
    html = client.get(url).content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, tag
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html)
    assert not re.search(r"<[^>]+\sstyle\s*=", html)
    assert "javascript:" not in html.lower()  # a javascript: URL is inline script too


def test_cookies_are_secure_httponly_samesite_over_https(writable_client, writable_store, throttle):
    _user(writable_store, "sec-editor", "editor")
    writable_client.get("/accounts/login/", secure=True)
    csrf = writable_client.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    r = writable_client.post(
        "/accounts/login/", {"username": "sec-editor", "password": PASSWORD}, secure=True
    )
    assert r.status_code == 302
    session = r.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert r["Strict-Transport-Security"].startswith("max-age=")


def test_cookies_over_plain_http_are_not_marked_secure(client):
    r = client.get("/accounts/login/")
    assert not r.cookies["csrftoken"]["secure"]  # a browser would drop it: no login at all
    assert "Strict-Transport-Security" not in r


def test_unknown_host_is_refused(client):
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400


# --- Settings: DEBUG, secret key ------------------------------------------------------------


def _settings_in_subprocess(tmp_path: Path, code: str, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("RECUEIL_")}
    clean.update(
        DJANGO_SETTINGS_MODULE="recueil.web.settings",
        HOME=str(tmp_path),
        XDG_DATA_HOME=str(tmp_path / "data"),
        RECUEIL_DB=str(tmp_path / "x.sqlite3"),
        **env,
    )
    return subprocess.run(
        [sys.executable, "-c", "import recueil.web.settings as s;" + code],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_is_off_by_default_and_refused_for_a_public_host(tmp_path):
    assert _settings_in_subprocess(tmp_path, "print(s.DEBUG)").stdout.strip() == "False"
    bad = _settings_in_subprocess(
        tmp_path, "print(s.DEBUG)", RECUEIL_DEBUG="1", RECUEIL_ALLOWED_HOSTS="recueil.example.org"
    )
    assert bad.returncode != 0 and "ImproperlyConfigured" in bad.stderr


def test_secret_key_is_made_once_per_installation_with_private_permissions(tmp_path):
    first = _settings_in_subprocess(tmp_path, "print(s.SECRET_KEY)").stdout.strip()
    second = _settings_in_subprocess(tmp_path, "print(s.SECRET_KEY)").stdout.strip()
    assert len(first) >= 50 and first == second  # sessions survive a restart
    (key_file,) = (tmp_path / "data").rglob("secret_key")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    tracked = subprocess.run(["git", "grep", "-l", first], cwd=ROOT, capture_output=True)
    assert tracked.stdout == b""  # never in the repository
    other = _settings_in_subprocess(
        tmp_path, "print(s.SECRET_KEY)", RECUEIL_SECRET_KEY="given-key-" + "x" * 50
    )
    assert other.stdout.strip() == "given-key-" + "x" * 50


def test_settings_module_commits_no_key():
    text = (ROOT / "src/recueil/web/settings.py").read_text(encoding="utf-8")
    assert not re.search(r"SECRET_KEY\s*=\s*['\"]", text)


# --- Throttled logins -------------------------------------------------------------------------


def test_login_form_is_throttled_and_audited(writable_client, writable_store, throttle, caplog):
    from django.conf import settings

    _user(writable_store, "sec-login", "editor")
    caplog.set_level(logging.WARNING, logger="recueil.security")
    for _ in range(settings.RECUEIL_LOGIN_FAILURES):
        r = writable_client.post("/accounts/login/", {"username": "sec-login", "password": "no"})
        assert r.status_code == 200
    # locked: even the right password is not checked now
    r = writable_client.post("/accounts/login/", {"username": "sec-login", "password": PASSWORD})
    assert r.status_code == 429 and "sessionid" not in r.cookies
    assert 'role="alert"' in r.content.decode()
    messages = [rec.getMessage() for rec in caplog.records if rec.name == "recueil.security"]
    assert sum("failed form login for 'sec-login'" in m for m in messages) == 5
    assert any("refused form login for 'sec-login'" in m for m in messages)
    throttle.clear()  # the window has passed
    r = writable_client.post("/accounts/login/", {"username": "sec-login", "password": PASSWORD})
    assert r.status_code == 302


def test_http_basic_is_throttled(writable_client, writable_store, throttle, caplog):
    from django.conf import settings

    _user(writable_store, "sec-basic", "editor")
    caplog.set_level(logging.WARNING, logger="recueil.security")

    def get(password):
        token = base64.b64encode(f"sec-basic:{password}".encode()).decode()
        return writable_client.get("/api/history", HTTP_AUTHORIZATION=f"Basic {token}")

    assert get(PASSWORD).status_code == 200
    for _ in range(settings.RECUEIL_LOGIN_FAILURES):
        assert get("wrong").status_code == 401
    assert get(PASSWORD).status_code == 429
    assert any("refused basic login" in rec.getMessage() for rec in caplog.records)


# --- Uploads of the precedent finder ----------------------------------------------------------


def _upload(client, name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/precedents", {"file": SimpleUploadedFile(name, data)})


def test_upload_of_an_unsupported_type_is_refused(client):
    r = _upload(client, "payload.exe", b"MZ\x90\x00" * 100)
    assert r.status_code == 200 and r.context["error"] and r.context["paragraphs"] is None


def test_upload_over_the_size_limit_is_refused(client):
    from recueil.web.agreed import MAX_UPLOAD_BYTES

    r = _upload(client, "big.txt", b"mot " * (MAX_UPLOAD_BYTES // 4 + 1))
    assert r.context["error"] and r.context["paragraphs"] is None


def test_docx_zip_bomb_is_refused_before_it_is_parsed(client):
    """A 200 MB document.xml compressed to a fraction of a megabyte."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w") as f:
            chunk = b" " * (1 << 20)
            for _ in range(200):
                f.write(chunk)
    assert len(buf.getvalue()) < 1_000_000
    r = _upload(client, "bomb.docx", buf.getvalue())
    assert "unzips to" in r.context["error"] and r.context["paragraphs"] is None


def test_uploaded_draft_paragraphs_are_capped(client):
    from recueil.web.agreed import MAX_DRAFT_PARAGRAPHS

    line = "Paragraphe {} sur le trafic illicite de migrants par terre."
    paragraphs = [line.format(i) for i in range(400)]
    r = _upload(client, "long.txt", "\n\n".join(paragraphs).encode())
    assert len(r.context["paragraphs"]) == MAX_DRAFT_PARAGRAPHS


# --- Traversal, XSS, redirects ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "..%2F..%2Fsrc%2Frecueil%2Fweb%2Fsettings.py",
        "%2e%2e",
        "..%5C..%5Cpyproject.toml",
        "%2Fetc%2Fpasswd",
        "..",
        ".",
    ],
)
@pytest.mark.parametrize("what", ["", "/text", "/original"])
def test_no_path_traversal_in_document_downloads(client, name, what):
    r = client.get(f"/documents/{name}{what}")
    assert r.status_code == 404
    assert b"SECRET_KEY" not in r.content and b"root:" not in r.content


def test_document_text_download_header_is_safe(client):
    from recueil.store import queries

    name = client.get("/documents/").context  # the listing works
    assert name is not None
    source = next(iter(Path(ROOT / "corpus").glob("000_*"))).name
    r = client.get(f"/documents/{source}/text")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment;")
    assert queries  # imported for the store's models


MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _no_markup(html: str) -> None:
    assert "<script>alert" not in html
    assert "<img src=x onerror" not in html
    assert "&lt;script&gt;alert" in html or "&lt;img" in html


def test_stored_markup_in_theme_labels_and_item_texts_is_escaped(writable_client, writable_store):
    from recueil.search import ensure_index
    from recueil.store import curation
    from recueil.store.models import Item

    label = "Thème " + MARKUP

    def plant():
        curation.create_theme(label, user="sec")
        curation.add("A:VII.5", label, user="sec")
        item = Item.objects.get(ref="A:VII.6", status="adopted")
        item.text = item.text + " trafic " + MARKUP
        item.save()
        ensure_index(verify=True)

    writable_store.run(plant)
    pages = ["/items/A:VII.5", "/items/A:VII.6", "/themes/", "/search?q=onerror"]
    for url in pages:
        r = writable_client.get(url)
        assert r.status_code == 200, url
        _no_markup(r.content.decode())
    r = writable_client.get("/themes/" + label.replace("/", "%2F"))
    assert r.status_code in (200, 404)
    if r.status_code == 200:
        _no_markup(r.content.decode())


def test_reflected_markup_is_escaped(client):
    for url in [
        f"/search?q={MARKUP}",
        f"/compare?a={MARKUP}&b=A:VII.5",
        f"/themes/{MARKUP}",
        f"/items/{MARKUP}",
        f"/search?q=trafic&theme={MARKUP}",
    ]:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x onerror" not in html, url
    r = client.post("/precedents", {"text": "trafic illicite de migrants par terre " + MARKUP})
    html = r.content.decode()
    assert "<script>alert" not in html and "<img src=x onerror" not in html


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "http:evil.example",
        "javascript:alert(1)",
    ],
)
def test_next_redirects_stay_on_the_site(writable_client, writable_store, throttle, target):
    _user(writable_store, "sec-next", "editor")
    r = writable_client.post(
        "/accounts/login/", {"username": "sec-next", "password": PASSWORD, "next": target}
    )
    assert r.status_code == 302 and r["Location"] == "/"
    r = writable_client.post("/i18n/setlang/", {"language": "en", "next": target})
    assert r["Location"] == "/"


def test_admin_group_members_manage_users(writable_client, writable_store, throttle):
    """The README says admins manage users: an `admin` who is not a superuser may open
    the admin's user list (it was 403)."""
    from django.contrib.auth.models import User

    _user(writable_store, "sec-admin", "admin")
    writable_store.run(lambda: User.objects.filter(username="sec-admin").update(is_staff=True))
    r = writable_client.post("/accounts/login/", {"username": "sec-admin", "password": PASSWORD})
    assert r.status_code == 302
    assert writable_client.get("/admin/auth/user/").status_code == 200
