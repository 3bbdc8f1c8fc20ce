"""Signing in, sessions, CSRF, rate limiting and the security headers."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from sellerdesk.errors import ConfigError
from sellerdesk.services import users
from sellerdesk.services.database import Database
from sellerdesk.web.security import CONTENT_SECURITY_POLICY, LoginLimiter
from sellerdesk.web.settings import WebSettings
from tests.web.conftest import PASSWORD, T0, csrf_of, make_client, sign_in


def test_pages_need_a_login(client: TestClient) -> None:
    for path in ("/inbox", "/threads/1", "/messages/1/original"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/login"


def test_htmx_requests_are_told_to_go_to_the_login(client: TestClient) -> None:
    response = client.get("/inbox", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.headers["hx-redirect"] == "/login"


def test_a_good_login_opens_the_inbox_and_sets_a_safe_cookie(sqlite_db: Database) -> None:
    with make_client(sqlite_db, base_url="https://testserver") as client:
        token = csrf_of(client)
        response = client.post("/login", data={"name": "alice", "password": PASSWORD, "csrf_token": token},
                               follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/inbox"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" in cookie


def test_the_login_is_audited(client: TestClient, sqlite_db: Database) -> None:
    sign_in(client, "alice")
    with sqlite_db.reading() as store:
        entries = store.audit_entries(action="login")
    assert [e.actor for e in entries] == ["alice"]


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client: TestClient) -> None:
    for name in ("alice", "nobody"):
        response = client.post("/login", data={"name": name, "password": "not it at all",
                                               "csrf_token": csrf_of(client)})
        assert response.status_code == 401
        assert "Wrong user name or password." in response.text
    assert client.get("/inbox", follow_redirects=False).status_code == 303


def test_a_post_without_the_csrf_token_is_refused(client: TestClient) -> None:
    csrf_of(client)  # the session exists, but the form does not carry its token
    response = client.post("/login", data={"name": "alice", "password": PASSWORD})
    assert response.status_code == 403
    assert "Reload the page" in response.text
    response = client.post("/login", data={"name": "alice", "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 403


def test_the_token_changes_at_login_so_an_old_one_is_worthless(client: TestClient) -> None:
    before = csrf_of(client)
    sign_in(client, "alice")
    after = csrf_of(client, "/inbox")
    assert before != after
    assert client.post("/logout", data={"csrf_token": before}).status_code == 403
    assert client.post("/logout", data={"csrf_token": after}, follow_redirects=False).status_code == 303
    assert client.get("/inbox", follow_redirects=False).status_code == 303


def test_logins_are_rate_limited_per_address_and_user(sqlite_db: Database) -> None:
    with make_client(sqlite_db, login_failures=3) as client:
        for _ in range(3):
            bad = client.post("/login", data={"name": "alice", "password": "wrong password",
                                              "csrf_token": csrf_of(client)})
            assert bad.status_code == 401
        blocked = client.post("/login", data={"name": "alice", "password": PASSWORD, "csrf_token": csrf_of(client)})
        assert blocked.status_code == 429
        assert int(blocked.headers["retry-after"]) > 0
        sign_in(client, "bob")  # another user from the same address is not locked out


def test_the_limiter_forgets_failures_after_the_window() -> None:
    now = [0.0]
    limiter = LoginLimiter(failures=2, window_seconds=60, clock=lambda: now[0])
    limiter.failed("10.0.0.1", "Alice")
    limiter.failed("10.0.0.1", "alice")
    assert limiter.retry_after("10.0.0.1", "ALICE") == 61
    assert limiter.retry_after("10.0.0.2", "alice") == 0
    now[0] = 61.0
    assert limiter.retry_after("10.0.0.1", "alice") == 0


def test_the_limiter_keeps_a_bounded_number_of_pairs() -> None:
    limiter = LoginLimiter(failures=1, window_seconds=60, clock=lambda: 0.0, max_keys=2)
    for n in range(3):
        limiter.failed(f"10.0.0.{n}", "x")
    assert limiter.retry_after("10.0.0.0", "x") == 0
    assert limiter.retry_after("10.0.0.2", "x") > 0


def test_the_demo_password_is_refused_unless_the_demo_is_on(sqlite_db: Database) -> None:
    with sqlite_db.transaction() as store:
        users.ensure_demo_user(store, now=T0)
    with make_client(sqlite_db) as client:
        refused = client.post("/login", data={"name": "demo", "password": "demo", "csrf_token": csrf_of(client)})
        assert refused.status_code == 401
        assert "demo database" in refused.text
    with make_client(sqlite_db, allow_demo_login=True) as client:
        sign_in(client, "demo", "demo")


def test_every_response_carries_the_strict_headers(client: TestClient) -> None:
    for path in ("/login", "/static/app.js", "/nowhere"):
        headers = client.get(path).headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
    policy = CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert "script-src 'self';" in policy


def test_pages_have_no_inline_script_or_style(client: TestClient) -> None:
    sign_in(client, "alice")
    for path in ("/login", "/inbox"):
        html = client.get(path).text
        assert "<script>" not in html
        assert " style=" not in html
        assert " onclick=" not in html


def test_the_language_switch_only_redirects_within_the_site(client: TestClient) -> None:
    token = csrf_of(client)
    for target, expected in (("/inbox", "/inbox"), ("//evil.example/", "/inbox"), ("https://evil.example", "/inbox")):
        response = client.post("/language", data={"language": "en", "next": target, "csrf_token": token},
                               follow_redirects=False)
        assert response.headers["location"] == expected


def test_a_post_from_another_site_is_refused_even_with_the_token(client: TestClient) -> None:
    token = csrf_of(client)
    response = client.post("/login", data={"name": "alice", "password": PASSWORD, "csrf_token": token},
                           headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    same_site = client.post("/login", data={"name": "alice", "password": PASSWORD, "csrf_token": token},
                            headers={"Origin": "http://testserver"}, follow_redirects=False)
    assert same_site.status_code == 303


def test_a_short_secret_key_is_refused() -> None:
    with pytest.raises(ConfigError, match="at least 32"):
        WebSettings(secret_key="too short")
