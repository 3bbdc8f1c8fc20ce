"""The dashboard's after-sales section: the 90-day replacement rate, causes, cost per month, what is due today.

The figures are :func:`sellerdesk.services.after_sales_ledger.report`'s for the store the dashboard
shows (or every store, for a user who sees them all); the charts are SVG images served by
``/dashboard/after-sales/NAME.svg`` (:mod:`sellerdesk.web.dashboard`), as the dashboard's other charts are.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.config import Config
from sellerdesk.errors import ConfigError
from sellerdesk.services import after_sales_ledger
from sellerdesk.services.after_sales_reminders import after_sales_due
from sellerdesk.web.i18n import _

CHART_TITLES = {"replacements-by-sku": _("Replacements by SKU, last 90 days"),
                "replacements-by-carrier": _("Replacements by carrier, last 90 days"),
                "replacements-by-destination": _("Replacements by destination, last 90 days"),
                "after-sales-cost": _("After-sales cost per month")}
LEVELS = (_("ok"), _("warning"), _("over_limit"), _("no_orders"))
"""The replacement rate's levels as the UI shows them (marked here for the catalogue)."""


def after_sales_section(repo: SqlStore, config: Config, *, store: str | None, zones: Mapping[str, tzinfo],
                        now: datetime) -> dict[str, Any]:
    """What the section shows for *store* (or every store): rates, causes, months and, per store of *zones*
    (name -> time zone), the after-sales work due today."""
    try:
        figures = after_sales_ledger.report(repo, config=config, now=now, store_name=store)
    except ConfigError as exc:
        return {"error": str(exc)}
    due = {name: after_sales_due(repo, store_name=name, now=now, zone=zone) for name, zone in zones.items()}
    return {"error": None, "figures": figures, "charts": CHART_TITLES,
            "due": {name: d for name, d in due.items() if d.cases_due or d.untracked or d.returns_near}}
