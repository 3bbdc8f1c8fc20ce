"""Keeping ``response_times``, ``response_months`` and ``thread_clocks`` in step with the messages.

These three hold, for the metrics and the inbox, what :mod:`sellerdesk.core.response_times`
derives from a thread's buyer messages, replies, "no response needed" marks and assignee.
They are never written by hand: :func:`refresh_threads` recomputes whole threads from
their current rows and writes only the differences (the monthly totals move by the same
differences). Every session of :func:`sellerdesk.adapters.db.engine.make_sessionmaker` is
tracked (:func:`track_response_times`): a flush that adds or changes a message, a mark or
an assignment notes its thread, and the thread is recomputed before the transaction commits
(or earlier, when a reader calls :func:`settle`). So every path that writes through the ORM
- storing, re-parsing, the outbox, marks, assignment, imports - keeps them right without
knowing about them. Rows written with bulk Core statements (benchmarks, migrations) are
covered by :func:`rebuild`.

On PostgreSQL the threads being recomputed are locked first (advisory locks, in order), so
two transactions recomputing one thread take turns and the second sees the first's result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, and_, column, delete, event, func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import get_history

from sellerdesk.adapters.db.conversations import chunks
from sellerdesk.adapters.db.tables import Message, MessageExclusion, ResponseMonth, ResponseTime, Thread, ThreadClock
from sellerdesk.core.response_times import ClockedMessage, ResponseFact, clock_start, thread_facts, waiting_since

_THREADS = "sellerdesk.response_threads"
_MARKED = "sellerdesk.response_marked_messages"
_MESSAGE_FIELDS = ("thread_id", "direction", "kind", "notice_type", "state", "sent_at", "received_at", "marketplace")
_THREAD_FIELDS = ("assigned_to", "marketplace")

_messages = cast(Table, Message.__table__)
_marks = cast(Table, MessageExclusion.__table__)
_threads = cast(Table, Thread.__table__)
_facts = cast(Table, ResponseTime.__table__)
_months = cast(Table, ResponseMonth.__table__)
_clocks = cast(Table, ThreadClock.__table__)
_LOCK_CLASS = 0x5D07  # the advisory-lock namespace of response-time recomputation (any constant works)
LOCK_STRIPES = 256
_MONTH_KEY = ("store_id", "month", "marketplace", "agent", "bucket")


def refresh_threads(connection: Connection, thread_ids: Collection[int]) -> None:
    """Recompute the response facts and inbox clocks of *thread_ids* from their rows."""
    for part in chunks(sorted(thread_ids)):
        _refresh_chunk(connection, part)


def rebuild(connection: Connection, *, batch_size: int = 500) -> None:
    """Recompute every thread from scratch (after bulk writes that bypassed the ORM, and when migrating).

    The derived tables are emptied first, so nothing stored needs reading back: the tables grow
    inside one transaction, where PostgreSQL has no statistics on them and would scan them.
    """
    for table in (_facts, _months, _clocks):
        connection.execute(delete(table))
    after = 0
    while True:
        ids = list(connection.scalars(select(_threads.c.id).where(_threads.c.id > after)
                                      .order_by(_threads.c.id).limit(batch_size)))
        if not ids:
            return
        _refresh_chunk(connection, ids, empty=True)
        after = ids[-1]


def _refresh_chunk(connection: Connection, thread_ids: list[int], *, empty: bool = False) -> None:
    # empty: nothing is stored for these threads yet (a rebuild), so there is nothing to compare.
    _lock(connection, thread_ids)
    threads = connection.execute(select(_threads.c.id, _threads.c.store_id, _threads.c.assigned_to,
                                        _threads.c.marketplace).where(_threads.c.id.in_(thread_ids))).all()
    buyer, replies = _thread_inputs(connection, thread_ids)
    new: dict[int, ResponseFact] = {}
    clocks: dict[int, tuple[int, datetime]] = {}
    for row in threads:
        facts = thread_facts(buyer.get(row.id, []), replies.get(row.id, []), thread_id=row.id,
                             store_id=row.store_id, assigned_to=row.assigned_to, marketplace=row.marketplace)
        new.update((fact.message_id, fact) for fact in facts)
        waiting = waiting_since(facts)
        if waiting is not None:
            clocks[row.id] = (row.store_id, waiting)
    _write_clocks(connection, [] if empty else thread_ids, clocks)
    old = {} if empty else _stored_facts(connection, thread_ids, list(new))
    gone = [fact for key, fact in old.items() if new.get(key) != fact]
    come = [fact for key, fact in new.items() if old.get(key) != fact]
    if gone:
        connection.execute(delete(_facts).where(_facts.c.message_id.in_([f.message_id for f in gone])))
    if come:
        connection.execute(insert(_facts), [vars(fact) for fact in come])
    _add_to_months(connection, gone=gone, come=come)


def _lock(connection: Connection, thread_ids: list[int]) -> None:
    """On PostgreSQL, wait until no other transaction recomputes these threads (until this one ends).

    Transaction-scoped advisory locks, taken in order and only here: unlike the threads' own
    rows, which writers lock early in any order, nothing else waits for them, so no deadlock.
    A thread's lock is one of :data:`LOCK_STRIPES` (its id modulo), so that a transaction
    touching many threads holds a bounded number of locks (PostgreSQL's lock table is small).
    """
    if connection.dialect.name == "postgresql":
        stripes = sorted({thread_id % LOCK_STRIPES for thread_id in thread_ids})
        connection.execute(select(func.pg_advisory_xact_lock(_LOCK_CLASS, column("stripe")))
                           .select_from(func.unnest(array(stripes)).table_valued("stripe").render_derived())
                           .order_by(column("stripe")))


def _write_clocks(connection: Connection, thread_ids: list[int], clocks: dict[int, tuple[int, datetime]]) -> None:
    """Make the stored clocks of *thread_ids* (all others of *clocks* are known absent) equal *clocks*."""
    stored = {row.thread_id: (row.store_id, row.waiting_since) for row in connection.execute(
        select(_clocks).where(_clocks.c.thread_id.in_(thread_ids)))} if thread_ids else {}
    stale = [t for t in stored if stored[t] != clocks.get(t)]
    if stale:
        connection.execute(delete(_clocks).where(_clocks.c.thread_id.in_(stale)))
    fresh = [{"thread_id": thread, "store_id": shop, "waiting_since": since}
             for thread, (shop, since) in clocks.items() if stored.get(thread) != (shop, since)]
    if fresh:
        connection.execute(insert(_clocks), fresh)


def _thread_inputs(connection: Connection, thread_ids: list[int],
                   ) -> tuple[dict[int, list[ClockedMessage]], dict[int, list[Any]]]:
    """Per thread: its stored buyer messages, and the times of its replies (sent, or Amazon's sent copies)."""
    m = _messages.c
    buyer_message = and_(m.direction == "in", m.kind == "buyer_message", m.state == "stored")
    sent_reply = and_(m.direction == "out", m.state == "sent", m.sent_at.is_not(None))
    sent_copy = and_(m.kind == "amazon_notice", m.notice_type == "sent_copy")
    rows = connection.execute(
        select(m.id, m.thread_id, m.direction, m.kind, m.sent_at, m.received_at, m.marketplace, _marks.c.actor)
        .outerjoin(_marks, _marks.c.message_id == m.id)
        .where(m.thread_id.in_(thread_ids), or_(buyer_message, sent_reply, sent_copy)))
    buyer: dict[int, list[ClockedMessage]] = defaultdict(list)
    replies: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        start = clock_start(sent_at=row.sent_at, received_at=row.received_at)
        if row.direction == "out":
            replies[row.thread_id].append(row.sent_at)
        elif row.kind == "amazon_notice":
            replies[row.thread_id].append(start)
        else:
            buyer[row.thread_id].append(ClockedMessage(row.id, start, row.marketplace, row.actor))
    return buyer, replies


def _stored_facts(connection: Connection, thread_ids: list[int], message_ids: list[int]) -> dict[int, ResponseFact]:
    # By thread, and by message too: a message that moved from a thread outside the chunk.
    found: dict[int, ResponseFact] = {}
    for part in chunks(message_ids):
        for row in connection.execute(select(_facts).where(_facts.c.message_id.in_(part))):
            found[row.message_id] = ResponseFact(**row._mapping)
    for row in connection.execute(select(_facts).where(_facts.c.thread_id.in_(thread_ids))):
        found[row.message_id] = ResponseFact(**row._mapping)
    return found


def _add_to_months(connection: Connection, *, gone: Iterable[ResponseFact], come: Iterable[ResponseFact]) -> None:
    deltas: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0])
    for sign, facts in ((-1, gone), (1, come)):
        for fact in facts:
            delta = deltas[fact.month_key]
            delta[0] += sign
            delta[1] += sign * (fact.response_us or 0)
    rows = [{**dict(zip(_MONTH_KEY, key, strict=True)), "messages": n, "response_us": us}
            for key, (n, us) in sorted(deltas.items()) if n or us]
    if not rows:
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(_months)
    connection.execute(statement.on_conflict_do_update(
        index_elements=list(_MONTH_KEY),
        set_={"messages": _months.c.messages + statement.excluded.messages,
              "response_us": _months.c.response_us + statement.excluded.response_us}), rows)


