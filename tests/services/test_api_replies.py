"""reply_once: one queued reply per user and Idempotency-Key, even for requests at the same time (both databases)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from sellerdesk.config import Config, MailboxConfig, StoreConfig
from sellerdesk.errors import InputError, SendBlockedError
from sellerdesk.services import users
from sellerdesk.services.api_replies import ApiReply, reply_once
from sellerdesk.services.database import Database
from tests.web.conftest import BAD, GOOD, T0, add_mail, relay_mail

MAILBOX = MailboxConfig(store="acme-us", imap_host="127.0.0.1", imap_username="support@acme.example",
                        imap_password_env="UNUSED", smtp_host="127.0.0.1", from_address="support@acme.example")
CONFIG = Config(stores=(StoreConfig("acme-us", ("US",)),), mailboxes=(MAILBOX,), source="test.toml")


def a_thread(db: Database) -> tuple[int, int]:
    """An agent and a buyer thread of acme-us with a sending mailbox; (user id, thread id)."""
    with db.transaction() as store:
        store.ensure_store(CONFIG.stores[0], now=T0)
        store.ensure_mailbox(MAILBOX, now=T0)
        user_id = users.add_user(store, name="erp", password="correct horse battery", role="agent", now=T0).id
    return user_id, add_mail(db, "acme-us", relay_mail(7, text="Where is my kettle?"), at=T0)


def send(db: Database, user_id: int, thread_id: int, key: str, text: str = GOOD) -> ApiReply:
    with db.transaction() as store:
        return reply_once(store, user_id=user_id, user_name="erp", token_name="erp-sync", key=key,
                          thread_id=thread_id, text=text, now=T0, config=CONFIG)


def replies(db: Database, thread_id: int) -> int:
    with db.reading() as store:
        return sum(1 for m in store.thread_messages(thread_id) if m.direction == "out")


def test_requests_at_the_same_time_with_one_key_queue_one_reply(db: Database) -> None:
    user_id, thread_id = a_thread(db)
    start = threading.Barrier(4)

    def attempt(_: int) -> ApiReply:
        start.wait()
        return send(db, user_id, thread_id, "same-key")

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(attempt, range(4)))
    assert sorted(o.status for o in outcomes) == ["queued", "replayed", "replayed", "replayed"]
    assert len({o.result["message"] for o in outcomes}) == 1
    assert replies(db, thread_id) == 1


def test_a_key_used_for_another_text_queues_nothing(db: Database) -> None:
    user_id, thread_id = a_thread(db)
    assert send(db, user_id, thread_id, "k").status == "queued"
    assert send(db, user_id, thread_id, "k", text=GOOD + " More.").status == "key_reused"
    assert send(db, user_id, thread_id, "k2", text=GOOD + " More.").status == "queued"
    assert replies(db, thread_id) == 2


def test_a_blocked_reply_leaves_the_key_free_for_the_rewritten_text(db: Database) -> None:
    user_id, thread_id = a_thread(db)
    with pytest.raises(SendBlockedError):
        send(db, user_id, thread_id, "k", text=BAD)
    assert send(db, user_id, thread_id, "k").status == "queued"
    with db.reading() as store:
        assert [e.detail["idempotency_key"] for e in store.audit_entries(action="api.reply")] == ["k"]


def test_a_bad_key_is_refused(db: Database) -> None:
    user_id, thread_id = a_thread(db)
    for key in ("", "with space", "x" * 201):
        with pytest.raises(InputError, match="Idempotency-Key"):
            send(db, user_id, thread_id, key)
    assert replies(db, thread_id) == 0
