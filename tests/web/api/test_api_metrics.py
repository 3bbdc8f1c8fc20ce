"""GET /api/v1/metrics: Contact Response Time for the stores a token may see (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sellerdesk.services.database import Database
from tests.web.api.conftest import add_threads, bearer, token_for
from tests.web.conftest import T0, make_client

WINDOW = {"end": (T0 + timedelta(days=2)).isoformat(), "days": 3}


def test_metrics_cover_every_store_for_an_admin_and_own_stores_for_an_agent(seeded: Database) -> None:
    add_threads(seeded)
    with make_client(seeded) as client:
        admin = client.get("/api/v1/metrics", params={**WINDOW, "group_by": "store"},
                           headers=bearer(token_for(seeded, "alice"))).json()
        agent = client.get("/api/v1/metrics", params=WINDOW, headers=bearer(token_for(seeded, "bob"))).json()
        hidden = client.get("/api/v1/metrics", params={**WINDOW, "store": "acme-us"},
                            headers=bearer(token_for(seeded, "bob", name="b2")))
    total, *per_store = admin["lines"]
    assert (total["store"], total["group_by"], total["received"], total["no_response"]) == (None, "all", 3, 3)
    assert total["within_24h_share"] == 0.0
    assert {line["group"]: line["received"] for line in per_store} == {"acme-us": 2, "acme-de": 1}
    assert [(line["store"], line["received"]) for line in agent["lines"]] == [("acme-de", 1)]
    assert hidden.status_code == 404


def test_the_window_is_days_ending_at_end_and_never_past_now(sqlite_db: Database) -> None:
    token = token_for(sqlite_db, "alice")
    with make_client(sqlite_db) as client:
        naive = client.get("/api/v1/metrics", params={"end": "2026-03-02T00:00:00"}, headers=bearer(token))
        no_days = client.get("/api/v1/metrics", params={"days": 0}, headers=bearer(token))
        number = client.get("/api/v1/metrics", params={"end": "0.5"}, headers=bearer(token))
        far = client.get("/api/v1/metrics", params={"end": "9999-12-31T23:59:59-05:00", "days": 7},
                         headers=bearer(token)).json()
        early = client.get("/api/v1/metrics", params={"end": "0001-01-02T00:00:00+00:00"}, headers=bearer(token))
    assert [r.status_code for r in (naive, no_days, number, early)] == [422, 422, 422, 200]
    assert datetime.fromisoformat(far["end"]) <= datetime.now(UTC)
    assert datetime.fromisoformat(far["end"]) - datetime.fromisoformat(far["start"]) == timedelta(days=7)
    assert far["lines"][0]["received"] == 0
