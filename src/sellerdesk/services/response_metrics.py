"""Contact Response Time from the database, from the stored response times (SQLite and PostgreSQL).

The figures mean exactly what :mod:`sellerdesk.core.metrics` defines; only the work moves into
the database. Every buyer message (``direction='in'``, ``kind='buyer_message'``, stored) has a
``response_times`` row kept up to date as mail, replies, marks and assignments are written
(:mod:`sellerdesk.adapters.db.response_times`):

* received: the message's ``Date`` unless later than its arrival (as the storing path clocks it);
* first answer: the earliest reply of the thread sent at or after it was received: a reply of
  the outbox in state ``sent`` (its ``sent_at``), or Amazon's copy of a message the seller sent
  from Seller Central. Every reply is a person's (sellerdesk has no auto-responder), holding
  replies included;
* excluded: marked "no response needed" (:func:`sellerdesk.services.workflow.mark_no_response_needed`);
* agent: who marked it, for an excluded message; otherwise the agent the thread is assigned to.

The counts, rates and average come from monthly totals plus the rows of the window's ragged
ends (:mod:`sellerdesk.services.response_buckets`); the median is exact, read with one indexed
query in the bucket the totals place it in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import Float, Integer, and_, case, cast, func, or_, select

from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import ResponseTime
from sellerdesk.core.metrics import GOAL_AVERAGE_RESPONSE, GOAL_WITHIN_24H_SHARE, GroupField, ResponseMetrics
from sellerdesk.core.response_times import EXCLUDED, PENDING, UNANSWERED
from sellerdesk.core.sla import RESPONSE_WINDOW, as_utc
from sellerdesk.services.response_buckets import (
    Buckets,
    Key,
    Scope,
    Window,
    answer_at_rank,
    gather,
    group_names,
    row_filters,
    window,
)

__all__ = ["Scope", "daily_outcomes", "exclusions_by_agent", "hourly_outcomes", "metrics_line", "metrics_report",
           "response_metrics", "response_metrics_by", "response_time_histogram"]

_HOUR_US = 3600 * 1_000_000


def response_metrics(store: SqlStore, *, start: datetime, end: datetime, as_of: datetime | None = None,
                     scope: Scope | None = None) -> ResponseMetrics:
    """Contact Response Time of the buyer messages received in ``[start, end)``, seen at *as_of*.

    Args:
        store: the repository of the caller's transaction.
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
    where = _window(store, start=start, end=end, as_of=as_of, scope=scope)
    if where is None:
        return {}
    found = gather(store, where, by=by)
    names = group_names(store, by, found)
    result: dict[str | None, ResponseMetrics] = {}
    for key, buckets in found.items():
        if buckets.total:
            result[names[key]] = _figures(store, where, by=by, key=key, buckets=buckets)
    return dict(sorted(result.items(), key=lambda item: (item[0] is None, item[0] or "")))


def _window(store: SqlStore, *, start: datetime, end: datetime, as_of: datetime | None,
            scope: Scope | None) -> Window | None:
    start, end = as_utc(start), as_utc(end)
    return window(store, start=start, end=end, seen=end if as_of is None else as_utc(as_of), scope=scope or Scope())


