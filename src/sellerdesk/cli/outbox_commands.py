"""Replies out: ``sellerdesk reply`` and ``sellerdesk outbox list|send|confirm``.

Every command prints JSON Lines on standard output. ``reply`` queues one reply (after the
compliance check; a blocked reply exits 1 with the findings on standard error). ``outbox
send`` delivers what is due through the configured mailboxes' SMTP servers, once or, with
``--watch``, every ``--every`` seconds until interrupted. ``outbox confirm`` records a
person's decision about a delivery whose outcome is ``unknown``.
"""

from __future__ import annotations

import getpass
import json
import random
import sys
from datetime import UTC, datetime
from typing import Any

import click

from sellerdesk.cli.base import cli, config_option, handle_errors, load, stop_on_signals
from sellerdesk.cli.store_commands import database_url_option
from sellerdesk.config import load_config
from sellerdesk.core.outbox import DeliveryState
from sellerdesk.errors import ConfigError, InputError
from sellerdesk.services.jobs import InProcessJobRunner
from sellerdesk.services.outbox import DeliveryResult, confirm_unknown, list_deliveries, outbox_job, send_outbox
from sellerdesk.services.replies import actor_named, reply_as
from sellerdesk.services.wiring import build_services

user_option = click.option(
    "--as", "user_name", default=None, metavar="USER",
    help="Act as this sellerdesk user (their role applies; overrides need an admin). "
         "Default: the local login, as an agent.",
)


def _echo(record: dict[str, Any]) -> None:
    click.echo(json.dumps(record, ensure_ascii=False, default=str))


def _local_name() -> str:
    return f"cli:{getpass.getuser()}"


@cli.command("reply")
@config_option
@database_url_option
@click.option("--thread", "thread_id", type=int, required=True, help="Id of the thread to answer.")
@click.option("--text", default=None, help="The reply, exactly as the buyer will read it.")
@click.option("--text-file", type=click.File("r", encoding="utf-8"), default=None,
              help="Read the reply from this file ('-' for standard input) instead of --text.")
@click.option("--override-reason", default=None,
              help="Send a reply the compliance guard blocked (admins only); the reason goes to the audit log.")
@user_option
@handle_errors
def reply_command(config_path: str | None, database_url: str | None, thread_id: int, text: str | None,
                  text_file: Any, override_reason: str | None, user_name: str | None) -> None:
    """Check a reply against Amazon's rules and queue it in the outbox."""
    if (text is None) == (text_file is None):
        raise InputError("give the reply with exactly one of --text or --text-file")
    body = text if text is not None else text_file.read()
    with build_services(load(config_path), database_url=database_url) as services, \
            services.db.transaction() as store:
        record = reply_as(store, user_name=user_name, local_name=_local_name(), thread_id=thread_id, text=body,
                          now=datetime.now(UTC), override_reason=override_reason, config=services.config)
    _echo(record)


@cli.group("outbox")
def outbox_group() -> None:
    """The outbox: replies waiting, sent, failed or unknown."""


@outbox_group.command("list")
@config_option
@database_url_option
@click.option("--state", "states", multiple=True, type=click.Choice([s.value for s in DeliveryState]),
              help="Only deliveries in this state (repeat for several).")
@click.option("--store", "store_name", default=None, metavar="NAME", help="Only this store's replies.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=100, show_default=True)
@handle_errors
def list_command(config_path: str | None, database_url: str | None, states: tuple[str, ...],
                 store_name: str | None, limit: int) -> None:
    """One JSON line per delivery, the newest first."""
    with build_services(load(config_path), database_url=database_url) as services, \
            services.db.reading() as store:
        rows = list_deliveries(store, states=states or None, store_name=store_name, limit=limit)
    for row in rows:
        _echo(row)


@outbox_group.command("send")
@config_option
@database_url_option
@click.option("--watch", is_flag=True, help="Keep sending every --every seconds until interrupted.")
@click.option("--every", type=click.FloatRange(min=1.0), default=30.0, show_default=True,
              help="Seconds between rounds with --watch.")
@handle_errors
def send_command(config_path: str | None, database_url: str | None, watch: bool, every: float) -> None:
    """Send the replies that are due through each mailbox's SMTP server; one JSON line per delivery."""
    config = load_config(config_path, required=True)
    if not config.mailboxes:
        raise ConfigError(f"{config.source}: no [[mailboxes]] table; replies are sent through a mailbox's "
                          "smtp_host (see docs/configuration.md)")
    with build_services(config, database_url=database_url) as services:
        if not watch:
            for result in send_outbox(services.db, config, now=datetime.now(UTC), rng=random.Random()):
                _echo(result.to_dict())
            return
        stop = stop_on_signals()
        runner = InProcessJobRunner(workers=1)
        runner.schedule("send-outbox", outbox_job(services.db, config, report=_report), every=every)
        runner.run(stop)


def _report(result: DeliveryResult) -> None:
    _echo(result.to_dict())
    sys.stdout.flush()


@outbox_group.command("confirm")
@config_option
@database_url_option
@click.argument("delivery_id", type=int)
@click.option("--sent/--not-sent", "sent", required=True,
              help="Whether the buyer got the reply (check the sent folder or ask the buyer).")
@user_option
@handle_errors
def confirm_command(config_path: str | None, database_url: str | None, delivery_id: int, sent: bool,
                    user_name: str | None) -> None:
    """Settle a delivery in state unknown: --sent if the buyer got it, --not-sent otherwise."""
    with build_services(load(config_path), database_url=database_url) as services, \
            services.db.transaction() as store:
        actor = actor_named(store, user_name, local_name=_local_name())
        result = confirm_unknown(store, delivery_id, sent=sent, actor=actor, now=datetime.now(UTC))
    _echo(result.to_dict())
