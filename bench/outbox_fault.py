"""The outbox under faults, long form: many replies, racing workers, a misbehaving server, killed workers.

Run from the repository root: ``.venv/bin/python -m bench.outbox_fault [--replies 1000]
[--workers 2] [--kills 5] [--database-url URL]`` (default: a fresh SQLite file).

A real SMTP server (aiosmtpd) answers with seeded faults — 4xx, 5xx, connections dropped
before, during and after DATA — while *workers* threads, each with its own database engine,
run outbox rounds side by side; *kills* worker processes are SIGKILLed right after claiming
a delivery. Simulated time moves one hour per round until nothing is queued or sending.
Prints the end states, what the server received, the duplicates and the lost replies (both
must be 0) and the throughput; nothing is asserted (tests/services/test_outbox.py holds the
short form that is).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.outbox_worker import IMAP_USER, crash_after_claim
from tests.smtp_server import Fault, SmtpSink, running_sink

from sellerdesk.adapters.db.tables import Delivery
from sellerdesk.config import Config, MailboxConfig, StoreConfig
from sellerdesk.core.compliance import CheckResult
from sellerdesk.core.outbox import Actor, RetryPolicy
from sellerdesk.samples.relay import render_buyer_message
from sellerdesk.services.database import Database, open_database
from sellerdesk.services.outbox import queue_reply, send_outbox
from sellerdesk.services.storing import store_mail

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
STORE = StoreConfig("bench-us", ("US",))
FAULT_WEIGHTS = {None: 12, Fault.REJECT: 1, Fault.REJECT_RCPT: 1, Fault.DEFER: 3, Fault.DEFER_MAIL: 2,
                 Fault.DROP_BEFORE_DATA: 2, Fault.DROP_IN_DATA: 1, Fault.DROP_AFTER_ACCEPT: 1}


def mailbox_for(sink: SmtpSink) -> MailboxConfig:
    """The bench store's mailbox, sending through *sink*."""
    return MailboxConfig(store=STORE.name, imap_host="127.0.0.1", imap_username=IMAP_USER,
                         imap_password_env="UNUSED", smtp_host=sink.host, smtp_port=sink.port,
                         smtp_security="none", from_address="support@bench.example")


def passing(text: str, **_: object) -> CheckResult:
    """Bench replies look alike on purpose; the compliance guard is measured in bench/compliance.py."""
    return CheckResult("pass")


def fill(db: Database, sink: SmtpSink, replies: int) -> None:
    """Store *replies* buyer messages and queue one reply to each."""
    for first in range(0, replies, 100):
        with db.transaction() as store:
            store.ensure_store(STORE, now=T0)
            store.ensure_mailbox(mailbox_for(sink), now=T0)
            for n in range(first, min(first + 100, replies)):
                raw = render_buyer_message(
                    marketplace="US", buyer_name="Sam", alias=f"b{n:06d}+x@marketplace.amazon.com",
                    order_id=f"114-{n:07d}-7654321", asins=["B0C7654321"], titles=["Desk lamp"],
                    text="Where is my order?", date=T0 - timedelta(hours=3), message_id=f"q{n}@amazon.com",
                    comm_mgr_tok=f"t{n:08d}")
                outcome = store_mail(store, store_name=STORE.name, raw=raw, now=T0 - timedelta(hours=2),
                                     attachment_max_bytes=1 << 20)
                assert outcome.thread_id is not None
                queue_reply(store, thread_id=outcome.thread_id, text=f"Your lamp ships today ({n}).",
                            actor=Actor("bench", "agent"), now=T0, checker=passing)


def run(args: argparse.Namespace) -> None:
    """Fill the outbox, kill some workers, run rounds until everything settled, print the figures."""
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'outbox-bench.db'}"
    rng = random.Random(args.seed)
    with running_sink() as sink, open_database(url) as db:
        began = time.perf_counter()
        fill(db, sink, args.replies)
        print(f"queued {args.replies} replies in {time.perf_counter() - began:.1f} s ({url.split('?')[0]})")
        for _ in range(args.kills):
            crash_after_claim(url, T0, STORE.name)
        sink.fail_next(*rng.choices(list(FAULT_WEIGHTS), weights=list(FAULT_WEIGHTS.values()), k=3 * args.replies))
        config = Config(stores=(STORE,), mailboxes=(mailbox_for(sink),), source="bench")
        engines = [open_database(url, upgrade=False) for _ in range(args.workers)]
        began, now, rounds = time.perf_counter(), T0, 0
        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            while rounds < 200:
                rounds += 1
                jobs = [pool.submit(send_outbox, engine, config, now=now, rng=random.Random(rng.random()))
                        for engine in engines]
                handled = sum(len(job.result()) for job in jobs)
                with db.reading() as store:
                    open_states = store.session.query(Delivery).filter(
                        Delivery.state.in_(["queued", "sending"])).count()
                if handled == 0 and open_states == 0:
                    break
                now += timedelta(hours=1)
        spent = time.perf_counter() - began
        for engine in engines:
            engine.close()
        report(db, sink, spent=spent, rounds=rounds, policy=RetryPolicy())


def report(db: Database, sink: SmtpSink, *, spent: float, rounds: int, policy: RetryPolicy) -> None:
    """Print end states, server receipts, duplicates, lost replies and throughput."""
    accepted = Counter(sink.accepted_ids())
    with db.reading() as store:
        rows = [(d.state, store.get_message(d.message_id).message_id) for d in store.session.query(Delivery)]
    states = Counter(state for state, _ in rows)
    lost = sum(1 for state, mid in rows if state == "sent" and accepted[mid] != 1)
    failed_but_received = sum(1 for state, mid in rows if state == "failed" and accepted[mid])
    unknown_received = sum(1 for state, mid in rows if state == "unknown" and accepted[mid])
    duplicates = sum(count - 1 for count in accepted.values() if count > 1)
    print(f"workers' rounds: {rounds} (one simulated hour each, max {policy.max_attempts} attempts per reply)")
    print(f"end states: {dict(sorted(states.items()))}")
    print(f"server: {sink.transactions} transactions, {len(sink.accepted)} messages kept, "
          f"{unknown_received} of the 'unknown' ones among them")
    print(f"sent twice: {duplicates}   'sent' but not received: {lost}   'failed' but received: {failed_but_received}")
    print(f"delivery phase: {spent:.1f} s wall, {len(rows) / spent:.0f} deliveries/s settled")


def main() -> None:
    """Parse the arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--replies", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=None)
    run(parser.parse_args())


if __name__ == "__main__":
    main()
