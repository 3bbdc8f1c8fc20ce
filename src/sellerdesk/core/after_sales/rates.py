"""The replacement rate over a rolling 90 days and its warning before the limit (pure).

Replacements above about 2.5 % of a store's orders over 90 days can draw warnings from Amazon. The
rate is replacements made or promised in the window divided by the orders of the window (per store
and marketplace); the desk warns from ``limit - margin`` on, so there is time to act before the
limit (defaults: 2.5 % and 0.5 points, i.e. a warning from 2.0 %).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

WINDOW = timedelta(days=90)
DEFAULT_LIMIT = Decimal("2.5")
"""The replacement rate (percent of orders) above which warnings can come."""
DEFAULT_MARGIN = Decimal("0.5")
"""How many percentage points before the limit the desk starts warning."""
LEVELS = ("no_orders", "ok", "warning", "over_limit")


@dataclass(frozen=True)
class Rate:
    """The replacement rate of one store and marketplace over the window, and its level."""

    store: str
    marketplace: str | None
    replacements: int
    orders: int
    percent: Decimal | None  # None without orders
    level: str  # one of LEVELS
    limit: Decimal
    warn_from: Decimal

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping (percentages as text, exact to two decimals)."""
        return {"store": self.store, "marketplace": self.marketplace, "replacements": self.replacements,
                "orders": self.orders, "rate_percent": None if self.percent is None else str(self.percent),
                "level": self.level, "limit_percent": str(self.limit), "warn_from_percent": str(self.warn_from),
                "message": self.message()}

    def message(self) -> str:
        """One sentence for the team."""
        where = f"{self.store} {self.marketplace or ''}".strip()
        if self.percent is None:
            return f"{where}: no orders in the last 90 days to measure replacements against"
        figure = f"{where}: {self.replacements} replacements for {self.orders} orders in 90 days ({self.percent} %)"
        if self.level == "over_limit":
            return f"{figure} is above the {self.limit} % limit; find the cause in the ranking by SKU, carrier and " \
                   "destination"
        if self.level == "warning":
            return f"{figure} is close to the {self.limit} % limit"
        return figure


def replacement_rate(*, store: str, marketplace: str | None, replacements: int, orders: int,
                     limit: Decimal = DEFAULT_LIMIT, margin: Decimal = DEFAULT_MARGIN) -> Rate:
    """The rate and its level: ``over_limit`` above *limit*, ``warning`` from ``limit - margin``, else ``ok``."""
    warn_from = max(limit - margin, Decimal(0))
    if orders <= 0:
        return Rate(store, marketplace, replacements, orders, None, "no_orders", limit, warn_from)
    exact = Decimal(replacements) * 100 / Decimal(orders)
    percent = exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    level = "over_limit" if exact > limit else "warning" if exact >= warn_from else "ok"
    return Rate(store, marketplace, replacements, orders, percent, level, limit, warn_from)
