"""SP-API client and emulator: request throughput over loopback HTTP, and order sync under usage plans.

Run: ``.venv/bin/python bench/spapi.py [--requests 300] [--orders 233]``

Printed:

* getOrder round trips per second (client + emulator in one process, throttling off): what the
  emulator can serve to tests and the demo;
* the time a sync of *orders* thread orders takes under Amazon's published usage plans, two
  ways, on a manual clock that both the client and the emulator use (so the figure is the time
  Amazon's plans impose, not this machine's speed): getOrder for every order (0.5/s, burst 30),
  and searchOrders pages first (100 orders a page, 0.0167/s, burst 20), which is what
  ``sellerdesk orders sync`` does.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime

from sellerdesk.adapters.spapi import LwaCredentials, ManualClock, SpApiClient
from sellerdesk.adapters.spapi.emulator import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_REFRESH_TOKEN,
    EmulatorServer,
    EmulatorState,
    OrderSpec,
)

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
CREDENTIALS = LwaCredentials(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REFRESH_TOKEN)


def client(server: EmulatorServer, clock: ManualClock) -> SpApiClient:
    return SpApiClient(store="bench", region="NA", credentials=CREDENTIALS, endpoint=server.url, clock=clock,
                       rng=random.Random(1))


def throughput(requests: int) -> float:
    state = EmulatorState(now=lambda: NOW, throttle=False)
    with EmulatorServer(state) as server, client(server, ManualClock()) as api:
        api.get_order("111-0000000-0000001")
        start = time.perf_counter()
        for number in range(requests):
            api.get_order(f"111-{number:07d}-0000001")
        return requests / (time.perf_counter() - start)


def sync_seconds(orders: int, *, search_first: bool) -> float:
    clock = ManualClock()
    state = EmulatorState(now=lambda: NOW, clock=clock, throttle=True)
    ids = [f"1{n % 90 + 10:02d}-{n:07d}-{n * 7 % 10_000_000:07d}" for n in range(orders)]
    state.seed_orders(OrderSpec(order_id, "US", "B0C7K2M4Q1", "Backpack") for order_id in ids)
    with EmulatorServer(state) as server, client(server, clock) as api:
        if search_first:
            token = None
            while True:
                page = api.search_orders(marketplace_ids=["ATVPDKIKX0DER"], created_after="2026-10-01T00:00:00Z",
                                         pagination_token=token)
                token = (page.get("pagination") or {}).get("nextToken")
                if not token:
                    break
        else:
            for order_id in ids:
                api.get_order(order_id)
    return clock.current


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--orders", type=int, default=233)
    args = parser.parse_args()
    print(f"getOrder over loopback HTTP, throttling off: {throughput(args.requests):.0f} requests/s")
    for search_first in (False, True):
        way = "searchOrders pages" if search_first else "getOrder one by one"
        print(f"sync of {args.orders} orders under Amazon's usage plans, {way}: "
              f"{sync_seconds(args.orders, search_first=search_first):.1f} s of plan time")


if __name__ == "__main__":
    main()
