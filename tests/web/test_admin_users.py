"""Admin: users (add, change, disable; audited; passwords never shown) and templates (checked when saved),
on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from sellerdesk.services import users
from sellerdesk.services.database import Database
from tests.web.conftest import PASSWORD, csrf_of, make_client, sign_in

NEW_PASSWORD = "a fresh long password"


@pytest.fixture
def admin(seeded: Database) -> Iterator[TestClient]:
    with make_client(seeded) as client:
        sign_in(client, "alice")
        yield client


def test_an_admin_adds_a_user_who_can_then_sign_in(admin: TestClient, seeded: Database) -> None:
    token = csrf_of(admin, "/admin/users")
    added = admin.post("/admin/users", data={"csrf_token": token, "name": "amy", "password": NEW_PASSWORD,
                                             "role": "agent", "ui_language": "zh_Hans",
                                             "stores": ["*", "acme-us"]}, follow_redirects=False)
    assert added.status_code == 303
    page = admin.get("/admin/users").text
    assert ">amy</th>" in page
    assert NEW_PASSWORD not in page
    assert "argon2" not in page
    with seeded.reading() as store:
        amy = users.require_user(store, "amy")
        assert (amy.role, amy.stores, amy.ui_language) == ("agent", ["acme-us"], "zh_Hans")
        entry = store.audit_entries(action="user_add")[0]
    assert (entry.actor, entry.detail["user"]) == ("alice", "amy")
    assert NEW_PASSWORD not in str(entry.detail)
    with make_client(seeded) as other:
        sign_in(other, "amy", NEW_PASSWORD)


def test_a_weak_password_or_taken_name_is_refused_with_the_reason(admin: TestClient) -> None:
    token = csrf_of(admin, "/admin/users")
    short = admin.post("/admin/users", data={"csrf_token": token, "name": "amy", "password": "short",
                                             "role": "agent", "stores": ["*"]})
    assert short.status_code == 422
    assert "too short: use at least 10 characters" in short.text
    taken = admin.post("/admin/users", data={"csrf_token": token, "name": "bob", "password": NEW_PASSWORD,
                                             "role": "agent", "stores": ["*"]})
    assert "exists already" in taken.text


def test_role_stores_language_change_and_disabling_are_audited(admin: TestClient, seeded: Database) -> None:
    token = csrf_of(admin, "/admin/users")
    changed = admin.post("/admin/users/bob", data={"csrf_token": token, "role": "viewer", "ui_language": "en",
                                                   "stores": ["*"], "active": "no"}, follow_redirects=False)
    assert changed.status_code == 303
    with seeded.reading() as store:
        bob = users.require_user(store, "bob")
        assert (bob.role, bob.stores, bob.active) == ("viewer", ["*"], False)
        detail = store.audit_entries(action="user_change")[0].detail
    assert detail == {"user": "bob", "role": "viewer", "stores": ["*"], "active": False}
    with make_client(seeded) as other:
        refused = other.post("/login", data={"name": "bob", "password": PASSWORD, "csrf_token": csrf_of(other)})
        assert refused.status_code == 401


def test_an_admin_cannot_lock_themselves_out(admin: TestClient) -> None:
    token = csrf_of(admin, "/admin/users")
    response = admin.post("/admin/users/alice", data={"csrf_token": token, "role": "admin", "stores": ["*"],
                                                      "active": "no"})
    assert response.status_code == 422
    assert "cannot disable their own account" in response.text


def test_templates_are_checked_when_saved(admin: TestClient, seeded: Database) -> None:
    token = csrf_of(admin, "/admin/templates/edit?store=acme-us")
    form = {"csrf_token": token, "store": "acme-us", "name": "where-is-it", "language": "en",
            "intent": "order_status"}
    blocked = admin.post("/admin/templates/save", data={
        **form, "body": "Hello {buyer_name}, write to us at help@acme.example for the status."})
    assert blocked.status_code == 422
    assert "was not saved" in blocked.text
    assert 'data-rule="email_address"' in blocked.text
    assert '<mark class="sev-block"' in blocked.text
    saved = admin.post("/admin/templates/save", data={
        **form, "body": "Hello {buyer_name}, your order {order_id} is on its way."}, follow_redirects=False)
    assert saved.status_code == 303
    listing = admin.get(saved.headers["location"]).text
    assert "Template saved: where-is-it" in listing
    assert ">where-is-it</a>" in listing
    editor = admin.get("/admin/templates/edit?store=acme-us&name=where-is-it&language=en").text
    assert "your order {order_id} is on its way." in editor
    unknown = admin.post("/admin/templates/save", data={**form, "body": "Hello {nobody_knows_this}"})
    assert unknown.status_code == 422
    assert "nobody_knows_this" in unknown.text
    assert admin.get("/admin/templates?store=nowhere").status_code == 404
