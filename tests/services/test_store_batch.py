"""Storing a batch (``store_mails``) gives what storing one mail after another gives (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from sellerdesk.adapters.db.tables import Buyer, Message, Store, Thread
from sellerdesk.samples import generate_relay_mails
from sellerdesk.services.database import Database
from sellerdesk.services.storing import store_mail, store_mails
from tests.store_mails import NOT_A_MAIL, T0, relay

CAP = 10_000_000


def corpus() -> list[bytes]:
    """Generated mails plus the cases a batch must get right: repeats, other bytes of one message, junk."""
    mails = [mail.raw for mail in generate_relay_mails(seed=11, count=60)]
    first = relay(token="TOKB1", message_id="b1@marketplace.amazon.com", date=T0)
    same_message_other_bytes = relay(token="TOKB1", message_id="b1@marketplace.amazon.com", date=T0,
                                     text="Where is my order? It has not arrived yet!")
    follow_up = relay(token="TOKB2", message_id="b2@marketplace.amazon.com", date=T0 + timedelta(hours=2),
                      text="Any news about my parcel?")
    return [*mails[:30], first, mails[3], NOT_A_MAIL, same_message_other_bytes, follow_up, NOT_A_MAIL,
            *mails[30:], mails[40]]


def shape(db: Database, store_name: str) -> list[tuple[object, ...]]:
    """Each message of the store with its thread and buyer, by the keys (row ids differ between stores)."""
    with db.reading() as store:
        rows = store.session.execute(
            select(Message.message_key, Message.state, Message.state_reason, Message.intent, Thread.thread_key,
                   Thread.state, Thread.last_inbound_at, Buyer.alias)
            .join(Store, Store.id == Message.store_id)
            .outerjoin(Thread, Thread.id == Message.thread_id)
            .outerjoin(Buyer, Buyer.id == Thread.buyer_id)
            .where(Store.name == store_name).order_by(Message.message_key)).all()
    return [tuple(row) for row in rows]


def test_a_batch_is_stored_as_one_mail_after_another(db: Database) -> None:
    mails = corpus()
    with db.transaction() as store:  # the batch first: its raw bytes are all new
        batch = store_mails(store, store_name="batch", raws=mails, now=T0, attachment_max_bytes=CAP)
    with db.transaction() as store:
        single = [store_mail(store, store_name="single", raw=raw, now=T0, attachment_max_bytes=CAP)
                  for raw in mails]
    assert [o.outcome for o in batch] == [o.outcome for o in single]
    assert {o.outcome for o in batch} == {"stored", "duplicate", "quarantined"}
    assert [o.raw_mail_id for o in batch] == [o.raw_mail_id for o in single]
    assert shape(db, "batch") == shape(db, "single")
    assert len(shape(db, "batch")) == len([o for o in batch if o.outcome != "duplicate"])


def test_a_batch_again_stores_nothing(db: Database) -> None:
    mails = corpus()
    arrivals = [T0 + timedelta(minutes=n) for n in range(len(mails))]
    with db.transaction() as store:
        first = store_mails(store, store_name="acme-us", raws=mails, now=T0, attachment_max_bytes=CAP,
                            received_at=arrivals)
    before = shape(db, "acme-us")
    with db.transaction() as store:
        again = store_mails(store, store_name="acme-us", raws=mails, now=T0 + timedelta(days=1),
                            attachment_max_bytes=CAP, received_at=arrivals)
    assert {o.outcome for o in again} == {"duplicate"}
    assert [o.message_id for o in again] == [o.message_id for o in first]
    assert shape(db, "acme-us") == before


def test_an_empty_batch_stores_nothing(db: Database) -> None:
    with db.transaction() as store:
        assert store_mails(store, store_name="acme-us", raws=[], now=T0, attachment_max_bytes=CAP) == []
    assert shape(db, "acme-us") == []
