"""Bearer API tokens on /api/v1: missing, malformed, unknown, revoked, expired, deactivated; no cookies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from sellerdesk.adapters.db.tables import User
from sellerdesk.services import api_tokens
from sellerdesk.services.database import Database
from tests.web.api.conftest import bearer, token_for
from tests.web.conftest import make_client, sign_in


def refusal(client: TestClient, headers: dict[str, str]) -> dict[str, str]:
    response = client.get("/api/v1/threads", headers=headers)
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith("Bearer")
    error: dict[str, str] = response.json()["error"]
    return error


def test_a_request_without_a_token_is_refused_with_a_json_error(client: TestClient) -> None:
    error = refusal(client, {})
    assert error["code"] == "unauthorized"
    assert "sellerdesk token create" in error["message"]


@pytest.mark.parametrize("header", ["Bearer nonsense", "Basic YWxpY2U6cGFzc3dvcmQ=",
                                    "Bearer sd_0123456789ab_" + "A" * 43])
def test_malformed_and_unknown_tokens_are_refused(client: TestClient, header: str) -> None:
    assert refusal(client, {"Authorization": header})["code"] == "unauthorized"


def test_a_good_token_works_until_it_is_revoked(sqlite_db: Database, client: TestClient) -> None:
    token = token_for(sqlite_db, "alice")
    assert client.get("/api/v1/threads", headers=bearer(token)).status_code == 200
    with sqlite_db.reading() as store:
        assert api_tokens.list_tokens(store, now=datetime.now(UTC))[0]["last_used_at"] is not None
    with sqlite_db.transaction() as store:
        api_tokens.revoke_token(store, ident=token[:15], now=datetime.now(UTC), actor="test")
    assert "revoked" in refusal(client, bearer(token))["message"]


def test_an_expired_token_is_refused(sqlite_db: Database, client: TestClient) -> None:
    now = datetime.now(UTC)
    token = token_for(sqlite_db, "alice", created=now - timedelta(hours=2), expires_at=now - timedelta(hours=1))
    assert "expired" in refusal(client, bearer(token))["message"]


def test_a_deactivated_users_token_is_refused(sqlite_db: Database, client: TestClient) -> None:
    token = token_for(sqlite_db, "bob")
    with sqlite_db.transaction() as store:
        user = store.session.get(User, api_tokens.find_token(store, token).user_id)
        assert user is not None
        user.active = False
    assert "deactivated" in refusal(client, bearer(token))["message"]


def test_a_signed_in_browser_session_does_not_open_the_api(sqlite_db: Database) -> None:
    with make_client(sqlite_db) as browser:
        sign_in(browser, "alice")
        assert browser.get("/inbox").status_code == 200
        assert refusal(browser, {})["code"] == "unauthorized"


def test_a_token_with_a_wrong_secret_is_refused(sqlite_db: Database, client: TestClient) -> None:
    token = token_for(sqlite_db, "alice")
    forged = token[:16] + ("B" if token[16] != "B" else "C") + token[17:]
    assert refusal(client, bearer(forged))["code"] == "unauthorized"
    assert client.get("/api/v1/threads", headers=bearer(token)).status_code == 200
