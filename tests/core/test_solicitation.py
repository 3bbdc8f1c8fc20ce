"""Review requests: Amazon's window, Tuesday–Friday 10:00 buyer time, open problems."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from sellerdesk.core.orders import OrderSnapshot
from sellerdesk.core.solicitation import decide, next_send_time, open_problem, review_window

START = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)  # a Monday


def order(*, marketplace: str = "DE", status: str = "shipped", start: datetime = START,
          end: datetime = START + timedelta(days=2)) -> OrderSnapshot:
    return OrderSnapshot(order_id="302-1234567-1234567", marketplace=marketplace, status=status, fulfillment="AFN",
                         purchase_date=start - timedelta(days=3), last_updated=start, delivery_start=start,
                         delivery_end=end)


def test_window_is_5_days_after_earliest_to_30_after_latest() -> None:
    assert review_window(order()) == (START + timedelta(days=5), START + timedelta(days=32))


def test_inside_the_window_it_is_sent_tuesday_to_friday_at_ten_local() -> None:
    now = datetime(2026, 11, 8, 20, 0, tzinfo=UTC)  # Sunday evening
    decision = decide(order(), now=now, already_requested=False, problem=None)
    assert decision.eligible
    assert decision.send_at is not None
    assert decision.send_at.isoformat() == "2026-11-10T10:00:00+01:00"  # Tuesday, Berlin


def test_japan_uses_tokyo_time() -> None:
    decision = decide(order(marketplace="JP"), now=datetime(2026, 11, 11, 0, 30, tzinfo=UTC),
                      already_requested=False, problem=None)
    assert decision.send_at is not None
    assert decision.send_at.isoformat() == "2026-11-11T10:00:00+09:00"


def test_reasons_for_not_asking() -> None:
    now = START + timedelta(days=10)
    assert decide(order(), now=now, already_requested=True, problem=None).reason == "already_requested"
    assert decide(order(status="cancelled"), now=now, already_requested=False, problem=None).reason == "cancelled"
    assert decide(order(), now=now, already_requested=False, problem="return").reason == "open_problem:return"
    assert decide(order(), now=START + timedelta(days=1), already_requested=False, problem=None).reason == "too_early"
    assert decide(order(), now=START + timedelta(days=40), already_requested=False, problem=None).reason == "too_late"


def test_open_problems() -> None:
    assert open_problem(intents=["usage_help", "complaint"], texts=[]) == "complaint"
    assert open_problem(intents=[], texts=["Das Teil kam kaputt an"]) == "negative_words"
    assert open_problem(intents=[], texts=["Thanks, all good"], replacement_open=True) == "replacement"
    assert open_problem(intents=["thanks_closing"], texts=["Great, thank you!"]) is None


@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)),
       st.sampled_from(["America/Los_Angeles", "Europe/Berlin", "Asia/Tokyo", "Australia/Sydney"]))
def test_send_time_is_always_a_weekday_ten_oclock_not_before_after(after: datetime, zone: str) -> None:
    sent = next_send_time(after=after, zone=zone, until=after + timedelta(days=30))
    assert sent is not None
    assert sent >= after
    assert sent.weekday() in (1, 2, 3, 4)
    assert (sent.hour, sent.minute) == (10, 0)
    assert sent - after < timedelta(days=8)


def test_order_events_that_went_wrong_are_open_problems() -> None:
    assert open_problem(intents=[], texts=[], order_events=["shipped", "undeliverable"]) == "undeliverable"
    assert open_problem(intents=[], texts=[], order_events=["shipped", "delivered"]) is None


def test_a_run_just_after_ten_finds_todays_slot_due() -> None:
    now = datetime(2026, 11, 10, 9, 40, tzinfo=UTC)  # Tuesday 10:40 in Berlin
    decision = decide(order(), now=now, already_requested=False, problem=None)
    assert decision.send_at is not None
    assert decision.send_at <= now
    assert decision.send_at.isoformat() == "2026-11-10T10:00:00+01:00"
