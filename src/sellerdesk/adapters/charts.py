"""Charts of the response metrics, drawn with matplotlib (the ``charts`` extra).

Each ``*_figure`` function takes plain figures (no database rows) and builds one chart;
:func:`save_figure` writes it next to a stem in every format asked for (``stem.svg``, ``stem.png``)
and :func:`svg_bytes` gives it as an SVG document (the web dashboard serves charts as images).
matplotlib runs headless (figures without pyplot, drawn by its Agg and SVG back ends), so charts
can be drawn on a server without a display.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sellerdesk.errors import ConfigError, SellerdeskError

FORMATS = ("svg", "png")
_LOCK = threading.Lock()  # matplotlib's renderers share font caches: one drawing at a time


def _figure(width: float, height: float) -> Any:
    """A new figure, without pyplot's global figure registry (so web requests in threads do not share state)."""
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ConfigError("charts need matplotlib: pip install 'sellerdesk[charts]'") from exc
    return Figure(figsize=(width, height))


def save_figure(figure: Any, stem: Path, formats: Sequence[str] = FORMATS) -> list[Path]:
    """Write *figure* next to *stem* in every format of *formats*; the paths written.

    Raises:
        SellerdeskError: a file cannot be written.
    """
    written = []
    try:
        stem.parent.mkdir(parents=True, exist_ok=True)
        for fmt in formats:
            path = stem.with_suffix(f".{fmt}")
            with _LOCK:
                figure.savefig(path, format=fmt, bbox_inches="tight",
                               metadata={"Date": None} if fmt == "svg" else None)
            written.append(path)
    except OSError as exc:
        raise SellerdeskError(f"cannot write chart {stem}: {exc}; check that the --charts folder is writable") from exc
    return written


def svg_bytes(figure: Any) -> bytes:
    """*figure* as an SVG document (for the web app, which serves it as an image)."""
    out = io.BytesIO()
    with _LOCK:
        figure.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    return out.getvalue()


def response_times_figure(hours: Sequence[int], counts: Sequence[int], *, title: str = "Response time") -> Any:
    """A histogram of answered messages by response time in whole hours, with the 24-hour line."""
    figure = _figure(8, 4)
    axes = figure.subplots()
    axes.bar(list(hours), list(counts), width=0.9, color="#4c72b0")
    axes.axvline(24, color="#c44e52", linestyle="--", label="24 h (Amazon's deadline)")
    axes.axvline(12, color="#dd8452", linestyle=":", label="12 h (goal for the average)")
    axes.set(xlabel="hours to the first answer", ylabel="messages", title=title)
    axes.legend()
    return figure


def daily_volume_figure(days: Sequence[date], received: Sequence[int], late: Sequence[int], *,
                        title: str = "Daily volume") -> Any:
    """Buyer messages received per day beside those answered late or not at all."""
    figure = _figure(9, 4)
    axes = figure.subplots()
    axes.plot(list(days), list(received), color="#4c72b0", label="received")
    axes.bar(list(days), list(late), color="#c44e52", label="late or unanswered")
    axes.set(xlabel="day (store's time zone)", ylabel="messages", title=title)
    axes.legend()
    figure.autofmt_xdate()
    return figure


def agent_load_figure(agents: Sequence[str], handled: Sequence[int], excluded: Sequence[int], *,
                      title: str = "Load per agent") -> Any:
    """Messages per agent, with how many each marked "no response needed"."""
    figure = _figure(8, max(2.5, 0.5 * len(agents) + 1))
    axes = figure.subplots()
    axes.barh(list(agents), list(handled), color="#4c72b0", label="messages")
    axes.barh(list(agents), list(excluded), color="#dd8452", label="marked no response needed")
    axes.set(xlabel="messages", title=title)
    axes.legend()
    return figure


def ranked_figure(labels: Sequence[str], counts: Sequence[int], *, title: str, xlabel: str = "replacements") -> Any:
    """Horizontal bars of counts per label, the largest on top (after-sales causes by SKU, carrier, destination)."""
    figure = _figure(8, max(2.5, 0.4 * len(labels) + 1))
    axes = figure.subplots()
    axes.barh(list(reversed(labels)), list(reversed(counts)), color="#4c72b0")
    axes.set(xlabel=xlabel, title=title)
    return figure


def monthly_cost_figure(months: Sequence[str], replacements: Sequence[float], refunds: Sequence[float], *,
                        currency: str, title: str = "After-sales cost per month") -> Any:
    """Stacked bars per month: what replacements cost and what was refunded, in the ledger currency."""
    figure = _figure(8, 4)
    axes = figure.subplots()
    axes.bar(list(months), list(replacements), color="#4c72b0", label="replacements")
    axes.bar(list(months), list(refunds), bottom=list(replacements), color="#dd8452", label="refunds")
    axes.set(xlabel="month", ylabel=currency, title=title)
    axes.legend()
    return figure
