"""Ingest from a real Dovecot into SQLite and PostgreSQL: exactly once, checkpoints, failures per mailbox."""

from __future__ import annotations

import threading
import time
import tomllib
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from sellerdesk.adapters.db.tables import Mailbox, MailboxUid, Message
from sellerdesk.adapters.imap import ImapMailSource
from sellerdesk.config import Config, parse_config
from sellerdesk.services.database import Database
from sellerdesk.services.ingest import (
    MailboxSummary,
    backoff_delay,
    ingest_all,
    ingest_mailbox,
    watch_mailboxes,
)
from tests.dovecot import PASSWORD, Dovecot, running_dovecot
from tests.mails import buyer_mail, malformed_mail
from tests.servers import free_port

pytestmark = pytest.mark.dovecot
NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
STORES = ("acme-us", "acme-de", "acme-uk")


def clock() -> datetime:
    return NOW


def make_config(*mailbox_tables: str, poll_seconds: int = 60) -> Config:
    stores = "".join(f'[[stores]]\nname = "{name}"\nmarketplaces = ["US"]\n' for name in STORES)
    return parse_config({**tomllib.loads(stores + "".join(mailbox_tables)), "poll_seconds": poll_seconds}, env={})


def count(db: Database, model: type[Any]) -> int:
    with db.reading() as store:
        return int(store.session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_IMAP_PASSWORD", PASSWORD)
    monkeypatch.setenv("WRONG_IMAP_PASSWORD", "not-the-password")


def test_ingest_stores_every_mail_once_and_a_rerun_stores_nothing(db: Database, dovecot: Dovecot) -> None:
    dovecot.deliver_many(buyer_mail(n) for n in range(25))
    config = make_config(dovecot.mailbox_toml(store="acme-us", password_env="TEST_IMAP_PASSWORD"))
    first = ingest_mailbox(db, config, config.mailboxes[0], now_fn=clock, batch_size=10)
    assert (first.fetched, first.stored, first.duplicates, first.quarantined, first.error) == (25, 25, 0, 0, None)
    second = ingest_mailbox(db, config, config.mailboxes[0], now_fn=clock, batch_size=10)
    assert (second.fetched, second.stored, second.error) == (0, 0, None)
    assert count(db, Message) == 25
    assert count(db, MailboxUid) == 25
    with db.reading() as store:
        box = store.session.scalars(select(Mailbox)).one()
        assert box.last_uid == 25
        assert box.uidvalidity is not None
        assert box.last_error is None


def test_only_new_mail_is_fetched_after_the_checkpoint(db: Database, dovecot: Dovecot) -> None:
    config = make_config(dovecot.mailbox_toml(store="acme-us", password_env="TEST_IMAP_PASSWORD"))
    dovecot.deliver_many(buyer_mail(n) for n in range(3))
    assert ingest_mailbox(db, config, config.mailboxes[0], now_fn=clock).stored == 3
    dovecot.deliver_many(buyer_mail(n) for n in range(3, 5))
    later = ingest_mailbox(db, config, config.mailboxes[0], now_fn=clock)
    assert (later.fetched, later.stored) == (2, 2)
    assert count(db, Message) == 5


def test_new_uidvalidity_rescans_without_storing_twice(db: Database, dovecot: Dovecot) -> None:
    config = make_config(dovecot.mailbox_toml(store="acme-us", password_env="TEST_IMAP_PASSWORD"))
    dovecot.deliver_many(buyer_mail(n) for n in range(4))
    assert ingest_mailbox(db, config, config.mailboxes[0], now_fn=clock).stored == 4
    with db.reading() as store:
        old_validity = store.session.scalars(select(Mailbox.uidvalidity)).one()
    dovecot.reset_uidvalidity()
    dovecot.deliver(buyer_mail(4))
    rescan = ingest_mailbox(db, config, config.mailboxes[0], now_fn=clock)
    assert (rescan.fetched, rescan.stored, rescan.duplicates, rescan.error) == (5, 1, 4, None)
    assert count(db, Message) == 5
    with db.reading() as store:
        validities = set(store.session.scalars(select(MailboxUid.uidvalidity)))
    assert len(validities) == 2
    assert old_validity in validities


def test_malformed_mail_is_quarantined_not_dropped(db: Database, dovecot: Dovecot) -> None:
    config = make_config(dovecot.mailbox_toml(store="acme-us", password_env="TEST_IMAP_PASSWORD"))
    dovecot.deliver_many([buyer_mail(1), malformed_mail(), buyer_mail(2)])
    summary = ingest_mailbox(db, config, config.mailboxes[0], now_fn=clock)
    assert (summary.fetched, summary.stored, summary.quarantined) == (3, 2, 1)
    with db.reading() as store:
        states = sorted(store.session.scalars(select(Message.state)))
        reason = store.session.scalars(select(Message.state_reason).where(Message.state == "quarantined")).one()
    assert states == ["quarantined", "stored", "stored"]
    assert reason


def test_failing_mailboxes_are_reported_while_the_others_ingest(db: Database, dovecot: Dovecot) -> None:
    dovecot.deliver_many(buyer_mail(n) for n in range(6))
    unreachable = free_port()
    config = make_config(
        dovecot.mailbox_toml(store="acme-de", password_env="WRONG_IMAP_PASSWORD"),
        dovecot.mailbox_toml(store="acme-uk", password_env="TEST_IMAP_PASSWORD").replace(
            f"imap_port = {dovecot.port}", f"imap_port = {unreachable}"),
        dovecot.mailbox_toml(store="acme-us", password_env="UNSET_IMAP_PASSWORD").replace(
            'imap_username = "seller"', 'imap_username = "other"'),
        dovecot.mailbox_toml(store="acme-us", password_env="TEST_IMAP_PASSWORD"),
    )
    wrong, down, unset, good = ingest_all(db, config, now_fn=clock)
    assert wrong.error is not None
    assert "refused the login" in wrong.error
    assert "WRONG_IMAP_PASSWORD" in wrong.error
    assert down.error is not None
    assert "cannot talk to" in down.error
    assert str(unreachable) in down.error
    assert unset.error is not None
    assert "UNSET_IMAP_PASSWORD is not set" in unset.error
    assert (good.stored, good.error) == (6, None)
    assert (wrong.fetched, down.fetched, unset.fetched) == (0, 0, 0)
    with db.reading() as store:
        errors = {row.imap_username: row.last_error for row in store.session.scalars(select(Mailbox))
                  if row.last_error}
    assert set(errors) == {"seller", "other"}  # acme-de and acme-uk use "seller", acme-us:other is unset


def test_watch_picks_up_new_mail_and_stops_when_asked(db: Database, dovecot: Dovecot) -> None:
    config = make_config(dovecot.mailbox_toml(store="acme-us", password_env="TEST_IMAP_PASSWORD"), poll_seconds=30)
    reports: list[MailboxSummary] = []
    stop = threading.Event()
    watcher = threading.Thread(target=watch_mailboxes, args=(db, config),
                               kwargs={"stop": stop, "report": reports.append, "now_fn": clock})
    watcher.start()
    try:
        dovecot.deliver_many(buyer_mail(n) for n in range(3))
        deadline = time.monotonic() + 60  # a bound on waiting, not an assertion on speed
        while count(db, Message) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop.set()
        watcher.join(timeout=30)
    assert not watcher.is_alive()
    assert count(db, Message) == 3
    assert sum(r.stored for r in reports) == 3
    assert all(r.error is None for r in reports)


def test_watch_reports_an_unreachable_mailbox_and_keeps_trying(db: Database) -> None:
    box = (f'[[mailboxes]]\nstore = "acme-us"\nimap_host = "127.0.0.1"\nimap_port = {free_port()}\n'
           'imap_security = "none"\nimap_username = "seller"\nimap_password_env = "TEST_IMAP_PASSWORD"\n')
    config = make_config(box, poll_seconds=1)
    reports: list[MailboxSummary] = []
    stop = threading.Event()

    def report(summary: MailboxSummary) -> None:
        reports.append(summary)
        if len(reports) == 2:  # a first failure, then a retry after the backoff: enough
            stop.set()

    watcher = threading.Thread(target=watch_mailboxes, args=(db, config), kwargs={"stop": stop, "report": report})
    watcher.start()
    watcher.join(timeout=60)
    stop.set()
    watcher.join()
    assert len(reports) == 2
    assert all(r.error and "cannot talk to" in r.error for r in reports)


@given(failures=st.integers(min_value=1, max_value=200), jitter=st.floats(min_value=0.0, max_value=1.0))
def test_backoff_doubles_up_to_a_cap_with_jitter(failures: int, jitter: float) -> None:
    step = min(300.0, 2.0 * 2 ** (failures - 1))
    delay = backoff_delay(failures, base=2.0, cap=300.0, rand=lambda: jitter)
    assert step / 2 <= delay <= step
    assert backoff_delay(1, rand=lambda: 0.0) == pytest.approx(1.0)
    assert backoff_delay(3, rand=lambda: 1.0) == pytest.approx(8.0)


def test_two_ingests_of_one_mailbox_at_once_store_each_mail_once(db: Database, dovecot: Dovecot) -> None:
    dovecot.deliver_many(buyer_mail(n) for n in range(40))
    config = make_config(dovecot.mailbox_toml(store="acme-us", password_env="TEST_IMAP_PASSWORD"))
    summaries: list[MailboxSummary] = []

    def run() -> None:
        summaries.append(ingest_mailbox(db, config, config.mailboxes[0], now_fn=clock, batch_size=10))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [s.error for s in summaries] == [None, None]
    assert count(db, Message) == 40
    assert count(db, MailboxUid) == 40


def test_watch_polls_a_server_without_idle(db: Database) -> None:
    with running_dovecot(extra_config="imap_capability = IMAP4rev1 LITERAL+") as server:
        config = make_config(server.mailbox_toml(store="acme-us", password_env="TEST_IMAP_PASSWORD"), poll_seconds=1)
        with ImapMailSource(config.mailboxes[0], password=PASSWORD) as probe:
            assert not probe.supports_idle
        reports: list[MailboxSummary] = []
        stop = threading.Event()
        watcher = threading.Thread(target=watch_mailboxes, args=(db, config),
                                   kwargs={"stop": stop, "report": reports.append, "now_fn": clock})
        watcher.start()
        try:
            server.deliver_many(buyer_mail(n) for n in range(2))
            deadline = time.monotonic() + 60  # a bound on waiting, not an assertion on speed
            while count(db, Message) < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            stop.set()
            watcher.join(timeout=30)
    assert not watcher.is_alive()
    assert count(db, Message) == 2
    assert sum(r.stored for r in reports) == 2


def test_watch_carries_on_after_the_server_restarts(db: Database, dovecot: Dovecot) -> None:
    config = make_config(dovecot.mailbox_toml(store="acme-us", password_env="TEST_IMAP_PASSWORD"), poll_seconds=2)
    stop = threading.Event()
    reports: list[MailboxSummary] = []
    watcher = threading.Thread(target=watch_mailboxes, args=(db, config),
                               kwargs={"stop": stop, "report": reports.append, "now_fn": clock})
    watcher.start()
    try:
        dovecot.deliver(buyer_mail(1))
        deadline = time.monotonic() + 60  # bounds on waiting, not assertions on speed
        while count(db, Message) < 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        dovecot.stop()  # the watcher's connection dies with the server
        dovecot.start()
        dovecot.deliver(buyer_mail(2))
        deadline = time.monotonic() + 90
        while count(db, Message) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop.set()
        watcher.join(timeout=30)
    assert not watcher.is_alive()
    assert count(db, Message) == 2
    assert count(db, MailboxUid) == 2