def _figures(store: SqlStore, where: Window, *, by: GroupField | None, key: Key, buckets: Buckets) -> ResponseMetrics:
    answered, on_time = buckets.answered, buckets.on_time
    no_response = buckets.counts.get(UNANSWERED, 0)
    measured = answered + no_response

    def share(part: int) -> float | None:
        return part / measured if measured else None

    median = None
    if answered:
        middle = [answer_at_rank(store, where, by=by, key=key, buckets=buckets, rank=rank)
                  for rank in sorted({(answered - 1) // 2, answered // 2})]
        median = timedelta(microseconds=sum(middle) / len(middle))
    return ResponseMetrics(
        start=where.start, end=where.end, as_of=where.seen, received=buckets.total,
        excluded=buckets.counts.get(EXCLUDED, 0), pending=buckets.counts.get(PENDING, 0), on_time=on_time,
        late=answered - on_time, no_response=no_response, within_24h_share=share(on_time),
        late_response_rate=share(answered - on_time + no_response), no_response_rate=share(no_response),
        average_response=timedelta(microseconds=buckets.response_us / answered) if answered else None,
        median_response=median)


def exclusions_by_agent(store: SqlStore, *, start: datetime, end: datetime,
                        scope: Scope | None = None) -> Mapping[str | None, int]:
    """How many buyer messages received in ``[start, end)`` each agent marked "no response needed"."""
    where = _window(store, start=start, end=end, as_of=None, scope=scope)
    if where is None:
        return {}
    found = gather(store, where, by="agent")
    names = group_names(store, "agent", found)
    return {names[key]: buckets.counts[EXCLUDED] for key, buckets in found.items() if buckets.counts.get(EXCLUDED)}


def _in_window(where: Window) -> list[Any]:
    return row_filters(where, ResponseTime.received_at >= where.start, ResponseTime.received_at < where.end)


def response_time_histogram(store: SqlStore, *, start: datetime, end: datetime, as_of: datetime | None = None,
                            scope: Scope | None = None, cap_hours: int = 72) -> dict[int, int]:
    """Answered messages by response time in whole hours (``cap_hours`` collects everything slower)."""
    where = _window(store, start=start, end=end, as_of=as_of, scope=scope)
    if where is None:
        return {}
    facts = ResponseTime
    hour = case((facts.response_us >= cap_hours * _HOUR_US, cap_hours),
                else_=cast(facts.response_us // _HOUR_US, Integer))
    query = (select(hour, func.count()).where(*_in_window(where), facts.excluded.is_(False),
                                              facts.answered_at <= where.seen).group_by(hour))
    return {int(h): int(n) for h, n in store.session.execute(query)}


def hourly_outcomes(store: SqlStore, *, start: datetime, end: datetime, as_of: datetime | None = None,
                    scope: Scope | None = None) -> list[tuple[datetime, int, int]]:
    """Per UTC hour of receipt: ``(hour, received, late or unanswered)``, oldest first.

    Hours, not days, because a day is a day of the store's time zone: callers fold hours into
    local days (:func:`daily_outcomes`), which stays right across DST changes. Excluded
    messages count as received, never as late.
    """
    where = _window(store, start=start, end=end, as_of=as_of, scope=scope)
    if where is None:
        return []
    facts = ResponseTime
    answered = and_(facts.answered_at.is_not(None), facts.answered_at <= where.seen)
    late = and_(facts.excluded.is_(False),
                or_(and_(answered, facts.response_us > RESPONSE_WINDOW // timedelta(microseconds=1)),
                    and_(~answered, facts.received_at < where.seen - RESPONSE_WINDOW)))
    bucket = cast(func.floor(_epoch(facts.received_at, store.session.get_bind().dialect.name) / 3600), Integer)
    query = (select(bucket, func.count(), func.coalesce(func.sum(case((late, 1), else_=0)), 0))
             .where(*_in_window(where)).group_by(bucket).order_by(bucket))
    return [(datetime.fromtimestamp(int(b) * 3600, tz=UTC), int(n), int(k)) for b, n, k in store.session.execute(query)]


def _epoch(column: Any, dialect: str) -> Any:
    """Seconds since 1970 of a stored (naive UTC) timestamp, to the microsecond on both databases."""
    if dialect == "sqlite":
        # SQLAlchemy stores "YYYY-MM-DD HH:MM:SS.ffffff"; strftime('%s') drops the fraction.
        return cast(func.strftime("%s", column), Float) + cast(func.substr(column, 20), Float)
    return cast(func.extract("epoch", column), Float)


def daily_outcomes(store: SqlStore, *, start: datetime, end: datetime, zone: tzinfo, as_of: datetime | None = None,
                   scope: Scope | None = None) -> list[tuple[date, int, int]]:
    """Per local day of *zone*: ``(day, received, late or unanswered)``, oldest first."""
    days: dict[date, list[int]] = {}
    for hour, received, late in hourly_outcomes(store, start=start, end=end, as_of=as_of, scope=scope):
        figures = days.setdefault(hour.astimezone(zone).date(), [0, 0])
        figures[0] += received
        figures[1] += late
    return [(day, figures[0], figures[1]) for day, figures in sorted(days.items())]


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
