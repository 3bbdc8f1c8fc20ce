"""The outbox end to end: a real database (SQLite and PostgreSQL) and a real SMTP server (aiosmtpd).

The promise under test: every reply is sent exactly once, or visibly failed, or ``unknown``
for a person to confirm — never lost, never sent twice — whatever the server does.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sellerdesk.adapters.db.tables import AuditEntry, Delivery, Message, Thread
from sellerdesk.config import Config, MailboxConfig, StoreConfig
from sellerdesk.core.compliance import CheckResult
from sellerdesk.core.mail import NoticeType
from sellerdesk.core.outbox import Actor, RetryPolicy
from sellerdesk.errors import InputError, SendBlockedError
from sellerdesk.samples.relay import render_buyer_message, render_notice
from sellerdesk.services.database import Database, open_database
from sellerdesk.services.jobs import InProcessJobRunner
from sellerdesk.services.outbox import (
    confirm_unknown,
    deliver_due,
    list_deliveries,
    outbox_job,
    queue_reply,
    recover_stuck,
)
from sellerdesk.services.storing import store_mail
from tests.outbox_worker import crash_after_claim
from tests.servers import free_port
from tests.smtp_server import Fault, SmtpSink, running_sink

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
AGENT = Actor("amy", "agent")
ADMIN = Actor("li", "admin")
STORE = StoreConfig("acme-us", ("US",))
TEXT = ("Hello Ann, thank you for your patience. Your order left our warehouse today with UPS; "
        "it should reach you on Thursday. Best regards, Acme")


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with running_sink() as server:
        yield server


def mailbox_for(sink: SmtpSink) -> MailboxConfig:
    return MailboxConfig(store=STORE.name, imap_host="127.0.0.1", imap_username="support@acme.example",
                         imap_password_env="UNUSED", smtp_host=sink.host, smtp_port=sink.port, smtp_security="none",
                         from_address="support@acme.example")


def config_for(sink: SmtpSink) -> Config:
    return Config(stores=(STORE,), mailboxes=(mailbox_for(sink),), source="test.toml")


def buyer_thread(db: Database, sink: SmtpSink, number: int = 1) -> int:
    """Store one buyer message through the real ingest path; return its thread id."""
    raw = render_buyer_message(
        marketplace="US", buyer_name="Ann", alias=f"buyer{number:04d}+k{number}@marketplace.amazon.com",
        order_id=f"114-{number:07d}-1234567", asins=["B0C1234567"], titles=["Trail shoe"],
        text="Hello, when will my order arrive?", date=T0 - timedelta(hours=2),
        message_id=f"buyer-{number}@amazon.com", comm_mgr_tok=f"tok{number:06d}")
    with db.transaction() as store:
        store.ensure_store(STORE, now=T0)
        store.ensure_mailbox(mailbox_for(sink), now=T0)
        outcome = store_mail(store, store_name=STORE.name, raw=raw, now=T0 - timedelta(hours=1),
                             attachment_max_bytes=1 << 20)
    assert outcome.thread_id is not None
    return outcome.thread_id


def passing(text: str, **_: Any) -> CheckResult:
    """A checker for the bulk fault tests, whose many look-alike replies are not the point."""
    return CheckResult("pass")


def queue(db: Database, thread_id: int, text: str = TEXT, **kwargs: Any) -> int:
    with db.transaction() as store:
        return queue_reply(store, thread_id=thread_id, text=text, actor=kwargs.pop("actor", AGENT),
                           now=kwargs.pop("now", T0), **kwargs)


def deliveries(db: Database) -> list[Delivery]:
    with db.reading() as store:
        return list(store.session.query(Delivery).order_by(Delivery.id))


def rfc_ids(db: Database) -> dict[int, str]:
    with db.reading() as store:
        return {d.id: store.get_message(d.message_id).message_id or "" for d in store.session.query(Delivery)}


def audit_actions(db: Database) -> list[str]:
    with db.reading() as store:
        return [a.action for a in store.session.query(AuditEntry).order_by(AuditEntry.id)]


def send(db: Database, sink: SmtpSink, now: datetime = T0, **kwargs: Any) -> list[Any]:
    return deliver_due(db, config_for(sink), now=now, rng=random.Random(5), **kwargs)


# -- the happy path -------------------------------------------------------------------------------------


def test_a_reply_goes_from_the_approved_address_to_the_alias_in_the_thread(db: Database, sink: SmtpSink) -> None:
    thread_id = buyer_thread(db, sink)
    message_row = queue(db, thread_id)
    [result] = send(db, sink, T0 + timedelta(seconds=5))
    assert (result.state, result.attempts) == ("sent", 1)
    [mail] = sink.accepted
    assert mail.mail_from == "support@acme.example"
    assert mail.rcpt_tos == ("buyer0001+k1@marketplace.amazon.com",)
    text = mail.data.decode()
    assert "In-Reply-To: <buyer-1@amazon.com>" in text
    assert "References: <buyer-1@amazon.com>" in text
    assert "Subject: Re: Inquiry from Amazon customer Ann (Order: 114-0000001-1234567)" in text
    assert mail.message_id is not None
    assert mail.message_id.endswith("@acme.example")
    with db.reading() as store:
        message = store.get_message(message_row)
        thread = store.get_thread(thread_id)
        assert (message.direction, message.kind, message.state) == ("out", "reply", "sent")
        assert message.message_id == mail.message_id
        assert (thread.state, thread.last_outbound_at) == ("answered", T0 + timedelta(seconds=5))
    assert audit_actions(db)[-2:] == ["reply.queued", "reply.sent"]


def test_nothing_is_sent_before_it_is_due_or_twice(db: Database, sink: SmtpSink) -> None:
    queue(db, buyer_thread(db, sink), now=T0)
    assert send(db, sink, T0 - timedelta(seconds=1)) == []
    assert len(send(db, sink, T0)) == 1
    assert send(db, sink, T0 + timedelta(days=1)) == []
    assert len(sink.accepted) == 1


def test_the_outbox_runs_as_a_job_on_the_runner(db: Database, sink: SmtpSink) -> None:
    queue(db, buyer_thread(db, sink))
    reported: list[Any] = []
    done, stop = threading.Event(), threading.Event()

    def report(result: Any) -> None:
        reported.append(result)
        done.set()

    runner = InProcessJobRunner()
    runner.submit("send-outbox", outbox_job(db, config_for(sink), report=report, clock=lambda: T0))
    thread = threading.Thread(target=runner.run, args=(stop,))
    thread.start()
    try:
        assert done.wait(60)
    finally:
        stop.set()
        thread.join(60)
    assert [r.state for r in reported] == ["sent"]
    assert len(sink.accepted) == 1


# -- server faults --------------------------------------------------------------------------------------


def test_4xx_then_2xx_sends_once_after_the_backoff(db: Database, sink: SmtpSink) -> None:
    queue(db, buyer_thread(db, sink))
    sink.fail_next(Fault.DEFER)
    [first] = send(db, sink, T0)
    assert (first.state, first.attempts) == ("queued", 1)
    assert first.detail is not None
    assert "451 4.7.1" in first.detail
    assert first.next_attempt_at is not None
    assert first.next_attempt_at > T0
    assert send(db, sink, first.next_attempt_at - timedelta(seconds=1)) == []
    [second] = send(db, sink, first.next_attempt_at)
    assert (second.state, second.attempts) == ("sent", 2)
    assert len(sink.accepted) == 1
    assert "reply.retry" in audit_actions(db)


def test_5xx_fails_visibly_and_is_never_retried(db: Database, sink: SmtpSink) -> None:
    queue(db, buyer_thread(db, sink))
    sink.fail_next(Fault.REJECT)
    [result] = send(db, sink)
    assert result.state == "failed"
    assert send(db, sink, T0 + timedelta(days=2)) == []
    [line] = list_deliveries_now(db)
    assert line["state"] == "failed"
    assert "554 5.7.1" in line["last_error"]
    assert sink.accepted == []
    assert "reply.failed" in audit_actions(db)


@pytest.mark.parametrize(("fault", "kept"), [(Fault.DROP_IN_DATA, 0), (Fault.DROP_AFTER_ACCEPT, 1)])
def test_a_drop_after_data_is_unknown_until_a_person_confirms(db: Database, sink: SmtpSink, fault: Fault,
                                                              kept: int) -> None:
    thread_id = buyer_thread(db, sink)
    queue(db, thread_id)
    sink.fail_next(fault)
    [result] = send(db, sink)
    assert result.state == "unknown"
    assert send(db, sink, T0 + timedelta(days=2)) == []
    assert len(sink.accepted) == kept
    with db.transaction() as store:
        confirmed = confirm_unknown(store, result.delivery_id, sent=bool(kept), actor=AGENT,
                                    now=T0 + timedelta(hours=1))
    assert confirmed.state == ("sent" if kept else "failed")
    with db.reading() as store:
        assert store.get_thread(thread_id).state == ("answered" if kept else "open")
    with db.transaction() as store, pytest.raises(InputError, match="not 'unknown'"):
        confirm_unknown(store, result.delivery_id, sent=True, actor=AGENT)
    assert audit_actions(db)[-1] == "reply.confirmed"


def test_retries_give_up_visibly(db: Database, sink: SmtpSink) -> None:
    queue(db, buyer_thread(db, sink))
    sink.fail_next(Fault.DEFER_MAIL, Fault.DROP_BEFORE_DATA, Fault.DEFER)
    now, results = T0, []
    for _ in range(3):
        results += send(db, sink, now, policy=RetryPolicy(max_attempts=3))
        now += timedelta(hours=2)
    assert [r.state for r in results] == ["queued", "queued", "failed"]
    assert results[-1].detail is not None
    assert "gave up after 3 attempts" in results[-1].detail
    assert sink.accepted == []


def test_mixed_faults_lose_no_reply_and_send_none_twice(db: Database, sink: SmtpSink) -> None:
    for number in range(1, 17):
        queue(db, buyer_thread(db, sink, number), text=f"{TEXT} ({number})", checker=passing)
    rng = random.Random(2026)
    sink.fail_next(*rng.choices([None, *Fault], weights=[6, 1, 1, 2, 2, 2, 1, 1], k=200))
    now = T0
    for _ in range(12):
        send(db, sink, now, policy=RetryPolicy(max_attempts=6, max_seconds=600))
        now += timedelta(hours=1)
    accepted = Counter(sink.accepted_ids())
    ids = rfc_ids(db)
    states = Counter(d.state for d in deliveries(db))
    assert set(states) <= {"sent", "failed", "unknown"}, states
    assert max(accepted.values()) == 1, "a reply was sent twice"
    for delivery in deliveries(db):
        got = accepted[ids[delivery.id]]
        if delivery.state == "sent":
            assert got == 1, f"delivery {delivery.id} is 'sent' but the server never got it"
        elif delivery.state == "failed":
            assert got == 0, f"delivery {delivery.id} is 'failed' but the server has it"
            assert delivery.last_error
        else:
            assert got <= 1
    # the seeded faults reach every end state; most replies still go out
    assert states["sent"] >= 8
    assert states["failed"] >= 1
    assert states["unknown"] >= 1


def test_an_unreachable_server_costs_one_attempt_per_round_not_one_per_reply(db: Database, sink: SmtpSink) -> None:
    for number in (1, 2, 3):
        queue(db, buyer_thread(db, sink, number), text=f"{TEXT} ({number})", checker=passing)
    nowhere = replace(mailbox_for(sink), smtp_port=free_port())
    config = Config(stores=(STORE,), mailboxes=(nowhere,), source="test.toml")
    results = deliver_due(db, config, now=T0, rng=random.Random(1))
    assert [(r.state, r.attempts) for r in results] == [("queued", 1), ("queued", 0), ("queued", 0)]
    assert results[0].detail is not None
    assert "cannot connect" in results[0].detail
    assert all((r.detail or "").startswith("not tried this round") for r in results[1:])
    assert [r.state for r in send(db, sink, T0 + timedelta(minutes=5))] == ["sent"] * 3


# -- crashes and concurrency -----------------------------------------------------------------------------

def test_a_worker_killed_between_claim_and_send_leaves_unknown_never_a_resend(
        db: Database, database_url: str, sink: SmtpSink) -> None:
    queue(db, buyer_thread(db, sink))
    crash_after_claim(database_url, T0, STORE.name)
    [delivery] = deliveries(db)
    assert delivery.state == "sending"
    assert send(db, sink, T0 + timedelta(minutes=1)) == []  # a claimed delivery is nobody else's
    assert recover_stuck(db, now=T0 + timedelta(minutes=5)) == []  # a live send is left alone
    [recovered] = recover_stuck(db, now=T0 + timedelta(minutes=20))
    assert recovered.state == "unknown"
    assert send(db, sink, T0 + timedelta(days=1)) == []
    assert sink.accepted == []
    assert audit_actions(db)[-1] == "reply.unknown"


def test_two_workers_racing_send_each_reply_once(database_url: str, db: Database, sink: SmtpSink) -> None:
    for number in range(1, 13):
        queue(db, buyer_thread(db, sink, number), text=f"{TEXT} ({number})", checker=passing)
    start = threading.Barrier(2, timeout=30)

    def worker() -> list[int]:
        other = open_database(database_url, upgrade=False)  # its own engine, like another process
        try:
            start.wait()
            return [r.delivery_id for r in send(other, sink, T0)]
        finally:
            other.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(worker) for _ in range(2)]
        claimed = [future.result(timeout=120) for future in futures]
    assert not set(claimed[0]) & set(claimed[1])
    assert sorted(claimed[0] + claimed[1]) == [d.id for d in deliveries(db)]
    assert sorted(Counter(sink.accepted_ids()).values()) == [1] * 12
    assert {d.state for d in deliveries(db)} == {"sent"}


# -- compliance, roles, configuration ----------------------------------------------------------------------


def test_a_blocked_reply_is_not_queued(db: Database, sink: SmtpSink) -> None:
    thread_id = buyer_thread(db, sink)
    with pytest.raises(SendBlockedError, match="email_address") as caught:
        queue(db, thread_id, "Please write to me directly at ann.seller@gmail.com for a faster answer.")
    assert "admin" in str(caught.value)
    with pytest.raises(SendBlockedError, match="admin"):
        queue(db, thread_id, "Write to ann.seller@gmail.com", override_reason="The buyer insisted on it.")
    assert deliveries(db) == []


def test_an_admin_override_with_a_reason_is_queued_and_audited(db: Database, sink: SmtpSink) -> None:
    thread_id = buyer_thread(db, sink)
    reason = "Manufacturer warranty desk address requested by the buyer in writing."
    message_row = queue(db, thread_id, "The warranty desk is warranty@maker.example.", actor=ADMIN,
                        override_reason=reason)
    with db.reading() as store:
        [override] = store.audit_entries(action="reply.override")
        assert override.actor == "li"
        assert override.detail["reason"] == reason
        assert "email_address" in override.detail["rules"]
        assert store.get_message(message_row).details["check"]["verdict"] == "block"
    assert len(send(db, sink)) == 1


def test_viewers_may_not_reply_and_empty_text_is_refused(db: Database, sink: SmtpSink) -> None:
    thread_id = buyer_thread(db, sink)
    with pytest.raises(InputError, match="viewer"):
        queue(db, thread_id, actor=Actor("bo", "viewer"))
    with pytest.raises(InputError, match="empty"):
        queue(db, thread_id, "   ")


def test_a_reply_waits_while_its_mailbox_is_not_configured(db: Database, sink: SmtpSink) -> None:
    queue(db, buyer_thread(db, sink))
    [result] = deliver_due(db, Config(stores=(STORE,), source="other.toml"), now=T0, rng=random.Random(1))
    assert (result.state, result.attempts) == ("queued", 0)
    assert result.detail is not None
    assert "other.toml: no [[mailboxes]] entry" in result.detail
    assert len(send(db, sink)) == 1


def test_a_buyer_message_after_the_reply_keeps_the_thread_open(db: Database, sink: SmtpSink) -> None:
    thread_id = buyer_thread(db, sink)
    queue(db, thread_id, now=T0)
    with db.transaction() as store:
        store.get_thread(thread_id).last_inbound_at = T0 + timedelta(seconds=30)
    send(db, sink, T0 + timedelta(minutes=1))
    with db.reading() as store:
        assert store.get_thread(thread_id).state == "open"


# -- bounces -----------------------------------------------------------------------------------------------


def notice(notice_type: NoticeType, *, related: str | None, order: str, number: int) -> bytes:
    return render_notice(notice_type=notice_type, marketplace="US", date=T0 + timedelta(hours=1),
                         message_id=f"notice-{number}@amazon.com", order_id=order, related_message_id=related)


def test_a_delivery_failure_is_matched_by_message_id_and_reopens_the_thread(db: Database, sink: SmtpSink) -> None:
    thread_id = buyer_thread(db, sink)
    message_row = queue(db, thread_id)
    send(db, sink)
    with db.reading() as store:
        rfc_id = store.get_message(message_row).message_id
    raw = notice(NoticeType.DELIVERY_FAILURE, related=rfc_id, order="114-0000001-1234567", number=1)
    with db.transaction() as store:
        store_mail(store, store_name=STORE.name, raw=raw, now=T0 + timedelta(hours=1), attachment_max_bytes=1 << 20)
    [line] = list_deliveries_now(db)
    assert line["bounced"] is True
    assert line["bounce_reason"].startswith("delivery_failure")
    with db.reading() as store:
        assert store.get_thread(thread_id).state == "open"
        [bounce] = store.audit_entries(action="reply.bounced")
        assert bounce.detail["matched_by"] == "message_id"


def test_an_opt_out_without_message_id_is_matched_by_order_and_time(db: Database, sink: SmtpSink) -> None:
    buyer_thread(db, sink, 1)
    queue(db, buyer_thread(db, sink, 2))
    queue(db, buyer_thread(db, sink, 1))
    send(db, sink)
    raw = notice(NoticeType.BUYER_OPT_OUT, related=None, order="114-0000001-1234567", number=2)
    with db.transaction() as store:
        store_mail(store, store_name=STORE.name, raw=raw, now=T0 + timedelta(hours=1), attachment_max_bytes=1 << 20)
    by_order = {line["to"].split("+")[0]: line["bounced"] for line in list_deliveries_now(db)}
    assert by_order == {"buyer0001": True, "buyer0002": False}


def test_a_notice_about_someone_elses_mail_matches_nothing(db: Database, sink: SmtpSink) -> None:
    queue(db, buyer_thread(db, sink))
    send(db, sink)
    raw = notice(NoticeType.DELIVERY_FAILURE, related="elsewhere@other.example", order="999-9999999-9999999",
                 number=3)
    with db.transaction() as store:
        store_mail(store, store_name=STORE.name, raw=raw, now=T0 + timedelta(hours=1), attachment_max_bytes=1 << 20)
    assert [line["bounced"] for line in list_deliveries_now(db)] == [False]


def list_deliveries_now(db: Database) -> list[dict[str, Any]]:
    with db.reading() as store:
        return list_deliveries(store)


def test_outgoing_rows_keep_their_shape(db: Database, sink: SmtpSink) -> None:
    message_row = queue(db, buyer_thread(db, sink))
    with db.reading() as store:
        message = store.session.get(Message, message_row)
        assert message is not None
        thread = store.session.get(Thread, message.thread_id)
        assert thread is not None
        assert message.buyer_alias == "buyer0001@marketplace.amazon.com"
        assert message.to_address == "buyer0001+k1@marketplace.amazon.com"
        assert message.message_key == f"out:{message.message_id}"
        assert message.order_id == thread.order_id == "114-0000001-1234567"


def test_with_an_outbox_folder_replies_become_files_not_mail(db: Database, sink: SmtpSink, tmp_path: Path) -> None:
    message_row = queue(db, buyer_thread(db, sink))
    folder = tmp_path / "outbox"
    config = Config(stores=(STORE,), mailboxes=(mailbox_for(sink),), outbox_folder=str(folder))
    [result] = deliver_due(db, config, now=T0, rng=random.Random(1))
    assert result.state == "sent"
    with db.reading() as store:
        rfc_id = store.get_message(message_row).message_id
    assert [p.name for p in folder.iterdir()] == [f"{rfc_id}.eml"]
    assert sink.accepted == []
