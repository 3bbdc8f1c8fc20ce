"""The repository: raw mails, IMAP UIDs and checkpoints, stores, mailboxes, audit, streaming."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from sellerdesk.adapters.db.store import compress, decompress, sha256_hex
from sellerdesk.adapters.db.tables import Mailbox, Message, RawMail, Store
from sellerdesk.config import MailboxConfig, StoreConfig
from sellerdesk.errors import NotFoundError, StoreError
from sellerdesk.services.database import Database
from tests.store_mails import T0, relay

MAILBOX = MailboxConfig("acme-us", "imap.example.com", "support@acme.example", "ACME_PW",
                        from_address="support@acme.example")


@given(st.binary(max_size=5000))
def test_compression_round_trips_any_bytes(data: bytes) -> None:
    compression, packed = compress(data)
    assert decompress(compression, packed, what="test") == data


def test_damaged_bytes_are_a_store_error_naming_the_row() -> None:
    compression, packed = compress(b"mail " * 100)
    with pytest.raises(StoreError, match="raw mail 7"):
        decompress(compression, packed[:10], what="raw mail 7")


def test_raw_mails_are_kept_compressed_once_per_content(db: Database) -> None:
    raw = relay()
    with db.transaction() as store:
        first = store.put_raw(raw, now=T0)
        second = store.put_raw(raw, now=T0 + timedelta(hours=1))
        assert first.id == second.id
        assert (first.sha256, first.size) == (sha256_hex(raw), len(raw))
        assert first.compression == "zstd"
        assert len(first.data) < len(raw)
    with db.reading() as store:
        assert store.get_raw(first.id) == raw
        assert store.session.scalar(select(func.count()).select_from(RawMail)) == 1
        with pytest.raises(NotFoundError, match="raw mail 999"):
            store.get_raw(999)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=3000))
def test_any_bytes_come_back_exactly(db: Database, raw: bytes) -> None:
    with db.transaction() as store:
        row_id = store.put_raw(raw, now=T0).id
    with db.reading() as store:
        assert store.get_raw(row_id) == raw


def test_stores_and_mailboxes_are_ensured_once_and_follow_the_configuration(db: Database) -> None:
    with db.transaction() as store:
        first = store.ensure_mailbox(MAILBOX, now=T0)
        again = store.ensure_mailbox(MAILBOX, now=T0)
        shop = store.ensure_store(StoreConfig("acme-us", ("US", "CA"), timezone="America/Los_Angeles"), now=T0)
        assert first.id == again.id
        assert first.store_id == shop.id
    with db.transaction() as store:
        shop = store.ensure_store(StoreConfig("acme-us", ("US",), timezone="America/New_York"), now=T0)
    with db.reading() as store:
        assert store.session.scalar(select(func.count()).select_from(Store)) == 1
        assert store.session.scalar(select(func.count()).select_from(Mailbox)) == 1
        assert (store.get_store("acme-us").marketplaces, shop.timezone) == (["US"], "America/New_York")
        with pytest.raises(NotFoundError, match=r"no store named 'acme-de' .*stores: acme-us"):
            store.get_store("acme-de")


def test_uids_and_the_checkpoint(db: Database) -> None:
    with db.transaction() as store:
        mailbox = store.ensure_mailbox(MAILBOX, now=T0)
        raw = store.put_raw(relay(), now=T0)
        assert store.record_uid(mailbox, uidvalidity=5, uid=10, raw=raw)
        assert not store.record_uid(mailbox, uidvalidity=5, uid=10, raw=raw)
        assert store.record_uid(mailbox, uidvalidity=6, uid=10, raw=raw.id)  # a new UIDVALIDITY: a new folder
        store.advance_checkpoint(mailbox, uidvalidity=5, last_uid=10, now=T0)
        store.advance_checkpoint(mailbox, uidvalidity=5, last_uid=4, now=T0)  # never moves back
        assert (mailbox.uidvalidity, mailbox.last_uid) == (5, 10)
        store.advance_checkpoint(mailbox, uidvalidity=6, last_uid=3, now=T0 + timedelta(minutes=1))
    with db.reading() as store:
        mailbox = store.ensure_mailbox(MAILBOX)
        assert (mailbox.uidvalidity, mailbox.last_uid) == (6, 3)
        assert mailbox.last_polled_at == T0 + timedelta(minutes=1)
        assert store.has_uid(mailbox, uidvalidity=5, uid=10)
        assert not store.has_uid(mailbox, uidvalidity=5, uid=11)


def test_the_audit_log_keeps_who_did_what(db: Database) -> None:
    with db.transaction() as store:
        shop = store.ensure_store_named("acme-us", now=T0)
        store.audit("mei", "reply.override", at=T0, store_id=shop.id, detail={"reason": "tracking link"})
        store.audit("system:ingest", "mailbox.error", at=T0 + timedelta(seconds=1))
    with db.reading() as store:
        newest, oldest = store.audit_entries()
        assert (newest.actor, newest.action, newest.store_id) == ("system:ingest", "mailbox.error", None)
        assert (oldest.actor, oldest.detail, oldest.at) == ("mei", {"reason": "tracking link"}, T0)
        assert [e.actor for e in store.audit_entries(store_id=shop.id)] == ["mei"]


def _message(store_id: int, number: int) -> Message:
    return Message(store_id=store_id, direction="in", kind="other", message_key=f"mid:{number}@x",
                   received_at=T0 + timedelta(minutes=number), created_at=T0, state="stored", text=f"n{number}")


def test_adding_a_message_twice_keeps_the_first(db: Database) -> None:
    with db.transaction() as store:
        shop = store.ensure_store_named("acme-us", now=T0)
        first, created = store.add_message(_message(shop.id, 1))
        second, created_again = store.add_message(_message(shop.id, 1))
        assert (created, created_again, second.id) == (True, False, first.id)
        assert store.find_message(shop.id, "mid:1@x") is first


def test_iter_messages_streams_in_id_order_with_filters(db: Database) -> None:
    with db.transaction() as store:
        us = store.ensure_store_named("acme-us", now=T0).id
        de = store.ensure_store_named("acme-de", now=T0).id
        for number in range(10):
            store.add_message(_message(us if number % 2 else de, number))
    with db.reading() as store:
        everything = [(name, m.text) for name, m in store.iter_messages(batch_size=3)]
        only_us = [m.text for _, m in store.iter_messages(store_id=us, since=T0 + timedelta(minutes=4),
                                                           batch_size=2)]
    assert everything == [("acme-us" if n % 2 else "acme-de", f"n{n}") for n in range(10)]
    assert only_us == ["n5", "n7", "n9"]


def test_missing_rows_are_not_found_errors(db: Database) -> None:
    with db.reading() as store:
        with pytest.raises(NotFoundError, match="thread 42 does not exist"):
            store.get_thread(42)
        with pytest.raises(NotFoundError, match="message 42 does not exist"):
            store.get_message(42)
