"""The charts of ``sellerdesk report`` and of the web dashboard, from the database.

Three charts over one window: the response-time distribution, the daily volume beside the late
count (days of the store's time zone), and the load per agent. The figures come from SQL
aggregates (:mod:`sellerdesk.services.response_metrics`); drawing is the charts adapter's job.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

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
CHARTS = ("response-times", "daily-volume", "agent-load")
"""The charts of a window, by name (the name is also the file name's end)."""


def chart_figure(store: SqlStore, chart: str, *, start: datetime, end: datetime, as_of: datetime,
                 store_name: str | None = None, zone: tzinfo = UTC) -> Any:
    """One chart of :data:`CHARTS` over ``[start, end)``, as a figure of the charts adapter.

    Args:
        store: the repository of a reading transaction.
        chart: a name of :data:`CHARTS`.
        as_of: the instant outcomes are seen at.
        store_name: one store only, or every store.
        zone: the time zone whose days the daily chart shows (the store's working zone).

    Raises:
        ValueError: *chart* is not one of :data:`CHARTS`.
        ConfigError: matplotlib is not installed (``pip install 'sellerdesk[charts]'``).
    """
    scope = Scope(store=store_name)
    label = store_name or "all stores"
    if chart == "response-times":
        histogram = response_time_histogram(store, start=start, end=end, as_of=as_of, scope=scope,
                                            cap_hours=CAP_HOURS)
        hours = list(range(CAP_HOURS + 1))
        return charts.response_times_figure(hours, [histogram.get(h, 0) for h in hours],
                                            title=f"Response time, {label}")
    if chart == "daily-volume":
        days = daily_outcomes(store, start=start, end=end, as_of=as_of, scope=scope, zone=zone)
        return charts.daily_volume_figure([d for d, _, _ in days], [n for _, n, _ in days],
                                          [k for _, _, k in days], title=f"Messages and late answers per day, {label}")
    if chart == "agent-load":
        load = response_metrics_by(store, by="agent", start=start, end=end, as_of=as_of, scope=scope)
        marks = exclusions_by_agent(store, start=start, end=end, scope=scope)
        agents = sorted(load, key=lambda name: (name is None, name or ""))
        return charts.agent_load_figure([a or "(unassigned)" for a in agents], [load[a].received for a in agents],
                                        [marks.get(a, 0) for a in agents], title=f"Load per agent, {label}")
    raise ValueError(f"unknown chart {chart!r}; use one of {', '.join(CHARTS)}")


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
    prefix = f"{store_name}-" if store_name else ""
    written: list[Path] = []
    for chart in CHARTS:
        figure = chart_figure(store, chart, start=start, end=end, as_of=as_of, store_name=store_name, zone=zone)
        written += charts.save_figure(figure, directory / f"{prefix}{chart}")
    return written
