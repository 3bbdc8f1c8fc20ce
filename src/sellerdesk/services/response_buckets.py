"""Counting buyer messages by outcome bucket over a window, from the stored response times.

What :mod:`sellerdesk.services.response_metrics` computes its figures from. For a window
``[start, end)`` seen at ``seen``, every buyer message received in the window counts once, in
the bucket of :mod:`sellerdesk.core.response_times` that its outcome at ``seen`` falls in:

* whole UTC months that ended at least 24 hours before ``seen`` come from the monthly totals
  (``response_months``): their messages' outcomes no longer change with time, except for an
  answer given after ``seen``, which is taken back out (a few indexed rows of ``response_times``);
* the rest of the window (its partial first and last months, and the last 24 hours before
  ``seen``) comes from ``response_times`` rows, bucketed in SQL the same way.

So an 18-month window reads about 20 months of totals and two months of rows, whatever the
number of messages. A median is then exact: the buckets say which bucket holds it and at
which rank, and one indexed query over ``response_times`` reads that value.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, null, or_, select, true

from sellerdesk.adapters.db.response_times import settle
from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import ResponseMonth, ResponseTime, Store
from sellerdesk.core.metrics import GroupField
from sellerdesk.core.response_times import (
    BUCKET_US,
    EXCLUDED,
    ON_TIME_BUCKETS,
    OVERFLOW_BUCKET,
    PENDING,
    UNANSWERED,
    answer_bucket,
    bucket_bounds,
    whole_months,
)
from sellerdesk.core.sla import RESPONSE_WINDOW

Key = str | int | None


@dataclass(frozen=True)
class Scope:
    """Which buyer messages count: all, or one store, marketplace or agent (any combination)."""

    store: str | None = None
    marketplace: str | None = None
    agent: str | None = None


@dataclass
class Buckets:
    """The messages of one group by outcome bucket: count and summed response microseconds."""

    counts: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    sums: dict[int, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, bucket: int, count: int, microseconds: int) -> None:
        """Count *count* messages (taking *microseconds* of response time together) into *bucket*."""
        self.counts[bucket] += count
        self.sums[bucket] += microseconds

    @property
    def total(self) -> int:
        """Every message of the group."""
        return sum(self.counts.values())

    @property
    def answered(self) -> int:
        """The messages answered by the instant seen."""
        return sum(n for bucket, n in self.counts.items() if bucket >= 0)

    @property
    def on_time(self) -> int:
        """The messages answered within 24 hours."""
        return sum(n for bucket, n in self.counts.items() if 0 <= bucket <= ON_TIME_BUCKETS)

    @property
    def response_us(self) -> int:
        """The summed response time of the answered messages, in microseconds."""
        return sum(us for bucket, us in self.sums.items() if bucket >= 0)

    def locate(self, rank: int) -> tuple[int, int]:
        """The answer bucket holding the *rank*-th fastest answer (from 0), and its rank inside it."""
        for bucket in range(OVERFLOW_BUCKET + 1):
            here = self.counts.get(bucket, 0)
            if rank < here:
                return bucket, rank
            rank -= here
        raise ValueError(f"rank {rank} is beyond the answered messages")


@dataclass(frozen=True)
class Window:
    """The messages asked about: received in ``[start, end)``, seen at ``seen``, within *scope*."""

    start: datetime
    end: datetime
    seen: datetime
    scope: Scope
    store_id: int | None  # the scope's store, looked up (None: every store)


def window(store: SqlStore, *, start: datetime, end: datetime, seen: datetime, scope: Scope) -> Window | None:
    """The window, after bringing the stored response times up to date; ``None`` when the scope's store is unknown."""
    settle(store.session)
    store_id = None
    if scope.store is not None:
        store_id = store.session.scalar(select(Store.id).where(Store.name == scope.store))
        if store_id is None:
            return None
    return Window(start, end, seen, scope, store_id)


def gather(store: SqlStore, where: Window, *, by: GroupField | None) -> dict[Key, Buckets]:
    """The messages of *where* by outcome bucket, per group (store ids for ``by="store"``)."""
    found: dict[Key, Buckets] = defaultdict(Buckets)
    months = whole_months(where.start, min(where.end, where.seen - RESPONSE_WINDOW))
    if months is None:
        _count_rows(store, where, by, where.start, where.end, found)
        return found
    first, after = months
    _count_months(store, where, by, first, after, found)
    _take_back_later_answers(store, where, by, first, after, found)
    _count_rows(store, where, by, where.start, first, found)
    _count_rows(store, where, by, after, where.end, found)
    return found


def answer_at_rank(store: SqlStore, where: Window, *, by: GroupField | None, key: Key, buckets: Buckets,
                   rank: int) -> int:
    """The response microseconds of the group's *rank*-th fastest answer (from 0)."""
    bucket, inside = buckets.locate(rank)
    above, up_to = bucket_bounds(bucket)
    facts = ResponseTime
    query = select(facts.response_us).where(*row_filters(where, facts.received_at >= where.start,
                                                          facts.received_at < where.end),
                                            _same_group(by, key), *_answered(where))
    if above is not None:
        query = query.where(facts.response_us > above)
    if up_to is not None:
        query = query.where(facts.response_us <= up_to)
    value = store.session.scalar(query.order_by(facts.response_us).offset(inside).limit(1))
    assert value is not None  # the buckets counted it
    return int(value)


