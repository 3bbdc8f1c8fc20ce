"""The after-sales ledger (台账): one row per replacement and per refund, as exported and analysed (pure).

A replacement row carries what it cost (item, packing, postage, in the paid currency, and converted
to the ledger currency at the rate recorded with it), why it happened (the cause), where it went
(destination country, the carrier that lost or broke the original parcel, the carrier of the
replacement) and the closing checklist. A refund row carries the amount refunded and its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import Any

KINDS = ("replacement", "refund")


@dataclass(frozen=True)
class LedgerRow:
    """One ledger row; absent values are ``None`` (costs not recorded yet, a refund's carrier...)."""

    kind: str  # "replacement" | "refund"
    ref: str  # "R12" for replacement case 12, "F3" for refund decision 3
    store: str
    order_id: str
    marketplace: str | None
    destination: str | None
    sku: str | None
    asin: str | None
    quantity: int
    cause: str  # a replacement's cause; a refund's reason
    state: str  # a replacement's state; "refunded" for a refund
    at: datetime  # when it was requested (replacement) or decided (refund)
    original_carrier: str | None
    carrier: str | None
    tracking_number: str | None
    cost_item: Decimal | None
    cost_packing: Decimal | None
    cost_postage: Decimal | None
    refund: Decimal | None
    total: Decimal | None  # in the paid currency
    currency: str | None
    fx_rate: Decimal | None
    converted: Decimal | None  # in the ledger currency
    ledger_currency: str | None
    tracking_uploaded: bool | None
    return_closed: bool | None

    def values(self) -> list[Any]:
        """The row's values in :data:`COLUMNS` order."""
        return [getattr(self, name) for name in COLUMNS]


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(LedgerRow))
"""The ledger's columns, in export order."""
MONEY_COLUMNS = frozenset({"cost_item", "cost_packing", "cost_postage", "refund", "total", "fx_rate", "converted"})
"""Columns holding exact decimals."""


def month_of(row: LedgerRow) -> str:
    """The month the row belongs to, ``YYYY-MM`` (UTC)."""
    return row.at.strftime("%Y-%m")
