"""Fixtures of the SP-API tests: an emulator on a loopback port and a client pointed at it."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import fields
from datetime import UTC, datetime

import pytest

from sellerdesk.adapters.spapi import LwaCredentials, ManualClock, SpApiClient
from sellerdesk.adapters.spapi.emulator import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_REFRESH_TOKEN,
    EmulatorServer,
    EmulatorState,
)

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
DEMO_CREDENTIALS = LwaCredentials(client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET,
                                  refresh_token=DEMO_REFRESH_TOKEN)


def make_client(server: EmulatorServer, *, clock: ManualClock | None = None,
                credentials: LwaCredentials = DEMO_CREDENTIALS, store: str = "acme-us",
                max_retries: int = 6) -> SpApiClient:
    """A client of *server* whose waits run on a manual clock (no test ever really sleeps)."""
    return SpApiClient(store=store, region="NA", credentials=credentials, endpoint=server.url,
                       clock=clock or ManualClock(), rng=random.Random(1), max_retries=max_retries)


def fresh_state() -> EmulatorState:
    """Emulator state at a fixed now, marketplaces US and DE, throttling off (tests of it turn it on)."""
    return EmulatorState(marketplaces=("US", "DE"), now=lambda: NOW, throttle=False)


@pytest.fixture(scope="session")
def _shared_server() -> Iterator[EmulatorServer]:
    # One server for the session: starting uvicorn costs a few tenths of a second per test.
    with EmulatorServer(fresh_state()) as running:
        yield running


@pytest.fixture
def server(_shared_server: EmulatorServer) -> EmulatorServer:
    """The emulator on a free loopback port, its state reset to :func:`fresh_state` for this test."""
    state, clean = _shared_server.state, fresh_state()
    with state.lock:
        for item in fields(EmulatorState):
            if item.name != "lock":
                setattr(state, item.name, getattr(clean, item.name))
    return _shared_server


@pytest.fixture
def state(server: EmulatorServer) -> EmulatorState:
    """The state the emulator serves (fresh for each test)."""
    return server.state


@pytest.fixture
def client(server: EmulatorServer) -> Iterator[SpApiClient]:
    """A client of the emulator with the demo account."""
    with make_client(server) as made:
        yield made
