"""The inbox workflow on SQLite and PostgreSQL: states, assignment, the mark, views, holding replies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from sellerdesk.adapters.db.tables import AuditEntry, MessageExclusion
from sellerdesk.config import MailboxConfig, StoreConfig
from sellerdesk.errors import InputError
from sellerdesk.samples.relay import render_buyer_message
from sellerdesk.services import workflow
from sellerdesk.services.database import Database
from sellerdesk.services.storing import store_mail
from sellerdesk.services.users import add_user
from tests.desk_rows import add_message, add_store, add_thread

T0 = datetime(2026, 3, 28, 23, 0, tzinfo=UTC)  # the night Europe moves its clocks


def test_state_moves_are_audited_and_refusals_explained(db: Database) -> None:
    with db.transaction() as store:
        thread = add_thread(store, add_store(store, now=T0), "t1", now=T0, state="new")
        result = workflow.set_state(store, thread_id=thread.id, state="on_hold", reason="suspicious",
                                    actor="amy", now=T0)
        assert result == {"thread": thread.id, "from": "new", "state": "on_hold"}
        with pytest.raises(InputError, match="cannot become new"):
            workflow.set_state(store, thread_id=thread.id, state="new", actor="amy", now=T0)
        entries = store.audit_entries(action="thread.state")
    assert [(e.actor, e.detail["to_state"], e.detail["reason"]) for e in entries] == [("amy", "on_hold", "suspicious")]


def test_round_robin_takes_turns_per_store(db: Database) -> None:
    with db.transaction() as store:
        us, de = add_store(store, "acme-us", now=T0), add_store(store, "acme-de", now=T0, marketplaces=("DE",))
        for name in ("bo", "amy"):
            add_user(store, name=name, password="correct horse battery", role="agent", now=T0,
                     stores=["acme-us", "acme-de"])
        add_user(store, name="vic", password="correct horse battery", role="viewer", now=T0, stores=["acme-us"])
        threads = [add_thread(store, us, f"us{i}", now=T0) for i in range(3)]
        other = add_thread(store, de, "de0", now=T0)
        picks = [workflow.assign(store, thread_id=t.id, actor="system", now=T0, round_robin=True)["assigned_to"]
                 for t in threads]
        first_de = workflow.assign(store, thread_id=other.id, actor="system", now=T0, round_robin=True)
        direct = workflow.assign(store, thread_id=threads[0].id, actor="lead", now=T0, agent="bo")
    assert picks == ["amy", "bo", "amy"]
    assert first_de["assigned_to"] == "amy"
    assert direct == {"thread": threads[0].id, "assigned_to": "bo", "previous": "amy"}


def test_assigning_needs_an_agent_who_exists(db: Database) -> None:
    with db.transaction() as store:
        thread = add_thread(store, add_store(store, now=T0), "t1", now=T0)
        with pytest.raises(InputError, match="no active agent"):
            workflow.assign(store, thread_id=thread.id, actor="lead", now=T0, round_robin=True)
        with pytest.raises(InputError, match="not both"):
            workflow.assign(store, thread_id=thread.id, actor="lead", now=T0, agent="amy", round_robin=True)


def test_no_response_needed_keeps_who_why_and_when(db: Database) -> None:
    with db.transaction() as store:
        thread = add_thread(store, add_store(store, now=T0), "t1", now=T0)
        message = add_message(store, thread, at=T0, text="Got it, thanks!")
        reply = add_message(store, thread, at=T0 + timedelta(hours=1), direction="out")
        first = workflow.mark_no_response_needed(store, message_id=message.id, actor="amy",
                                                 reason="buyer only thanked us", now=T0 + timedelta(hours=2))
        again = workflow.mark_no_response_needed(store, message_id=message.id, actor="bo", reason="thanks only",
                                                 now=T0 + timedelta(hours=3))
        with pytest.raises(InputError, match="only buyer messages"):
            workflow.mark_no_response_needed(store, message_id=reply.id, actor="amy", reason="mine", now=T0)
        marks = list(store.session.scalars(select(MessageExclusion)))
        audit = store.audit_entries(action="message.no_response_needed")
    assert first["already"] is False
    assert again["already"] is True
    assert again["excluded_by"] == "amy"
    assert [(m.actor, m.reason, m.at) for m in marks] == [("amy", "buyer only thanked us", T0 + timedelta(hours=2))]
    assert [(a.actor, a.message_id, a.detail["reason"], a.at) for a in audit] == [
        ("amy", message.id, "buyer only thanked us", T0 + timedelta(hours=2))]


def test_views_warn_of_other_agents_on_the_thread(db: Database) -> None:
    with db.transaction() as store:
        thread = add_thread(store, add_store(store, now=T0), "t1", now=T0)
        assert workflow.record_view(store, thread_id=thread.id, user="amy", now=T0) == []
        assert workflow.record_view(store, thread_id=thread.id, user="bo", now=T0 + timedelta(minutes=1)) == ["amy"]
        assert workflow.record_view(store, thread_id=thread.id, user="amy", now=T0 + timedelta(minutes=2)) == ["bo"]
        assert workflow.record_view(store, thread_id=thread.id, user="cy", now=T0 + timedelta(hours=1)) == []


STORE = StoreConfig("acme-us", ("US",))
MAILBOX = MailboxConfig(store="acme-us", imap_host="127.0.0.1", imap_username="support@acme.example",
                        imap_password_env="UNUSED", smtp_host="127.0.0.1", smtp_port=2525, smtp_security="none",
                        from_address="support@acme.example")


def _buyer_mail(number: int, at: datetime) -> bytes:
    return render_buyer_message(
        marketplace="US", buyer_name="Ann", alias="buyer0001+k1@marketplace.amazon.com",
        order_id="114-0000001-1234567", asins=["B0C1234567"], titles=["Trail shoe"],
        text="Hello, when will my order arrive?", date=at, message_id=f"buyer-{number}@amazon.com",
        comm_mgr_tok=f"tok{number:06d}")


@pytest.mark.parametrize("state", ["waiting_on_buyer", "answered", "closed"])
def test_a_new_buyer_message_reopens(db: Database, state: str) -> None:
    with db.transaction() as store:
        store.ensure_store(STORE, now=T0)
        first = store_mail(store, store_name="acme-us", raw=_buyer_mail(1, T0), now=T0, attachment_max_bytes=1 << 20)
        assert first.thread_id is not None
        store.get_thread(first.thread_id).state = state
        later = T0 + timedelta(hours=5)
        second = store_mail(store, store_name="acme-us", raw=_buyer_mail(2, later), now=later,
                            attachment_max_bytes=1 << 20)
        assert second.thread_id == first.thread_id
        assert store.get_thread(first.thread_id).state == "open"


def test_holding_reply_is_a_flagged_human_reply(db: Database) -> None:
    with db.transaction() as store:
        store.ensure_store(STORE, now=T0)
        store.ensure_mailbox(MAILBOX, now=T0)
        stored = store_mail(store, store_name="acme-us", raw=_buyer_mail(1, T0), now=T0, attachment_max_bytes=1 << 20)
        assert stored.thread_id is not None
        result = workflow.send_holding_reply(
            store, user_name=None, local_name="cli:amy", thread_id=stored.thread_id, now=T0 + timedelta(hours=1),
            text="Hello Ann, we are checking with the carrier and will write to you by tomorrow 18:00.")
        message = store.get_message(result["message"])
        thread = store.get_thread(stored.thread_id)
        actions = [e.action for e in store.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert message.details["holding"] is True
    assert message.state == "queued"
    assert message.direction == "out"
    assert thread.state == "on_hold"
    assert actions[-3:] == ["reply.queued", "thread.state", "reply.holding"]
