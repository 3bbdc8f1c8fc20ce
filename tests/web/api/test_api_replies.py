"""POST /api/v1/checks and /threads/{id}/replies: the guard, roles, stores, and one send per Idempotency-Key."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from httpx import Response

from sellerdesk.services.database import Database
from sellerdesk.services.outbox import send_outbox
from tests.smtp_server import SmtpSink
from tests.web.api.conftest import bearer, token_for
from tests.web.conftest import BAD, GOOD, make_client, seed, setup_store


def send(client: TestClient, token: str, thread_id: int, key: str, **body: object) -> Response:
    return client.post(f"/api/v1/threads/{thread_id}/replies", json=body,
                       headers={**bearer(token), "Idempotency-Key": key})


def test_checks_report_the_findings_of_contracts_section_2(sqlite_db: Database) -> None:
    token = token_for(sqlite_db, "vera")  # checking sends nothing: viewers may
    with make_client(sqlite_db) as client:
        blocked = client.post("/api/v1/checks", json={"text": BAD, "marketplace": "US"}, headers=bearer(token))
        clean = client.post("/api/v1/checks", json={"text": GOOD}, headers=bearer(token))
        case = client.post("/api/v1/checks", json={"text": "HELP!!! URGENT", "kind": "case"}, headers=bearer(token))
        wrong_kind = client.post("/api/v1/checks", json={"text": GOOD, "kind": "letter"}, headers=bearer(token))
        wrong_market = client.post("/api/v1/checks", json={"text": GOOD, "marketplace": "XX"}, headers=bearer(token))
        extra = client.post("/api/v1/checks", json={"text": GOOD, "txet": 1}, headers=bearer(token))
    assert blocked.json()["verdict"] == "block"
    assert [f["rule"] for f in blocked.json()["findings"]] == ["email_address"]
    assert clean.json() == {"verdict": "pass", "findings": []}
    assert "shouting" in {f["rule"] for f in case.json()["findings"]}
    assert wrong_kind.status_code == 422
    assert wrong_kind.json()["error"]["details"][0]["field"] == "body.kind"
    assert extra.status_code == 422
    assert wrong_market.status_code == 422


def test_a_check_in_a_thread_uses_the_threads_context(sqlite_db: Database, sink: SmtpSink) -> None:
    config, thread_id = setup_store(sqlite_db, sink)
    with make_client(sqlite_db, config=config) as client:
        mine = client.post(f"/api/v1/threads/{thread_id}/checks", json={"text": BAD},
                           headers=bearer(token_for(sqlite_db, "alice")))
        hidden = client.post(f"/api/v1/threads/{thread_id}/checks", json={"text": GOOD},
                             headers=bearer(token_for(sqlite_db, "bob")))
    assert mine.json()["verdict"] == "block"
    assert hidden.status_code == 404


def test_a_retried_send_queues_one_reply_and_one_mail_leaves(db: Database, sink: SmtpSink) -> None:
    seed(db)
    config, thread_id = setup_store(db, sink)
    token = token_for(db, "alice")
    with make_client(db, config=config) as client:
        first = send(client, token, thread_id, "order-42-reply", text=GOOD)
        again = send(client, token, thread_id, "order-42-reply", text=GOOD)
        other = send(client, token, thread_id, "order-42-reply", text=GOOD + " Thanks.")
        follow = client.get(f"/api/v1/messages/{first.json()['message']}", headers=bearer(token)).json()
    assert first.status_code == 201
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert follow["state"] == "queued"
    send_outbox(db, config, now=datetime.now(UTC), rng=random.Random(1))
    assert len(sink.accepted) == 1
    with db.reading() as store:
        assert [m.direction for m in store.thread_messages(thread_id)] == ["in", "out"]
        assert {e.action for e in store.audit_entries()} >= {"reply.queued", "api.reply"}


def test_a_blocked_reply_answers_the_findings_and_an_admin_may_override(sqlite_db: Database, sink: SmtpSink) -> None:
    config, thread_id = setup_store(sqlite_db, sink)
    with make_client(sqlite_db, config=config) as client:
        blocked = send(client, token_for(sqlite_db, "alice"), thread_id, "k1", text=BAD)
        overridden = send(client, token_for(sqlite_db, "alice"), thread_id, "k1", text=BAD,
                          override_reason="the buyer asked for the repair shop's address")
    assert blocked.status_code == 422
    assert blocked.json()["error"]["code"] == "blocked"
    assert [f["rule"] for f in blocked.json()["error"]["details"]] == ["email_address"]
    assert overridden.status_code == 201
    assert overridden.json()["verdict"] == "block"
    with sqlite_db.reading() as store:
        assert [e.detail["reason"] for e in store.audit_entries(action="reply.override")] == [
            "the buyer asked for the repair shop's address"]


def test_viewers_and_other_stores_agents_cannot_send(sqlite_db: Database, sink: SmtpSink) -> None:
    config, thread_id = setup_store(sqlite_db, sink)
    with make_client(sqlite_db, config=config) as client:
        viewer = send(client, token_for(sqlite_db, "vera"), thread_id, "k", text=GOOD)
        outsider = send(client, token_for(sqlite_db, "bob"), thread_id, "k", text=GOOD)
        missing_thread = send(client, token_for(sqlite_db, "bob", name="b2"), 999999, "k", text=GOOD)
        no_key = client.post(f"/api/v1/threads/{thread_id}/replies", json={"text": GOOD},
                             headers=bearer(token_for(sqlite_db, "alice", name="a2")))
    assert viewer.status_code == 403
    assert viewer.json()["error"]["code"] == "forbidden"
    assert outsider.status_code == 404
    assert missing_thread.status_code == 404
    assert no_key.status_code == 422
    assert no_key.json()["error"]["details"][0]["field"] == "header.Idempotency-Key"
    with sqlite_db.reading() as store:
        assert [m.direction for m in store.thread_messages(thread_id)] == ["in"]
