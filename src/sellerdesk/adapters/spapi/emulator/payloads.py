"""The emulator's answers: orders in the 2026-01-01 and v0 shapes, allowed actions, Amazon's error body.

Which actions Amazon allows is Amazon's secret; the emulator follows the documented windows:
messages only up to 30 days after the latest delivery date, none for cancelled orders; a review
request between 5 days after the earliest and 30 days after the latest delivery date, once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sellerdesk.adapters.spapi.emulator.state import EmulatedOrder
from sellerdesk.core.marketplaces import MARKETPLACES

V0_STATUS = {"PENDING": "Pending", "UNSHIPPED": "Unshipped", "PARTIALLY_SHIPPED": "PartiallyShipped",
             "SHIPPED": "Shipped", "CANCELLED": "Canceled", "UNFULFILLABLE": "Unfulfillable",
             "PENDING_AVAILABILITY": "PendingAvailability"}
BEFORE_SHIPPING = ("confirmOrderDetails", "confirmCustomizationDetails", "confirmDeliveryDetails",
                   "unexpectedProblem", "legalDisclosure")
AFTER_SHIPPING = ("confirmDeliveryDetails", "unexpectedProblem", "legalDisclosure", "warranty", "invoice")
ALL_TYPES = ("confirmCustomizationDetails", "confirmDeliveryDetails", "legalDisclosure", "confirmOrderDetails",
             "confirmServiceDetails", "warranty", "digitalAccessKey", "unexpectedProblem", "invoice")


def iso(moment: datetime) -> str:
    """``2026-11-22T10:00:00Z``: the form Amazon writes times in."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def error_body(code: str, message: str, details: str = "") -> dict[str, Any]:
    """Amazon's error body: ``{"errors": [{"code", "message", "details"}]}``."""
    return {"errors": [{"code": code, "message": message, "details": details}]}


def marketplace_id(order: EmulatedOrder) -> str:
    """The SP-API marketplace ID of the order's marketplace."""
    return MARKETPLACES[order.marketplace].marketplace_id


def order_v2026(order: EmulatedOrder, included: Sequence[str]) -> dict[str, Any]:
    """The order as Orders API 2026-01-01 returns it, with the datasets in *included*."""
    market = MARKETPLACES[order.marketplace]
    body: dict[str, Any] = {
        "orderId": order.order_id, "createdTime": iso(order.created), "lastUpdatedTime": iso(order.last_updated),
        "salesChannel": {"channelName": "AMAZON", "marketplaceId": market.marketplace_id,
                         "marketplaceName": market.domain.capitalize()},
        "orderItems": [],
    }
    for number, item in enumerate(order.items, start=1):
        line: dict[str, Any] = {"orderItemId": f"{order.order_id[-7:]}{number:07d}", "quantityOrdered": item.quantity,
                                "product": {"asin": item.asin, "title": item.title, "sellerSku": item.sku}}
        if order.buyer_requested_cancel:
            line["cancellation"] = {"cancellationRequest": {"requester": "BUYER", "cancelReason": "Ordered by mistake"}}
        body["orderItems"].append(line)
    total = order_total(order)
    if "PROCEEDS" in included and total is not None:
        body["proceeds"] = {"grandTotal": {"amount": total, "currencyCode": market.currency}}
    if "BUYER" in included:
        body["buyer"] = {"buyerEmail": f"{order.order_id.replace('-', '')}@marketplace.{market.domain}"}
    if "FULFILLMENT" in included:
        body["fulfillment"] = {"fulfillmentStatus": order.status, "fulfilledBy": order.fulfilled_by,
                               "fulfillmentServiceLevel": "STANDARD",
                               "deliverByWindow": {"earliestDateTime": iso(order.delivery_start),
                                                   "latestDateTime": iso(order.delivery_end)}}
    if "PACKAGES" in included and order.tracking_number:
        package: dict[str, Any] = {"packageReferenceId": f"PKG-{order.order_id[-7:]}",
                                   "packageStatus": {"status": order.package_status or "IN_TRANSIT"},
                                   "carrier": order.carrier or "", "trackingNumber": order.tracking_number}
        if order.ship_time:
            package["shipTime"] = iso(order.ship_time)
            package["createdTime"] = iso(order.ship_time)
        body["packages"] = [package]
    return body


def order_total(order: EmulatedOrder) -> str | None:
    """The order's total (unit prices times quantities) as decimal text; ``None`` when an item has no price."""
    if not order.items or any(item.price is None for item in order.items):
        return None
    return str(sum((Decimal(item.price or "0") * item.quantity for item in order.items), Decimal(0)))


