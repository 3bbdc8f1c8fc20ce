"""SP-API commands: the local emulator, orders beside threads, typed messages, review requests.

``--spapi-endpoint URL`` points every store at that endpoint (the emulator's, e.g.
``http://127.0.0.1:8790``); a loopback endpoint with no credential keys uses the emulator's demo
account. Results are JSON on standard output; a store that fails is reported and the others go on.
"""

from __future__ import annotations

import json
import mimetypes
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from sellerdesk.adapters.spapi.connect import connect
from sellerdesk.adapters.spapi.emulator import emulator_state, serve_forever
from sellerdesk.adapters.spapi.errors import SpApiAuthError
from sellerdesk.adapters.spapi.sqs import SqsNotificationQueue, queue_region
from sellerdesk.cli.base import cli, config_option, handle_errors, load
from sellerdesk.cli.store_commands import database_url_option, open_configured_database
from sellerdesk.config import Config, StoreConfig
from sellerdesk.core.marketplaces import MARKETPLACES
from sellerdesk.errors import ConfigError
from sellerdesk.services.messaging import SENDABLE, OutgoingFile, send_typed_message
from sellerdesk.services.notifications import check_queue_arn, subscribe_order_change
from sellerdesk.services.orders import drain_notifications, show_order, sync_stores
from sellerdesk.services.reviews import request_reviews, review_ledger

endpoint_option = click.option("--spapi-endpoint", default=None, metavar="URL",
                                help="SP-API base URL for every store (e.g. the emulator's http://127.0.0.1:8790).")
store_option = click.option("--store", "store_name", default=None, metavar="NAME", help="Only this store.")


def _echo(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, default=str))


def _stores(config: Config, name: str | None) -> tuple[StoreConfig, ...]:
    return (config.store(name),) if name else config.stores


@cli.command("spapi-emulator")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8790, show_default=True, type=int, help="Port to listen on.")
@click.option("--seed", default="demo", show_default=True, type=click.Choice(["demo", "none"]),
              help="demo: the orders of `sellerdesk demo`'s inbox; none: only orders derived from their IDs.")
@click.option("--marketplaces", default="US", show_default=True, metavar="CC,CC",
              help="Marketplaces of orders derived from unknown IDs.")
@click.option("--no-throttle", is_flag=True, help="Do not enforce Amazon's usage plans (no 429s).")
@handle_errors
def spapi_emulator_command(host: str, port: int, seed: str, marketplaces: str, no_throttle: bool) -> None:
    """Serve a local SP-API emulator (LWA, Orders, Messaging, Solicitations, Uploads) until Ctrl-C."""
    codes = tuple(c.strip().upper() for c in marketplaces.split(",") if c.strip().upper() in MARKETPLACES)
    state = emulator_state(seed=seed, marketplaces=codes or ("US",), throttle=not no_throttle)
    click.echo(f"SP-API emulator on http://{host}:{port} ({len(state.specs)} seeded orders); "
               f"refresh token {next(iter(state.accounts))!r}", err=True)
    serve_forever(state, host=host, port=port)


@cli.group("orders")
def orders_group() -> None:
    """Orders from the SP-API beside the threads: show one, or sync every store."""


@orders_group.command("show")
@click.argument("order_id")
@click.option("--store", "store_name", required=True, metavar="NAME", help="The store the order belongs to.")
@click.option("--refresh", is_flag=True, help="Ask Amazon even when the cached order is fresh.")
@endpoint_option
@config_option
@database_url_option
@handle_errors
def orders_show_command(order_id: str, store_name: str, refresh: bool, spapi_endpoint: str | None,
                        config_path: str | None, database_url: str | None) -> None:
    """Print one order (contracts §3 shape) from the cache or from Amazon."""
    config = load(config_path)
    store = config.store(store_name)
    with open_configured_database(config, database_url) as db:
        view = show_order(db, store, client_factory=lambda s: connect(s, endpoint=spapi_endpoint), order_id=order_id,
                          now=datetime.now(UTC), refresh=refresh)
    _echo({"order_id": view.order_id, "order": view.snapshot.to_dict() if view.snapshot else None,
           "fetched_at": view.fetched_at.isoformat() if view.fetched_at else None, "from_cache": view.from_cache,
           "problem": view.problem})
    if view.snapshot is None:
        raise SystemExit(1)


@orders_group.command("sync")
@store_option
@endpoint_option
@config_option
@database_url_option
@handle_errors
def orders_sync_command(store_name: str | None, spapi_endpoint: str | None, config_path: str | None,
                        database_url: str | None) -> None:
    """Enrich every thread that names an order and poll order changes; one JSON line per store."""
    config = load(config_path)
    with open_configured_database(config, database_url) as db:
        results = sync_stores(db, _stores(config, store_name),
                              client_factory=lambda s: connect(s, endpoint=spapi_endpoint),
                              now=datetime.now(UTC))
    for result in results:
        _echo(result.to_dict())
    if any(r.error for r in results):
        raise SystemExit(1)


@orders_group.command("listen")
@click.option("--store", "store_name", required=True, metavar="NAME", help="The store whose SQS queue to read.")
@click.option("--once", is_flag=True, help="Handle one batch and stop.")
@click.option("--wait", "wait_seconds", default=20, show_default=True, type=click.IntRange(0, 20),
              help="Long-poll seconds per batch.")
