"""Outcome buckets, months and a thread's facts (pure, no fixtures)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from sellerdesk.core.response_times import (
    BUCKET_US,
    EXCLUDED,
    ON_TIME_BUCKETS,
    OVERFLOW_BUCKET,
    UNANSWERED,
    ClockedMessage,
    answer_bucket,
    bucket_bounds,
    clock_start,
    month_of,
    next_month,
    thread_facts,
    waiting_since,
    whole_months,
)
from sellerdesk.core.sla import RESPONSE_WINDOW

T0 = datetime(2026, 3, 7, 10, 0, tzinfo=UTC)
DAY_US = RESPONSE_WINDOW // timedelta(microseconds=1)


@given(st.integers(min_value=0, max_value=40 * DAY_US))
def test_a_response_time_lies_inside_its_bucket(microseconds: int) -> None:
    above, up_to = bucket_bounds(answer_bucket(microseconds))
    assert above is None or microseconds > above
    assert up_to is None or microseconds <= up_to


@given(st.integers(min_value=0, max_value=40 * DAY_US))
def test_the_on_time_buckets_hold_exactly_the_answers_within_24_hours(microseconds: int) -> None:
    assert (answer_bucket(microseconds) <= ON_TIME_BUCKETS) == (microseconds <= DAY_US)


def test_bucket_edges() -> None:
    assert [answer_bucket(us) for us in (0, 1, BUCKET_US, BUCKET_US + 1)] == [0, 1, 1, 2]
    assert answer_bucket(DAY_US) == ON_TIME_BUCKETS
    assert answer_bucket(DAY_US + 1) == ON_TIME_BUCKETS + 1
    assert answer_bucket(365 * DAY_US) == OVERFLOW_BUCKET


def test_months() -> None:
    assert month_of(datetime(2026, 12, 31, 23, 59, tzinfo=UTC)) == datetime(2026, 12, 1, tzinfo=UTC)
    assert next_month(datetime(2026, 12, 1, tzinfo=UTC)) == datetime(2027, 1, 1, tzinfo=UTC)
    assert whole_months(datetime(2026, 1, 15, tzinfo=UTC), datetime(2026, 4, 2, tzinfo=UTC)) == (
        datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))
    assert whole_months(datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)) == (
        datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC))
    assert whole_months(datetime(2026, 1, 15, tzinfo=UTC), datetime(2026, 2, 20, tzinfo=UTC)) is None


def test_the_clock_starts_at_the_date_unless_it_is_later_than_the_arrival() -> None:
    assert clock_start(sent_at=T0, received_at=T0 + timedelta(minutes=3)) == T0
    assert clock_start(sent_at=T0 + timedelta(hours=1), received_at=T0) == T0
    assert clock_start(sent_at=None, received_at=T0) == T0


def test_a_thread_s_facts() -> None:
    messages = [ClockedMessage(1, T0, "US"), ClockedMessage(2, T0 + timedelta(hours=2), None, excluded_by="cy"),
                ClockedMessage(3, T0 + timedelta(hours=30), None)]
    facts = thread_facts(messages, [T0 + timedelta(hours=25)], thread_id=9, store_id=1, assigned_to="amy",
                         marketplace="CA")
    first, thanks, later = facts
    assert (first.answered_at, first.response_us, first.bucket) == (T0 + timedelta(hours=25), 25 * 3600 * 10**6,
                                                                    answer_bucket(25 * 3600 * 10**6))
    assert (first.marketplace, first.agent) == ("US", "amy")
    assert (thanks.bucket, thanks.agent, thanks.marketplace) == (EXCLUDED, "cy", "CA")
    assert (later.answered_at, later.bucket) == (None, UNANSWERED)
    assert waiting_since(facts) == T0 + timedelta(hours=30)
    assert later.month_key == (1, datetime(2026, 3, 1, tzinfo=UTC), "CA", "amy", UNANSWERED)
