"""What the ledger says: causes ranked by SKU, carrier and destination, and the cost per month (pure).

Ranked causes tell the team where replacements come from: one SKU (packaging, the product), one
carrier (change it), one destination (a warehouse or a route). Only replacement rows are ranked;
refunds count in the cost per month beside the replacements.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sellerdesk.core.after_sales.ledger import LedgerRow, month_of

DIMENSIONS = {"sku": "sku", "carrier": "original_carrier", "destination": "destination", "cause": "cause"}
"""What causes can be ranked by, and the ledger column each uses (the carrier is the original parcel's)."""
UNKNOWN = "(unknown)"


@dataclass(frozen=True)
class Ranked:
    """One value of a dimension: how many replacements and what they cost (ledger currency)."""

    dimension: str
    value: str
    replacements: int
    cost: Decimal

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping (the cost as text, exact)."""
        return {"dimension": self.dimension, "value": self.value, "replacements": self.replacements,
                "cost": str(self.cost)}


@dataclass(frozen=True)
class MonthCost:
    """One month of the ledger: replacements and refunds, their counts and amounts in the ledger currency."""

    month: str
    replacements: int
    replacement_cost: Decimal
    refunds: int
    refunded: Decimal

    @property
    def total(self) -> Decimal:
        """Replacement cost + refunds."""
        return self.replacement_cost + self.refunded

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping (amounts as text, exact)."""
        return {"month": self.month, "replacements": self.replacements, "replacement_cost": str(self.replacement_cost),
                "refunds": self.refunds, "refunded": str(self.refunded), "total": str(self.total)}


def rank(rows: Iterable[LedgerRow], *, by: str) -> list[Ranked]:
    """Replacement rows grouped by *by* (a key of :data:`DIMENSIONS`), most replacements first, then costliest.

    Raises:
        KeyError: *by* is not a dimension.
    """
    column = DIMENSIONS[by]
    counts: dict[str, int] = defaultdict(int)
    costs: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for row in rows:
        if row.kind != "replacement":
            continue
        value = getattr(row, column) or UNKNOWN
        counts[value] += 1
        costs[value] += row.converted or Decimal(0)
    return sorted((Ranked(by, value, counts[value], costs[value]) for value in counts),
                  key=lambda r: (-r.replacements, -r.cost, r.value))


def cost_per_month(rows: Iterable[LedgerRow]) -> list[MonthCost]:
    """The ledger's cost per month, oldest month first (converted amounts; rows without costs count as zero)."""
    months: dict[str, list[LedgerRow]] = defaultdict(list)
    for row in rows:
        months[month_of(row)].append(row)
    out = []
    for month in sorted(months):
        replaced = [r for r in months[month] if r.kind == "replacement"]
        refunded = [r for r in months[month] if r.kind == "refund"]
        out.append(MonthCost(month, len(replaced), sum((r.converted or Decimal(0) for r in replaced), Decimal("0.00")),
                             len(refunded), sum((r.converted or Decimal(0) for r in refunded), Decimal("0.00"))))
    return out
