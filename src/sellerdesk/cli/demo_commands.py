"""``sellerdesk demo`` and ``sellerdesk inbox``: the demo inbox, and the inbox in a terminal."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from sellerdesk.cli.base import cli, config_option, handle_errors, load
from sellerdesk.core.sla import parse_instant
from sellerdesk.services.demo import DEMO_SPAPI_ENDPOINT, write_demo
from sellerdesk.services.inbox_view import InboxFilter, list_inbox
from sellerdesk.services.wiring import build_services


@cli.command("demo")
@click.option("--database-url", default="sqlite:///sellerdesk.db", show_default=True,
              help="Database to fill (SQLite file by default).")
@click.option("--config-out", type=click.Path(dir_okay=False), default="sellerdesk-demo.toml", show_default=True,
              help="Where to write the demo stores' configuration.")
@click.option("--reset", is_flag=True, help="Delete the SQLite file first.")
@click.option("--seed", type=int, default=7, show_default=True, help="Random seed of the demo mails.")
@click.option("--threads", type=click.IntRange(19, 100_000), default=240, show_default=True,
              help="Buyer conversations to write (at least one per intent).")
@click.option("--now", "now_text", default=None, help="Anchor time, ISO 8601 (default: now).")
@click.option("--spapi-endpoint", default=DEMO_SPAPI_ENDPOINT, show_default=True,
              help="Where the demo stores expect the SP-API emulator (`sellerdesk run` starts it there).")
@handle_errors
def demo(database_url: str, config_out: str, reset: bool, seed: int, threads: int, now_text: str | None,
         spapi_endpoint: str) -> None:
    """Fill a database with a realistic multi-store, multi-marketplace inbox."""
    now = parse_instant(now_text, field="--now") if now_text else datetime.now(UTC)
    summary = write_demo(database_url=database_url, config_path=Path(config_out), now=now, seed=seed,
                         threads=threads, reset=reset, spapi_endpoint=spapi_endpoint)
    click.echo(json.dumps(summary.to_dict(), ensure_ascii=False))
    click.echo(f"Demo ready. Next: sellerdesk inbox --config {config_out}   (the product: sellerdesk run --config "
               f"{config_out} --allow-demo-login, login demo / demo)", err=True)


@cli.command("inbox")
@config_option
@click.option("--database-url", default=None, help="Overrides the configuration's database_url.")
@click.option("--store", "store_name", default=None, help="Only this store.")
@click.option("--state", default=None, help="Only threads in this state (e.g. open).")
@click.option("--limit", type=click.IntRange(1, 500), default=25, show_default=True)
@handle_errors
def inbox(config_path: str | None, database_url: str | None, store_name: str | None, state: str | None,
          limit: int) -> None:
    """Show the inbox in the terminal: threads sorted by time left to Amazon's 24-hour deadline."""
    now = datetime.now(UTC)
    with build_services(load(config_path), database_url=database_url) as services, \
            services.db.reading() as store:
        ids = [row.id for row in store.list_stores()]
        page = list_inbox(store, store_ids=ids, filters=InboxFilter(store=store_name, state=state),
                          page_size=limit)
    table = Table(title=f"sellerdesk inbox — {services.config.database_url}")
    for column in ("thread", "due in", "store", "mkt", "state", "intent", "lang", "order / ASIN", "buyer"):
        table.add_column(column, no_wrap=True)
    for row in page.rows:
        table.add_row(str(row.thread_id), _time_left(row.due_at, now), row.store, row.marketplace or "", row.state,
                      row.intent or "", row.language or "", row.order_id or row.asin or "", row.buyer or "")
    console = Console()
    if not console.is_terminal:
        console = Console(width=160)
    console.print(table)


def _time_left(due_at: datetime | None, now: datetime) -> str:
    if due_at is None:
        return "—"
    seconds = int((due_at - now).total_seconds())
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    colour = "red" if sign else "yellow" if seconds < 4 * 3600 else "green"
    return f"[{colour}]{sign}{seconds // 3600}h{seconds % 3600 // 60:02d}m[/{colour}]"
