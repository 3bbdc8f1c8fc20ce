"""Contact Response Time from the database, aggregated in SQL (SQLite and PostgreSQL).

The figures mean exactly what :mod:`sellerdesk.core.metrics` defines; only the work moves into
the database, so a store's 18 months of messages never travel to Python. One row of the
query is one buyer message (``direction='in'``, ``kind='buyer_message'``, stored, not
quarantined):

* received: the message's ``Date`` unless later than its arrival (as the storing path clocks it);
* first answer: the earliest reply of the thread sent at or after it was received: a reply of
  the outbox in state ``sent`` (its ``sent_at``), or Amazon's copy of a message the seller sent
  from Seller Central. Every reply is a person's (sellerdesk has no auto-responder), holding
  replies included;
* excluded: marked "no response needed" (:func:`sellerdesk.services.workflow.mark_no_response_needed`);
* agent: who marked it, for an excluded message; otherwise the agent the thread is assigned to.

The median takes one more small query per group (``ORDER BY ... LIMIT 2 OFFSET n/2``), the
only portable way both databases share.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Float, and_, case, cast, func, null, or_, select, true, type_coerce
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Subquery

from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import Message, MessageExclusion, Store, Thread, UtcDateTime
from sellerdesk.core.metrics import GroupField, ResponseMetrics
from sellerdesk.core.sla import RESPONSE_WINDOW, as_utc

_HALF_MICROSECOND = 5e-7  # epoch arithmetic in floating point: a reply exactly 24 h later stays on time


@dataclass(frozen=True)
class Scope:
    """Which buyer messages count: all, or one store, marketplace or agent (any combination)."""

    store: str | None = None
    marketplace: str | None = None
    agent: str | None = None


def _epoch(column: Any, dialect: str) -> ColumnElement[float]:
    """Seconds since 1970 of a stored (naive UTC) timestamp, to the microsecond on both databases."""
    if dialect == "sqlite":
        # SQLAlchemy stores "YYYY-MM-DD HH:MM:SS.ffffff"; strftime('%s') drops the fraction.
        whole = cast(func.strftime("%s", column), Float)
        return whole + cast(func.substr(column, 20), Float)
    return cast(func.extract("epoch", column), Float)


def _inbound(table: Any) -> ColumnElement[datetime]:
    later_date = and_(table.sent_at.is_not(None), table.sent_at <= table.received_at)
    return type_coerce(case((later_date, table.sent_at), else_=table.received_at), UtcDateTime)


def _rows(store: SqlStore, *, start: datetime, end: datetime, scope: Scope) -> Subquery:
    """One row per buyer message of the window: group keys, received, first answer, excluded."""
    inbound = Message
    reply = Message.__table__.alias("reply")
    reply_time = case((reply.c.direction == "out", reply.c.sent_at), else_=_inbound(reply.c))
    first_answer = (
        select(func.min(reply_time))
        .where(reply.c.thread_id == inbound.thread_id,
               or_(and_(reply.c.direction == "out", reply.c.state == "sent"),
                   and_(reply.c.kind == "amazon_notice", reply.c.notice_type == "sent_copy")),
               reply_time >= _inbound(inbound))
        .scalar_subquery()
    )
    received = _inbound(inbound)
    agent = func.coalesce(MessageExclusion.actor, Thread.assigned_to)
    marketplace = func.coalesce(inbound.marketplace, Thread.marketplace)
    query = (
        select(Store.name.label("store"), marketplace.label("marketplace"), agent.label("agent"),
               received.label("received"), type_coerce(first_answer, UtcDateTime).label("answered"),
               MessageExclusion.id.is_not(None).label("excluded"))
        .select_from(inbound)
        .join(Store, Store.id == inbound.store_id)
        .join(Thread, Thread.id == inbound.thread_id)
        .outerjoin(MessageExclusion, MessageExclusion.message_id == inbound.id)
        # received_at >= start first: the (store_id, received_at) index narrows the scan.
        .where(inbound.direction == "in", inbound.kind == "buyer_message", inbound.state == "stored",
               inbound.received_at >= start, received >= start, received < end)
    )
    if scope.store is not None:
        query = query.where(Store.name == scope.store)
    if scope.marketplace is not None:
        query = query.where(marketplace == scope.marketplace)
    if scope.agent is not None:
        query = query.where(agent == scope.agent)
    return query.subquery("buyer_messages")


def response_metrics(store: SqlStore, *, start: datetime, end: datetime, as_of: datetime | None = None,
                     scope: Scope | None = None) -> ResponseMetrics:
    """Contact Response Time of the buyer messages received in ``[start, end)``, seen at *as_of*.

    Args:
        store: the repository of the caller's (reading) transaction.
        start: first instant of the window (timezone-aware).
        end: end of the window (excluded); also the default *as_of*.
        as_of: the instant the outcomes are seen at (default *end*).
        scope: restrict to a store, marketplace and/or agent (default: everything).
    """
    found = response_metrics_by(store, by=None, start=start, end=end, as_of=as_of, scope=scope)
    return found.get(None) or _empty(start, end, as_of)


def response_metrics_by(store: SqlStore, *, by: GroupField | None, start: datetime, end: datetime,
                        as_of: datetime | None = None, scope: Scope | None = None,
                        ) -> Mapping[str | None, ResponseMetrics]:
    """:func:`response_metrics` per store, marketplace or agent (``by=None``: one group keyed ``None``).

    Groups without any message in the window are absent.
    """
    if by not in (None, "store", "marketplace", "agent"):
        raise ValueError(f"cannot group by {by!r}; group by store, marketplace or agent")
    start, end = as_utc(start), as_utc(end)
    seen = end if as_of is None else as_utc(as_of)
    dialect = store.session.get_bind().dialect.name
    rows = _rows(store, start=start, end=end, scope=scope or Scope())
    key = rows.c[by] if by else null()
    seconds = _epoch(rows.c.answered, dialect) - _epoch(rows.c.received, dialect)
    answered = and_(rows.c.excluded.is_(False), rows.c.answered.is_not(None), rows.c.answered <= seen)
    on_time = and_(answered, seconds <= RESPONSE_WINDOW.total_seconds() + _HALF_MICROSECOND)
    unanswered = and_(rows.c.excluded.is_(False), or_(rows.c.answered.is_(None), rows.c.answered > seen))
    overdue = and_(unanswered, rows.c.received < seen - RESPONSE_WINDOW)

    def count(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    query = select(key.label("key"), func.count().label("received"), count(rows.c.excluded.is_(True)),
                   count(answered), count(on_time), count(overdue),
                   func.sum(case((answered, seconds), else_=None)))
    if by is not None:
        query = query.group_by(key)
    result: dict[str | None, ResponseMetrics] = {}
    for name, total, excluded, n_answered, n_on_time, n_overdue, seconds_sum in store.session.execute(query):
        late = n_answered - n_on_time
        pending = total - excluded - n_answered - n_overdue
        measured = n_answered + n_overdue
        median = _median(store, rows, key=rows.c[by] if by else None, name=name, seconds=seconds,
                         answered=answered, count=n_answered)

        def share(part: int, measured: int = measured) -> float | None:
            return part / measured if measured else None

        result[name] = ResponseMetrics(
            start=start, end=end, as_of=seen, received=total, excluded=excluded, pending=pending,
            on_time=n_on_time, late=late, no_response=n_overdue, within_24h_share=share(n_on_time),
            late_response_rate=share(late + n_overdue), no_response_rate=share(n_overdue),
            average_response=timedelta(seconds=float(seconds_sum) / n_answered) if n_answered else None,
            median_response=median)
    return dict(sorted(result.items(), key=lambda item: (item[0] is None, item[0] or "")))


def _median(store: SqlStore, rows: Subquery, *, key: Any, name: str | None, seconds: ColumnElement[float],
            answered: ColumnElement[bool], count: int) -> timedelta | None:
    if not count:
        return None
    same = (true() if key is None else key.is_(None)) if name is None else key == name
    middle = list(store.session.scalars(
        select(seconds).where(answered, same).order_by(seconds).offset((count - 1) // 2).limit(2 - count % 2)))
    return timedelta(seconds=sum(float(v) for v in middle) / len(middle))


def exclusions_by_agent(store: SqlStore, *, start: datetime, end: datetime,
                        scope: Scope | None = None) -> Mapping[str | None, int]:
    """How many buyer messages received in ``[start, end)`` each agent marked "no response needed"."""
    rows = _rows(store, start=as_utc(start), end=as_utc(end), scope=scope or Scope())
    query = select(rows.c.agent, func.count()).where(rows.c.excluded.is_(True)).group_by(rows.c.agent)
    return {agent: int(n) for agent, n in store.session.execute(query)}


def _empty(start: datetime, end: datetime, as_of: datetime | None) -> ResponseMetrics:
    return ResponseMetrics(start=as_utc(start), end=as_utc(end), as_of=as_utc(as_of or end), received=0,
                           excluded=0, pending=0, on_time=0, late=0, no_response=0, within_24h_share=None,
                           late_response_rate=None, no_response_rate=None, average_response=None,
                           median_response=None)