@endpoint_option
@config_option
@database_url_option
@handle_errors
def orders_listen_command(store_name: str, once: bool, wait_seconds: int, spapi_endpoint: str | None,
                          config_path: str | None, database_url: str | None) -> None:
    """Handle ORDER_CHANGE notifications from the store's SQS queue (spapi_sqs_queue_url); one JSON line a batch."""
    config = load(config_path)
    store = config.store(store_name)
    if not store.spapi_sqs_queue_url:
        raise ConfigError(f"store {store_name!r}: spapi_sqs_queue_url is not set; name the SQS queue that Amazon's "
                          "Notifications API delivers ORDER_CHANGE to (or use `sellerdesk orders sync`)")
    queue = SqsNotificationQueue(store.spapi_sqs_queue_url, region=queue_region(store.spapi_sqs_queue_url))
    with open_configured_database(config, database_url) as db, connect(store, endpoint=spapi_endpoint) as client:
        while True:
            result = drain_notifications(db, store, queue=queue, client=client, now=datetime.now(UTC),
                                         wait_seconds=wait_seconds)
            _echo(result.to_dict())
            if once:
                break


@cli.group("spapi")
def spapi_group() -> None:
    """The store's SP-API set-up."""


@spapi_group.command("subscribe")
@click.option("--store", "store_name", required=True, metavar="NAME", help="The store (seller account) to subscribe.")
@click.option("--queue-arn", required=True, metavar="ARN",
              help="The SQS queue to deliver to: arn:aws:sqs:REGION:ACCOUNT_ID:QUEUE_NAME.")
@click.option("--name", "destination_name", default="sellerdesk", show_default=True,
              help="Name of the destination, if one is created.")
@endpoint_option
@config_option
@handle_errors
def spapi_subscribe_command(store_name: str, queue_arn: str, destination_name: str, spapi_endpoint: str | None,
                            config_path: str | None) -> None:
    """Subscribe the store to ORDER_CHANGE notifications in an SQS queue, once; one JSON line.

    An existing subscription is reported (with its destination), not made again; a destination
    the app already has for the queue is reused.
    """
    store = load(config_path).store(store_name)
    check_queue_arn(queue_arn)
    with connect(store, endpoint=spapi_endpoint) as client:
        _echo(subscribe_order_change(client, queue_arn=queue_arn, name=destination_name).to_dict())


@cli.command("api-message")
@click.option("--store", "store_name", required=True, metavar="NAME", help="The store sending.")
@click.option("--order", "order_id", required=True, metavar="ORDER_ID", help="The order the message is about.")
@click.option("--marketplace", required=True, metavar="CC", help="The order's marketplace, e.g. DE.")
@click.option("--type", "message_type", required=True, type=click.Choice(SENDABLE), help="Amazon's message type.")
@click.option("--text", default=None, help="The message text (in the buyer's language).")
@click.option("--attach", "attachments", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="A file to attach (invoice, warranty...); repeatable.")
@click.option("--as", "actor", default="cli", show_default=True, help="Who sends (for the log).")
@endpoint_option
@config_option
@database_url_option
@handle_errors
def api_message_command(store_name: str, order_id: str, marketplace: str, message_type: str, text: str | None,
                        attachments: tuple[str, ...], actor: str, spapi_endpoint: str | None,
                        config_path: str | None, database_url: str | None) -> None:
    """Send one typed message through the SP-API Messaging API, behind Amazon's list and the compliance guard."""
    config = load(config_path)
    store = config.store(store_name)
    files = [OutgoingFile(Path(p).name, Path(p).read_bytes(), mimetypes.guess_type(p)[0] or "application/octet-stream")
             for p in attachments]
    with open_configured_database(config, database_url) as db, connect(store, endpoint=spapi_endpoint) as client:
        outcome = send_typed_message(db, store, client=client, order_id=order_id, marketplace=marketplace.upper(),
                                     message_type=message_type, text=text, files=files, actor=actor,
                                     now=datetime.now(UTC))
    _echo(outcome.to_dict())
    if outcome.state != "sent":
        raise SystemExit(1)


@cli.group("reviews")
def reviews_group() -> None:
    """Review requests through Amazon's Solicitations API, with a ledger."""


@reviews_group.command("request")
@store_option
@click.option("--dry-run", is_flag=True, help="Decide and report, but send nothing and write no ledger.")
@endpoint_option
@config_option
@database_url_option
@handle_errors
def reviews_request_command(store_name: str | None, dry_run: bool, spapi_endpoint: str | None,
                            config_path: str | None, database_url: str | None) -> None:
    """Request reviews for all eligible cached orders: one JSON line per order, then one summary per store."""
    config = load(config_path)
    failed = False
    with open_configured_database(config, database_url) as db:
        for store in _stores(config, store_name):
            with click.progressbar(length=1, label=f"{store.name}", file=sys.stderr) as bar, \
                    connect(store, endpoint=spapi_endpoint) as client:
                def progress(done: int, total: int, bar: Any = bar) -> None:
                    bar.length = total
                    bar.update(1)
                try:
                    run = request_reviews(db, store, client=client, now=datetime.now(UTC), dry_run=dry_run,
                                          progress=progress)
                except SpApiAuthError as exc:
                    _echo({"store": store.name, "error": str(exc)})
                    failed = True
                    continue
            for outcome in run.outcomes:
                _echo({"store": store.name, **outcome})
            _echo(run.to_dict())
    if failed:
        raise SystemExit(1)


@reviews_group.command("ledger")
@click.option("--store", "store_name", required=True, metavar="NAME", help="The store.")
@config_option
@database_url_option
@handle_errors
def reviews_ledger_command(store_name: str, config_path: str | None, database_url: str | None) -> None:
    """Print the review-request ledger of a store: what was requested, and why others were skipped."""
    config = load(config_path)
    with open_configured_database(config, database_url) as db:
        for row in review_ledger(db, config.store(store_name)):
            _echo(row)
