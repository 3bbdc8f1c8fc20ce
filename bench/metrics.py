"""Metrics speed: Contact Response Time from the stored response times against loading every row, and the inbox.

Run: ``.venv/bin/python bench/metrics.py [--count 100000] [--rounds 5] [--postgres URL]``
(the long form is ``--count 1000000``).

One store, 18 months of threads written straight to the tables: ``--count`` messages in all,
buyer messages and replies (about 15 % of buyer messages unanswered or late, 2 % marked "no
response needed"), with threads spread over the states of the workflow; then the response
times are computed for every thread (:func:`sellerdesk.adapters.db.response_times.rebuild`,
what migration 0007 runs on an existing database). Printed per database (median of
``--rounds`` runs, wall-clock on a shared machine):

* ``sql 18 months`` / ``sql 90 days`` / ``by agent``:
  :func:`sellerdesk.services.response_metrics.response_metrics` (and ``_by`` per agent);
* ``naive 18 months``: every buyer message and reply of the store loaded, matched with
  :func:`sellerdesk.core.sla.first_replies` and measured with :func:`sellerdesk.core.metrics.contact_response_time`;
  the script checks that every count, the average and the median agree;
* ``inbox first page``: :func:`sellerdesk.services.inbox_view.list_inbox` (what the web inbox
  shows), store ``bench-us`` and state ``open``, soonest-due first; against loading the store's
  open threads and their messages and sorting in Python (the script checks both pages agree).

PostgreSQL runs when ``--postgres`` (a server URL without a database) is reachable; a scratch
database is created and dropped.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from bench._postgres import scratch_database
from sellerdesk.adapters.db.response_times import rebuild
from sellerdesk.adapters.db.tables import Message, MessageExclusion, Thread
from sellerdesk.config import StoreConfig
from sellerdesk.core.metrics import ResponseRecord, contact_response_time
from sellerdesk.core.sla import BuyerMessage, Reply, first_replies
from sellerdesk.services.database import Database, open_database
from sellerdesk.services.inbox_view import InboxFilter, list_inbox
from sellerdesk.services.response_metrics import Scope, response_metrics, response_metrics_by

NOW = datetime(2026, 9, 1, tzinfo=UTC)
START = NOW - timedelta(days=548)
STATES = ["open"] * 3 + ["answered"] * 10 + ["closed"] * 30 + ["waiting_on_buyer", "on_hold", "new"]


def fill(db: Database, *, count: int, seed: int) -> None:
    """Write about *count* messages of one store (threads of one or two buyer messages and their replies)."""
    rng = random.Random(seed)
    with db.transaction() as store:
        shop = store.ensure_store(StoreConfig("bench-us", ("US",)), now=START).id
    written, number = 0, 0
    while written < count:
        threads, messages, marks = [], [], []
        with db.transaction() as store:
            first_id = (store.session.scalar(select(Thread.id).order_by(Thread.id.desc()).limit(1)) or 0) + 1
            message_id = (store.session.scalar(select(Message.id).order_by(Message.id.desc()).limit(1)) or 0) + 1
            for offset in range(min(5000, count - written)):
                number += 1
                thread_id = first_id + offset
                base = START + timedelta(seconds=rng.randrange(0, 548 * 86400))
                state = rng.choice(STATES)
                inbound = [base + timedelta(hours=i * rng.randint(1, 30)) for i in range(rng.choice([1, 1, 2]))]
                threads.append({"id": thread_id, "store_id": shop, "thread_key": f"t{number}", "state": state,
                                "marketplace": "US", "created_at": base, "updated_at": base,
                                "last_inbound_at": inbound[-1], "assigned_to": rng.choice(["amy", "bo", "cy"])})
                for i, at in enumerate(inbound):
                    messages.append(_row(message_id, shop, thread_id, f"in{number}.{i}", "in", at))
                    if rng.random() < 0.02:
                        marks.append({"message_id": message_id, "actor": "amy", "reason": "thanks", "at": at})
                    message_id += 1
                if rng.random() < 0.9:
                    late = rng.random() < 0.08
                    answer = inbound[-1] + timedelta(seconds=rng.randrange(60, (40 if late else 20) * 3600))
                    messages.append(_row(message_id, shop, thread_id, f"out{number}", "out", answer))
                    message_id += 1
            store.session.execute(insert(Thread), threads)
            store.session.execute(insert(Message), messages)
            if marks:
                store.session.execute(insert(MessageExclusion), marks)
        written += len(messages)


def _row(row_id: int, shop: int, thread_id: int, key: str, direction: str, at: datetime) -> dict[str, Any]:
    inbound = direction == "in"
    return {"id": row_id, "store_id": shop, "thread_id": thread_id, "direction": direction,
            "kind": "buyer_message" if inbound else "reply", "message_key": key, "text": "",
            "marketplace": "US", "sent_at": at, "received_at": at, "created_at": at,
            "state": "stored" if inbound else "sent", "details": {}, "parser_version": 0}


def naive(db: Database, *, start: datetime, end: datetime) -> Any:
    """Load every buyer message and reply of the store and compute the metric in Python."""
    with db.reading() as store:
        rows = store.session.execute(select(Message.id, Message.thread_id, Message.direction, Message.received_at,
                                            Message.sent_at, MessageExclusion.id)
                                     .outerjoin(MessageExclusion, MessageExclusion.message_id == Message.id)).all()
    threads: dict[int, tuple[list[BuyerMessage], list[Reply]]] = {}
    excluded: set[str] = set()
    for row_id, thread_id, direction, received_at, sent_at, mark in rows:
        inbound, replies = threads.setdefault(thread_id or 0, ([], []))
        if direction == "in":
            inbound.append(BuyerMessage(str(row_id), min(sent_at or received_at, received_at)))
            if mark is not None:
                excluded.add(str(row_id))
        else:
            replies.append(Reply(sent_at or received_at))
    records = []
    for inbound, replies in threads.values():
        answered = first_replies(inbound, replies)
        records += [ResponseRecord(m.received_at, answered.get(m.key), excluded=m.key in excluded) for m in inbound]
    return contact_response_time(records, start=start, end=end)


def web_inbox_page(db: Database) -> list[int]:
    """The web inbox's first page (:func:`sellerdesk.services.inbox_view.list_inbox`), store and state filtered."""
    with db.reading() as store:
        page = list_inbox(store, store_ids=[1], filters=InboxFilter(store="bench-us", state="open"))
    return [row.thread_id for row in page.rows]


