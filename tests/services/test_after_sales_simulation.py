"""Ninety days of a store simulated on SQLite and PostgreSQL: thousands of orders, replacement cases with every
outcome, costs in several currencies and refunds; the rates, their warnings and the cost totals are checked
against figures this test works out on its own from the simulated events."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sellerdesk.adapters.db.spapi_records import SpApiRecords
from sellerdesk.config import Config, StoreConfig
from sellerdesk.core.after_sales.money import Costs
from sellerdesk.core.after_sales.order_report import ReportOrder
from sellerdesk.core.orders import OrderItem, OrderSnapshot
from sellerdesk.services import after_sales, after_sales_ledger, refunds
from sellerdesk.services.database import Database

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
START = NOW - timedelta(days=130)
STORE = StoreConfig("acme-eu", ("DE", "FR"))
RATES = {"EUR": Decimal("1.0842"), "GBP": Decimal("1.2710"), "USD": Decimal(1)}
SKUS = ("LAMP-01", "LAMP-02", "SHADE-09")
CARRIERS = ("DHL", "Hermes", "La Poste")
OUTCOMES = ("requested", "approved", "shipped", "closed", "refused", "unavailable")
REPLACED = {"approved", "shipped", "closed"}  # outcomes that are a replacement made or promised


@dataclass(frozen=True)
class SimOrder:
    order_id: str
    marketplace: str
    purchased: datetime
    cancelled: bool


@dataclass(frozen=True)
class SimCase:
    order: SimOrder
    requested: datetime
    outcome: str
    costs: Costs | None
    sku: str
    carrier: str


def simulate(seed: int = 7, count: int = 4000) -> tuple[list[SimOrder], list[SimCase], list[tuple[SimOrder,
                                                                                                    Decimal, str]]]:
    rng = random.Random(seed)
    orders = [SimOrder(f"{rng.choice(('302', '171', '028'))}-{n:07d}-{rng.randrange(10**7):07d}",
                       "FR" if rng.random() < 0.35 else "DE", START + timedelta(minutes=rng.randrange(130 * 24 * 60)),
                       rng.random() < 0.04) for n in range(count)]
    cases = []
    refunded = []
    for order in orders:
        share = 0.08 if order.marketplace == "FR" else 0.03  # half become replacements: FR over the limit, DE under
        if order.cancelled or rng.random() >= share:
            continue
        requested = order.purchased + timedelta(hours=rng.randrange(24, 240))
        if requested >= NOW:
            continue
        outcome = rng.choice(OUTCOMES)
        currency = rng.choice(("EUR", "GBP", "USD"))
        costs = Costs(Decimal(rng.randrange(500, 4000)) / 100, Decimal(rng.randrange(0, 300)) / 100,
                      Decimal(rng.randrange(300, 1500)) / 100, currency, RATES[currency], "USD") \
            if outcome in REPLACED else None
        cases.append(SimCase(order, requested, outcome, costs, rng.choice(SKUS), rng.choice(CARRIERS)))
        if outcome == "unavailable":
            refunded.append((order, Decimal(rng.randrange(1000, 6000)) / 100, rng.choice(("EUR", "GBP"))))
    return orders, cases, refunded


def load(db: Database, orders: list[SimOrder], cases: list[SimCase],
         refunded: list[tuple[SimOrder, Decimal, str]]) -> None:
    with db.transaction() as store:
        store.ensure_store(STORE, now=START)
        # Most orders come from imported reports; every tenth also sits in the SP-API order cache (counted once),
        # and the last fifty only there.
        reported = [ReportOrder(o.order_id, o.purchased, o.marketplace, "cancelled" if o.cancelled else "shipped")
                    for o in orders[:-50]]
        after_sales_ledger.import_orders(store, store_name=STORE.name, orders=reported, now=NOW)
        records = SpApiRecords(store)
        store_id = store.get_store(STORE.name).id
        for order in [*orders[::10], *orders[-50:]]:
            status = "cancelled" if order.cancelled else "shipped"
            snapshot = OrderSnapshot(order.order_id, order.marketplace, status, "MFN", order.purchased, order.purchased,
                                     (OrderItem("B0C1234567", "Lamp", "X", 1),))
            records.put_order(store_id, snapshot.to_dict(), amazon_updated_at=order.purchased, fetched_at=NOW)
    with db.transaction() as store:
        for case in cases:
            opened = after_sales.open_case(
                store, store_name=STORE.name, order_id=case.order.order_id, cause="damaged_defective",
                now=case.requested, actor="sim", details={"sku": case.sku, "original_carrier": case.carrier})
            later = case.requested + timedelta(hours=2)
            path = {"requested": [], "approved": ["approved"], "shipped": ["approved", "shipped"],
                    "closed": ["approved", "shipped", "delivered", "closed"], "refused": ["refused"],
                    "unavailable": ["unavailable"]}[case.outcome]
            for to in path:
                after_sales.advance_case(store, case_id=opened["id"], to=to, now=later, actor="sim", carrier="DHL",
                                         tracking_number="JJD1", reason="signed for", tracking_uploaded=True,
                                         return_closed=True)
            if case.costs is not None:
                after_sales.record_costs(store, case_id=opened["id"], costs=case.costs, now=later, actor="sim")
        for order, amount, currency in refunded:
            refunds.record_refund(store, store_name=STORE.name, order_id=order.order_id, amount=amount,
                                  currency=currency, fx_rate=RATES[currency], ledger_currency="USD",
                                  reason="out of stock", now=NOW - timedelta(hours=1), actor="sim")


def expected_rates(orders: list[SimOrder], cases: list[SimCase], now: datetime) -> dict[str, tuple[int, int]]:
    start = now - timedelta(days=90)
    counted = Counter(o.marketplace for o in orders if not o.cancelled and start <= o.purchased < now)
    replaced = Counter(c.order.marketplace for c in cases if c.outcome in REPLACED and start <= c.requested < now)
    return {m: (replaced[m], counted[m]) for m in ("DE", "FR")}


def level(replacements: int, orders: int, *, limit: Fraction, margin: Fraction) -> str:
    share = Fraction(replacements * 100, orders)
    return "over_limit" if share > limit else "warning" if share >= limit - margin else "ok"


def test_ninety_days_of_orders_give_the_rates_warnings_and_costs_worked_out_independently(db: Database) -> None:
    orders, cases, refunded = simulate()
    assert len(orders) == 4000
    assert len(cases) > 60
    load(db, orders, cases, refunded)
    seen = set()
    for config, limit, margin in ((Config(), Fraction(5, 2), Fraction(1, 2)),
                                  (Config(replacement_rate_limit=3.0, replacement_rate_warn_margin=1.5),
                                   Fraction(3), Fraction(3, 2))):
        for now in (NOW - timedelta(days=30), NOW):
            with db.reading() as store:
                rates = {r.marketplace: r for r in after_sales_ledger.replacement_rates(store, config=config, now=now)}
            for market, (replacements, counted) in expected_rates(orders, cases, now).items():
                rate = rates[market]
                assert (rate.replacements, rate.orders) == (replacements, counted), (market, now)
                exact = Decimal(replacements * 100) / Decimal(counted)
                assert rate.percent == exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                assert rate.level == level(replacements, counted, limit=limit, margin=margin), (market, now, config)
                seen.add(rate.level)
    assert seen == {"ok", "warning", "over_limit"}  # the simulation reaches every level
    with db.reading() as store:
        final = {r.marketplace: r.level for r in after_sales_ledger.replacement_rates(store, config=Config(), now=NOW)}
        figures = after_sales_ledger.report(store, config=Config(), now=NOW)
    assert final == {"DE": "ok", "FR": "over_limit"}

    months: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for case in cases:
        if case.costs is not None:
            total = case.costs.item + case.costs.packing + case.costs.postage
            months[case.requested.strftime("%Y-%m")][0] += (total * RATES[case.costs.currency]).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP)
    for _order, amount, currency in refunded:
        months[(NOW - timedelta(hours=1)).strftime("%Y-%m")][1] += (amount * RATES[currency]).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP)
    reported = {m["month"]: (Decimal(m["replacement_cost"]), Decimal(m["refunded"])) for m in figures["months"]}
    assert reported == {month: (spent, back) for month, (spent, back) in months.items()}
    assert sum(Decimal(m["total"]) for m in figures["months"]) == sum(a + b for a, b in months.values())

    recent = [c for c in cases if NOW - timedelta(days=90) <= c.requested < NOW]
    by_sku = Counter(c.sku for c in recent)
    assert [(r["value"], r["replacements"]) for r in figures["causes"]["sku"]] == sorted(
        by_sku.items(), key=lambda item: (-item[1], -_cost(recent, item[0]), item[0]))
    assert {r["value"]: r["replacements"] for r in figures["causes"]["carrier"]} == Counter(c.carrier for c in recent)
    assert {r["value"]: r["replacements"] for r in figures["causes"]["destination"]} == Counter(
        c.order.marketplace for c in recent)


def _cost(cases: list[SimCase], sku: str) -> Decimal:
    return sum(((c.costs.item + c.costs.packing + c.costs.postage) * RATES[c.costs.currency]).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP) for c in cases if c.sku == sku and c.costs is not None) or Decimal(0)


def test_an_order_in_both_the_cache_and_a_report_counts_once_and_cancelled_orders_not_at_all(db: Database) -> None:
    orders, _, _ = simulate(seed=3, count=40)
    cancelled = replace(orders[0], cancelled=True)
    load(db, [cancelled, *orders[1:]], [], [])
    with db.reading() as store:
        rates = after_sales_ledger.replacement_rates(store, config=Config(), now=NOW)
    expected = expected_rates([cancelled, *orders[1:]], [], NOW)
    assert {r.marketplace: r.orders for r in rates} == {m: n for m, (_, n) in expected.items()}
