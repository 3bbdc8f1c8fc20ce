"""``sellerdesk report``: Contact Response Time per store, marketplace and agent, and its charts.

Prints JSON Lines: per window (the last 7, 30 and 90 days by default, or ``--days N``, or
``--since/--until``) one line for everything, then one per store, marketplace and agent
(``group_by``/``group``), then one per agent with the "no response needed" marks. With
``--charts DIR`` it also writes the charts of the longest window as SVG and PNG.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from sellerdesk.cli.base import cli, config_option, handle_errors, load
from sellerdesk.cli.store_commands import database_url_option
from sellerdesk.core.metrics import STANDARD_WINDOWS_DAYS, trailing_window
from sellerdesk.core.sla import parse_instant
from sellerdesk.errors import InputError
from sellerdesk.services.charts import write_charts
from sellerdesk.services.response_metrics import metrics_report
from sellerdesk.services.wiring import build_services


def _instant(value: str | None, field: str) -> datetime | None:
    return None if value is None else parse_instant(value, field=field)


@cli.command("report")
@config_option
@database_url_option
@click.option("--store", "store_name", default=None, metavar="NAME", help="Only this store (a [[stores]] name).")
@click.option("--days", type=int, multiple=True, help="Window of the last N days (repeatable; default 7, 30, 90).")
@click.option("--since", default=None, metavar="ISO8601", help="Start of a window of your choice (with --until).")
@click.option("--until", default=None, metavar="ISO8601", help="End of that window (default: now).")
@click.option("--now", "now_text", default=None, metavar="ISO8601", help="The moment to report at (default: now).")
@click.option("--charts", "charts_dir", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Also write SVG and PNG charts of the longest window into this folder.")
@handle_errors
def report_command(config_path: str | None, database_url: str | None, store_name: str | None, days: tuple[int, ...],
                   since: str | None, until: str | None, now_text: str | None, charts_dir: Path | None) -> None:
    """Contact Response Time (within 24 h, late and no-response rates, average and median) with the goals."""
    now = _instant(now_text, "--now") or datetime.now(UTC)
    start, end = _instant(since, "--since"), _instant(until, "--until")
    if days and start is not None:
        raise InputError("give either --days or --since/--until, not both")
    if start is not None:
        windows = [(start, end or now)]
    elif end is not None:
        raise InputError("--until needs --since (the start of the window)")
    else:
        windows = [trailing_window(n, end=now) for n in (days or STANDARD_WINDOWS_DAYS)]
    config = load(config_path)
    zone = ZoneInfo("UTC")
    if store_name is not None:
        zone = ZoneInfo(config.store(store_name).timezone)
    with build_services(config, database_url=database_url) as services, services.db.reading() as store:
        lines: list[dict[str, Any]] = metrics_report(store, windows=windows, as_of=now, store_name=store_name)
        if charts_dir is not None:
            first, last = max(windows, key=lambda w: w[1] - w[0])
            files = write_charts(store, start=first, end=last, as_of=min(now, last), directory=charts_dir,
                                 store_name=store_name, zone=zone)
            lines.append({"charts": [str(path) for path in files]})
    for line in lines:
        click.echo(json.dumps(line, ensure_ascii=False))
