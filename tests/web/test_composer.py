"""The reply composer: live findings while typing, a blocked send, a real send to an SMTP server."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default

from fastapi.testclient import TestClient

from sellerdesk.config import Config
from sellerdesk.core.compliance import Finding
from sellerdesk.services.database import Database
from sellerdesk.services.outbox import send_outbox
from sellerdesk.web.composer import Segment, marked_segments
from tests.smtp_server import SmtpSink
from tests.web.conftest import BAD, GOOD, csrf_of, make_client, setup_store, sign_in


def signed_in_client(db: Database, config: Config, name: str = "alice") -> TestClient:
    client = make_client(db, config=config)
    sign_in(client, name)
    return client


def test_the_draft_is_checked_as_it_is_typed(sqlite_db: Database, sink: SmtpSink) -> None:
    config, thread_id = setup_store(sqlite_db, sink)
    with signed_in_client(sqlite_db, config) as client:
        token = csrf_of(client, f"/threads/{thread_id}")
        fragment = client.post(f"/threads/{thread_id}/check", data={"text": BAD},
                               headers={"X-CSRF-Token": token, "HX-Request": "true"}).text
        assert 'data-rule="email_address"' in fragment
        assert re.search(r'<mark class="sev-block"[^>]*>jane\.seller@gmail\.com</mark>', fragment)
        clean = client.post(f"/threads/{thread_id}/check", data={"text": GOOD}, headers={"X-CSRF-Token": token}).text
        assert "<mark" not in clean
        assert client.post(f"/threads/{thread_id}/check", data={"text": BAD}).status_code == 403  # no token


def test_a_blocked_reply_is_not_queued_and_the_draft_is_kept(sqlite_db: Database, sink: SmtpSink) -> None:
    config, thread_id = setup_store(sqlite_db, sink)
    with signed_in_client(sqlite_db, config, "bob") as client:  # bob may not see acme-us at all
        token = csrf_of(client, "/inbox")
        assert client.post(f"/threads/{thread_id}/reply", data={"text": GOOD, "csrf_token": token}).status_code == 404
    with signed_in_client(sqlite_db, config) as client:
        token = csrf_of(client, f"/threads/{thread_id}")
        response = client.post(f"/threads/{thread_id}/reply", data={"text": BAD, "csrf_token": token})
    assert response.status_code == 422
    assert "blocked by the compliance guard" in response.text
    assert f">{BAD}</textarea>" in response.text
    with sqlite_db.reading() as store:
        assert [m.direction for m in store.thread_messages(thread_id)] == ["in"]


def test_viewers_cannot_send(sqlite_db: Database, sink: SmtpSink) -> None:
    config, thread_id = setup_store(sqlite_db, sink)
    with signed_in_client(sqlite_db, config, "vera") as client:
        page = client.get(f"/threads/{thread_id}").text
        assert 'id="composer"' not in page
        token = csrf_of(client, "/inbox")
        assert client.post(f"/threads/{thread_id}/reply", data={"text": GOOD, "csrf_token": token}).status_code == 403


def test_a_sent_reply_reaches_the_smtp_server_and_is_audited(sqlite_db: Database, sink: SmtpSink) -> None:
    config, thread_id = setup_store(sqlite_db, sink)
    with signed_in_client(sqlite_db, config) as client:
        token = csrf_of(client, f"/threads/{thread_id}")
        response = client.post(f"/threads/{thread_id}/reply", data={"text": GOOD, "csrf_token": token},
                               follow_redirects=False)
        assert response.status_code == 303
        assert "Reply queued" in client.get(response.headers["location"]).text
    send_outbox(sqlite_db, config, now=datetime.now(UTC), rng=random.Random(1))
    assert len(sink.accepted) == 1
    assert sink.accepted[0].rcpt_tos == ("w000030q@marketplace.amazon.com",)
    body = message_from_bytes(sink.accepted[0].data, policy=default).get_body(("plain",))
    assert body is not None
    assert "should arrive on Thursday" in body.get_content()
    with sqlite_db.reading() as store:
        assert [(e.actor, e.action) for e in store.audit_entries(action="reply.queued")] == [("alice", "reply.queued")]


def _finding(start: int, end: int) -> Finding:
    return Finding("email_address", "block", start, end, "x", "why", "fix")


def test_marked_segments_cover_the_text_once() -> None:
    text = "abcdefghij"
    segments = marked_segments(text, [_finding(2, 4), _finding(3, 6), _finding(8, 20), Finding(
        "emoji", "warn", None, None, "", "", "")])
    assert "".join(s.text for s in segments) == text
    assert [s.text for s in segments if s.finding] == ["cd", "ij"]
    assert marked_segments("", []) == []
    assert marked_segments("plain", []) == [Segment("plain")]
