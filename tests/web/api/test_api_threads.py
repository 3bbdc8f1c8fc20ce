"""GET /api/v1/threads, /threads/{id}, /messages/{id} and /threads/{id}/draft on SQLite and PostgreSQL."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sellerdesk.services.database import Database
from tests.web.api.conftest import add_threads, bearer, token_for
from tests.web.conftest import make_client


def get(client: TestClient, token: str, path: str, **params: object) -> dict:  # type: ignore[type-arg]
    response = client.get(f"/api/v1{path}", headers=bearer(token), params=params)
    assert response.status_code == 200, response.text
    body: dict = response.json()  # type: ignore[type-arg]
    return body


def test_threads_list_like_the_inbox_with_filters_and_pages(seeded: Database) -> None:
    ids = add_threads(seeded)
    token = token_for(seeded, "alice")
    with make_client(seeded) as client:
        everything = get(client, token, "/threads")
        assert {t["id"] for t in everything["threads"]} == set(ids.values())
        assert all(t["state"] == "open" and t["due_at"] for t in everything["threads"])
        assert [t["id"] for t in get(client, token, "/threads", store="acme-de")["threads"]] == [ids["de"]]
        assert [t["id"] for t in get(client, token, "/threads", q="broken")["threads"]] == [ids["us_broken"]]
        first = get(client, token, "/threads", page_size=2)
        second = get(client, token, "/threads", page_size=2, page=2)
    assert first["has_next"] is True
    assert second["has_next"] is False
    assert len(first["threads"]) + len(second["threads"]) == 3


def test_an_agent_sees_only_its_stores(seeded: Database) -> None:
    ids = add_threads(seeded)
    token = token_for(seeded, "bob")  # agent of acme-de only
    with make_client(seeded) as client:
        assert [t["id"] for t in get(client, token, "/threads")["threads"]] == [ids["de"]]
        hidden = client.get(f"/api/v1/threads/{ids['us_tracking']}", headers=bearer(token))
        assert client.get(f"/api/v1/threads/{ids['us_tracking']}/draft", headers=bearer(token)).status_code == 404
    assert hidden.status_code == 404
    assert hidden.json()["error"]["code"] == "not_found"


def test_one_thread_with_its_messages_and_one_message(seeded: Database) -> None:
    ids = add_threads(seeded)
    token = token_for(seeded, "vera")  # viewers read everything they may see
    with make_client(seeded) as client:
        thread = get(client, token, f"/threads/{ids['us_broken']}")
        message_id = thread["messages"][0]["id"]
        message = get(client, token, f"/messages/{message_id}")
        assert client.get("/api/v1/messages/999999", headers=bearer(token)).status_code == 404
    assert thread["store"] == "acme-us"
    assert thread["buyer"] == "Sam"
    assert thread["messages"][0]["text"] == "The kettle arrived broken."
    assert thread["intent"] == "damaged_defective"
    assert message == thread["messages"][0]


def test_a_draft_answers_the_newest_buyer_message_in_its_language(seeded: Database) -> None:
    ids = add_threads(seeded)
    token = token_for(seeded, "alice")
    with make_client(seeded) as client:
        english = get(client, token, f"/threads/{ids['us_tracking']}/draft")
        german = get(client, token, f"/threads/{ids['de']}/draft")
    assert english["intent"] == "tracking_request"
    assert english["language"] == "en"
    assert english["draft"]
    assert english["check"]["verdict"] in ("pass", "warn")
    assert german["language"] == "de"
