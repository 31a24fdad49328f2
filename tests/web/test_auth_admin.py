"""Roles, login/logout, CSRF and the admin's curation of theme assignments."""

from __future__ import annotations

import re

import pytest


def _make_user(store, name: str, group: str, *, staff: bool = True):
    from django.contrib.auth.models import Group, User

    def make():
        user = User.objects.create_user(name, password="a long passphrase 42", is_staff=staff)
        user.groups.add(Group.objects.get(name=group))
        return user

    return store.run(make)


def test_roles_exist_with_their_permissions(writable_store):
    from django.contrib.auth.models import Group

    def perms():
        return {
            g.name: set(g.permissions.values_list("codename", flat=True))
            for g in Group.objects.all()
        }

    roles = writable_store.run(perms)
    assert {"reader", "editor", "admin"} <= set(roles)
    assert "view_item" in roles["reader"] and "change_assignment" not in roles["reader"]
    assert {"add_assignment", "change_assignment", "delete_assignment"} <= roles["editor"]
    assert "delete_item" not in roles["editor"] and "delete_item" in roles["admin"]


def test_login_and_logout(writable_client, writable_store):
    _make_user(writable_store, "reader1", "reader", staff=False)
    page = writable_client.get("/accounts/login/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in page and '<label for="id_username">' in page
    bad = writable_client.post("/accounts/login/", {"username": "reader1", "password": "no"})
    assert bad.status_code == 200 and 'role="alert"' in bad.content.decode()
    ok = writable_client.post(
        "/accounts/login/", {"username": "reader1", "password": "a long passphrase 42"}
    )
    assert ok.status_code == 302
    assert "reader1" in writable_client.get("/").content.decode()
    out = writable_client.post("/accounts/logout/")
    assert out.status_code == 302
    assert "reader1" not in writable_client.get("/").content.decode()


def test_csrf_is_enforced_on_forms(writable_store, _test_environment):
    from django.test import Client, override_settings

    with override_settings(RECUEIL_DB_ALIAS=writable_store.alias):
        strict = Client(enforce_csrf_checks=True)
        response = strict.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403


def test_editor_adds_a_theme_in_the_admin_and_it_is_recorded_as_curated(
    writable_client, writable_store
):
    from recueil.store import queries
    from recueil.store.models import Item, Theme

    _make_user(writable_store, "editor1", "editor")
    writable_store.run(writable_client.login, username="editor1", password="a long passphrase 42")
    assert writable_client.get("/admin/").status_code == 200
    item_id, theme_id = writable_store.run(
        lambda: (
            Item.objects.get(ref="A:VII.3", status="adopted").id,
            Theme.objects.get(label="Coopération internationale").id,
        )
    )
    form = writable_client.get("/admin/recueil/assignment/add/")
    assert form.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode())[1]
    response = writable_client.post(
        "/admin/recueil/assignment/add/",
        {"csrfmiddlewaretoken": token, "item": item_id, "theme": theme_id, "note": "web test"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item = writable_store.run(queries.get_item, "A:VII.3")
    curated = [a for a in item["assignments"] if a["theme"] == "Coopération internationale"]
    assert [(a["origin"], a["user"]) for a in curated] == [("curated", "editor1")]
    page = writable_client.get("/items/A:VII.3").content.decode()
    assert "ajouté par un éditeur · editor1" in page
    # the admin goes through the same audited decisions as the review pages
    from recueil.store import curation

    trail = writable_store.run(curation.history, ref="A:VII.3")
    first = trail[0]
    assert (first["action"], first["theme"], first["user"]) == (
        "add", "Coopération internationale", "editor1"
    )  # fmt: skip


@pytest.mark.parametrize("url", ["/admin/recueil/item/", "/admin/recueil/theme/"])
def test_admin_needs_a_staff_login(writable_client, url):
    response = writable_client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_reader_cannot_change_assignments(writable_client, writable_store):
    _make_user(writable_store, "reader2", "reader")
    writable_store.run(writable_client.login, username="reader2", password="a long passphrase 42")
    assert writable_client.get("/admin/recueil/assignment/add/").status_code == 403


def test_editor_sees_an_item_read_only_with_its_assignments_inline(writable_client, writable_store):
    from recueil.store.models import Item

    _make_user(writable_store, "editor3", "editor")
    writable_store.run(writable_client.login, username="editor3", password="a long passphrase 42")
    item_id = writable_store.run(lambda: Item.objects.get(ref="A:I.22", status="adopted").id)
    page = writable_client.get(f"/admin/recueil/item/{item_id}/change/").content.decode()
    assert "Convention de Vienne sur les relations consulaires" in page  # an inline assignment
    assert 'name="text"' not in page  # the item's own text is not editable
