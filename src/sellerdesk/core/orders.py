"""The order as sellerdesk keeps it, whatever SP-API version it came from (pure).

:class:`OrderSnapshot` is the ``order`` of contracts §3 (``sellerdesk draft``): ID, marketplace,
status, AFN/MFN, purchase date, items, carrier, tracking number, ship date, delivery window, total.
:func:`from_v2026` and :func:`from_v0` map Amazon's payloads onto it; :func:`changes` names what
changed between two snapshots (the triggers of order-change handling); :func:`is_fresh` says
whether a cached snapshot may still be shown without asking Amazon again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sellerdesk.core.marketplaces import by_id

STATUSES = ("pending", "unshipped", "partially_shipped", "shipped", "cancelled", "unfulfillable")
_V2026_STATUS = {"PENDING_AVAILABILITY": "pending", "PENDING": "pending", "UNSHIPPED": "unshipped",
                 "PARTIALLY_SHIPPED": "partially_shipped", "SHIPPED": "shipped", "CANCELLED": "cancelled",
                 "UNFULFILLABLE": "unfulfillable"}
_V0_STATUS = {"PendingAvailability": "pending", "Pending": "pending", "Unshipped": "unshipped",
              "PartiallyShipped": "partially_shipped", "Shipped": "shipped", "InvoiceUnconfirmed": "shipped",
              "Canceled": "cancelled", "Unfulfillable": "unfulfillable"}


@dataclass(frozen=True)
class OrderItem:
    """One line of an order."""

    asin: str
    title: str
    sku: str
    quantity: int


@dataclass(frozen=True)
class Money:
    """An amount as Amazon states it: the decimal as text (no float rounding) and the ISO 4217 currency."""

    amount: str
    currency: str

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


@dataclass(frozen=True)
class OrderSnapshot:
    """An order as sellerdesk shows and uses it (contracts §3 ``order``)."""

    order_id: str
    marketplace: str | None  # two-letter code, e.g. "DE"
    status: str  # one of STATUSES
    fulfillment: str  # "AFN" (Amazon) or "MFN" (the seller)
    purchase_date: datetime
    last_updated: datetime
    items: tuple[OrderItem, ...] = ()
    carrier: str | None = None
    tracking_number: str | None = None
    ship_date: datetime | None = None
    delivery_start: datetime | None = None
    delivery_end: datetime | None = None
    package_status: str | None = None  # "in_transit", "delivered", "undeliverable", ...
    buyer_requested_cancel: bool = False
    source: str = "2026-01-01"  # the Orders API version it came from
    total: Money | None = None  # what the order came to (2026-01-01: the proceeds' grand total)
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The contracts §3 ``order`` mapping (ISO 8601 times), plus sellerdesk's extra fields."""
        out: dict[str, Any] = {
            "order_id": self.order_id, "marketplace": self.marketplace, "status": self.status,
            "fulfillment": self.fulfillment, "purchase_date": self.purchase_date.isoformat(),
            "items": [{"asin": i.asin, "title": i.title, "sku": i.sku, "quantity": i.quantity} for i in self.items],
            "carrier": self.carrier, "tracking_number": self.tracking_number,
            "ship_date": self.ship_date.isoformat() if self.ship_date else None,
            "delivery_window": ({"start": self.delivery_start.isoformat(), "end": self.delivery_end.isoformat()}
                                if self.delivery_start and self.delivery_end else None),
            "last_updated": self.last_updated.isoformat(), "package_status": self.package_status,
            "buyer_requested_cancel": self.buyer_requested_cancel, "source": self.source,
            "total": {"amount": self.total.amount, "currency": self.total.currency} if self.total else None,
        }
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OrderSnapshot:
        """Read back what :meth:`to_dict` wrote (the order cache stores that)."""
        window = data.get("delivery_window") or {}
        return cls(
            order_id=str(data["order_id"]), marketplace=data.get("marketplace"), status=str(data["status"]),
            fulfillment=str(data["fulfillment"]), purchase_date=datetime.fromisoformat(data["purchase_date"]),
            last_updated=datetime.fromisoformat(data.get("last_updated") or data["purchase_date"]),
            items=tuple(OrderItem(str(i["asin"]), str(i.get("title") or ""), str(i.get("sku") or ""),
                                  int(i.get("quantity", 1))) for i in data.get("items") or ()),
            carrier=data.get("carrier"), tracking_number=data.get("tracking_number"),
            ship_date=_time(data.get("ship_date")), delivery_start=_time(window.get("start")),
            delivery_end=_time(window.get("end")), package_status=data.get("package_status"),
            buyer_requested_cancel=bool(data.get("buyer_requested_cancel")), source=str(data.get("source") or "?"),
            total=_money(_obj(data.get("total")), amount="amount", currency="currency"))


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None  # a time without a zone is no time we can place


