"""Amazon's order reports (the tab-separated "All Orders" flat file): the orders a replacement rate counts (pure).

The SP-API order cache only holds the orders sellerdesk shows beside threads; the rate needs every
order, so a store imports its order reports. Only four columns are read: ``amazon-order-id``,
``purchase-date``, ``order-status`` and ``sales-channel`` (``Amazon.de`` → ``DE``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sellerdesk.core.marketplaces import MARKETPLACES
from sellerdesk.errors import InputError

COLUMNS = ("amazon-order-id", "purchase-date", "order-status", "sales-channel")
_BY_DOMAIN = {m.domain: m.code for m in MARKETPLACES.values()}


@dataclass(frozen=True)
class ReportOrder:
    """One order of a report."""

    order_id: str
    purchase_date: datetime
    marketplace: str | None
    status: str  # Amazon's, lower case: "shipped", "pending", "cancelled"...


def parse_order_report(text: str, *, source: str = "<report>") -> list[ReportOrder]:
    """The orders of a flat-file order report (one line per order item; an order appears once).

    Raises:
        InputError: a required column is missing, or a line has no valid order ID or purchase date
            (the message names the line).
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter="\t")
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise InputError(f"{source}: not an order report: no column {', '.join(missing)}; export the "
                         "\"All Orders\" report (tab-separated) from Seller Central")
    orders: dict[str, ReportOrder] = {}
    try:
        for number, line in enumerate(reader, start=2):
            _read_line(line, number, source=source, into=orders)
    except csv.Error as exc:
        raise InputError(f"{source} line {reader.line_num}: not tab-separated text ({exc})") from exc
    return list(orders.values())


def _read_line(line: dict[str, str | None], number: int, *, source: str, into: dict[str, ReportOrder]) -> None:
    order_id = (line.get("amazon-order-id") or "").strip()
    if len(order_id) != 19:
        raise InputError(f"{source} line {number}: {order_id!r} is not an Amazon order ID")
    try:
        purchased = datetime.fromisoformat((line.get("purchase-date") or "").strip())
    except ValueError as exc:
        raise InputError(f"{source} line {number}: purchase-date {line.get('purchase-date')!r} is not "
                         "ISO 8601") from exc
    if purchased.tzinfo is None:
        raise InputError(f"{source} line {number}: purchase-date {line.get('purchase-date')!r} has no time zone")
    channel = (line.get("sales-channel") or "").strip().lower()
    into.setdefault(order_id, ReportOrder(order_id, purchased, _BY_DOMAIN.get(channel),
                                          (line.get("order-status") or "").strip().lower() or "unknown"))
