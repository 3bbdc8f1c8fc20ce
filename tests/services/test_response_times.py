"""The stored response times stay equal to a computation from scratch, whatever path wrote the history.

A mixed history of five months goes through the real paths: buyer mail stored in batches
and out of order (some with a ``Date`` later than their arrival), replies queued and sent by
the outbox (into files), Amazon's copies of Seller Central replies, "no response needed" marks
added and one taken back, assignments, a re-parse of everything and an mbox back-fill. Then
every figure of :mod:`sellerdesk.services.response_metrics` (over windows of whole and partial
months, seen at the end and in the past) must equal :mod:`sellerdesk.core.metrics` on records
computed from the message rows alone; the monthly totals must equal the rows they sum and the
inbox clocks the oldest unanswered messages. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import mailbox
import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import (
    Message,
    MessageExclusion,
    ResponseMonth,
    ResponseTime,
    Store,
    Thread,
    ThreadClock,
)
from sellerdesk.config import Config, MailboxConfig, StoreConfig
from sellerdesk.core.compliance import CheckResult
from sellerdesk.core.mail import NoticeType
from sellerdesk.core.metrics import ResponseRecord, contact_response_time_by
from sellerdesk.core.outbox import Actor
from sellerdesk.core.response_times import ResponseFact, clock_start
from sellerdesk.core.sla import BuyerMessage, Reply, first_replies
from sellerdesk.samples.relay import render_buyer_message, render_notice
from sellerdesk.services import workflow
from sellerdesk.services.backfill import import_mails
from sellerdesk.services.database import Database
from sellerdesk.services.outbox import deliver_due
from sellerdesk.services.reparse import reparse_messages
from sellerdesk.services.replies import queue_reply
from sellerdesk.services.response_metrics import response_metrics_by
from sellerdesk.services.storing import store_mails
from tests.services.test_response_metrics import _same

T0 = datetime(2026, 1, 3, 8, 0, tzinfo=UTC)
STORE = StoreConfig("acme-na", ("US", "CA"))
TEXT = "Hello, thank you for your message. Your parcel left our warehouse today and should arrive on Thursday."


def _mailbox(folder: Path) -> Config:
    box = MailboxConfig(store=STORE.name, imap_host="imap.example", imap_username="support@acme.example",
                        imap_password_env="UNUSED", smtp_host="smtp.example", from_address="support@acme.example")
    return Config(stores=(STORE,), mailboxes=(box,), outbox_folder=str(folder), source="test.toml")


def _buyer_mail(rng: random.Random, thread: int, number: int, at: datetime) -> bytes:
    return render_buyer_message(
        marketplace="US" if thread % 3 else "CA", buyer_name="Ann", alias=f"buyer{thread:04d}@marketplace.amazon.com",
        order_id=f"114-{thread:07d}-1234567", asins=["B0C1234567"], titles=["Trail shoe"],
        text=rng.choice(["Where is my parcel?", "Can I return it?", "Thanks!"]), date=at,
        message_id=f"buyer-{thread}-{number}@amazon.com", comm_mgr_tok=f"tok{thread:04d}{number:02d}")


def _passing(text: str, **_: object) -> CheckResult:
    """The guard's verdict on the look-alike replies of this history (the guard is not the point here)."""
    return CheckResult("pass")


def _history(db: Database, tmp_path: Path, *, seed: int) -> None:
    rng = random.Random(seed)
    config = _mailbox(tmp_path / "outbox")
    with db.transaction() as store:
        store.ensure_store(STORE, now=T0)
        store.ensure_mailbox(config.mailboxes[0], now=T0)
    mails: list[tuple[datetime, bytes]] = []
    replies: list[tuple[int, datetime]] = []
    copies: list[bytes] = []
    for thread in range(1, 41):
        base = T0 + timedelta(seconds=rng.randrange(0, 140 * 86400))
        for number in range(rng.randint(1, 3)):
            at = base + timedelta(hours=number * rng.randint(2, 40))
            # Mostly relayed within minutes; sometimes a Date later than the arrival (a fast clock).
            arrival = at + timedelta(minutes=rng.choice([1, 5, 90])) if rng.random() < 0.8 else at - timedelta(hours=2)
            mails.append((arrival, _buyer_mail(rng, thread, number, at)))
        answer = base + timedelta(hours=rng.choice([1, 20, 30, 80, 1200]))  # 1200: 50 days later
        if rng.random() < 0.6:
            replies.append((thread, answer))
        elif rng.random() < 0.5:
            copies.append(render_notice(notice_type=NoticeType.SENT_COPY, marketplace="US", date=answer,
                                        message_id=f"copy-{thread}@amazon.com", order_id=f"114-{thread:07d}-1234567",
                                        buyer_name="Ann", text=TEXT))
    rng.shuffle(mails)  # out of order: later messages of a thread often arrive first
    for start in range(0, len(mails), 7):
        batch = mails[start:start + 7]
        with db.transaction() as store:
            store_mails(store, store_name=STORE.name, raws=[raw for _, raw in batch], now=T0,
                        attachment_max_bytes=1 << 20, received_at=[arrival for arrival, _ in batch])
    with db.transaction() as store:
        threads = {t.order_id: t.id for t in store.session.scalars(select(Thread))}
    for thread, answer in sorted(replies, key=lambda r: r[1]):
        with db.transaction() as store:
            queue_reply(store, thread_id=threads[f"114-{thread:07d}-1234567"], text=TEXT,
                        actor=Actor("amy", "agent"), now=answer, checker=_passing)
        deliver_due(db, config, now=answer, rng=random.Random(1))
    with db.transaction() as store:
        store_mails(store, store_name=STORE.name, raws=copies, now=T0, attachment_max_bytes=1 << 20)
        for thread_id in sorted(threads.values()):
            store.get_thread(thread_id).assigned_to = rng.choice(["amy", "bo", None])
        inbound = list(store.session.scalars(select(Message.id).where(Message.kind == "buyer_message")))
        for message_id in rng.sample(inbound, 8):
            workflow.mark_no_response_needed(store, message_id=message_id, actor="cy", reason="thanks only", now=T0)
    with db.transaction() as store:  # a mark taken back
        store.session.delete(store.session.scalars(select(MessageExclusion).order_by(MessageExclusion.id)).first())
    reparse_messages(db, now=T0, attachment_max_bytes=1 << 20, everything=True)
    export = mailbox.mbox(str(tmp_path / "history.mbox"))
    for thread in range(41, 46):  # older history back-filled, one answered by Seller Central
        export.add(_buyer_mail(rng, thread, 0, T0 + timedelta(days=thread)))
    export.add(render_notice(notice_type=NoticeType.SENT_COPY, marketplace="US", date=T0 + timedelta(days=41, hours=3),
                             message_id="copy-41@amazon.com", order_id=f"114-{41:07d}-1234567", buyer_name="Ann",
                             text=TEXT))
    export.close()
    import_mails(db, store_name=STORE.name, path=tmp_path / "history.mbox")


