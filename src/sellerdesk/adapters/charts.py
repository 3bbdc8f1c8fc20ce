"""Charts of the response metrics as SVG and PNG files, drawn with matplotlib (the ``charts`` extra).

Each function takes plain figures (no database rows) and writes one chart in every format of
*formats* next to *stem* (``stem.svg``, ``stem.png``), returning the paths written. matplotlib
runs headless (the Agg back end), so charts can be drawn on a server without a display.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sellerdesk.errors import ConfigError, SellerdeskError

FORMATS = ("svg", "png")


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot
    except ImportError as exc:
        raise ConfigError("charts need matplotlib: pip install 'sellerdesk[charts]'") from exc
    return pyplot


def _save(figure: Any, stem: Path, formats: Sequence[str]) -> list[Path]:
    pyplot = _pyplot()
    written = []
    try:
        stem.parent.mkdir(parents=True, exist_ok=True)
        for fmt in formats:
            path = stem.with_suffix(f".{fmt}")
            figure.savefig(path, format=fmt, bbox_inches="tight", metadata={"Date": None} if fmt == "svg" else None)
            written.append(path)
    except OSError as exc:
        raise SellerdeskError(f"cannot write chart {stem}: {exc}; check that the --charts folder is writable") from exc
    finally:
        pyplot.close(figure)
    return written


def draw_response_times(hours: Sequence[int], counts: Sequence[int], *, stem: Path,
                        formats: Sequence[str] = FORMATS, title: str = "Response time") -> list[Path]:
    """A histogram of answered messages by response time in whole hours, with the 24-hour line."""
    pyplot = _pyplot()
    figure, axes = pyplot.subplots(figsize=(8, 4))
    axes.bar(list(hours), list(counts), width=0.9, color="#4c72b0")
    axes.axvline(24, color="#c44e52", linestyle="--", label="24 h (Amazon's deadline)")
    axes.axvline(12, color="#dd8452", linestyle=":", label="12 h (goal for the average)")
    axes.set(xlabel="hours to the first answer", ylabel="messages", title=title)
    axes.legend()
    return _save(figure, stem, formats)


def draw_daily_volume(days: Sequence[date], received: Sequence[int], late: Sequence[int], *, stem: Path,
                      formats: Sequence[str] = FORMATS, title: str = "Daily volume") -> list[Path]:
    """Buyer messages received per day beside those answered late or not at all."""
    pyplot = _pyplot()
    figure, axes = pyplot.subplots(figsize=(9, 4))
    axes.plot(list(days), list(received), color="#4c72b0", label="received")
    axes.bar(list(days), list(late), color="#c44e52", label="late or unanswered")
    axes.set(xlabel="day (store's time zone)", ylabel="messages", title=title)
    axes.legend()
    figure.autofmt_xdate()
    return _save(figure, stem, formats)


def draw_agent_load(agents: Sequence[str], handled: Sequence[int], excluded: Sequence[int], *, stem: Path,
                    formats: Sequence[str] = FORMATS, title: str = "Load per agent") -> list[Path]:
    """Messages per agent, with how many each marked "no response needed"."""
    pyplot = _pyplot()
    figure, axes = pyplot.subplots(figsize=(8, max(2.5, 0.5 * len(agents) + 1)))
    axes.barh(list(agents), list(handled), color="#4c72b0", label="messages")
    axes.barh(list(agents), list(excluded), color="#dd8452", label="marked no response needed")
    axes.set(xlabel="messages", title=title)
    axes.legend()
    return _save(figure, stem, formats)