def inbox_page_naive(db: Database) -> list[int]:
    """The same page by loading the store's open threads and their messages, soonest-due first in Python."""
    with db.reading() as store:
        rows = store.session.execute(
            select(Thread.id, Thread.last_inbound_at, Message.direction, Message.received_at, Message.sent_at,
                   MessageExclusion.id)
            .join(Message, Message.thread_id == Thread.id)
            .outerjoin(MessageExclusion, MessageExclusion.message_id == Message.id)
            .where(Thread.store_id == 1, Thread.state == "open")).all()
    threads: dict[int, tuple[list[BuyerMessage], list[Reply], Any]] = {}
    for thread_id, last_inbound, direction, received_at, sent_at, mark in rows:
        inbound, replies, _ = threads.setdefault(thread_id, ([], [], last_inbound))
        if direction == "out":
            replies.append(Reply(sent_at or received_at))
        elif mark is None:
            inbound.append(BuyerMessage(str(len(inbound)), min(sent_at or received_at, received_at)))
    waiting, rest = [], []
    for thread_id, (inbound, replies, last_inbound) in threads.items():
        answered = first_replies(inbound, replies)
        oldest = min((m.received_at for m in inbound if m.key not in answered), default=None)
        if oldest is None:
            rest.append((last_inbound, thread_id))
        else:
            waiting.append((oldest, thread_id))
    page = [t for _, t in sorted(waiting)] + [t for _, t in sorted(rest, key=lambda r: (r[0], r[1]), reverse=True)]
    return page[:50]


