"""The charts of ``sellerdesk report`` (and of the web dashboard and daily digest), from the database.

Three charts over one window: the response-time distribution, the daily volume beside the late
count (days of the store's time zone), and the load per agent. The figures come from SQL
aggregates (:mod:`sellerdesk.services.response_metrics`); drawing is the charts adapter's job.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from pathlib import Path

from sellerdesk.adapters import charts
from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.services.response_metrics import (
    Scope,
    daily_outcomes,
    exclusions_by_agent,
    response_metrics_by,
    response_time_histogram,
)

CAP_HOURS = 72
"""Answers slower than this share the last bar of the distribution."""


def write_charts(store: SqlStore, *, start: datetime, end: datetime, as_of: datetime, directory: Path,
                 store_name: str | None = None, zone: tzinfo = UTC) -> list[Path]:
    """Draw the three charts of the window into *directory* as SVG and PNG; return the files written.

    Args:
        store: the repository of a reading transaction.
        start: first instant of the window; end: its end (excluded).
        as_of: the instant outcomes are seen at.
        directory: where the files go (created when missing).
        store_name: one store only (its name prefixes the files), or every store.
        zone: the time zone whose days the daily chart shows (the store's working zone).

    Raises:
        ConfigError: matplotlib is not installed (``pip install 'sellerdesk[charts]'``).
        SellerdeskError: a file cannot be written.
    """
    scope = Scope(store=store_name)
    prefix = f"{store_name}-" if store_name else ""
    label = store_name or "all stores"
    histogram = response_time_histogram(store, start=start, end=end, as_of=as_of, scope=scope, cap_hours=CAP_HOURS)
    hours = list(range(CAP_HOURS + 1))
    written = charts.draw_response_times(hours, [histogram.get(h, 0) for h in hours],
                                         stem=directory / f"{prefix}response-times",
                                         title=f"Response time, {label}")
    days = daily_outcomes(store, start=start, end=end, as_of=as_of, scope=scope, zone=zone)
    written += charts.draw_daily_volume([d for d, _, _ in days], [n for _, n, _ in days], [k for _, _, k in days],
                                        stem=directory / f"{prefix}daily-volume",
                                        title=f"Messages and late answers per day, {label}")
    load = response_metrics_by(store, by="agent", start=start, end=end, as_of=as_of, scope=scope)
    marks = exclusions_by_agent(store, start=start, end=end, scope=scope)
    agents = sorted(load, key=lambda name: (name is None, name or ""))
    written += charts.draw_agent_load([a or "(unassigned)" for a in agents], [load[a].received for a in agents],
                                      [marks.get(a, 0) for a in agents], stem=directory / f"{prefix}agent-load",
                                      title=f"Load per agent, {label}")
    return written
