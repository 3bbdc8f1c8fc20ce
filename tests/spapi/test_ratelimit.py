"""Usage-plan buckets with a controllable clock: alone, and against the emulator's own throttling."""

from __future__ import annotations

import pytest

from sellerdesk.adapters.spapi import ManualClock, RateLimiter, UsagePlan
from sellerdesk.adapters.spapi.emulator import EmulatorServer, EmulatorState
from tests.spapi.conftest import make_client
from tests.spapi.test_client import shipped_order

US = "ATVPDKIKX0DER"


def test_burst_then_one_per_refill_interval() -> None:
    clock = ManualClock()
    limiter = RateLimiter(clock=clock, plans={"op": UsagePlan(rate=2.0, burst=3)})
    waits = [limiter.acquire("op") for _ in range(6)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert waits[3:] == pytest.approx([0.5, 0.5, 0.5])
    assert clock.current == pytest.approx(1.5)


def test_bucket_refills_up_to_burst_only() -> None:
    clock = ManualClock()
    limiter = RateLimiter(clock=clock, plans={"op": UsagePlan(rate=1.0, burst=2)})
    limiter.acquire("op")
    limiter.acquire("op")
    clock.advance(100)
    assert [limiter.acquire("op") for _ in range(3)] == [0.0, 0.0, pytest.approx(1.0)]


def test_amazons_stated_rate_wins_and_a_429_empties_the_bucket() -> None:
    clock = ManualClock()
    limiter = RateLimiter(clock=clock, plans={"op": UsagePlan(rate=1.0, burst=5)})
    limiter.observe("op", "0.25")
    limiter.observe("op", "garbage")  # ignored, the last good rate stays
    limiter.throttled("op")
    assert limiter.acquire("op") == pytest.approx(4.0)


def test_operations_have_separate_buckets() -> None:
    limiter = RateLimiter(clock=ManualClock(), plans={"a": UsagePlan(1.0, 1), "b": UsagePlan(1.0, 1)})
    assert limiter.acquire("a") == 0.0
    assert limiter.acquire("b") == 0.0


def test_client_keeps_to_messagings_plan_and_never_meets_a_429(server: EmulatorServer, state: EmulatorState) -> None:
    clock = ManualClock()
    state.clock, state.throttle = clock, True
    state.put_order(shipped_order())
    with make_client(server, clock=clock) as client:
        for number in range(8):
            client.send_message("unexpectedProblem", "111-2223334-4445556", US, text=f"Update number {number}.")
    assert len(state.messages) == 8
    assert clock.slept == pytest.approx([1.0, 1.0, 1.0])  # burst 5, then one a second
    assert [op for op, _ in state.requests].count("sendMessage") == 8  # nothing was refused


def test_stricter_server_plan_means_429s_backoff_and_no_lost_send(server: EmulatorServer,
                                                                   state: EmulatorState) -> None:
    clock = ManualClock()
    state.clock, state.throttle = clock, True
    state.plans["sendMessage"] = UsagePlan(rate=0.2, burst=2)  # the seller's real plan is tighter than published
    state.put_order(shipped_order())
    with make_client(server, clock=clock) as client:
        for number in range(5):
            client.send_message("unexpectedProblem", "111-2223334-4445556", US, text=f"Update number {number}.")
        assert client.limiter.bucket("sendMessage").rate == pytest.approx(0.2)  # from x-amzn-RateLimit-Limit
    assert [m.text for m in state.messages] == [f"Update number {n}." for n in range(5)]
    sent = [op for op, _ in state.requests].count("sendMessage")
    assert sent > 5  # some were answered 429 and sent again
