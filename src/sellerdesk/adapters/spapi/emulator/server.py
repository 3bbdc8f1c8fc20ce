"""Running the emulator: in a background thread on a loopback port (tests, the demo) or in the foreground."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import uvicorn

from sellerdesk.adapters.spapi.emulator.app import build_app
from sellerdesk.adapters.spapi.emulator.state import EmulatorState, OrderSpec
from sellerdesk.core.amazon_mail import parse_relay_mail
from sellerdesk.errors import MessageParseError, SpApiError
from sellerdesk.samples.demo import demo_mails

STARTUP_SECONDS = 10.0


class EmulatorServer:
    """The emulator served by uvicorn in a daemon thread; ``port=0`` picks a free port.

    Use as a context manager::

        with EmulatorServer(EmulatorState()) as server:
            client = SpApiClient(..., endpoint=server.url)
    """

    def __init__(self, state: EmulatorState, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.state = state
        config = uvicorn.Config(build_app(state), host=host, port=port, log_level="warning", lifespan="off",
                                access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="spapi-emulator", daemon=True)
        self.host = host
        self.port = port

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:48213``."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> EmulatorServer:
        """Start serving and wait until the port accepts connections.

        Raises:
            SpApiError: the server did not come up (e.g. the port is taken).
        """
        self._thread.start()
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise SpApiError(f"the SP-API emulator did not start on {self.host}:{self.port}; "
                                 "is the port taken? pick another with --port")
            time.sleep(0.01)
        sockets = self._server.servers[0].sockets if self._server.servers else []
        if sockets:
            self.port = int(sockets[0].getsockname()[1])
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        self._server.should_exit = True
        self._thread.join(timeout=STARTUP_SECONDS)

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def serve_forever(state: EmulatorState, *, host: str, port: int) -> None:
    """Serve the emulator in the foreground until interrupted."""
    uvicorn.run(build_app(state), host=host, port=port, log_level="info", lifespan="off")


def emulator_state(*, seed: str, marketplaces: tuple[str, ...], throttle: bool = True) -> EmulatorState:
    """The state ``sellerdesk spapi-emulator`` starts with: ``seed`` ``demo`` registers the demo inbox's orders.

    Raises:
        SpApiError: *seed* is neither ``demo`` nor ``none``.
    """
    state = EmulatorState(marketplaces=marketplaces, throttle=throttle)
    if seed == "demo":
        state.seed_orders(demo_order_specs())
    elif seed != "none":
        raise SpApiError(f"--seed {seed!r}: use \"demo\" (the demo inbox's orders) or \"none\"")
    return state


def demo_order_specs(*, seed: int = 7) -> list[OrderSpec]:
    """The orders of the demo inbox (``sellerdesk demo``): ID, marketplace and item of every demo thread.

    The demo writer draws its order IDs from a seeded generator, so writing the same demo mails
    again and reading them back gives the very orders the demo database holds.
    """
    specs: dict[str, OrderSpec] = {}
    for mail in demo_mails(now=datetime(2026, 1, 1, tzinfo=UTC), seed=seed):
        if mail.kind != "buyer":  # every demo thread starts with a buyer mail naming its order
            continue
        try:
            parsed = parse_relay_mail(mail.raw, classify=False)
        except MessageParseError:
            continue
        if parsed.order_id and parsed.marketplace and parsed.asin and parsed.order_id not in specs:
            title = parsed.item_titles[0] if parsed.item_titles else ""
            specs[parsed.order_id] = OrderSpec(parsed.order_id, parsed.marketplace, parsed.asin, title)
    return list(specs.values())
