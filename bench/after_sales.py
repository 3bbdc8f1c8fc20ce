"""After-sales report speed: the 90-day replacement rate, ranked causes and cost per month over many orders.

Run: ``.venv/bin/python -m bench.after_sales [--count 100000] [--rounds 3] [--postgres URL]``

One store selling in DE and FR, ``--count`` orders of an imported order report spread over 180
days (4 % cancelled) and a replacement case for about 2.5 % of them (every outcome, costs in EUR,
GBP or USD with their rates), written straight to the tables. Printed per database (median of
``--rounds`` runs, wall-clock on a shared machine): ``rates``
(:func:`sellerdesk.services.after_sales_ledger.replacement_rates`), ``report`` (rates, causes
and cost per month: :func:`~sellerdesk.services.after_sales_ledger.report`) and ``export xlsx``
(the whole ledger). PostgreSQL runs when ``--postgres`` (a server URL without a database) is
reachable; a scratch database is created and dropped.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert

from bench._postgres import scratch_database
from sellerdesk.adapters.db.after_sales_tables import ImportedOrder, ReplacementCase
from sellerdesk.config import Config, StoreConfig
from sellerdesk.services import after_sales_ledger
from sellerdesk.services.database import Database, open_database

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
START = NOW - timedelta(days=180)
RATES = {"EUR": Decimal("1.0842"), "GBP": Decimal("1.2710"), "USD": Decimal(1)}
OUTCOMES = ("requested", "approved", "shipped", "delivered", "closed", "refused", "unavailable")


def fill(db: Database, *, count: int, seed: int) -> int:
    """Write *count* imported orders and their replacement cases; return the number of cases."""
    rng = random.Random(seed)
    with db.transaction() as store:
        shop = store.ensure_store(StoreConfig("bench-eu", ("DE", "FR")), now=START).id
    orders, cases = [], []
    for n in range(count):
        bought = START + timedelta(seconds=rng.randrange(180 * 86400))
        market = "FR" if rng.random() < 0.35 else "DE"
        order_id = f"302-{n:07d}-{rng.randrange(10**7):07d}"
        orders.append({"store_id": shop, "order_id": order_id, "marketplace": market, "purchase_date": bought,
                       "status": "cancelled" if rng.random() < 0.04 else "shipped", "imported_at": NOW})
        if rng.random() < 0.025:
            state = rng.choice(OUTCOMES)
            shipped = bought + timedelta(days=3) if state in ("shipped", "delivered", "closed") else None
            currency = rng.choice(tuple(RATES))
            cases.append({
                "store_id": shop, "order_id": order_id, "marketplace": market, "destination": market,
                "sku": rng.choice(("LAMP-01", "LAMP-02", "SHADE-09")), "quantity": 1,
                "cause": rng.choice(("not_received", "damaged_defective", "missing_parts", "wrong_item")),
                "problem": "", "source": "manual", "state": state, "requested_at": bought + timedelta(days=2),
                "shipped_at": shipped, "original_carrier": rng.choice(("DHL", "Hermes", "La Poste")),
                "open_key": None if state in ("closed", "refused") else order_id,
                "cost_item": Decimal(rng.randrange(500, 4000)) / 100, "cost_packing": Decimal("1.20"),
                "cost_postage": Decimal(rng.randrange(300, 1500)) / 100, "cost_currency": currency,
                "fx_rate": RATES[currency], "ledger_currency": "USD", "tracking_uploaded": False,
                "return_closed": False, "opened_by": "bench", "updated_at": NOW})
    with db.transaction() as store:
        for start in range(0, len(orders), 5000):
            store.session.execute(insert(ImportedOrder), orders[start:start + 5000])
        if cases:
            store.session.execute(insert(ReplacementCase), cases)
    return len(cases)


def median_seconds(work: Callable[[], object], rounds: int) -> float:
    """The median wall-clock time of *rounds* runs of *work*."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run(url: str, *, label: str, count: int, rounds: int, folder: Path) -> None:
    """Fill the database at *url* and print the timings."""
    db = open_database(url)
    try:
        cases = fill(db, count=count, seed=7)
        config = Config()

        def rates() -> object:
            with db.reading() as store:
                return after_sales_ledger.replacement_rates(store, config=config, now=NOW)

        def report() -> object:
            with db.reading() as store:
                return after_sales_ledger.report(store, config=config, now=NOW)

        def export() -> object:
            with db.reading() as store:
                return after_sales_ledger.export_ledger(store, path=folder / f"{label}.xlsx", fmt="xlsx")

        levels = {str(r.marketplace): f"{r.percent} % {r.level}" for r in rates()}  # type: ignore[attr-defined]
        print(f"{label}: {count} orders, {cases} cases; 90-day rates {levels}")
        for name, work in (("rates", rates), ("report", report), ("export xlsx", export)):
            print(f"  {name:<12} {median_seconds(work, rounds) * 1000:8.1f} ms")
    finally:
        db.close()


def main() -> None:
    """Parse the arguments and run on SQLite, then PostgreSQL when reachable."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="orders (default 100000)")
    parser.add_argument("--rounds", type=int, default=3, help="runs per figure; the median is printed")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432",
                        help="PostgreSQL server URL without a database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{Path(folder) / 'bench.db'}", label="sqlite", count=args.count, rounds=args.rounds,
            folder=Path(folder))
        with scratch_database(args.postgres) as url:
            if url is not None:
                run(url, label="postgresql", count=args.count, rounds=args.rounds, folder=Path(folder))


if __name__ == "__main__":
    main()
