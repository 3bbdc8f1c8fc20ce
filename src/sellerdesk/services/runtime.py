"""Everything the product runs in one process: the web app and the background jobs.

``sellerdesk run`` starts, beside the web app:

* the outbox job (every ``OUTBOX_EVERY`` seconds) on the job runner;
* one IMAP watcher per mailbox that sellerdesk reads (``imap_enabled``), with IDLE or polling;
* the reminders (every ``REMINDERS_EVERY`` seconds) when a ``[reminders]`` channel is configured;
* the order sync (every ``ORDERS_EVERY`` seconds) for stores with SP-API access;
* the local SP-API emulator, when a store points ``spapi_endpoint`` at this machine and has no
  real credentials (the demo), so orders show beside threads without an Amazon account.

The background parts stop when the web app stops.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from datetime import UTC, datetime
from urllib.parse import urlsplit

from sellerdesk.adapters.spapi.connect import LOOPBACK, connect, is_configured
from sellerdesk.adapters.spapi.emulator.server import EmulatorServer, emulator_state
from sellerdesk.config import Config
from sellerdesk.core.marketplaces import MARKETPLACES
from sellerdesk.services import outbox
from sellerdesk.services.after_sales import open_cases_from_events
from sellerdesk.services.ingest import MailboxSummary, read_mailboxes, watch_mailboxes
from sellerdesk.services.jobs import InProcessJobRunner, JobRunner
from sellerdesk.services.orders import sync_stores
from sellerdesk.services.reminders import reminder_settings, reminders_job
from sellerdesk.services.wiring import Services, run_web

OUTBOX_EVERY = 15.0
ORDERS_EVERY = 300.0
REMINDERS_EVERY = 60.0

log = logging.getLogger(__name__)


def schedule_background(services: Services, runner: JobRunner, *, announce: Callable[[str], None],
                        outbox_every: float = OUTBOX_EVERY) -> None:
    """Put the product's periodic jobs on *runner*: the outbox, the reminders, the order sync (which also opens
    replacement cases for undeliverable parcels)."""

    def report(result: outbox.DeliveryResult) -> None:
        log.info("outbox: delivery %s %s %s", result.delivery_id, result.state, result.detail or "")

    runner.schedule("outbox", outbox.outbox_job(services.db, services.config, report=report), every=outbox_every)
    announce(f"sellerdesk: sending the outbox every {outbox_every:g} s"
             + (f" into {services.config.outbox_folder}" if services.config.outbox_folder else " by SMTP"))
    settings = reminder_settings(services.config)
    if settings.channels:
        runner.schedule("reminders", reminders_job(services.db, services.config,
                                                   report=lambda result: log.info("reminder: %s", result)),
                        every=REMINDERS_EVERY)
        announce(f"sellerdesk: reminders through {len(settings.channels)} channel(s), checked every "
                 f"{REMINDERS_EVERY:g} s")
    spapi_stores = [store for store in services.config.stores if is_configured(store)]
    if spapi_stores:
        def orders() -> None:
            now = datetime.now(UTC)
            for result in sync_stores(services.db, spapi_stores, client_factory=connect, now=now):
                log.info("orders: %s", result)
            for case in open_cases_from_events(services.db, [s.name for s in spapi_stores], now=now):
                if not case["existing"]:
                    log.info("after-sales: case %s opened for order %s (%s)", case["id"], case["order_id"],
                             case["cause"])

        runner.schedule("orders", orders, every=ORDERS_EVERY)
        announce(f"sellerdesk: orders from the SP-API for {len(spapi_stores)} store(s), every {ORDERS_EVERY:g} s")


def emulator_addresses(config: Config) -> set[tuple[str, int]]:
    """The loopback addresses where stores without real credentials expect the local SP-API emulator."""
    found = set()
    for store in config.stores:
        if store.spapi_endpoint and not store.spapi_refresh_token_env:
            parts = urlsplit(store.spapi_endpoint)
            if parts.hostname in LOOPBACK and parts.port:
                found.add((parts.hostname, parts.port))
    return found


@contextmanager
def background(services: Services, *, announce: Callable[[str], None],
               outbox_every: float = OUTBOX_EVERY) -> Iterator[None]:
    """Run the background jobs and the IMAP watchers while the block runs; stop them after."""
    stop = threading.Event()
    emulators = ExitStack()
    for host, port in sorted(emulator_addresses(services.config)):
        # The demo's stores point at a local emulator seeded with the demo inbox's orders.
        state = emulator_state(seed="demo", marketplaces=tuple(MARKETPLACES))
        emulators.enter_context(EmulatorServer(state, host=host, port=port))
        announce(f"sellerdesk: SP-API emulator (demo orders) on http://{host}:{port}")
    runner = InProcessJobRunner()
    schedule_background(services, runner, announce=announce, outbox_every=outbox_every)
    threads = [threading.Thread(target=runner.run, args=(stop,), name="sellerdesk-jobs", daemon=True)]
    reading = read_mailboxes(services.config)
    if reading:
        def report(summary: MailboxSummary) -> None:
            log.info("ingest: %s", summary)

        threads.append(threading.Thread(target=watch_mailboxes, args=(services.db, services.config),
                                        kwargs={"stop": stop, "report": report}, name="sellerdesk-ingest",
                                        daemon=True))
        announce(f"sellerdesk: reading {len(reading)} mailbox(es)")
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            with suppress(RuntimeError):
                thread.join(timeout=30)
        emulators.close()


def run_product(services: Services, *, host: str, port: int, secret_key: str | None, allow_demo_login: bool,
                announce: Callable[[str], None], outbox_every: float = OUTBOX_EVERY) -> None:
    """Serve the web app with the background jobs running until the server stops (blocks)."""
    with background(services, announce=announce, outbox_every=outbox_every):
        run_web(services, host=host, port=port, secret_key=secret_key, allow_demo_login=allow_demo_login,
                announce=announce)
