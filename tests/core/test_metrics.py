"""Contact Response Time: outcomes, rates, goals and gaps, groups, and the exclusion property."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sellerdesk.core.metrics import (
    Outcome,
    ResponseMetrics,
    ResponseRecord,
    contact_response_time,
    contact_response_time_by,
    exclusions_by_agent,
    outcome,
    trailing_window,
)

END = datetime(2026, 3, 31, tzinfo=UTC)
START = END - timedelta(days=30)
H = timedelta(hours=1)


def record(received_hours_before_end: float, reply_after_hours: float | None = None, **extra: object) -> ResponseRecord:
    received = END - timedelta(hours=received_hours_before_end)
    replied = None if reply_after_hours is None else received + timedelta(hours=reply_after_hours)
    return ResponseRecord(received_at=received, replied_at=replied, **extra)  # type: ignore[arg-type]


def test_outcomes() -> None:
    assert outcome(record(100, 2), as_of=END) is Outcome.ON_TIME
    assert outcome(record(100, 24), as_of=END) is Outcome.ON_TIME
    assert outcome(record(100, 30), as_of=END) is Outcome.LATE
    assert outcome(record(100), as_of=END) is Outcome.NO_RESPONSE
    assert outcome(record(10), as_of=END) is Outcome.PENDING
    assert outcome(record(10, 12), as_of=END) is Outcome.PENDING  # the reply comes after as_of
    assert outcome(record(100, excluded=True), as_of=END) is Outcome.EXCLUDED


def test_a_month_of_messages() -> None:
    records = [
        record(200, 1), record(190, 3), record(180, 8), record(170, 20),  # on time
        record(160, 30),  # late
        record(150),  # no response
        record(140, excluded=True),
        record(5),  # pending
        record(800, 1),  # before the window
    ]
    metrics = contact_response_time(records, start=START, end=END)
    assert (metrics.received, metrics.excluded, metrics.pending, metrics.measured) == (8, 1, 1, 6)
    assert (metrics.on_time, metrics.late, metrics.no_response) == (4, 1, 1)
    assert metrics.within_24h_share == pytest.approx(4 / 6)
    assert metrics.late_response_rate == pytest.approx(2 / 6)
    assert metrics.no_response_rate == pytest.approx(1 / 6)
    assert metrics.average_response == timedelta(hours=(1 + 3 + 8 + 20 + 30) / 5)
    assert metrics.median_response == timedelta(hours=8)
    assert metrics.within_24h_gap == pytest.approx(0.90 - 4 / 6)
    assert metrics.average_gap == timedelta(hours=(1 + 3 + 8 + 20 + 30) / 5 - 12)
    assert metrics.meets_goals is False


def test_goals_met_and_nothing_measured() -> None:
    good = contact_response_time([record(100, 2), record(90, 4)], start=START, end=END)
    assert (good.within_24h_gap, good.average_gap, good.meets_goals) == (0.0, timedelta(), True)
    empty = contact_response_time([record(5)], start=START, end=END)
    assert (empty.within_24h_share, empty.average_response, empty.meets_goals) == (None, None, None)
    assert (empty.within_24h_gap, empty.average_gap) == (None, None)


def test_a_reply_stamped_before_its_message_counts_as_zero() -> None:
    metrics = contact_response_time([record(100, -1)], start=START, end=END)
    assert (metrics.on_time, metrics.average_response) == (1, timedelta())


def test_as_of_later_than_the_window_end_sees_later_replies() -> None:
    records = [record(5, 12)]
    assert contact_response_time(records, start=START, end=END).pending == 1
    later = contact_response_time(records, start=START, end=END, as_of=END + 8 * H)
    assert later.on_time == 1


def test_trailing_windows() -> None:
    assert trailing_window(7, end=END) == (END - timedelta(days=7), END)
    with pytest.raises(ValueError, match="positive"):
        trailing_window(0, end=END)


def test_grouping_by_agent_marketplace_and_store() -> None:
    records = [record(100, 2, agent="li", marketplace="US", store="acme"),
               record(90, 30, agent="ana", marketplace="DE", store="acme"),
               record(80, marketplace="DE", store="acme")]
    by_agent = contact_response_time_by(records, by="agent", start=START, end=END)
    assert list(by_agent) == ["ana", "li", None]
    assert by_agent["li"].on_time == 1
    assert by_agent[None].no_response == 1
    by_market = contact_response_time_by(records, by="marketplace", start=START, end=END)
    assert by_market["DE"].measured == 2
    assert contact_response_time_by(records, by="store", start=START, end=END)["acme"].measured == 3
    with pytest.raises(ValueError, match="group by"):
        contact_response_time_by(records, by="colour", start=START, end=END)  # type: ignore[arg-type]


def test_exclusions_are_counted_per_agent() -> None:
    records = [record(100, excluded=True, agent="li"), record(90, excluded=True, agent="li"),
               record(80, excluded=True, agent="ana"), record(70, 1, agent="ana")]
    assert exclusions_by_agent(records, start=START, end=END) == {"li": 2, "ana": 1}


record_strategy = st.builds(
    ResponseRecord,
    received_at=st.datetimes(min_value=datetime(2026, 2, 20), max_value=datetime(2026, 4, 5), timezones=st.just(UTC)),
    replied_at=st.none(),
    excluded=st.booleans(),
)
delays = st.none() | st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=72))


def _with_replies(pairs: list[tuple[ResponseRecord, timedelta | None]]) -> list[ResponseRecord]:
    return [dataclasses.replace(r, replied_at=None if d is None else r.received_at + d) for r, d in pairs]


def _no_worse(after: ResponseMetrics, before: ResponseMetrics) -> None:
    def ge(a: float | None, b: float | None) -> bool:
        return a is None or b is None or a >= b - 1e-12

    def le(a: float | None, b: float | None) -> bool:
        return a is None or b is None or a <= b + 1e-12

    assert ge(after.within_24h_share, before.within_24h_share)
    assert le(after.late_response_rate, before.late_response_rate)
    assert le(after.no_response_rate, before.no_response_rate)
    assert after.average_response == before.average_response
    assert after.median_response == before.median_response


@settings(deadline=None)  # speed is measured in bench/, never asserted
@given(pairs=st.lists(st.tuples(record_strategy, delays), min_size=1, max_size=15), pick=st.integers(0, 14),
       as_of_hours=st.integers(0, 96))
def test_excluding_an_unanswered_message_never_makes_a_metric_worse(
        pairs: list[tuple[ResponseRecord, timedelta | None]], pick: int, as_of_hours: int) -> None:
    records = _with_replies(pairs)
    as_of = END + timedelta(hours=as_of_hours)
    unanswered = [i for i, r in enumerate(records)
                  if not r.excluded and (r.replied_at is None or r.replied_at > as_of)]
    if not unanswered:
        return
    index = unanswered[pick % len(unanswered)]
    before = contact_response_time(records, start=START, end=END, as_of=as_of)
    records[index] = dataclasses.replace(records[index], excluded=True)
    after = contact_response_time(records, start=START, end=END, as_of=as_of)
    _no_worse(after, before)


@settings(deadline=None)  # speed is measured in bench/, never asserted
@given(pairs=st.lists(st.tuples(record_strategy, delays), max_size=15), step=st.integers(1, 500))
def test_answered_in_time_stays_on_time_as_the_clock_moves(
        pairs: list[tuple[ResponseRecord, timedelta | None]], step: int) -> None:
    records = _with_replies(pairs)
    early = END + H
    later = early + timedelta(hours=step)
    for r in records:
        if outcome(r, as_of=early) is Outcome.ON_TIME:
            assert outcome(r, as_of=later) is Outcome.ON_TIME
    assert (contact_response_time(records, start=START, end=END, as_of=later).on_time
            >= contact_response_time(records, start=START, end=END, as_of=early).on_time)


@settings(deadline=None)  # speed is measured in bench/, never asserted
@given(pairs=st.lists(st.tuples(record_strategy, delays), max_size=15))
def test_the_three_rates_account_for_every_measured_message(
        pairs: list[tuple[ResponseRecord, timedelta | None]]) -> None:
    metrics = contact_response_time(_with_replies(pairs), start=START, end=END)
    assert metrics.received == metrics.measured + metrics.pending + metrics.excluded
    if metrics.measured:
        assert metrics.within_24h_share is not None
        assert metrics.late_response_rate is not None
        assert metrics.within_24h_share + metrics.late_response_rate == pytest.approx(1.0)
