"""``sellerdesk ingest`` (mail from IMAP) and ``sellerdesk import`` (history from exports).

``ingest`` prints one JSON line per mailbox: ``{"mailbox", "store", "fetched", "stored",
"duplicates", "quarantined", "error"}``. With ``--once`` it reads every mailbox once and
exits 1 if any mailbox failed; without it, it keeps watching (IDLE or polling every
``poll_seconds``), printing a line whenever a mailbox brought mail or failed, until
interrupted (Ctrl-C or SIGTERM), then exits 0.

``import`` shows a progress bar on standard error and prints a JSON summary on standard
output: ``{"path", "kind", "store", "read", "stored", "duplicates", "quarantined"}``.
"""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from sellerdesk.cli.base import cli, config_option, handle_errors, stop_on_signals
from sellerdesk.cli.store_commands import database_url_option
from sellerdesk.config import load_config
from sellerdesk.errors import ConfigError
from sellerdesk.services.backfill import import_mails
from sellerdesk.services.ingest import MailboxSummary, ingest_all, watch_mailboxes
from sellerdesk.services.parse_workers import default_workers
from sellerdesk.services.wiring import build_services

workers_option = click.option(
    "--workers", type=click.IntRange(min=0), default=default_workers, show_default="one per CPU core",
    help="Processes that parse mail while it is stored (0: parse in this process).")


def _print_summary(summary: MailboxSummary) -> None:
    click.echo(json.dumps(summary.as_record(), ensure_ascii=False))


@cli.command("ingest")
@config_option
@database_url_option
@click.option("--once", is_flag=True, help="Read every mailbox once and exit (default: keep watching).")
@workers_option
@handle_errors
def ingest_command(config_path: str | None, database_url: str | None, once: bool, workers: int) -> None:
    """Fetch new mail from every configured mailbox and store each message exactly once."""
    config = load_config(config_path, required=True)
    if not config.mailboxes:
        raise ConfigError(f"{config.source}: no [[mailboxes]] table; add one per mailbox to read "
                          "(see docs/configuration.md)")
    with build_services(config, database_url=database_url) as services:
        if once:
            summaries = ingest_all(services.db, services.config, workers=workers)
            for summary in summaries:
                _print_summary(summary)
            if any(summary.error for summary in summaries):
                raise SystemExit(1)
            return
        stop = stop_on_signals()
        watch_mailboxes(services.db, services.config, stop=stop, report=_print_summary, workers=workers)


@cli.command("import")
@config_option
@database_url_option
@click.option("--store", "store_name", required=True, metavar="NAME", help="The store the mails belong to.")
@click.argument("path", type=click.Path(exists=False))
@workers_option
@handle_errors
def import_command(config_path: str | None, database_url: str | None, store_name: str, path: str,
                   workers: int) -> None:
    """Back-fill history from PATH: an mbox file, a Maildir, a folder of .eml files or one .eml."""
    config = load_config(config_path)
    store_config = next((s for s in config.stores if s.name == store_name), None)
    console = Console(stderr=True)
    with build_services(config, database_url=database_url) as services, Progress(
        TextColumn("importing"), BarColumn(), TaskProgressColumn(), MofNCompleteColumn(), DownloadColumn(),
        TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=True,
    ) as bar:
        task = bar.add_task("import", total=None)
        columns = bar.columns

        def progress(done: int, total: int | None, unit: str) -> None:
            # Show bytes for an mbox (its size is known at once), mail files for folders.
            bar.columns = tuple(c for c in columns if not isinstance(
                c, MofNCompleteColumn if unit == "bytes" else DownloadColumn))
            bar.update(task, completed=done, total=total)

        summary = import_mails(services.db, store_name=store_name, path=path, progress=progress,
                               store_config=store_config, attachment_max_bytes=config.attachment_max_bytes,
                               workers=workers)
    click.echo(json.dumps(summary.as_record(), ensure_ascii=False))
