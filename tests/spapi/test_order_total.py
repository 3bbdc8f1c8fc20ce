"""The order total over real HTTP: the emulator prices its orders, the client reads what they came to."""

from __future__ import annotations

from sellerdesk.adapters.spapi import SpApiClient
from sellerdesk.adapters.spapi.emulator import EmulatorState
from sellerdesk.adapters.spapi.emulator.payloads import order_total
from sellerdesk.core.orders import Money
from sellerdesk.services.orders import fetch_order
from tests.spapi.conftest import NOW

ORDER = "113-7654321-1234567"  # not registered: the emulator derives it from the ID


def test_both_orders_apis_give_the_same_total(client: SpApiClient, state: EmulatorState) -> None:
    v2026 = fetch_order(client, ORDER, api="2026-01-01", today=NOW)
    v0 = fetch_order(client, ORDER, api="v0", today=NOW)
    emulated = state.order(ORDER)
    assert emulated is not None
    expected = order_total(emulated)
    assert expected is not None
    currency = {"US": "USD", "DE": "EUR"}[emulated.marketplace]
    assert v2026.total == v0.total == Money(expected, currency)


def test_an_order_without_prices_has_no_total(client: SpApiClient, state: EmulatorState) -> None:
    emulated = state.order(ORDER)
    assert emulated is not None
    emulated.items[0].price = None
    assert fetch_order(client, ORDER, api="2026-01-01", today=NOW).total is None
