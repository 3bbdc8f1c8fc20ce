"""A local SP-API emulator: LWA tokens, Orders, Messaging, Solicitations and Uploads, with state.

It stands in for Amazon in tests (over real HTTP on a loopback port) and in the demo
(``sellerdesk spapi-emulator``). See ``docs/spapi.md`` for what it emulates and how.
"""

from __future__ import annotations

from sellerdesk.adapters.spapi.emulator.app import build_app
from sellerdesk.adapters.spapi.emulator.server import EmulatorServer, demo_order_specs, emulator_state, serve_forever
from sellerdesk.adapters.spapi.emulator.state import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_REFRESH_TOKEN,
    EmulatedItem,
    EmulatedOrder,
    EmulatorState,
    Fault,
    OrderSpec,
)

__all__ = [
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "DEMO_REFRESH_TOKEN",
    "EmulatedItem",
    "EmulatedOrder",
    "EmulatorServer",
    "EmulatorState",
    "Fault",
    "OrderSpec",
    "build_app",
    "demo_order_specs",
    "emulator_state",
    "serve_forever",
]
