"""Storing received mail: idempotency, threading, quarantine, attachments, notices (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from sellerdesk.adapters.db.tables import Attachment, Blob, Buyer, Message, RawMail, Thread
from sellerdesk.config import MailboxConfig
from sellerdesk.core.amazon_mail import PARSER_VERSION
from sellerdesk.services.database import Database
from sellerdesk.services.storing import StoreOutcome, store_mail
from tests.store_mails import NOT_A_MAIL, T0, notice, relay

ORDER = "114-1234567-1234567"
OTHER_ORDER = "114-7654321-7654321"


def put(db: Database, raw: bytes, *, now: datetime = T0, cap: int = 10_000_000,
        store_name: str = "acme-us") -> StoreOutcome:
    with db.transaction() as store:
        return store_mail(store, store_name=store_name, raw=raw, now=now, attachment_max_bytes=cap)


def count(db: Database, model: type) -> int:
    with db.reading() as store:
        return int(store.session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_buyer_message_is_stored_with_its_buyer_and_thread(db: Database) -> None:
    outcome = put(db, relay(), now=T0 + timedelta(minutes=3))
    assert outcome.outcome == "stored"
    assert outcome.reason is None
    with db.reading() as store:
        message = store.get_message(outcome.message_id)
        thread = store.get_thread(message.thread_id or 0)
        buyer = store.session.scalars(select(Buyer)).one()
        raw = store.get_raw(message.raw_mail_id or 0)
    assert (message.kind, message.direction, message.state) == ("buyer_message", "in", "stored")
    assert message.message_key == "tok:TOK1"
    assert message.message_id == "relay-1@marketplace.amazon.com"
    assert (message.order_id, message.asin, message.marketplace) == (ORDER, "B0ABCDEF12", "US")
    assert message.text == "Where is my order? It has not arrived yet."
    assert message.parser_version == PARSER_VERSION
    assert message.sent_at == T0
    assert message.received_at == T0 + timedelta(minutes=3)
    assert thread.thread_key == f"abc123xyz@marketplace.amazon.com|order:{ORDER}"
    assert (thread.state, thread.order_id, thread.buyer_id) == ("open", ORDER, buyer.id)
    assert thread.last_inbound_at == T0
    assert (buyer.alias, buyer.name) == ("abc123xyz@marketplace.amazon.com", "Jane Doe")
    assert raw == relay()


def test_the_same_mail_twice_is_stored_once(db: Database) -> None:
    first = put(db, relay())
    second = put(db, relay(), now=T0 + timedelta(hours=1))
    assert second.outcome == "duplicate"
    assert second.message_id == first.message_id
    assert (count(db, Message), count(db, RawMail), count(db, Thread)) == (1, 1, 1)


def test_the_same_message_through_two_mailboxes_is_stored_once(db: Database) -> None:
    # Two servers add different trace headers: the bytes differ, the commMgrTok does not.
    first = put(db, relay(extra_header="mx1.example"))
    second = put(db, relay(extra_header="mx2.example"))
    assert (first.outcome, second.outcome) == ("stored", "duplicate")
    assert count(db, Message) == 1
    assert count(db, RawMail) == 2  # both raw copies are kept: nothing received is ever dropped


def test_without_a_token_the_message_id_identifies_the_mail(db: Database) -> None:
    assert put(db, relay(token=None, extra_header="a")).outcome == "stored"
    assert put(db, relay(token=None, extra_header="b")).outcome == "duplicate"
    with db.reading() as store:
        assert store.session.scalars(select(Message.message_key)).one() == "mid:relay-1@marketplace.amazon.com"


def test_each_store_keeps_its_own_copy(db: Database) -> None:
    assert put(db, relay(), store_name="acme-us").outcome == "stored"
    assert put(db, relay(), store_name="acme-ca").outcome == "stored"
    assert count(db, Message) == 2


def test_threads_go_by_alias_and_order_and_presale_by_asin(db: Database) -> None:
    a = put(db, relay(token="T1", message_id="m1@x"))
    b = put(db, relay(token="T2", message_id="m2@x", text="Any news?"))
    c = put(db, relay(token="T3", message_id="m3@x", order_id=OTHER_ORDER))
    d = put(db, relay(token="T4", message_id="m4@x", alias="other9@marketplace.amazon.com"))
    e = put(db, relay(token="T5", message_id="m5@x", order_id=None))
    f = put(db, relay(token="T6", message_id="m6@x", alias="ABC123XYZ+x7@Marketplace.Amazon.com"))
    assert a.thread_id == b.thread_id == f.thread_id
    assert len({a.thread_id, c.thread_id, d.thread_id, e.thread_id}) == 4
    with db.reading() as store:
        presale = store.get_thread(e.thread_id or 0)
        assert presale.thread_key == "abc123xyz@marketplace.amazon.com|asin:B0ABCDEF12"
        assert (presale.order_id, presale.asin) == (None, "B0ABCDEF12")
        assert count(db, Buyer) == 2
        assert [m.id for m in store.thread_messages(a.thread_id or 0)] == [a.message_id, b.message_id,
                                                                            f.message_id]


def _answer(db: Database, thread_id: int, at: datetime, state: str = "answered") -> None:
    with db.transaction() as store:
        thread = store.get_thread(thread_id)
        thread.state, thread.last_outbound_at = state, at


@pytest.mark.parametrize("state", ["answered", "closed"])
def test_a_new_buyer_message_reopens_the_thread(db: Database, state: str) -> None:
    first = put(db, relay(token="T1"))
    assert first.thread_id is not None
    _answer(db, first.thread_id, T0 + timedelta(hours=2), state)
    later = put(db, relay(token="T2", message_id="m2@x", date=T0 + timedelta(hours=5)), now=T0 + timedelta(hours=6))
    with db.reading() as store:
        thread = store.get_thread(first.thread_id)
        entries = store.audit_entries(action="thread.reopened")
    assert later.thread_id == first.thread_id
    assert thread.state == "open"
    assert thread.last_inbound_at == T0 + timedelta(hours=5)
    assert [(e.thread_id, e.detail["from_state"]) for e in entries] == [(first.thread_id, state)]


def test_an_older_buyer_message_imported_late_does_not_reopen(db: Database) -> None:
    first = put(db, relay(token="T1", date=T0 + timedelta(hours=3)), now=T0 + timedelta(hours=3))
    assert first.thread_id is not None
    _answer(db, first.thread_id, T0 + timedelta(hours=4))
    put(db, relay(token="T0", message_id="m0@x", date=T0), now=T0 + timedelta(days=3))
    with db.reading() as store:
        thread = store.get_thread(first.thread_id)
    assert thread.state == "answered"
    assert thread.last_inbound_at == T0 + timedelta(hours=3)


def test_a_mail_that_is_not_an_email_is_quarantined_not_dropped(db: Database) -> None:
    outcome = put(db, NOT_A_MAIL)
    again = put(db, NOT_A_MAIL)
    assert outcome.outcome == "quarantined"
    assert outcome.reason is not None
    assert "not an e-mail" in outcome.reason
    assert (again.outcome, again.message_id) == ("duplicate", outcome.message_id)
    with db.reading() as store:
        message = store.get_message(outcome.message_id)
        assert (message.state, message.thread_id) == ("quarantined", None)
        assert message.state_reason == outcome.reason
        assert message.message_key.startswith("sha:")
        assert len(message.message_key) == 68
        assert store.get_raw(outcome.raw_mail_id) == NOT_A_MAIL
        assert [e.message_id for e in store.audit_entries(action="mail.quarantined")] == [outcome.message_id]


def test_a_notice_joins_the_thread_of_its_order(db: Database) -> None:
    buyer = put(db, relay())
    update = put(db, notice(subject=f"Refund initiated for order {ORDER}", body=f"Order ID: {ORDER}\nRefund."))
    stray = put(db, notice(subject=f"Refund initiated for order {OTHER_ORDER}", message_id="n2@amazon.com",
                           body=f"Order ID: {OTHER_ORDER}\nRefund."))
    assert update.thread_id == buyer.thread_id
    assert stray.outcome == "stored"
    assert stray.thread_id is None
    with db.reading() as store:
        message = store.get_message(update.message_id)
        assert (message.kind, message.notice_type, message.order_id) == ("amazon_notice", "order_update", ORDER)
        assert store.get_thread(buyer.thread_id or 0).state == "open"  # a notice never answers the buyer


def test_a_copy_of_a_reply_sent_in_seller_central_answers_the_thread(db: Database) -> None:
    buyer = put(db, relay())
    put(db, notice(subject=f"Copy of your message to Amazon customer Jane Doe (Order: {ORDER})",
                   body=f"Order ID: {ORDER}\nThis is a copy of the message you sent to the buyer.",
                   date=T0 + timedelta(hours=1)), now=T0 + timedelta(hours=1))
    with db.reading() as store:
        thread = store.get_thread(buyer.thread_id or 0)
    assert (thread.state, thread.last_outbound_at) == ("answered", T0 + timedelta(hours=1))


def test_a_delivery_failure_is_stored_with_the_message_it_concerns(db: Database) -> None:
    put(db, relay())
    outcome = put(db, notice(subject=f"Message delivery failure (Order: {ORDER})",
                             body=f"We could not deliver your message to the buyer.\nOrder ID: {ORDER}\n"
                                  "Message-ID: <reply-1@acme.example>\n"))
    with db.reading() as store:
        message = store.get_message(outcome.message_id)
    assert (message.notice_type, message.related_message_id) == ("delivery_failure", "reply-1@acme.example")


def test_attachments_are_capped_and_stored_once_by_content(db: Database) -> None:
    photo, manual = b"\x89PNG" + b"p" * 5000, b"%PDF" + b"m" * 20_000
    first = put(db, relay(token="T1", attachments=(("photo.png", photo), ("manual.pdf", manual))), cap=10_000)
    second = put(db, relay(token="T2", message_id="m2@x", attachments=(("same.png", photo),)), cap=10_000)
    with db.reading() as store:
        one = store.attachments_of(store.get_message(first.message_id))
        two = store.attachments_of(store.get_message(second.message_id))
        assert [(a.filename, a.size) for a in one] == [("photo.png", len(photo)), ("manual.pdf", len(manual))]
        assert store.attachment_data(one[0]) == photo
        assert one[1].blob_id is None  # over the cap: recorded, content not kept
        assert store.attachment_data(one[1]) is None
        assert two[0].blob_id == one[0].blob_id
    assert (count(db, Attachment), count(db, Blob)) == (3, 1)


def test_received_at_can_come_from_the_mail_server(db: Database) -> None:
    arrived = T0 + timedelta(minutes=1)
    with db.transaction() as store:
        outcome = store_mail(store, store_name="acme-us", raw=relay(), now=T0 + timedelta(days=1),
                             attachment_max_bytes=1000, received_at=arrived)
    with db.reading() as store:
        assert store.get_message(outcome.message_id).received_at == arrived


def _store_uid_then_crash(db: Database, raw: bytes, uid: int) -> None:
    with db.transaction() as store:
        mailbox = store.ensure_mailbox(MailboxConfig("acme-us", "imap.example", "u", "PW"), now=T0)
        outcome = store_mail(store, store_name="acme-us", raw=raw, now=T0, attachment_max_bytes=1000)
        assert store.record_uid(mailbox, uidvalidity=7, uid=uid, raw=store.get_row(RawMail, outcome.raw_mail_id,
                                                                                    what="raw mail"))
        raise ConnectionError("killed before commit")


def test_a_crash_before_commit_stores_nothing_and_the_rerun_stores_once(db: Database) -> None:
    with pytest.raises(ConnectionError, match="killed"):
        _store_uid_then_crash(db, relay(), 1)
    assert (count(db, Message), count(db, RawMail)) == (0, 0)
    with db.transaction() as store:
        mailbox = store.ensure_mailbox(MailboxConfig("acme-us", "imap.example", "u", "PW"), now=T0)
        assert not store.has_uid(mailbox, uidvalidity=7, uid=1)
        outcome = store_mail(store, store_name="acme-us", raw=relay(), now=T0, attachment_max_bytes=1000)
        raw = store.get_row(RawMail, outcome.raw_mail_id, what="raw mail")
        assert store.record_uid(mailbox, uidvalidity=7, uid=1, raw=raw)
        assert not store.record_uid(mailbox, uidvalidity=7, uid=1, raw=raw)
        store.advance_checkpoint(mailbox, uidvalidity=7, last_uid=1, now=T0)
    with db.reading() as store:
        assert store.has_uid(mailbox, uidvalidity=7, uid=1)
    assert count(db, Message) == 1


def test_two_writers_racing_on_the_same_mails_store_each_once(db: Database) -> None:
    mails = [relay(token=f"R{i}", message_id=f"r{i}@x", alias=f"b{i % 3}@marketplace.amazon.com")
             for i in range(12)]
    errors: list[BaseException] = []

    def worker(order: list[bytes]) -> None:
        try:
            for raw in order:
                put(db, raw)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(list(mails),)),
               threading.Thread(target=worker, args=(list(reversed(mails)),))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert (count(db, Message), count(db, RawMail), count(db, Buyer)) == (12, 12, 3)


def test_nul_characters_do_not_make_a_mail_unstorable(db: Database) -> None:
    # PostgreSQL refuses NUL in text; the stored text shows U+FFFD where it was.
    raw = relay(text="hello\x00world", name="Jane\x00").replace(b"Inquiry", b"Inq\x00uiry")
    outcome = put(db, raw)
    assert outcome.outcome == "stored"
    with db.reading() as store:
        message = store.get_message(outcome.message_id)
        assert store.get_raw(outcome.raw_mail_id) == raw  # the raw bytes keep the NUL
    assert "\x00" not in (message.text + (message.subject or "") + (message.buyer_name or ""))
    assert "\ufffd" in message.text


def test_overlong_headers_and_names_still_store_and_stay_apart(db: Database) -> None:
    long_id = "x" * 600
    first = put(db, relay(token=None, message_id=f"{long_id}1@relay", alias=f"{'a' * 400}@marketplace.amazon.com",
                          attachments=(("n" * 500 + ".png", b"png"),)))
    second = put(db, relay(token=None, message_id=f"{long_id}2@relay"))
    assert (first.outcome, second.outcome) == ("stored", "stored")
    with db.reading() as store:
        one, two = store.get_message(first.message_id), store.get_message(second.message_id)
        [attachment] = store.attachments_of(one)
    assert len(one.message_key) == len(two.message_key) == 400
    assert one.message_key != two.message_key
    assert attachment.filename is not None
    assert len(attachment.filename) == 400
    assert put(db, relay(token=None, message_id=f"{long_id}2@relay", extra_header="again")).outcome == "duplicate"


HEADERS = st.lists(st.sampled_from([b"From: x@y.z", b"Subject: =?utf-8?b?w6k=?=", b"Message-ID: <a@b>", b"To: \x00",
                                    b"Content-Type: multipart/mixed; boundary=zz", b"Date: yesterday",
                                    b"Content-Transfer-Encoding: base64", b"X: \xff\xfe"]), max_size=5)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(headers=HEADERS, body=st.binary(max_size=400))
def test_any_bytes_are_stored_or_quarantined_and_kept(db: Database, headers: list[bytes], body: bytes) -> None:
    raw = b"\r\n".join(headers) + b"\r\n\r\n" + body
    outcome = put(db, raw)
    assert outcome.outcome in {"stored", "quarantined", "duplicate"}
    with db.reading() as store:
        assert store.get_raw(outcome.raw_mail_id) == raw
        assert store.get_message(outcome.message_id).raw_mail_id is not None
