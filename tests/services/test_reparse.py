"""`sellerdesk reparse`: stored mails parsed again from their raw bytes, updated in place."""

from __future__ import annotations

import json
from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import func, select

from sellerdesk.adapters.db.tables import Message, Thread
from sellerdesk.cli import _register, cli
from sellerdesk.core.amazon_mail import PARSER_VERSION, parse_relay_mail
from sellerdesk.services.database import Database
from sellerdesk.services.reparse import reparse_messages
from sellerdesk.services.storing import store_mail
from tests.store_mails import NOT_A_MAIL, T0, relay

LATER = T0 + timedelta(days=2)


def put(db: Database, raw: bytes) -> int:
    with db.transaction() as store:
        return store_mail(store, store_name="acme-us", raw=raw, now=T0, attachment_max_bytes=10_000).message_id


def quarantined_by_an_older_parser(db: Database, raw: bytes) -> int:
    """A mail an older parser could not read: raw kept, quarantined, parser version 0."""
    with db.transaction() as store:
        shop = store.ensure_store_named("acme-us", now=T0)
        row = store.put_raw(raw, now=T0)
        message, _ = store.add_message(Message(
            store_id=shop.id, raw_mail_id=row.id, direction="in", kind="other", message_key=f"sha:{row.sha256}",
            received_at=T0, created_at=T0, state="quarantined", state_reason="old parser gave up", text="",
            parser_version=0, details={}))
        return message.id


def run(db: Database, *, everything: bool = False) -> dict[str, int]:
    return reparse_messages(db, now=LATER, attachment_max_bytes=10_000, everything=everything,
                            batch_size=2).as_dict()


def test_messages_of_an_older_parser_are_updated_in_place(db: Database) -> None:
    message_id = put(db, relay())
    with db.transaction() as store:
        message = store.get_message(message_id)
        message.text, message.intent, message.parser_version = "garbled by an old parser", None, 0
        message.details = {**message.details, "bounce_of": 7, "asins": []}
    summary = run(db)
    with db.reading() as store:
        message = store.get_message(message_id)
    assert (summary["examined"], summary["changed"]) == (1, 1)
    assert message.text == "Where is my order? It has not arrived yet."
    assert message.intent is not None
    assert message.intent == parse_relay_mail(relay()).intent
    assert message.parser_version == PARSER_VERSION
    assert message.details["bounce_of"] == 7  # what others noted on the message stays
    assert message.details["asins"] == ["B0ABCDEF12"]


def test_only_older_versions_unless_all(db: Database) -> None:
    put(db, relay(token="T1"))
    put(db, relay(token="T2", message_id="m2@x"))
    assert run(db)["examined"] == 0
    summary = run(db, everything=True)
    assert (summary["examined"], summary["changed"]) == (2, 0)  # the same parser finds the same things


def test_a_quarantined_mail_that_now_parses_is_stored_and_threaded(db: Database) -> None:
    earlier = put(db, relay(token="T0", message_id="m0@x"))
    raw = relay(attachments=(("photo.png", b"\x89PNG" + b"x" * 100),))
    message_id = quarantined_by_an_older_parser(db, raw)
    summary = run(db)
    with db.reading() as store:
        message = store.get_message(message_id)
        thread_of_earlier = store.get_message(earlier).thread_id
        db_thread = message.thread_id
        attachments = store.attachments_of(message)
        audit = store.audit_entries(action="mail.unquarantined")
    assert (summary["unquarantined"], summary["examined"]) == (1, 1)
    assert (message.state, message.state_reason, message.message_key) == ("stored", None, "tok:TOK1")
    assert message.kind == "buyer_message"
    assert db_thread is not None
    assert db_thread == thread_of_earlier
    assert [a.filename for a in attachments] == ["photo.png"]
    assert [e.message_id for e in audit] == [message_id]
    assert run(db, everything=True)["unquarantined"] == 0  # a second run changes nothing


def test_a_mail_that_still_cannot_be_parsed_stays_quarantined_with_the_new_reason(db: Database) -> None:
    message_id = quarantined_by_an_older_parser(db, NOT_A_MAIL)
    summary = run(db)
    with db.reading() as store:
        message = store.get_message(message_id)
    assert summary["still_quarantined"] == 1
    assert message.state == "quarantined"
    assert message.state_reason is not None
    assert "not an e-mail" in message.state_reason
    assert message.parser_version == PARSER_VERSION


def test_a_quarantined_copy_of_a_stored_message_becomes_a_marked_duplicate(db: Database) -> None:
    stored = put(db, relay())
    copy = quarantined_by_an_older_parser(db, relay(extra_header="second mailbox"))
    summary = run(db)
    with db.reading() as store:
        message = store.get_message(copy)
    assert summary["duplicates"] == 1
    assert (message.state, message.thread_id, message.details["duplicate_of"]) == ("duplicate", None, stored)


def test_a_message_filed_in_the_wrong_thread_moves_and_the_empty_thread_goes(db: Database) -> None:
    message_id = put(db, relay())
    with db.transaction() as store:
        message = store.get_message(message_id)
        wrong, _ = store.ensure_thread(message.store_id, "abc123xyz@marketplace.amazon.com|general",
                                       buyer_id=None, order_id=None, asin=None, marketplace=None, subject=None,
                                       now=T0)
        right_id, message.thread_id, message.parser_version = message.thread_id, wrong.id, 0
        store.session.flush()
        store.delete_thread_if_empty(store.get_thread(right_id or 0))
    summary = run(db)
    with db.reading() as store:
        message = store.get_message(message_id)
        keys = list(store.session.scalars(select(Thread.thread_key)))
        threads = store.session.scalar(select(func.count()).select_from(Thread))
    assert summary["rethreaded"] == 1
    assert keys == ["abc123xyz@marketplace.amazon.com|order:114-1234567-1234567"]
    assert threads == 1
    assert message.thread_id is not None


def test_the_command_prints_a_summary(db: Database, database_url: str) -> None:
    quarantined_by_an_older_parser(db, relay())
    _register()
    result = CliRunner().invoke(cli, ["reparse", "--database-url", database_url])
    assert result.exit_code == 0
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert (summary["examined"], summary["unquarantined"]) == (1, 1)
    assert "reparse: 1 examined" in result.stderr
