"""``sellerdesk check``: the compliance guard over JSON Lines (contracts §3).

In, one JSON object a line: ``{"id", "text", "subject"?, "kind"?, "marketplace"?, "order_id"?,
"buyer_language"?, "received_at"?, "replied_at"?, "history"?, "attachments"?, "automatic"?}``.
Out: ``{"id", "verdict", "findings"}``; a malformed line gives ``{"id", "error"}`` and the batch
carries on. Exit status 0 when every line was checked, 1 when any line errored, 2 on bad usage.
"""

from __future__ import annotations

import sys

import click

from sellerdesk.cli.base import cli, config_option, handle_errors, load
from sellerdesk.cli.jsonl import open_input, run_batch
from sellerdesk.core.marketplaces import MARKETPLACES
from sellerdesk.services.compliance import make_checker


@cli.command("check")
@click.option("--kind", default=None, metavar="KIND",
              help="Default message kind: reply, proactive, review_request, case or api:<messageType>.")
@click.option("--marketplace", default=None, type=click.Choice(sorted(MARKETPLACES), case_sensitive=False),
              help="Default marketplace (two-letter code) for phone regions and the expected language.")
@click.option("--store", "store_name", default=None, metavar="NAME",
              help="Store whose [compliance] tuning and stored replies apply (default: the only store).")
@config_option
@click.argument("source", metavar="FILE|-")
@handle_errors
def check_command(kind: str | None, marketplace: str | None, store_name: str | None, config_path: str | None,
                  source: str) -> None:
    """Check outgoing messages against Amazon's communication rules.

    Reads JSON Lines {"id", "text", ...} and writes {"id", "verdict", "findings"} per line;
    verdict is pass, warn or block. See docs/rules.md for every rule and how to tune it.
    """
    config = load(config_path)
    checker = make_checker(config=config, kind=kind, marketplace=marketplace, store=store_name)
    stream = open_input(source)
    try:
        status = run_batch(stream, sys.stdout, checker)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    raise SystemExit(status)
