"""The thread page's actions: state, assignment, "no response needed", holding replies, collisions.

Each action on SQLite and PostgreSQL: what it changes, its audit log entry, who may do it
(viewers get 403, users of other stores 404), and how a refusal reads.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from sellerdesk.config import Config, MailboxConfig, StoreConfig
from sellerdesk.services.database import Database
from sellerdesk.services.outbox import send_outbox
from tests.smtp_server import SmtpSink
from tests.web.conftest import GOOD, T0, add_mail, csrf_of, make_client, relay_mail, setup_store, sign_in


def client_of(db: Database, name: str, config: Config | None = None) -> tuple[TestClient, str]:
    """A client signed in as *name* and its CSRF token."""
    client = make_client(db, config=config)
    sign_in(client, name)
    return client, csrf_of(client, "/inbox")


def audit(db: Database, action: str) -> list[tuple[str, dict[str, object]]]:
    """Who did *action* with what detail, oldest first."""
    with db.reading() as store:
        return [(e.actor, e.detail) for e in sorted(store.audit_entries(action=action), key=lambda e: e.id)]


def thread_state(db: Database, thread_id: int) -> str:
    with db.reading() as store:
        return store.get_thread(thread_id).state


def test_state_changes_with_a_reason_are_audited(seeded: Database) -> None:
    thread_id = add_mail(seeded, "acme-us", relay_mail(50, text="Where is it?"), at=T0)
    client, token = client_of(seeded, "alice")
    with client:
        moved = client.post(f"/threads/{thread_id}/state", follow_redirects=False, data={
            "to": "on_hold:escalated", "note": "manager decides on the refund", "csrf_token": token})
        assert moved.status_code == 303
        assert "state was changed" in client.get(moved.headers["location"]).text
        assert thread_state(seeded, thread_id) == "on_hold"
        assert client.post(f"/threads/{thread_id}/state", data={
            "to": "closed", "note": "solved by phone", "csrf_token": token}, follow_redirects=False).status_code == 303
        assert client.post(f"/threads/{thread_id}/state", data={
            "to": "open", "note": "buyer wrote again", "csrf_token": token}, follow_redirects=False).status_code == 303
        no_reason = client.post(f"/threads/{thread_id}/state", data={"to": "closed", "note": " ", "csrf_token": token})
        not_allowed = client.post(f"/threads/{thread_id}/state", data={
            "to": "new", "note": "start again", "csrf_token": token})
    assert no_reason.status_code == 422
    assert "say why" in no_reason.text
    assert not_allowed.status_code == 422
    assert "cannot become new" in not_allowed.text
    assert thread_state(seeded, thread_id) == "open"
    assert audit(seeded, "thread.state") == [
        ("alice", {"from_state": "open", "to_state": "on_hold", "reason": "escalated",
                   "note": "manager decides on the refund"}),
        ("alice", {"from_state": "on_hold", "to_state": "closed", "reason": None, "note": "solved by phone"}),
        ("alice", {"from_state": "closed", "to_state": "open", "reason": None, "note": "buyer wrote again"}),
    ]


def test_assigning_to_me_to_an_agent_and_round_robin(seeded: Database) -> None:
    thread_id = add_mail(seeded, "acme-de", relay_mail(51, text="Wo ist es?", domain="de"), at=T0)
    client, token = client_of(seeded, "bob")
    with client:
        for to in ("me", "alice", "round_robin", "nobody"):
            client.post(f"/threads/{thread_id}/assign", data={"to": to, "csrf_token": token})
        page = client.get(f"/threads/{thread_id}").text
    assert [(actor, detail["agent"]) for actor, detail in audit(seeded, "thread.assigned")] == [
        ("bob", "bob"), ("bob", "alice")]
    assert [(actor, detail["agent"]) for actor, detail in audit(seeded, "thread.assigned_round_robin")] == [
        ("bob", "alice")]  # the first of the store's agents in name order
    assert '<dd data-testid="assignee">alice</dd>' in page


def test_an_unknown_agent_is_refused_with_the_reason(seeded: Database) -> None:
    thread_id = add_mail(seeded, "acme-us", relay_mail(52, text="Hello?"), at=T0)
    client, token = client_of(seeded, "alice")
    with client:
        response = client.post(f"/threads/{thread_id}/assign", data={"to": "nobody", "csrf_token": token})
    assert response.status_code == 422
    assert "nobody" in response.text
    assert audit(seeded, "thread.assigned") == []


def test_no_response_needed_keeps_the_reason_and_shows_it(seeded: Database) -> None:
    thread_id = add_mail(seeded, "acme-us", relay_mail(53, text="Thank you so much!"), at=T0)
    with seeded.reading() as store:
        message_id = store.thread_messages(thread_id)[0].id
    client, token = client_of(seeded, "alice")
    with client:
        short = client.post(f"/messages/{message_id}/no-response", data={"reason": "ok", "csrf_token": token})
        done = client.post(f"/messages/{message_id}/no-response", follow_redirects=False,
                           data={"reason": "buyer only thanked us", "csrf_token": token})
        page = client.get(f"/threads/{thread_id}").text
    assert short.status_code == 422
    assert "say why no response is needed" in short.text
    assert done.status_code == 303
    assert done.headers["location"].endswith(f"#m{message_id}")
    assert 'data-testid="no-response-mark"' in page
    assert "buyer only thanked us" in page
    assert audit(seeded, "message.no_response_needed") == [("alice", {"reason": "buyer only thanked us"})]


def test_viewers_get_no_actions_and_other_stores_are_not_found(seeded: Database) -> None:
    thread_id = add_mail(seeded, "acme-us", relay_mail(54, text="Where is it?"), at=T0)
    with seeded.reading() as store:
        message_id = store.thread_messages(thread_id)[0].id
    posts = ((f"/threads/{thread_id}/state", {"to": "closed", "note": "done here"}),
             (f"/threads/{thread_id}/assign", {"to": "me"}),
             (f"/messages/{message_id}/no-response", {"reason": "thanks only"}),
             (f"/threads/{thread_id}/holding", {"text": GOOD}),
             (f"/threads/{thread_id}/presence", {"seen": "0"}))
    for name, status in (("vera", 403), ("bob", 404)):
        client, token = client_of(seeded, name)
        with client:
            if name == "vera":
                page = client.get(f"/threads/{thread_id}").text
                for action in ('data-testid="actions"', "/no-response", 'id="composer"', "/presence"):
                    assert action not in page
            for path, data in posts:
                assert client.post(path, data={**data, "csrf_token": token}).status_code == status, (name, path)
            assert client.post(f"/threads/{thread_id}/state", data={"to": "closed", "note": "no token"}
                               ).status_code == 403
    assert thread_state(seeded, thread_id) == "open"
    with seeded.reading() as store:
        assert store.audit_entries(store_id=store.get_store("acme-us").id) == []


def test_a_holding_reply_reaches_the_smtp_server_and_holds_the_thread(seeded: Database, sink: SmtpSink) -> None:
    config, thread_id = setup_store(seeded, sink)
    text = "Hello Jane, we are checking with the carrier and will write to you again by tomorrow 18:00. Acme"
    client, token = client_of(seeded, "alice", config)
    with client:
        response = client.post(f"/threads/{thread_id}/holding", follow_redirects=False,
                               data={"text": text, "csrf_token": token})
        assert response.status_code == 303
        assert "Holding reply queued" in client.get(response.headers["location"]).text
    assert thread_state(seeded, thread_id) == "on_hold"
    assert [actor for actor, _ in audit(seeded, "reply.holding")] == ["alice"]
    send_outbox(seeded, config, now=datetime.now(UTC), rng=random.Random(1))
    assert [m.rcpt_tos for m in sink.accepted] == [("w000030q@marketplace.amazon.com",)]
    assert b"checking with the carrier" in sink.accepted[0].data


def _german_store(db: Database, sink: SmtpSink) -> tuple[Config, int]:
    """acme-de, which alice (admin) and bob (its agent) both answer, with a mailbox sending to *sink*."""
    mailbox = MailboxConfig(store="acme-de", imap_host="127.0.0.1", imap_username="support@acme.example",
                            imap_password_env="UNUSED", smtp_host=sink.host, smtp_port=sink.port,
                            smtp_security="none", from_address="support@acme-de.example")
    with db.transaction() as store:
        store.ensure_mailbox(mailbox, now=T0)
    config = Config(stores=(StoreConfig("acme-de", ("DE",)),), mailboxes=(mailbox,), source="test.toml")
    return config, add_mail(db, "acme-de", relay_mail(55, text="Wo ist mein Wasserkocher?", domain="de"), at=T0)


def test_two_agents_on_one_thread_see_each_other_and_a_reply_sent_meanwhile(seeded: Database,
                                                                            sink: SmtpSink) -> None:
    config, thread_id = _german_store(seeded, sink)
    with seeded.reading() as store:
        seen = str(store.thread_messages(thread_id)[-1].id)
    alice, alice_token = client_of(seeded, "alice", config)
    bob, bob_token = client_of(seeded, "bob", config)
    reply = "Hallo, Ihr Wasserkocher ist heute mit DHL verschickt worden und kommt am Donnerstag an. Viele Grüße"
    with alice, bob:
        assert "Also on this conversation" not in alice.post(
            f"/threads/{thread_id}/presence", data={"seen": seen, "csrf_token": alice_token}).text
        assert "Also on this conversation: alice" in bob.post(
            f"/threads/{thread_id}/presence", data={"seen": seen, "csrf_token": bob_token}).text
        assert bob.post(f"/threads/{thread_id}/reply", follow_redirects=False,
                        data={"text": reply, "seen": seen, "csrf_token": bob_token}).status_code == 303
        polled = alice.post(f"/threads/{thread_id}/presence", data={"seen": seen, "csrf_token": alice_token}).text
        assert "Also on this conversation: bob" in polled
        assert "Replied since you opened it:" in polled
        mine = {"text": reply + "!", "seen": seen, "csrf_token": alice_token}
        warned = alice.post(f"/threads/{thread_id}/reply", data=mine)
        assert warned.status_code == 409
        assert 'data-testid="collision"' in warned.text
        assert f"{reply}!</textarea>" in warned.text  # the draft is kept
        with seeded.reading() as store:
            assert [m.details["queued_by"] for m in store.thread_messages(thread_id) if m.direction == "out"] == [
                "bob"]
        assert alice.post(f"/threads/{thread_id}/reply", follow_redirects=False,
                          data={**mine, "confirm_collision": "true"}).status_code == 303
    assert [actor for actor, _ in audit(seeded, "reply.queued")] == ["bob", "alice"]