def _required_time(value: Any, *, what: str) -> datetime:
    moment = _time(value)
    if moment is None:
        raise ValueError(f"the order has no valid {what} ({value!r})")
    return moment


def _obj(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _money(value: Mapping[str, Any], *, amount: str, currency: str) -> Money | None:
    figure, code = _text(value.get(amount)), _text(value.get(currency))
    return Money(figure, code) if figure and code else None


def _objs(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list | tuple) else []


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def from_v2026(order: Mapping[str, Any]) -> OrderSnapshot:
    """Map an Orders API 2026-01-01 ``order`` onto :class:`OrderSnapshot`.

    Fields of an unexpected type are treated as absent, so a surprising payload degrades to a
    thinner snapshot instead of failing.

    Raises:
        ValueError: the payload lacks the order ID or its creation time.
    """
    if not _text(order.get("orderId")):
        raise ValueError("the order has no orderId")
    market = by_id(_text(_obj(order.get("salesChannel")).get("marketplaceId")))
    fulfilment = _obj(order.get("fulfillment"))
    window = _obj(fulfilment.get("deliverByWindow"))
    packages = _objs(order.get("packages"))
    latest = max(packages, key=lambda p: _text(p.get("shipTime")) or _text(p.get("createdTime")), default={})
    items = []
    cancel = False
    for line in _objs(order.get("orderItems")):
        product = _obj(line.get("product"))
        items.append(OrderItem(_text(product.get("asin")), _text(product.get("title")),
                               _text(product.get("sellerSku")), _int(line.get("quantityOrdered"))))
        request = _obj(_obj(line.get("cancellation")).get("cancellationRequest"))
        cancel = cancel or request.get("requester") == "BUYER"
    package_status = _text(_obj(latest.get("packageStatus")).get("status"))
    created = _required_time(order.get("createdTime"), what="createdTime")
    return OrderSnapshot(
        order_id=_text(order["orderId"]), marketplace=market.code if market else None,
        status=_V2026_STATUS.get(_text(fulfilment.get("fulfillmentStatus")), "pending"),
        fulfillment="AFN" if fulfilment.get("fulfilledBy") == "AMAZON" else "MFN",
        purchase_date=created, last_updated=_time(order.get("lastUpdatedTime")) or created, items=tuple(items),
        carrier=_text(latest.get("carrier")) or None, tracking_number=_text(latest.get("trackingNumber")) or None,
        ship_date=_time(latest.get("shipTime")), delivery_start=_time(window.get("earliestDateTime")),
        delivery_end=_time(window.get("latestDateTime")), package_status=package_status.lower() or None,
        buyer_requested_cancel=cancel, source="2026-01-01",
        total=_money(_obj(_obj(order.get("proceeds")).get("grandTotal")), amount="amount", currency="currencyCode"))


def from_v0(order: Mapping[str, Any], items: Sequence[Mapping[str, Any]]) -> OrderSnapshot:
    """Map an Orders API v0 order and its items onto :class:`OrderSnapshot` (v0 has no carrier/tracking).

    Raises:
        ValueError: the payload lacks the order ID or its purchase date.
    """
    if not _text(order.get("AmazonOrderId")):
        raise ValueError("the order has no AmazonOrderId")
    market = by_id(_text(order.get("MarketplaceId")))
    purchased = _required_time(order.get("PurchaseDate"), what="PurchaseDate")
    lines = _objs(list(items))
    cancel = any(_text(_obj(i.get("BuyerRequestedCancel")).get("IsBuyerRequestedCancel")).lower() == "true"
                 for i in lines)
    return OrderSnapshot(
        order_id=_text(order["AmazonOrderId"]), marketplace=market.code if market else None,
        status=_V0_STATUS.get(_text(order.get("OrderStatus")), "pending"),
        fulfillment="AFN" if order.get("FulfillmentChannel") == "AFN" else "MFN", purchase_date=purchased,
        last_updated=_time(order.get("LastUpdateDate")) or purchased,
        items=tuple(OrderItem(_text(i.get("ASIN")), _text(i.get("Title")), _text(i.get("SellerSKU")),
                              _int(i.get("QuantityOrdered"))) for i in lines),
        delivery_start=_time(order.get("EarliestDeliveryDate")), delivery_end=_time(order.get("LatestDeliveryDate")),
        buyer_requested_cancel=cancel, source="v0",
        total=_money(_obj(order.get("OrderTotal")), amount="Amount", currency="CurrencyCode"))


def changes(old: OrderSnapshot | None, new: OrderSnapshot) -> tuple[str, ...]:
    """What happened between two snapshots of an order, as trigger names.

    ``buyer_requested_cancel``, ``shipped``, ``cancelled``, ``delivered``, ``undeliverable``,
    ``tracking_added``; an order seen for the first time only triggers what is already true of it
    and needs action (a cancellation request, an undeliverable parcel).
    """
    found = []
    was = old or replace(new, status="pending", buyer_requested_cancel=False, package_status=None,
                         tracking_number=None)
    if new.buyer_requested_cancel and not was.buyer_requested_cancel:
        found.append("buyer_requested_cancel")
    if new.package_status == "undeliverable" and was.package_status != "undeliverable":
        found.append("undeliverable")
    if old is not None:
        if new.status == "shipped" and old.status != "shipped":
            found.append("shipped")
        if new.status == "cancelled" and old.status != "cancelled":
            found.append("cancelled")
        if new.package_status == "delivered" and old.package_status != "delivered":
            found.append("delivered")
        if new.tracking_number and new.tracking_number != old.tracking_number:
            found.append("tracking_added")
    return tuple(found)


def is_fresh(snapshot: OrderSnapshot, *, fetched_at: datetime, now: datetime) -> bool:
    """Whether a cached snapshot fetched at *fetched_at* may be shown at *now* without asking Amazon.

    Orders that still move (unshipped, in transit) go stale within minutes to an hour; settled
    ones (cancelled, delivered a while ago) stay good for a week.
    """
    return now - fetched_at < freshness(snapshot, now=now)


def freshness(snapshot: OrderSnapshot, *, now: datetime) -> timedelta:
    """How long a snapshot of this order stays fresh."""
    if snapshot.status == "cancelled":
        return timedelta(days=7)
    if snapshot.status in ("pending", "unshipped", "partially_shipped") or snapshot.buyer_requested_cancel:
        return timedelta(minutes=15)
    if snapshot.package_status == "delivered" and snapshot.delivery_end and now - snapshot.delivery_end > timedelta(
            days=30):
        return timedelta(days=7)
    return timedelta(hours=1)


@dataclass(frozen=True)
class OrderChange:
    """An ORDER_CHANGE notification, as far as sellerdesk acts on it."""

    notification_id: str
    order_id: str
    marketplace: str | None
    change_type: str  # e.g. "BuyerRequestedChange", "OrderStatusChange"
    reason: str  # e.g. "Buyer Requested Cancel"
    order_status: str | None  # the v0-style status the summary gives, mapped to STATUSES
    buyer_requested_cancel: bool
    at: datetime | None
    seller_id: str | None = None  # the merchant token of the seller the notification is about


def parse_order_change(notification: Mapping[str, Any]) -> OrderChange:
    """Read an ORDER_CHANGE notification (the body of the SQS message).

    Raises:
        ValueError: it is not an ORDER_CHANGE notification or names no order.
    """
    if notification.get("NotificationType") != "ORDER_CHANGE":
        raise ValueError(f"not an ORDER_CHANGE notification ({notification.get('NotificationType')!r})")
    change = _obj(_obj(notification.get("Payload")).get("OrderChangeNotification"))
    order_id = _text(change.get("AmazonOrderId"))
    if not order_id:
        raise ValueError("the ORDER_CHANGE notification names no AmazonOrderId")
    summary = _obj(change.get("Summary"))
    trigger = _obj(change.get("OrderChangeTrigger"))
    market = by_id(_text(summary.get("MarketplaceId")))
    cancel = any(i.get("IsBuyerRequestedCancel") is True for i in _objs(summary.get("OrderItems")))
    status = _V0_STATUS.get(_text(summary.get("OrderStatus")))
    return OrderChange(
        notification_id=_text(_obj(notification.get("NotificationMetadata")).get("NotificationId")),
        order_id=order_id, marketplace=market.code if market else None,
        change_type=_text(change.get("OrderChangeType")), reason=_text(trigger.get("ChangeReason")),
        order_status=status, buyer_requested_cancel=cancel,
        at=_time(trigger.get("TimeOfOrderChange")) or _time(notification.get("EventTime")),
        seller_id=_text(change.get("SellerId")) or None)
