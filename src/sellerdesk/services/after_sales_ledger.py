"""The after-sales ledger from the database: rows, exports, the rolling replacement rate, causes, cost per month.

The ledger holds every replacement case and every refund decision. The replacement rate of a store
and marketplace is the replacements made or promised over the last 90 days divided by the orders of
those 90 days; orders are counted from the SP-API order cache and the imported order reports (each
order once, cancelled ones not at all). Causes are ranked over the same 90 days; the cost per month
covers the whole ledger.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from sellerdesk.adapters import charts
from sellerdesk.adapters.db.after_sales_tables import ImportedOrder, RefundDecision, ReplacementCase
from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import CachedOrder, Store
from sellerdesk.adapters.ledger_files import write_ledger
from sellerdesk.config import Config
from sellerdesk.core.after_sales.analysis import cost_per_month, rank
from sellerdesk.core.after_sales.ledger import COLUMNS, LedgerRow
from sellerdesk.core.after_sales.money import convert, parse_currency
from sellerdesk.core.after_sales.order_report import ReportOrder, parse_order_report
from sellerdesk.core.after_sales.rates import WINDOW, Rate, replacement_rate
from sellerdesk.core.after_sales.states import CaseState, counts_as_replacement
from sellerdesk.core.mime import decode_bytes
from sellerdesk.errors import ConfigError, InputError

RANKED_BY = ("sku", "carrier", "destination")
CHART_NAMES = (*(f"replacements-by-{by}" for by in RANKED_BY), "after-sales-cost")
"""The charts of :func:`report_charts`."""
CANCELLED = ("cancelled", "canceled")  # report statuses (and the order cache's) of orders that do not count


def ledger_currency(config: Config) -> str:
    """The configured ledger currency.

    Raises:
        ConfigError: ``ledger_currency`` is not a three-letter currency code.
    """
    try:
        return parse_currency(config.ledger_currency, what="ledger_currency")
    except InputError as exc:
        raise ConfigError(f"{config.source}: {exc}") from exc


def ledger_rows(store: SqlStore, *, store_name: str | None = None, start: datetime | None = None,
                end: datetime | None = None) -> list[LedgerRow]:
    """The ledger, oldest first: replacement cases by request time and refunds by decision time in [*start*, *end*)."""
    cases = select(ReplacementCase, Store.name).join(Store, Store.id == ReplacementCase.store_id)
    refunds = select(RefundDecision, Store.name).join(Store, Store.id == RefundDecision.store_id)
    if store_name is not None:
        cases, refunds = cases.where(Store.name == store_name), refunds.where(Store.name == store_name)
    if start is not None:
        cases = cases.where(ReplacementCase.requested_at >= start)
        refunds = refunds.where(RefundDecision.decided_at >= start)
    if end is not None:
        cases = cases.where(ReplacementCase.requested_at < end)
        refunds = refunds.where(RefundDecision.decided_at < end)
    rows = [_case_row(row, name) for row, name in store.session.execute(cases)]
    rows += [_refund_row(row, name) for row, name in store.session.execute(refunds)]
    return sorted(rows, key=lambda r: (r.at, r.ref))


def export_ledger(store: SqlStore, *, path: Path, fmt: str, store_name: str | None = None,
                  start: datetime | None = None, end: datetime | None = None) -> dict[str, Any]:
    """Write the ledger to *path* as ``csv`` or ``xlsx``; returns ``{"path", "format", "rows"}``.

    Raises:
        InputError: an unknown format.
        SellerdeskError: the file cannot be written.
    """
    if fmt not in ("csv", "xlsx"):
        raise InputError(f"unknown ledger format {fmt!r}; use csv or xlsx")
    rows = ledger_rows(store, store_name=store_name, start=start, end=end)
    written = write_ledger(path, COLUMNS, (row.values() for row in rows), fmt=fmt)
    return {"path": str(path), "format": fmt, "rows": written}


def import_order_report(store: SqlStore, *, store_name: str, raw: bytes, source: str,
                        now: datetime) -> dict[str, Any]:
    """Import an order report file's bytes (UTF-8, or the charset it is detected in, e.g. Shift_JIS).

    Returns:
        ``{"store", "orders", "added", "updated"}``.

    Raises:
        InputError: the text is not an order report (the message names the line or the column).
    """
    text, _ = decode_bytes(raw, None)
    orders = parse_order_report(text, source=source)
    return {"store": store_name, "orders": len(orders),
            **import_orders(store, store_name=store_name, orders=orders, now=now)}


def import_orders(store: SqlStore, *, store_name: str, orders: Iterable[ReportOrder], now: datetime) -> dict[str, int]:
    """Add the orders of an order report (an order already imported is updated, never counted twice).

    Returns:
        ``{"added", "updated"}``.
    """
    owner = store.ensure_store_named(store_name, now=now)
    known = {row.order_id: row for row in store.session.scalars(
        select(ImportedOrder).where(ImportedOrder.store_id == owner.id))}
    added = updated = 0
    for order in orders:
        row = known.get(order.order_id)
        if row is None:
            row = ImportedOrder(store_id=owner.id, order_id=order.order_id)
            store.session.add(row)
            known[order.order_id] = row
            added += 1
        else:
            updated += 1
        row.marketplace, row.purchase_date, row.status = order.marketplace, order.purchase_date, order.status
        row.imported_at = now
    store.session.flush()
    return {"added": added, "updated": updated}


def replacement_rates(store: SqlStore, *, config: Config, now: datetime,
                      store_name: str | None = None) -> list[Rate]:
    """The rolling 90-day replacement rate of every store (or one) and marketplace, with its level."""
    start = now - WINDOW
    stores = [s for s in store.list_stores() if store_name is None or s.name == store_name]
    limit = Decimal(str(config.replacement_rate_limit))
    margin = Decimal(str(config.replacement_rate_warn_margin))
    rates = []
    for shop in stores:
        orders = _orders_by_marketplace(store, shop.id, start=start, end=now)
        replaced: Counter[str | None] = Counter(
            marketplace for marketplace, state, requested, shipped in store.session.execute(
                select(ReplacementCase.marketplace, ReplacementCase.state, ReplacementCase.requested_at,
                       ReplacementCase.shipped_at).where(
                    ReplacementCase.store_id == shop.id, ReplacementCase.requested_at >= start,
                    ReplacementCase.requested_at < now))
            if counts_as_replacement(CaseState(state=state, requested_at=requested, shipped_at=shipped)))
        markets = sorted(set(shop.marketplaces or ()) | set(orders) | set(replaced), key=lambda m: m or "")
        rates += [replacement_rate(store=shop.name, marketplace=m, replacements=replaced[m], orders=orders[m],
                                   limit=limit, margin=margin) for m in markets]
    return rates


def report(store: SqlStore, *, config: Config, now: datetime, store_name: str | None = None) -> dict[str, Any]:
    """Rates, causes ranked by SKU, carrier and destination over 90 days, and the cost per month.

    Returns:
        ``{"rates": [...], "causes": {"sku": [...], "carrier": [...], "destination": [...]}, "months": [...],
        "currency"}`` (JSON-ready; amounts as exact text in the ledger currency).
    """
    rows = ledger_rows(store, store_name=store_name)
    recent = [row for row in rows if now - WINDOW <= row.at < now]
    return {"rates": [r.to_dict() for r in replacement_rates(store, config=config, now=now, store_name=store_name)],
            "causes": {by: [r.to_dict() for r in rank(recent, by=by)] for by in RANKED_BY},
            "months": [m.to_dict() for m in cost_per_month(rows)],
            "currency": ledger_currency(config)}


def write_charts(figures: dict[str, Any], *, directory: Path, prefix: str = "") -> list[Path]:
    """Draw the report's charts (causes by SKU, carrier and destination; cost per month) as SVG and PNG.

    *figures* is what :func:`report` returned.

    Raises:
        ConfigError: matplotlib is not installed.  SellerdeskError: a file cannot be written.
    """
    written: list[Path] = []
    for name, figure in report_charts(figures).items():
        written += charts.save_figure(figure, directory / f"{prefix}{name}")
    return written


def report_charts(figures: dict[str, Any]) -> dict[str, Any]:
    """The report's charts by name (:data:`CHART_NAMES`), as matplotlib figures.

    Raises:
        ConfigError: matplotlib is not installed.
    """
    drawn: dict[str, Any] = {}
    for by in RANKED_BY:
        ranked = figures["causes"][by][:15]
        drawn[f"replacements-by-{by}"] = charts.ranked_figure(
            [str(r["value"]) for r in ranked], [int(r["replacements"]) for r in ranked],
            title=f"Replacements by {by}, last 90 days")
    months = figures["months"]
    drawn["after-sales-cost"] = charts.monthly_cost_figure(
        [m["month"] for m in months], [float(m["replacement_cost"]) for m in months],
        [float(m["refunded"]) for m in months], currency=figures["currency"])
    return drawn


def _orders_by_marketplace(store: SqlStore, store_id: int, *, start: datetime, end: datetime) -> Counter[str | None]:
    # Imported reports are counted in SQL (they hold every order); the order cache adds the orders no
    # report has, so an order in both counts once, as the report has it.
    counted: Counter[str | None] = Counter()
    for marketplace, number in store.session.execute(
            select(ImportedOrder.marketplace, func.count()).where(
                ImportedOrder.store_id == store_id, ImportedOrder.purchase_date >= start,
                ImportedOrder.purchase_date < end, ImportedOrder.status.not_in(CANCELLED))
            .group_by(ImportedOrder.marketplace)):
        counted[marketplace] += number
    cached: dict[str, str | None] = {}
    for row in store.session.scalars(select(CachedOrder).where(CachedOrder.store_id == store_id,
                                                               CachedOrder.status.not_in(CANCELLED))):
        bought = row.data.get("purchase_date") if row.data else None
        if isinstance(bought, str) and start <= datetime.fromisoformat(bought) < end:
            cached[row.order_id] = row.marketplace
    reported = set(store.session.scalars(select(ImportedOrder.order_id).where(
        ImportedOrder.store_id == store_id, ImportedOrder.order_id.in_(list(cached))))) if cached else set()
    counted.update(marketplace for order_id, marketplace in cached.items() if order_id not in reported)
    return counted

def _case_row(row: ReplacementCase, store_name: str) -> LedgerRow:
    costs = (row.cost_item, row.cost_packing, row.cost_postage)
    total = sum((c or Decimal(0) for c in costs), Decimal(0)) if any(c is not None for c in costs) else None
    return LedgerRow(
        kind="replacement", ref=f"R{row.id}", store=store_name, order_id=row.order_id, marketplace=row.marketplace,
        destination=row.destination, sku=row.sku, asin=row.asin, quantity=row.quantity, cause=row.cause,
        state=row.state, at=row.requested_at, original_carrier=row.original_carrier, carrier=row.carrier,
        tracking_number=row.tracking_number, cost_item=row.cost_item, cost_packing=row.cost_packing,
        cost_postage=row.cost_postage, refund=None, total=total, currency=row.cost_currency, fx_rate=row.fx_rate,
        converted=convert(total, row.fx_rate) if total is not None and row.fx_rate is not None else None,
        ledger_currency=row.ledger_currency, tracking_uploaded=row.tracking_uploaded, return_closed=row.return_closed)


def _refund_row(row: RefundDecision, store_name: str) -> LedgerRow:
    return LedgerRow(
        kind="refund", ref=f"F{row.id}", store=store_name, order_id=row.order_id, marketplace=row.marketplace,
        destination=None, sku=row.sku, asin=row.asin, quantity=0, cause=row.reason, state="refunded",
        at=row.decided_at, original_carrier=None, carrier=None, tracking_number=None, cost_item=None,
        cost_packing=None, cost_postage=None, refund=row.amount, total=row.amount, currency=row.currency,
        fx_rate=row.fx_rate, converted=convert(row.amount, row.fx_rate), ledger_currency=row.ledger_currency,
        tracking_uploaded=None, return_closed=None)