def timed(rounds: int, work: Callable[[], Any]) -> tuple[str, Any]:
    """Median wall-clock and CPU milliseconds of *rounds* runs of *work* (as text), and its last result.

    The CPU time is this process's: for SQLite, which runs in-process, it says how much of the
    wall-clock time was work rather than waiting for a core of the shared machine.
    """
    times, cpu, result = [], [], None
    for _ in range(rounds):
        began, began_cpu = time.perf_counter(), time.process_time()
        result = work()
        times.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    return f"{statistics.median(times):8.1f} ms (cpu here {statistics.median(cpu):.1f} ms)", result


def run(db: Database, *, count: int, rounds: int, seed: int, label: str) -> None:
    """Fill *db*, then time and print each measurement."""
    began = time.perf_counter()
    fill(db, count=count, seed=seed)
    print(f"{label}: {count} messages written in {time.perf_counter() - began:.1f} s")
    began = time.perf_counter()
    with db.engine.begin() as connection:
        rebuild(connection)
    print(f"{label}: response times of every thread computed in {time.perf_counter() - began:.1f} s", flush=True)

    def metric(days: int) -> Any:
        with db.reading() as store:
            return response_metrics(store, start=NOW - timedelta(days=days), end=NOW, scope=Scope(store="bench-us"))

    ms, sql = timed(rounds, lambda: metric(548))
    print(f"{label}: sql 18 months {ms}  ({sql.received} buyer messages, "
          f"{sql.within_24h_share:.3f} within 24 h)")
    ms, _ = timed(rounds, lambda: metric(90))
    print(f"{label}: sql 90 days   {ms}", flush=True)
    ms, _ = timed(rounds, lambda: _by_agent(db))
    print(f"{label}: sql 18 months by agent {ms}", flush=True)
    ms, slow = timed(max(1, rounds // 2), lambda: naive(db, start=START, end=NOW))
    print(f"{label}: naive 18 months {ms}  (same figures as sql: {_same(slow, sql)})")
    ms, page = timed(rounds, lambda: web_inbox_page(db))
    ms_naive, page_naive = timed(max(1, rounds // 2), lambda: inbox_page_naive(db))
    print(f"{label}: inbox first page (store, state=open) {ms}; naive {ms_naive}  "
          f"(same page: {page == page_naive})", flush=True)


def _by_agent(db: Database) -> Any:
    with db.reading() as store:
        return response_metrics_by(store, by="agent", start=START, end=NOW, scope=Scope(store="bench-us"))


def _same(naive_figures: Any, sql: Any) -> bool:
    fields = ("received", "excluded", "pending", "on_time", "late", "no_response")
    counts = all(getattr(naive_figures, f) == getattr(sql, f) for f in fields)
    times = all(abs(getattr(naive_figures, f) - getattr(sql, f)) < timedelta(milliseconds=1)
                for f in ("average_response", "median_response"))
    return counts and times


def main() -> None:
    """Run on SQLite, then on PostgreSQL when reachable."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as folder, open_database(f"sqlite:///{Path(folder) / 'm.db'}") as db:
            run(db, count=args.count, rounds=args.rounds, seed=args.seed, label="sqlite")
    if not args.skip_postgres:
        _postgres(args.postgres, count=args.count, rounds=args.rounds, seed=args.seed)


def _postgres(server_url: str, *, count: int, rounds: int, seed: int) -> None:
    with scratch_database(server_url) as url:
        if url is not None:
            with open_database(url) as db:
                run(db, count=count, rounds=rounds, seed=seed, label="postgresql")


if __name__ == "__main__":
    main()
