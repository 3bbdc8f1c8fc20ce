"""Polling order changes through Orders API v0 getOrders: pinned, and as the fallback of searchOrders."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from sellerdesk.adapters.spapi.emulator import EmulatorServer, EmulatorState, Fault
from sellerdesk.adapters.spapi.errors import SpApiInvalidInputError, SpApiUnavailableError
from sellerdesk.services.database import Database
from sellerdesk.services.orders import enrich_threads, poll_changes
from tests.spapi.conftest import NOW, make_client
from tests.spapi.test_client import shipped_order
from tests.spapi.test_services import STORE, buyer_mail

ORDER = "111-2223334-4445556"
US = "ATVPDKIKX0DER"


def unshipped_then_shipped(db: Database, server: EmulatorServer, state: EmulatorState) -> None:
    """A thread's order cached while unshipped; then Amazon ships it."""
    order = shipped_order(ORDER)
    state.put_order(replace(order, status="UNSHIPPED", carrier=None, tracking_number=None, package_status=None,
                            last_updated=NOW - timedelta(days=2)))
    buyer_mail(db, order_id=ORDER, text="When will it ship?", number=1)
    with make_client(server) as client:
        enrich_threads(db, STORE, client=client, now=NOW - timedelta(days=1))
    state.put_order(replace(order, last_updated=NOW - timedelta(hours=1)))


def test_v0_pinned_polls_with_get_orders_and_fetches_only_wanted_orders(db: Database, server: EmulatorServer,
                                                                       state: EmulatorState) -> None:
    unshipped_then_shipped(db, server, state)
    state.put_order(replace(shipped_order("112-0000000-0000001"), last_updated=NOW - timedelta(hours=2)))
    with make_client(server) as client:
        result = poll_changes(db, replace(STORE, spapi_orders_api="v0"), client=client, now=NOW)
    assert result.events == [f"{ORDER}:shipped"]
    operations = [op for op, _ in state.requests]
    assert "searchOrders" not in operations
    assert ("getOrderV0", ORDER) in state.requests
    assert ("getOrderV0", "112-0000000-0000001") not in state.requests  # listed, but no thread names it


def test_auto_falls_back_to_get_orders_when_search_orders_stays_unavailable(db: Database, server: EmulatorServer,
                                                                             state: EmulatorState) -> None:
    unshipped_then_shipped(db, server, state)
    state.inject(Fault("503", operation="searchOrders", count=100))
    with make_client(server, max_retries=1) as client:
        result = poll_changes(db, STORE, client=client, now=NOW)
        assert result.events == [f"{ORDER}:shipped"]
        with pytest.raises(SpApiUnavailableError):  # after v0's retirement there is nothing to fall back to
            poll_changes(db, STORE, client=client, now=datetime(2027, 3, 27, tzinfo=NOW.tzinfo))


def test_get_orders_pages_follow_next_token(server: EmulatorServer, state: EmulatorState) -> None:
    for number in range(5):
        state.put_order(replace(shipped_order(f"113-0000000-000000{number}"), last_updated=NOW - timedelta(hours=1)))
    seen: list[str] = []
    token: str | None = None
    with make_client(server) as client:
        while True:
            page = client.get_orders_v0(marketplace_ids=[US], last_updated_after="2026-11-19T00:00:00Z",
                                        next_token=token, max_results=2)
            seen += [order["AmazonOrderId"] for order in page["Orders"]]
            token = page.get("NextToken")
            if not token:
                break
    assert seen == [f"113-0000000-000000{n}" for n in range(5)]


def test_get_orders_without_a_marketplace_is_refused(server: EmulatorServer) -> None:
    with make_client(server) as client, pytest.raises(SpApiInvalidInputError, match="MarketplaceIds"):
        client.get_orders_v0(marketplace_ids=[], last_updated_after="2026-11-19T00:00:00Z")
