"""Store commands: ``sellerdesk export`` (contracts §4) and ``sellerdesk reparse``.

Both read the database named by ``--database-url``, else by the configuration's
``database_url`` (``--config PATH``, ``$SELLERDESK_CONFIG`` or ``./sellerdesk.toml``).
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

import click

from sellerdesk.cli.base import cli, config_option, handle_errors, load
from sellerdesk.config import Config
from sellerdesk.services.database import Database, open_database
from sellerdesk.services.export import export_messages, parse_since, write_jsonl
from sellerdesk.services.reparse import reparse_messages

database_url_option = click.option(
    "--database-url", default=None, metavar="URL",
    help="Database to use instead of the configuration's database_url (e.g. sqlite:///sellerdesk.db).",
)


def open_configured_database(config: Config, database_url: str | None) -> Database:
    """Open (and migrate) the database of ``--database-url``, else of the configuration."""
    return open_database(database_url or config.database_url)


@cli.command("export")
@config_option
@database_url_option
@click.option("--store", "store_name", default=None, metavar="NAME", help="Only the messages of this store.")
@click.option("--since", default=None, metavar="ISO8601",
              help="Only messages received at or after this time (UTC when no zone is given).")
@handle_errors
def export_command(config_path: str | None, database_url: str | None, store_name: str | None,
                   since: str | None) -> None:
    """Write every stored message as JSON Lines on standard output, quarantined ones included."""
    config = load(config_path)
    after = parse_since(since)
    with open_configured_database(config, database_url) as db:
        write_jsonl(export_messages(db, store_name=store_name, since=after), sys.stdout.buffer)


@cli.command("reparse")
@config_option
@database_url_option
@click.option("--all", "everything", is_flag=True,
              help="Re-parse every stored mail, not only those parsed by an older parser version.")
@handle_errors
def reparse_command(config_path: str | None, database_url: str | None, everything: bool) -> None:
    """Parse stored mails again from their raw bytes after a parser fix; print a JSON summary."""
    config = load(config_path)
    with open_configured_database(config, database_url) as db:
        summary = reparse_messages(db, now=datetime.now(UTC), attachment_max_bytes=config.attachment_max_bytes,
                                   everything=everything,
                                   progress=lambda n: print(f"reparse: {n} examined", file=sys.stderr))
    click.echo(json.dumps(summary.as_dict()))
