"""``sellerdesk run``: the web app and every background job in one process."""

from __future__ import annotations

import logging
import os

import click

from sellerdesk.cli.base import cli, config_option, handle_errors, load
from sellerdesk.services.runtime import run_product
from sellerdesk.services.wiring import build_services


@cli.command("run")
@config_option
@click.option("--database-url", default=None, metavar="URL", help="Database to use instead of the configured one.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address the web app listens on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Web app port.")
@click.option("--allow-demo-login", is_flag=True, help="Accept the demo login (demo / demo). Demo databases only.")
@click.option("--outbox-every", type=click.FloatRange(0.1, 3600), default=15.0, show_default=True,
              help="Seconds between two rounds of the outbox.")
@handle_errors
def run(config_path: str | None, database_url: str | None, host: str, port: int, allow_demo_login: bool,
        outbox_every: float) -> None:
    """Run the product: the web app, the outbox, the mailbox watchers (until Ctrl-C)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    with build_services(load(config_path), database_url=database_url) as services:
        run_product(services, host=host, port=port, secret_key=os.environ.get("SELLERDESK_SECRET_KEY"),
                    allow_demo_login=allow_demo_login, announce=click.echo, outbox_every=outbox_every)