def _answered(where: Window) -> list[ColumnElement[bool]]:
    facts = ResponseTime
    return [facts.excluded.is_(False), facts.answered_at.is_not(None), facts.answered_at <= where.seen]


def row_filters(where: Window, *bounds: ColumnElement[bool]) -> list[ColumnElement[bool]]:
    """Conditions on ``response_times``: *bounds* and the window's scope."""
    facts = ResponseTime
    found = list(bounds)
    if where.store_id is not None:
        found.append(facts.store_id == where.store_id)
    if where.scope.marketplace is not None:
        found.append(facts.marketplace == where.scope.marketplace)
    if where.scope.agent is not None:
        found.append(facts.agent == where.scope.agent)
    return found


def _row_key(by: GroupField | None) -> Any:
    return {None: null(), "store": ResponseTime.store_id, "marketplace": ResponseTime.marketplace,
            "agent": ResponseTime.agent}[by]


def _same_group(by: GroupField | None, key: Key) -> ColumnElement[bool]:
    if by is None:
        return true()
    column = _row_key(by)
    same: ColumnElement[bool] = column.is_(None) if key is None else column == key
    return same


def _count_rows(store: SqlStore, where: Window, by: GroupField | None, start: datetime, end: datetime,
                found: dict[Key, Buckets]) -> None:
    """Count the ``response_times`` rows received in ``[start, end)`` by their outcome at ``where.seen``."""
    if start >= end:
        return
    facts = ResponseTime
    us = facts.response_us
    answer = case((us <= 0, 0), (us > (OVERFLOW_BUCKET - 1) * BUCKET_US, OVERFLOW_BUCKET),
                  else_=(us + (BUCKET_US - 1)) // BUCKET_US)
    waiting = case((facts.received_at < where.seen - RESPONSE_WINDOW, UNANSWERED), else_=PENDING)
    bucket = case((facts.excluded.is_(True), EXCLUDED),
                  (or_(facts.answered_at.is_(None), facts.answered_at > where.seen), waiting), else_=answer)
    key = _row_key(by)
    query = (select(key, bucket, func.count(), func.coalesce(func.sum(case((bucket >= 0, us), else_=0)), 0))
             .where(*row_filters(where, facts.received_at >= start, facts.received_at < end))
             .group_by(*([bucket] if by is None else [key, bucket])))
    for name, number, count, microseconds in store.session.execute(query):
        found[name].add(int(number), int(count), int(microseconds))


def _count_months(store: SqlStore, where: Window, by: GroupField | None, first: datetime, after: datetime,
                  found: dict[Key, Buckets]) -> None:
    months = ResponseMonth
    key: Any = {None: null(), "store": months.store_id, "marketplace": months.marketplace,
                "agent": months.agent}[by]
    query = (select(key, months.bucket, func.sum(months.messages), func.sum(months.response_us))
             .where(months.month >= first, months.month < after)
             .group_by(*([months.bucket] if by is None else [key, months.bucket])))
    if where.store_id is not None:
        query = query.where(months.store_id == where.store_id)
    if where.scope.marketplace is not None:
        query = query.where(months.marketplace == where.scope.marketplace)
    if where.scope.agent is not None:
        query = query.where(months.agent == where.scope.agent)
    unknown: Callable[[Any], Key] = (lambda v: v or None) if by in ("marketplace", "agent") else (lambda v: v)
    for name, bucket, count, microseconds in store.session.execute(query):
        found[unknown(name)].add(int(bucket), int(count), int(microseconds))


def _take_back_later_answers(store: SqlStore, where: Window, by: GroupField | None, first: datetime,
                             after: datetime, found: dict[Key, Buckets]) -> None:
    # The monthly totals count every answer known now; one given after `seen` was no answer yet then.
    # Found through the answered_at index: few answers come after `seen` (none when it is now),
    # whereas the months hold most messages. coalesce(x, x) is x, but keeps planners from
    # scanning the received_at index instead.
    facts = ResponseTime
    received = func.coalesce(facts.received_at, facts.received_at)
    query = select(_row_key(by), facts.response_us).where(
        *row_filters(where, received >= first, received < after),
        facts.excluded.is_(False), facts.answered_at > where.seen)
    for name, microseconds in store.session.execute(query):
        found[name].add(answer_bucket(int(microseconds)), -1, -int(microseconds))
        found[name].add(UNANSWERED, 1, 0)


def group_names(store: SqlStore, by: GroupField | None, found: dict[Key, Buckets]) -> dict[Key, str | None]:
    """How each group key is shown: store names for store ids, the key itself otherwise."""
    if by != "store":
        return {key: None if key is None else str(key) for key in found}
    ids = [key for key in found if isinstance(key, int)]
    names: dict[Key, str] = {row.id: row.name for row in store.session.execute(
        select(Store.id, Store.name).where(Store.id.in_(ids)))}
    return {key: names.get(key) for key in found}