def order_v0(order: EmulatedOrder) -> dict[str, Any]:
    """The order as Orders API v0 getOrder returns it (the ``payload``)."""
    shipped = sum(i.quantity for i in order.items) if order.status == "SHIPPED" else 0
    return {
        "AmazonOrderId": order.order_id, "PurchaseDate": iso(order.created), "LastUpdateDate": iso(order.last_updated),
        "OrderStatus": V0_STATUS.get(order.status, "Pending"),
        "FulfillmentChannel": "AFN" if order.fulfilled_by == "AMAZON" else "MFN",
        "SalesChannel": f"Amazon.{MARKETPLACES[order.marketplace].domain.split('.', 1)[1]}",
        "MarketplaceId": marketplace_id(order), "NumberOfItemsShipped": shipped,
        "NumberOfItemsUnshipped": sum(i.quantity for i in order.items) - shipped,
        "EarliestDeliveryDate": iso(order.delivery_start), "LatestDeliveryDate": iso(order.delivery_end),
        "OrderType": "StandardOrder", "IsPrime": False, "IsBusinessOrder": False, "IsReplacementOrder": False,
        **({"OrderTotal": {"CurrencyCode": MARKETPLACES[order.marketplace].currency, "Amount": total}}
           if (total := order_total(order)) is not None else {}),
    }


def order_items_v0(order: EmulatedOrder) -> dict[str, Any]:
    """The order's items as Orders API v0 getOrderItems returns them (the ``payload``)."""
    return {"AmazonOrderId": order.order_id, "OrderItems": [
        {"ASIN": item.asin, "SellerSKU": item.sku, "OrderItemId": f"{order.order_id[-7:]}{n:07d}",
         "Title": item.title, "QuantityOrdered": item.quantity,
         "QuantityShipped": item.quantity if order.status == "SHIPPED" else 0,
         "BuyerRequestedCancel": {"IsBuyerRequestedCancel": str(order.buyer_requested_cancel).lower(),
                                  "BuyerCancelReason": "Ordered by mistake" if order.buyer_requested_cancel else ""}}
        for n, item in enumerate(order.items, start=1)]}


def allowed_messages(order: EmulatedOrder, *, now: datetime) -> tuple[str, ...]:
    """The message types Amazon would list in getMessagingActionsForOrder for the order at *now*."""
    if order.status == "CANCELLED" or now > order.delivery_end + timedelta(days=30):
        return ()
    return AFTER_SHIPPING if order.status == "SHIPPED" else BEFORE_SHIPPING


def review_allowed(order: EmulatedOrder, *, now: datetime, already: bool) -> bool:
    """True when productReviewAndSellerFeedback is available for the order at *now*."""
    if already or order.status == "CANCELLED":
        return False
    return order.delivery_start + timedelta(days=5) <= now <= order.delivery_end + timedelta(days=30)


def links(kind: str, order_id: str, market_id: str, names: Sequence[str]) -> dict[str, Any]:
    """A HAL ``_links`` body listing the allowed actions (Messaging and Solicitations answer so)."""
    base = f"/{kind}/v1/orders/{order_id}"
    folder = "messages" if kind == "messaging" else "solicitations"
    actions = [{"href": f"{base}/{folder}/{name}?marketplaceIds={market_id}", "name": name} for name in names]
    if kind == "messaging":
        actions.append({"href": f"{base}/attributes?marketplaceIds={market_id}", "name": "attributes"})
    return {"_links": {"actions": actions, "self": {"href": f"{base}?marketplaceIds={market_id}"}}}


def sandbox_order_v0() -> dict[str, Any]:
    """Amazon's static sandbox answer shape for v0 getOrder ``TEST_CASE_200``."""
    return {"AmazonOrderId": "902-1845936-5435065", "PurchaseDate": "1970-01-19T03:58:30Z",
            "LastUpdateDate": "1970-01-19T03:58:32Z", "OrderStatus": "Unshipped", "FulfillmentChannel": "MFN",
            "SalesChannel": "Amazon.com", "ShipServiceLevel": "Std US D2D Dom", "OrderType": "StandardOrder",
            "MarketplaceId": "ATVPDKIKX0DER", "NumberOfItemsShipped": 0, "NumberOfItemsUnshipped": 1,
            "IsPrime": False, "IsBusinessOrder": False}


def sandbox_items_v0() -> dict[str, Any]:
    """Amazon's static sandbox answer shape for v0 getOrderItems ``TEST_CASE_200``."""
    return {"AmazonOrderId": "903-1671087-0812628", "OrderItems": [
        {"ASIN": "BT0093TELA", "OrderItemId": "68828574383266", "SellerSKU": "CBA_OTF_1", "Title": "Example item name",
         "QuantityOrdered": 1, "QuantityShipped": 0}]}


def sandbox_orders_v0(*, next_page: bool = False) -> dict[str, Any]:
    """Amazon's static sandbox answer shape for v0 getOrders ``TEST_CASE_200`` (with ``NextToken`` when *next_page*)."""
    page: dict[str, Any] = {"CreatedBefore": "1.569521782042E9", "Orders": [sandbox_order_v0()]}
    if next_page:
        page["NextToken"] = "2YgYW55IGNhcm5hbCBwbGVhc3VyZS4"
    return page
