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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import Float, Integer, and_, case, cast, func, null, or_, select, true, type_coerce
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import CTE

from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import Message, MessageExclusion, Store, Thread, UtcDateTime
from sellerdesk.core.metrics import GOAL_AVERAGE_RESPONSE, GOAL_WITHIN_24H_SHARE, GroupField, ResponseMetrics
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


def _rows(store: SqlStore, *, start: datetime, end: datetime, scope: Scope) -> CTE:
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
    # MATERIALIZED: the first-answer subquery runs once per message, not once per aggregate using it.
    return query.cte("buyer_messages").prefix_with("MATERIALIZED")


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
    rows = _rows(store, start=start, end=end, scope=scope or Scope())
    key = rows.c[by] if by else null()
    seconds, answered, on_time, overdue = _measures(store, rows, seen=seen)

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


_Measures = tuple[ColumnElement[float], ColumnElement[bool], ColumnElement[bool], ColumnElement[bool]]


def _measures(store: SqlStore, rows: CTE, *, seen: datetime) -> _Measures:
    """Response seconds, and the conditions answered / on time / overdue (no response) as seen at *seen*."""
    dialect = store.session.get_bind().dialect.name
    seconds = _epoch(rows.c.answered, dialect) - _epoch(rows.c.received, dialect)
    answered = and_(rows.c.excluded.is_(False), rows.c.answered.is_not(None), rows.c.answered <= seen)
    on_time = and_(answered, seconds <= RESPONSE_WINDOW.total_seconds() + _HALF_MICROSECOND)
    unanswered = and_(rows.c.excluded.is_(False), or_(rows.c.answered.is_(None), rows.c.answered > seen))
    overdue = and_(unanswered, rows.c.received < seen - RESPONSE_WINDOW)
    return seconds, answered, on_time, overdue


def response_time_histogram(store: SqlStore, *, start: datetime, end: datetime, as_of: datetime | None = None,
                            scope: Scope | None = None, cap_hours: int = 72) -> dict[int, int]:
    """Answered messages by response time in whole hours (``cap_hours`` collects everything slower)."""
    end = as_utc(end)
    rows = _rows(store, start=as_utc(start), end=end, scope=scope or Scope())
    seconds, answered, _, _ = _measures(store, rows, seen=as_utc(as_of or end))
    hour = func.least(cast(func.floor(seconds / 3600), Integer), cap_hours) \
        if store.session.get_bind().dialect.name != "sqlite" else func.min(cast(seconds / 3600, Integer), cap_hours)
    query = select(hour, func.count()).where(answered).group_by(hour)
    return {int(h): int(n) for h, n in store.session.execute(query)}


def hourly_outcomes(store: SqlStore, *, start: datetime, end: datetime, as_of: datetime | None = None,
                    scope: Scope | None = None) -> list[tuple[datetime, int, int]]:
    """Per UTC hour of receipt: ``(hour, received, late or unanswered)``, oldest first.

    Hours, not days, because a day is a day of the store's time zone: callers fold hours into
    local days (:func:`daily_outcomes`), which stays right across DST changes.
    """
    end = as_utc(end)
    rows = _rows(store, start=as_utc(start), end=end, scope=scope or Scope())
    _, answered, on_time, overdue = _measures(store, rows, seen=as_utc(as_of or end))
    late = or_(and_(answered, ~on_time), overdue)
    epoch = _epoch(rows.c.received, store.session.get_bind().dialect.name)
    bucket = cast(func.floor(epoch / 3600), Integer)
    query = (select(bucket, func.count(), func.coalesce(func.sum(case((late, 1), else_=0)), 0))
             .group_by(bucket).order_by(bucket))
    return [(datetime.fromtimestamp(int(b) * 3600, tz=UTC), int(n), int(k)) for b, n, k in store.session.execute(query)]


def daily_outcomes(store: SqlStore, *, start: datetime, end: datetime, zone: tzinfo, as_of: datetime | None = None,
                   scope: Scope | None = None) -> list[tuple[date, int, int]]:
    """Per local day of *zone*: ``(day, received, late or unanswered)``, oldest first."""
    days: dict[date, list[int]] = {}
    for hour, received, late in hourly_outcomes(store, start=start, end=end, as_of=as_of, scope=scope):
        figures = days.setdefault(hour.astimezone(zone).date(), [0, 0])
        figures[0] += received
        figures[1] += late
    return [(day, figures[0], figures[1]) for day, figures in sorted(days.items())]


def _median(store: SqlStore, rows: CTE, *, key: Any, name: str | None, seconds: ColumnElement[float],
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


def _hours(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 3600, 3)


def metrics_line(metrics: ResponseMetrics, **labels: Any) -> dict[str, Any]:
    """One JSON-ready line of ``sellerdesk report``: *labels*, the counts, rates, times and gaps to the goals."""
    return {
        **labels, "start": metrics.start.isoformat(), "end": metrics.end.isoformat(),
        "as_of": metrics.as_of.isoformat(), "received": metrics.received, "excluded": metrics.excluded,
        "pending": metrics.pending, "measured": metrics.measured, "on_time": metrics.on_time, "late": metrics.late,
        "no_response": metrics.no_response, "within_24h_share": metrics.within_24h_share,
        "late_response_rate": metrics.late_response_rate, "no_response_rate": metrics.no_response_rate,
        "average_response_hours": _hours(metrics.average_response),
        "median_response_hours": _hours(metrics.median_response),
        "goal_within_24h_share": GOAL_WITHIN_24H_SHARE, "within_24h_gap": metrics.within_24h_gap,
        "goal_average_hours": _hours(GOAL_AVERAGE_RESPONSE), "average_gap_hours": _hours(metrics.average_gap),
        "meets_goals": metrics.meets_goals,
    }


def metrics_report(store: SqlStore, *, windows: Sequence[tuple[datetime, datetime]], as_of: datetime,
                   store_name: str | None = None) -> list[dict[str, Any]]:
    """The lines of ``sellerdesk report``: per window, the total, then per store, marketplace and agent,
    then how often each agent marked messages "no response needed".

    Args:
        store: the repository of a reading transaction.
        windows: ``(start, end)`` pairs, e.g. from :func:`sellerdesk.core.metrics.trailing_window`.
        as_of: the instant outcomes are seen at (normally now).
        store_name: only this store (default: every store).
    """
    scope = Scope(store=store_name)
    lines: list[dict[str, Any]] = []
    for start, end in windows:
        days = round((as_utc(end) - as_utc(start)).total_seconds() / 86400, 3)
        seen = min(as_utc(as_of), as_utc(end))
        total = response_metrics(store, start=start, end=end, as_of=seen, scope=scope)
        lines.append(metrics_line(total, group_by="all", group=store_name, days=days))
        for by in ("store", "marketplace", "agent"):
            for name, figures in response_metrics_by(store, by=by, start=start, end=end, as_of=seen,
                                                     scope=scope).items():
                lines.append(metrics_line(figures, group_by=by, group=name, days=days))
        for agent, count in sorted(exclusions_by_agent(store, start=start, end=end, scope=scope).items(),
                                   key=lambda item: item[0] or ""):
            lines.append({"group_by": "no_response_marks", "group": agent, "days": days, "marked": count,
                          "start": as_utc(start).isoformat(), "end": as_utc(end).isoformat()})
    return lines
