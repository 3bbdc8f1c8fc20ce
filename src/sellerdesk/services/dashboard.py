"""What the dashboard shows: Contact Response Time, the team's workload and the review-request ledger.

Read-only queries for one reading transaction. Contact Response Time comes from
:mod:`sellerdesk.services.response_metrics` (one store, or every store for users who see them all);
the workload counts the threads still waiting (not answered or closed) per agent and state, with
how many are due within the next hours and how many are past Amazon's 24-hour deadline (a thread
is due 24 hours after its oldest buyer message that no reply has answered, as in the inbox); the
ledger sums up :mod:`sellerdesk.services.reviews`' decisions per state and reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, func, select

from sellerdesk.adapters.db.spapi_records import SpApiRecords
from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import Message, ReviewRequest, Store, Thread
from sellerdesk.core.metrics import ResponseMetrics
from sellerdesk.core.sla import as_utc, due_at
from sellerdesk.services.response_metrics import Scope, response_metrics, response_metrics_by

WINDOWS = (7, 30, 90)
"""The trailing windows the dashboard offers, in days."""
DUE_SOON = timedelta(hours=4)
"""Threads due within this time count as "due soon" in the workload."""
DONE_STATES = ("answered", "closed")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class ResponseOverview:
    """Contact Response Time of one window: the total, and per store, marketplace and agent."""

    start: datetime
    end: datetime
    total: ResponseMetrics
    by: Mapping[str, Mapping[str | None, ResponseMetrics]]


def response_overview(store: SqlStore, *, start: datetime, end: datetime, as_of: datetime,
                      store_name: str | None) -> ResponseOverview:
    """Contact Response Time of the buyer messages received in ``[start, end)``, seen at *as_of*.

    Args:
        store: the repository of a reading transaction.
        store_name: one store, or ``None`` for every store (only for users who may see every store).
    """
    scope = Scope(store=store_name)
    seen = min(as_utc(as_of), as_utc(end))
    groups = {by: response_metrics_by(store, by=by, start=start, end=end, as_of=seen, scope=scope)
              for by in ("store", "marketplace", "agent")}
    return ResponseOverview(start=as_utc(start), end=as_utc(end), by=groups,
                            total=response_metrics(store, start=start, end=end, as_of=seen, scope=scope))


@dataclass
class Workload:
    """Waiting threads per agent (``None``: unassigned) and state, and how many are due soon or overdue."""

    counts: Counter[tuple[str | None, str]] = field(default_factory=Counter)
    due_soon: Counter[str | None] = field(default_factory=Counter)
    overdue: Counter[str | None] = field(default_factory=Counter)

    @property
    def agents(self) -> list[str | None]:
        """The agents with waiting threads, by name, unassigned last."""
        return sorted({agent for agent, _ in self.counts}, key=lambda a: (a is None, a or ""))

    @property
    def states(self) -> list[str]:
        """The states that have waiting threads, in alphabetical order."""
        return sorted({state for _, state in self.counts})

    def total(self, agent: str | None) -> int:
        """Waiting threads of *agent*."""
        return sum(n for (who, _), n in self.counts.items() if who == agent)


def workload(store: SqlStore, *, store_ids: Collection[int], now: datetime, soon: timedelta = DUE_SOON) -> Workload:
    """The waiting threads of *store_ids* per agent and state, with the due-soon and overdue counts at *now*."""
    unanswered = and_(Message.thread_id == Thread.id, Message.direction == "in", Message.kind == "buyer_message",
                      Message.received_at > func.coalesce(Thread.last_outbound_at, _EPOCH))
    query = (select(Thread.assigned_to, Thread.state, func.min(Message.received_at))
             .outerjoin(Message, unanswered)
             .where(Thread.store_id.in_(list(store_ids)), Thread.state.not_in(DONE_STATES))
             .group_by(Thread.id, Thread.assigned_to, Thread.state))
    found = Workload()
    for agent, state, oldest in store.session.execute(query):
        found.counts[(agent, state)] += 1
        if oldest is None:
            continue
        left = due_at(as_utc(oldest)) - now
        if left <= timedelta():
            found.overdue[agent] += 1
        elif left <= soon:
            found.due_soon[agent] += 1
    return found


@dataclass(frozen=True)
class LedgerSummary:
    """The review-request ledger of some stores: counts per (state, reason) and the newest decisions."""

    counts: Mapping[tuple[str, str], int]
    latest: list[tuple[str, ReviewRequest]]


def review_summary(store: SqlStore, *, store_ids: Collection[int], latest: int = 20) -> LedgerSummary:
    """The ledger of *store_ids*: how many orders were requested, scheduled, skipped (and why) or failed."""
    records = SpApiRecords(store)
    names: dict[int, str] = dict(store.session.execute(
        select(Store.id, Store.name).where(Store.id.in_(list(store_ids)))).all())
    counts: Counter[tuple[str, str]] = Counter()
    rows: list[tuple[str, ReviewRequest]] = []
    for store_id, name in sorted(names.items(), key=lambda item: item[1]):
        for row in records.ledger(store_id):
            counts[(row.state, row.reason)] += 1
            rows.append((name, row))
    rows.sort(key=lambda item: (item[1].decided_at, item[1].id), reverse=True)
    return LedgerSummary(counts=dict(sorted(counts.items())), latest=rows[:latest])
