"""Amazon's 24-hour clock: deadlines, states, odd times and the reply matcher."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sellerdesk.core.sla import (
    MAX_RELAY_DELAY,
    BuyerMessage,
    ReceiveSource,
    Reply,
    SlaState,
    answered_by,
    due_at,
    first_replies,
    parse_instant,
    read_clock,
    receive_time,
    state_at,
)
from sellerdesk.errors import InputError

T0 = datetime(2026, 3, 7, 10, 0, tzinfo=UTC)
H = timedelta(hours=1)
DST_ZONES = ("America/Los_Angeles", "Europe/Berlin", "Asia/Tokyo", "Asia/Shanghai")

instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC))
spans = st.timedeltas(min_value=timedelta(), max_value=timedelta(days=30))


def test_a_message_is_due_24_hours_after_receipt_in_utc() -> None:
    received = datetime(2026, 3, 7, 11, 0, tzinfo=timezone(timedelta(hours=1)))
    assert due_at(received) == datetime(2026, 3, 8, 10, 0, tzinfo=UTC)
    assert due_at(received).tzinfo is UTC


@pytest.mark.parametrize(("zone", "local_shift"), [
    ("America/Los_Angeles", 1), ("Europe/Berlin", 0), ("Asia/Tokyo", 0), ("Asia/Shanghai", 0),
])
def test_the_deadline_is_24_elapsed_hours_across_the_spring_change(zone: str, local_shift: int) -> None:
    # 2026-03-08 is the US spring change; Europe changes on 2026-03-29; Tokyo and Shanghai never.
    received = datetime(2026, 3, 7, 12, 0, tzinfo=ZoneInfo(zone))
    local_due = due_at(received).astimezone(ZoneInfo(zone))
    assert due_at(received) - received == timedelta(hours=24)
    assert local_due.hour == 12 + local_shift


@pytest.mark.parametrize("zone", DST_ZONES)
@pytest.mark.parametrize("day", [datetime(2026, 3, 8), datetime(2026, 3, 29), datetime(2026, 10, 25),
                                 datetime(2026, 11, 1)])
def test_every_hour_of_a_dst_week_gets_exactly_24_hours(zone: str, day: datetime) -> None:
    for hour in range(-72, 96):
        received = (day.replace(tzinfo=ZoneInfo(zone)) + timedelta(hours=hour)).astimezone(UTC)
        assert due_at(received) - received == timedelta(hours=24)
        assert state_at(due_at(received), received_at=received) is SlaState.OPEN
        assert state_at(due_at(received) + timedelta(seconds=1), received_at=received) is SlaState.LATE


def test_states_at_the_boundaries() -> None:
    due = due_at(T0)
    assert state_at(due, received_at=T0) is SlaState.OPEN
    assert state_at(due + timedelta(microseconds=1), received_at=T0) is SlaState.LATE
    assert state_at(due + H, received_at=T0, replied_at=due) is SlaState.MET
    assert state_at(due + H, received_at=T0, replied_at=due + timedelta(seconds=1)) is SlaState.LATE
    assert state_at(T0, received_at=T0, excluded=True) is SlaState.EXCLUDED
    assert state_at(due + H, received_at=T0, replied_at=T0 + H, excluded=True) is SlaState.EXCLUDED


def test_a_reply_after_now_has_not_happened_yet() -> None:
    assert state_at(T0 + H, received_at=T0, replied_at=T0 + 2 * H) is SlaState.OPEN
    assert state_at(T0 + 30 * H, received_at=T0, replied_at=T0 + 40 * H) is SlaState.LATE


def test_the_clock_stops_at_the_reply() -> None:
    reading = read_clock(T0 + 30 * H, received_at=T0, replied_at=T0 + 4 * H)
    assert (reading.state, reading.remaining_seconds) == (SlaState.MET, 20 * 3600)
    late = read_clock(T0 + 30 * H, received_at=T0, replied_at=T0 + 26 * H)
    assert (late.state, late.remaining_seconds) == (SlaState.LATE, -2 * 3600)
    waiting = read_clock(T0 + 30 * H, received_at=T0)
    assert (waiting.state, waiting.remaining_seconds) == (SlaState.LATE, -6 * 3600)


def test_remaining_seconds_round_down() -> None:
    reading = read_clock(T0 + timedelta(seconds=0.5), received_at=T0)
    assert reading.remaining_seconds == 24 * 3600 - 1
    overdue = read_clock(due_at(T0) + timedelta(seconds=0.5), received_at=T0)
    assert overdue.remaining_seconds == -1


def test_a_reply_stamped_before_its_message_counts_as_an_answer_after_zero_seconds() -> None:
    reading = read_clock(T0 + H, received_at=T0, replied_at=T0 - timedelta(minutes=5))
    assert (reading.state, reading.remaining_seconds) == (SlaState.MET, 24 * 3600)


def test_a_message_received_after_now_is_open_with_more_than_a_day_left() -> None:
    reading = read_clock(T0, received_at=T0 + 2 * H)
    assert (reading.state, reading.remaining_seconds) == (SlaState.OPEN, 26 * 3600)


def test_a_message_from_the_far_past_is_late() -> None:
    reading = read_clock(T0, received_at=datetime(1970, 1, 1, tzinfo=UTC))
    assert reading.state is SlaState.LATE
    assert reading.remaining_seconds < -50 * 365 * 86400


@settings(deadline=None)  # speed is measured in bench/, never asserted
@given(received=instants, delay=st.timedeltas(min_value=timedelta(), max_value=timedelta(hours=24)),
       later=st.lists(spans, min_size=1, max_size=5))
def test_answered_in_time_never_becomes_late(received: datetime, delay: timedelta,
                                             later: list[timedelta]) -> None:
    replied = received + delay
    for extra in later:
        assert state_at(replied + extra, received_at=received, replied_at=replied) is SlaState.MET


@settings(deadline=None)  # speed is measured in bench/, never asserted
@given(received=instants, replied=st.none() | spans, steps=st.lists(spans, min_size=2, max_size=6))
def test_a_state_only_moves_forward(received: datetime, replied: timedelta | None, steps: list[timedelta]) -> None:
    reply_at = None if replied is None else received + replied
    nows = sorted(received + s for s in steps)
    states = [state_at(now, received_at=received, replied_at=reply_at) for now in nows]
    allowed = {SlaState.OPEN: {SlaState.OPEN, SlaState.MET, SlaState.LATE},
               SlaState.MET: {SlaState.MET}, SlaState.LATE: {SlaState.LATE}}
    for before, after in itertools.pairwise(states):
        assert after in allowed[before]


@settings(deadline=None)  # speed is measured in bench/, never asserted
@given(received=instants, elapsed=st.timedeltas(min_value=timedelta(), max_value=timedelta(hours=24)))
def test_an_open_message_shows_the_time_it_has_left(received: datetime, elapsed: timedelta) -> None:
    reading = read_clock(received + elapsed, received_at=received)
    assert reading.state is SlaState.OPEN
    assert 0 <= reading.remaining_seconds <= (timedelta(hours=24) - elapsed).total_seconds()


def test_parse_instant_reads_offsets_z_and_naive_times_as_utc() -> None:
    assert parse_instant("2026-03-08T09:30:00Z", field="x") == datetime(2026, 3, 8, 9, 30, tzinfo=UTC)
    assert parse_instant("2026-03-08T10:30:00+01:00", field="x") == datetime(2026, 3, 8, 9, 30, tzinfo=UTC)
    assert parse_instant(" 2026-03-08T09:30:00 ", field="x") == datetime(2026, 3, 8, 9, 30, tzinfo=UTC)
    with pytest.raises(InputError, match=r"'received_at'.*2026-03-08T09:30:00Z"):
        parse_instant("yesterday", field="received_at")


def test_receive_time_prefers_the_date_header_when_it_is_plausible() -> None:
    arrival = T0 + timedelta(minutes=3)
    assert receive_time(date_header=T0, arrived_at=arrival).at == T0
    assert receive_time(date_header=T0, arrived_at=arrival).source is ReceiveSource.DATE_HEADER
    assert receive_time(date_header=T0, arrived_at=None).source is ReceiveSource.DATE_HEADER


@pytest.mark.parametrize(("header", "source"), [
    (None, ReceiveSource.ARRIVAL_NO_DATE),
    (T0 + 5 * H, ReceiveSource.ARRIVAL_DATE_IN_FUTURE),
    (T0 - MAX_RELAY_DELAY - timedelta(seconds=1), ReceiveSource.ARRIVAL_DATE_TOO_OLD),
    (datetime(1970, 1, 1, tzinfo=UTC), ReceiveSource.ARRIVAL_DATE_TOO_OLD),
])
def test_receive_time_falls_back_to_the_arrival(header: datetime | None, source: ReceiveSource) -> None:
    chosen = receive_time(date_header=header, arrived_at=T0)
    assert (chosen.at, chosen.source) == (T0, source)


def test_receive_time_keeps_a_header_exactly_at_the_relay_limit() -> None:
    header = T0 - MAX_RELAY_DELAY
    assert receive_time(date_header=header, arrived_at=T0).at == header


def test_a_message_with_no_time_at_all_cannot_be_clocked() -> None:
    with pytest.raises(InputError, match="received_at"):
        receive_time(date_header=None, arrived_at=None)


@settings(deadline=None)  # speed is measured in bench/, never asserted
@given(header=st.none() | instants, arrival=instants)
def test_the_receive_time_is_never_after_the_arrival(header: datetime | None, arrival: datetime) -> None:
    chosen = receive_time(date_header=header, arrived_at=arrival)
    assert arrival - MAX_RELAY_DELAY <= chosen.at <= arrival


def test_a_reply_answers_every_earlier_unanswered_message() -> None:
    thread = [BuyerMessage("a", T0), BuyerMessage("b", T0 + H), BuyerMessage("c", T0 + 3 * H)]
    assert answered_by(thread, reply_at=T0 + 2 * H) == ["a", "b"]
    assert answered_by(thread, reply_at=T0 + 4 * H, already_answered=["a", "b"]) == ["c"]
    assert answered_by(thread, reply_at=T0 - H) == []


def test_first_replies_skips_auto_responders() -> None:
    thread = [BuyerMessage("a", T0), BuyerMessage("b", T0 + 5 * H)]
    replies = [Reply(T0 + timedelta(seconds=5), automatic=True), Reply(T0 + 6 * H), Reply(T0 + 2 * H)]
    assert first_replies(thread, replies) == {"a": T0 + 2 * H, "b": T0 + 6 * H}
    assert first_replies(thread, [Reply(T0 + H, automatic=True)]) == {}


@settings(deadline=None)  # speed is measured in bench/, never asserted
@given(offsets=st.lists(spans, min_size=1, max_size=8), reply_offsets=st.lists(spans, max_size=5))
def test_every_first_reply_comes_at_or_after_its_message(offsets: list[timedelta],
                                                         reply_offsets: list[timedelta]) -> None:
    thread = [BuyerMessage(str(i), T0 + o) for i, o in enumerate(offsets)]
    replies = [Reply(T0 + o) for o in reply_offsets]
    answered = first_replies(thread, replies)
    for message in thread:
        later = [r.sent_at for r in replies if r.sent_at >= message.received_at]
        assert answered.get(message.key) == (min(later) if later else None)


@settings(deadline=None)  # speed is measured in bench/, never asserted
@given(st.text(max_size=40))
def test_parse_instant_reads_or_refuses_any_text(text: str) -> None:
    try:
        moment = parse_instant(text, field="received_at")
    except InputError as exc:
        message = str(exc)
    else:
        message = "'received_at' parsed"
        assert moment.utcoffset() == timedelta(0)
        assert read_clock(moment, received_at=moment).remaining_seconds == 24 * 3600
    assert "'received_at'" in message


@settings(deadline=None)  # speed is measured in bench/, never asserted
@given(st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(8999, 12, 30),
                    timezones=st.sampled_from([UTC, ZoneInfo("Asia/Tokyo"), ZoneInfo("America/Los_Angeles")]),
                    allow_imaginary=False))
def test_parse_instant_round_trips_iso_8601(moment: datetime) -> None:
    assert parse_instant(moment.isoformat(), field="x") == moment.astimezone(UTC)


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+09:00", "9999-12-31T23:00:00Z", "1899-12-31T23:59:59Z"])
def test_parse_instant_refuses_times_that_no_mail_has(text: str) -> None:
    with pytest.raises(InputError, match="outside the years 1900-8999"):
        parse_instant(text, field="received_at")
