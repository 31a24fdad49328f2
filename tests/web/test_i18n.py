"""The interface in French and English: catalogues, the language switch, lang and dir."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "src" / "recueil" / "web" / "locale"


def _po_entries(path: Path) -> dict[str, str]:
    """msgid → msgstr (first plural form) of a .po file, header excluded."""
    entries, key, current = {}, None, None
    out: dict[str, list[str]] = {}
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith(("msgid ", "msgid_plural ", "msgstr ", "msgstr[0] ", "msgstr[1] ")):
            key = line.split(" ", 1)[0]
            out[key] = [ast.literal_eval(line.split(" ", 1)[1])]
        elif line.startswith('"') and key:
            out[key].append(ast.literal_eval(line))
        elif not line.strip():
            if "msgid" in out and "".join(out["msgid"]):
                current = "".join(out.get("msgstr") or out.get("msgstr[0]") or [])
                entries["".join(out["msgid"])] = current
            out, key = {}, None
    return entries


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_compiled_catalogue_matches_its_po_file(lang):
    po = _po_entries(LOCALE / lang / "LC_MESSAGES" / "django.po")
    with (LOCALE / lang / "LC_MESSAGES" / "django.mo").open("rb") as f:
        mo = gettext.GNUTranslations(f)
    assert len(po) > 100
    for msgid, msgstr in po.items():
        assert mo.gettext(msgid) == (msgstr or msgid), msgid


def test_french_catalogue_translates_every_string():
    po = _po_entries(LOCALE / "fr" / "LC_MESSAGES" / "django.po")
    assert [m for m, s in po.items() if not s] == []


def test_french_is_the_default_interface(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="").content.decode()
    assert '<html lang="fr" dir="ltr">' in page and "Index thématique" in page


def test_language_switch_turns_the_interface_to_english_and_keeps_texts_french(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/items/A:I.22"})
    assert response.status_code == 302 and response["Location"] == "/items/A:I.22"
    page = client.get("/items/A:I.22").content.decode()
    assert '<html lang="en" dir="ltr">' in page
    assert "Copy citation" in page and "Thematic index" in page and "Copier" not in page
    assert '<blockquote class="item-body" lang="fr">' in page  # the adopted text stays French
    back = client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert back.status_code == 302
    assert "Index thématique" in client.get("/").content.decode()


def test_french_is_the_default_whatever_the_browser_says(client):
    page = client.get("/themes/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert '<html lang="fr"' in page and "<h1>Index thématique</h1>" in page


def test_ui_parameter_switches_and_is_remembered_without_changing_urls(client):
    page = client.get("/themes/", {"ui": "en"})
    assert page.cookies["recueil_language"].value == "en"
    assert "<h1>Thematic index</h1>" in page.content.decode()
    again = client.get("/themes/").content.decode()  # the cookie remembers the choice
    assert '<html lang="en"' in again and "<h1>Thematic index</h1>" in again
    assert "<h1>Index thématique</h1>" in client.get("/themes/", {"ui": "fr"}).content.decode()
    assert client.get("/themes/", {"ui": "xx"}).status_code == 200  # ignored, not an error


def test_a_right_to_left_language_sets_dir_rtl(client, settings_override_ar):
    client.cookies["recueil_language"] = "ar"
    page = client.get("/").content.decode()
    assert '<html lang="ar" dir="rtl">' in page


@pytest.fixture
def settings_override_ar():
    """Arabic offered as if its catalogue were installed (Django ships its own strings)."""
    from django.conf import settings
    from django.test.utils import override_settings

    with override_settings(LANGUAGES=[*settings.LANGUAGES, ("ar", "العربية")]):
        yield