# -- keeping sessions in step --------------------------------------------------------------


def track_response_times(factory: sessionmaker[Session]) -> None:
    """Recompute, before each commit of *factory*'s sessions, the threads their flushes touched."""
    event.listen(factory, "after_flush", _note_touched)
    event.listen(factory, "before_commit", _before_commit)
    event.listen(factory, "after_transaction_end", _forget)


def _before_commit(session: Session) -> None:
    if not session.in_nested_transaction():  # a savepoint: the outer commit settles
        settle(session)


def settle(session: Session) -> None:
    """Flush *session* and recompute the threads touched so far, so its queries see the facts up to date."""
    session.flush()
    threads: set[int] = session.info.pop(_THREADS, set())
    marked: set[int] = session.info.pop(_MARKED, set())
    if marked:
        connection = session.connection()
        for part in chunks(marked):
            threads.update(t for t in connection.scalars(
                select(_messages.c.thread_id).where(_messages.c.id.in_(part))) if t is not None)
    if threads:
        refresh_threads(session.connection(), threads)


def _note_touched(session: Session, _context: Any) -> None:
    threads: set[int] = session.info.setdefault(_THREADS, set())
    marked: set[int] = session.info.setdefault(_MARKED, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Message):
            if obj in session.dirty and not _changed(obj, _MESSAGE_FIELDS):
                continue
            history = get_history(obj, "thread_id")
            threads.update(t for t in (*history.deleted, obj.thread_id) if t is not None)
        elif isinstance(obj, MessageExclusion):
            marked.add(obj.message_id)
        elif isinstance(obj, Thread) and obj in session.dirty and _changed(obj, _THREAD_FIELDS):
            threads.add(obj.id)


def _changed(obj: object, fields: Iterable[str]) -> bool:
    return any(get_history(obj, name).has_changes() for name in fields)


def _forget(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_THREADS, None)
        session.info.pop(_MARKED, None)