def _from_scratch(store: SqlStore) -> tuple[list[ResponseRecord], dict[int, datetime]]:
    """Records (and each thread's oldest waiting message) from the message rows alone."""
    marks = dict(store.session.execute(select(MessageExclusion.message_id, MessageExclusion.actor)).all())
    names = dict(store.session.execute(select(Store.id, Store.name)).all())
    records, waiting = [], {}
    for thread in store.session.scalars(select(Thread)):
        rows = store.thread_messages(thread.id)
        buyer = [m for m in rows if m.direction == "in" and m.kind == "buyer_message" and m.state == "stored"]
        starts = {m.id: clock_start(sent_at=m.sent_at, received_at=m.received_at) for m in buyer}
        answers = [Reply(m.sent_at) for m in rows if m.direction == "out" and m.state == "sent" and m.sent_at]
        answers += [Reply(clock_start(sent_at=m.sent_at, received_at=m.received_at)) for m in rows
                    if m.notice_type == "sent_copy"]
        answered = first_replies([BuyerMessage(str(m.id), starts[m.id]) for m in buyer], answers)
        for m in buyer:
            records.append(ResponseRecord(starts[m.id], answered.get(str(m.id)), excluded=m.id in marks,
                                          agent=marks.get(m.id, thread.assigned_to),
                                          marketplace=m.marketplace or thread.marketplace,
                                          store=names[thread.store_id]))
        open_ones = [starts[m.id] for m in buyer if m.id not in marks and str(m.id) not in answered]
        if open_ones:
            waiting[thread.id] = min(open_ones)
    return records, waiting


WINDOWS = [(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC)),
           (datetime(2026, 1, 17, 5, tzinfo=UTC), datetime(2026, 5, 9, 13, tzinfo=UTC)),
           (datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))]


@pytest.mark.parametrize("seed", [3])
def test_stored_figures_equal_a_computation_from_scratch(db: Database, tmp_path: Path, seed: int) -> None:
    _history(db, tmp_path, seed=seed)
    with db.reading() as store:
        records, waiting = _from_scratch(store)
        assert sum(1 for r in records if r.replied_at is not None) > 10  # the history has every kind of answer
        assert sum(1 for r in records if r.excluded) == 7
        for start, end in WINDOWS:
            for as_of in (end, datetime(2026, 3, 20, 12, tzinfo=UTC)):
                for by in ("store", "marketplace", "agent"):
                    sql = response_metrics_by(store, by=by, start=start, end=end, as_of=as_of)
                    core = {k: v for k, v in contact_response_time_by(records, by=by, start=start, end=end,
                                                                     as_of=as_of).items() if v.received}
                    assert list(sql) == list(core)
                    for name in sql:
                        _same(sql[name], core[name])
        clocks = dict(store.session.execute(select(ThreadClock.thread_id, ThreadClock.waiting_since)).all())
        assert clocks == waiting
        assert _month_totals(store) == _row_totals(store)
        rows = store.session.scalar(select(func.count()).select_from(ResponseTime))
    assert rows == len(records)


def _month_totals(store: SqlStore) -> Counter[tuple[object, ...]]:
    months = ResponseMonth
    rows = store.session.execute(select(months.store_id, months.month, months.marketplace, months.agent,
                                        months.bucket, months.messages))
    return Counter({tuple(row[:5]): row[5] for row in rows if row[5]})


def _row_totals(store: SqlStore) -> Counter[tuple[object, ...]]:
    facts = store.session.execute(select(*ResponseTime.__table__.columns)).all()
    return Counter(ResponseFact(**row._mapping).month_key for row in facts)
