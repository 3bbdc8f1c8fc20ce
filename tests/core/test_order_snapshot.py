"""The order sellerdesk keeps: mapping from Orders API 2026-01-01 and v0, changes, freshness."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sellerdesk.core.orders import Money, OrderSnapshot, changes, from_v0, from_v2026, is_fresh

V2026: dict[str, Any] = {
    "orderId": "202-1234567-8901234", "createdTime": "2024-12-25T09:15:00Z", "lastUpdatedTime": "2024-12-25T16:30:00Z",
    "salesChannel": {"channelName": "AMAZON", "marketplaceId": "A1F83G8C2ARO7P"},
    "fulfillment": {"fulfillmentStatus": "SHIPPED", "fulfilledBy": "MERCHANT",
                    "deliverByWindow": {"earliestDateTime": "2024-12-27T00:00:00Z",
                                        "latestDateTime": "2024-12-30T23:59:59Z"}},
    "orderItems": [{"orderItemId": "1", "quantityOrdered": 3,
                    "product": {"asin": "B08DFPV54V", "title": "Echo Dot", "sellerSku": "ECHO-3"}}],
    "packages": [{"packageReferenceId": "P1", "carrier": "Royal Mail", "trackingNumber": "RR123456789GB",
                  "shipTime": "2024-12-25T18:00:00Z", "packageStatus": {"status": "IN_TRANSIT"}}],
}


def test_v2026_maps_onto_the_contract_shape() -> None:
    order = from_v2026(V2026)
    assert order.marketplace == "UK"
    assert (order.status, order.fulfillment) == ("shipped", "MFN")
    assert (order.carrier, order.tracking_number, order.package_status) == ("Royal Mail", "RR123456789GB",
                                                                            "in_transit")
    shape = order.to_dict()
    assert shape["items"] == [{"asin": "B08DFPV54V", "title": "Echo Dot", "sku": "ECHO-3", "quantity": 3}]
    assert shape["delivery_window"] == {"start": "2024-12-27T00:00:00+00:00", "end": "2024-12-30T23:59:59+00:00"}
    assert OrderSnapshot.from_dict(shape) == order


def test_v0_maps_onto_the_same_shape() -> None:
    order = from_v0({"AmazonOrderId": "114-1234567-1234567", "PurchaseDate": "2026-11-01T10:00:00Z",
                     "LastUpdateDate": "2026-11-02T10:00:00Z", "OrderStatus": "Canceled", "FulfillmentChannel": "AFN",
                     "MarketplaceId": "ATVPDKIKX0DER"},
                    [{"ASIN": "B0C7K2M4Q1", "Title": "Backpack", "SellerSKU": "BP", "QuantityOrdered": 1,
                      "BuyerRequestedCancel": {"IsBuyerRequestedCancel": "true"}}])
    assert (order.marketplace, order.status, order.fulfillment, order.source) == ("US", "cancelled", "AFN", "v0")
    assert order.buyer_requested_cancel


def test_the_order_total_comes_from_the_proceeds_or_v0s_order_total() -> None:
    order = from_v2026({**V2026, "proceeds": {"grandTotal": {"amount": "89.97", "currencyCode": "GBP"}}})
    assert order.total == Money("89.97", "GBP")
    assert str(order.total) == "89.97 GBP"
    assert OrderSnapshot.from_dict(order.to_dict()) == order
    assert from_v2026(V2026).total is None  # asked without PROCEEDS
    assert from_v2026({**V2026, "proceeds": {"grandTotal": {"amount": 12}}}).total is None  # not Amazon's shape
    v0 = from_v0({"AmazonOrderId": "114-1234567-1234567", "PurchaseDate": "2026-11-01T10:00:00Z",
                  "MarketplaceId": "ATVPDKIKX0DER", "OrderTotal": {"CurrencyCode": "USD", "Amount": "11.01"}}, [])
    assert v0.total == Money("11.01", "USD")


def test_buyer_cancellation_request_is_read_from_items() -> None:
    payload = {**V2026, "orderItems": [{**V2026["orderItems"][0],
                                        "cancellation": {"cancellationRequest": {"requester": "BUYER"}}}]}
    assert from_v2026(payload).buyer_requested_cancel


def test_payload_without_id_is_refused() -> None:
    with pytest.raises(ValueError, match="orderId"):
        from_v2026({"createdTime": "2024-12-25T09:15:00Z"})


@given(st.dictionaries(st.sampled_from(list(V2026)), st.none() | st.text() | st.integers() | st.lists(st.text())))
def test_v2026_mapping_never_crashes_except_with_value_error(data: dict[str, Any]) -> None:
    with contextlib.suppress(ValueError):  # a missing ID or creation time is refused; nothing else may escape
        order = from_v2026({**V2026, **data})
        assert OrderSnapshot.from_dict(order.to_dict()) == order


def test_changes_name_the_triggers() -> None:
    old = from_v2026({**V2026, "fulfillment": {**V2026["fulfillment"], "fulfillmentStatus": "UNSHIPPED"},
                      "packages": []})
    new = from_v2026(V2026)
    assert changes(old, new) == ("shipped", "tracking_added")
    undeliverable = OrderSnapshot(**{**new.__dict__, "package_status": "undeliverable"})
    assert changes(new, undeliverable) == ("undeliverable",)
    assert changes(None, new) == ()


def test_freshness_depends_on_how_much_the_order_still_moves() -> None:
    now = datetime(2026, 11, 20, tzinfo=UTC)
    moving = from_v2026(V2026)
    assert is_fresh(moving, fetched_at=now - timedelta(minutes=30), now=now)
    assert not is_fresh(moving, fetched_at=now - timedelta(hours=2), now=now)
    settled = OrderSnapshot(**{**moving.__dict__, "status": "cancelled"})
    assert is_fresh(settled, fetched_at=now - timedelta(days=3), now=now)
