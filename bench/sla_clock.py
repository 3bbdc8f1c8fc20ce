"""How fast the 24-hour clock is: reading it, safe-by, the queue order and the metrics.

Run: ``.venv/bin/python bench/sla_clock.py [MESSAGES]`` (default 20,000 messages over a year).
Prints one line per operation with the time per message; nothing is asserted.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sellerdesk.config import StoreConfig
from sellerdesk.core.metrics import ResponseRecord, contact_response_time, contact_response_time_by, trailing_window
from sellerdesk.core.priority import QueueItem, assess_risk, order_queue
from sellerdesk.core.sla import due_at, read_clock
from sellerdesk.core.working_hours import safe_by
from sellerdesk.services.calendar import build_calendar

START = datetime(2026, 1, 1, tzinfo=UTC)
TEXTS = ("Where is my order?", "I will open an A-to-z claim", "Ich schreibe Ihnen erneut, keine Antwort",
         "悪い評価をつけます", "Does it fit a 2019 Civic?")


def timed(label: str, count: int, work: Callable[[], object]) -> None:
    """Run *work* once and print the time per message."""
    began = time.perf_counter()
    work()
    spent = time.perf_counter() - began
    print(f"{label:<44} {count:>7} messages  {spent * 1e6 / count:8.1f} µs/message  {spent:6.2f} s total")


def main(count: int) -> None:
    """Benchmark the clock over *count* synthetic messages."""
    rng = random.Random(7)
    received = [START + timedelta(seconds=rng.randrange(365 * 86400)) for _ in range(count)]
    replies = [r + timedelta(hours=rng.expovariate(1 / 10)) if rng.random() < 0.9 else None for r in received]
    now = START + timedelta(days=366)
    calendar = build_calendar(StoreConfig("bench", ("US",), timezone="America/Los_Angeles",
                                          working_hours=["mon-fri 09:00-12:30, 13:30-18:00", "sat 10:00-14:00"],
                                          holidays=["US-CA"], peak_season=["11-15..12-31"]), years=[2026, 2027])
    timed("read_clock", count, lambda: [read_clock(now, received_at=r, replied_at=p)
                                        for r, p in zip(received, replies, strict=True)])
    timed("safe_by (LA, two windows a day, holidays)", count, lambda: [safe_by(due_at(r), calendar)
                                                                      for r in received])
    timed("assess_risk", count, lambda: [assess_risk(TEXTS[i % len(TEXTS)]) for i in range(count)])
    items = [QueueItem(str(i), r, risk=i % 7, order_value=Decimal(i % 300)) for i, r in enumerate(received)]
    timed("order_queue", count, lambda: order_queue(items, now=now))
    records = [ResponseRecord(r, p, agent=f"agent{i % 5}", marketplace="US", store="bench")
               for i, (r, p) in enumerate(zip(received, replies, strict=True))]
    start, end = trailing_window(90, end=now)
    timed("contact_response_time (90 days)", count, lambda: contact_response_time(records, start=start, end=end))
    timed("contact_response_time_by agent (90 days)", count,
          lambda: contact_response_time_by(records, by="agent", start=start, end=end))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
