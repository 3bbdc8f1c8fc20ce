"""The team's clock: weekly windows, holidays, DST weeks and the safe-by time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sellerdesk.core.sla import due_at
from sellerdesk.core.working_hours import (
    PeakSeason,
    Window,
    WorkingCalendar,
    format_weekly_hours,
    is_working_time,
    last_working_moment,
    next_working_moment,
    parse_peak_season,
    parse_weekly_hours,
    safe_by,
    team_deadline,
    working_intervals,
    working_time_between,
    working_time_left,
)

LA = ZoneInfo("America/Los_Angeles")
BERLIN = ZoneInfo("Europe/Berlin")
DST_ZONES = ("America/Los_Angeles", "Europe/Berlin", "Asia/Tokyo", "Asia/Shanghai")
H = timedelta(hours=1)


def local(zone: ZoneInfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=zone).astimezone(UTC)


def test_parse_weekly_hours_reads_days_ranges_and_several_windows() -> None:
    windows = parse_weekly_hours(["mon-fri 09:00-12:30, 13:30-18:00", "sat 10:00-14:00"])
    assert len(windows) == 11
    assert Window(0, 9 * 60, 12 * 60 + 30) in windows
    assert Window(5, 600, 840) in windows
    assert parse_weekly_hours(["fri-mon 9:00-10:00"]) == tuple(Window(d, 540, 600) for d in (0, 4, 5, 6))
    assert len(parse_weekly_hours(["daily 00:00-24:00"])) == 7
    assert parse_weekly_hours(["Mon,WED 22:00–06:00"]) == (Window(0, 1320, 360), Window(2, 1320, 360))


@pytest.mark.parametrize(("lines", "message"), [
    ([], "no working hours"),
    (["monday 09:00-18:00"], "not a day"),
    (["mon-fri"], "give time ranges"),
    (["mon 9-18"], "HH:MM-HH:MM"),
    (["mon 09:00-25:00"], "impossible time"),
    (["mon 24:00-02:00"], "impossible time"),
    (["mon 09:00-09:00"], "00:00-24:00"),
    (["mon 09:00-18:00,"], "give time ranges"),
])
def test_parse_weekly_hours_refuses_clearly(lines: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_weekly_hours(lines)


windows_strategy = st.lists(
    st.builds(lambda d, s, length: Window(d, s, (s + length) if s + length <= 1440 else (s + length) % 1440),
              st.integers(0, 6), st.integers(0, 1439), st.integers(1, 1439)),
    min_size=1, max_size=12)


@settings(deadline=None)  # speed is measured in bench/, never asserted
@given(windows_strategy)
def test_format_then_parse_gives_back_the_windows(windows: list[Window]) -> None:
    assert parse_weekly_hours(format_weekly_hours(windows)) == tuple(sorted(set(windows)))


@settings(deadline=None)  # speed is measured in bench/, never asserted
@given(st.lists(st.text(max_size=40), max_size=3))
def test_parse_weekly_hours_never_fails_other_than_clearly(lines: list[str]) -> None:
    try:
        windows = parse_weekly_hours(lines)
    except ValueError as exc:
        message = str(exc)
    else:
        message = "parsed"
        assert all(0 <= w.weekday <= 6 and 0 <= w.start < 1440 and 0 < w.end <= 1440 for w in windows)
    assert message


def test_parse_peak_season() -> None:
    assert parse_peak_season("11-15..12-31") == PeakSeason((11, 15), (12, 31))
    assert parse_peak_season("12-15..01-10").contains(date(2027, 1, 3))
    assert not parse_peak_season("12-15..01-10").contains(date(2027, 2, 3))
    assert parse_peak_season("02-29..03-01").contains(date(2026, 3, 1))
    for bad in ("11-15", "13-01..12-31", "02-30..03-01", "Nov 15..Dec 31"):
        with pytest.raises(ValueError, match=r"MM-DD|not a day"):
            parse_peak_season(bad)


def test_intervals_of_an_ordinary_week_in_los_angeles() -> None:
    calendar = WorkingCalendar(zone=LA)
    week = working_intervals(calendar, local(LA, 2026, 1, 12), local(LA, 2026, 1, 19))
    assert len(week) == 5
    assert week[0] == (local(LA, 2026, 1, 12, 9), local(LA, 2026, 1, 12, 18))
    assert working_time_between(calendar, local(LA, 2026, 1, 12), local(LA, 2026, 1, 19)) == 45 * H


@pytest.mark.parametrize("zone_name", DST_ZONES)
@pytest.mark.parametrize("monday", [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 23), date(2026, 3, 30),
                                    date(2026, 10, 19), date(2026, 10, 26), date(2026, 11, 2)])
def test_a_dst_week_keeps_its_wall_clock_windows(zone_name: str, monday: date) -> None:
    zone = ZoneInfo(zone_name)
    calendar = WorkingCalendar(zone=zone, windows=parse_weekly_hours(["mon-sun 09:00-18:00"]))
    start = datetime(monday.year, monday.month, monday.day, tzinfo=zone)
    found = working_intervals(calendar, start - 2 * timedelta(days=1), start + timedelta(days=9))
    for lo, hi in found:
        assert hi - lo == 9 * H
        assert (lo.astimezone(zone).hour, hi.astimezone(zone).hour) == (9, 18)


@pytest.mark.parametrize(("zone_name", "day", "hours"), [
    ("America/Los_Angeles", date(2026, 3, 8), 23), ("America/Los_Angeles", date(2026, 11, 1), 25),
    ("Europe/Berlin", date(2026, 3, 29), 23), ("Europe/Berlin", date(2026, 10, 25), 25),
    ("Asia/Tokyo", date(2026, 3, 8), 24), ("Asia/Shanghai", date(2026, 10, 25), 24),
])
def test_a_whole_day_window_lasts_as_long_as_the_day(zone_name: str, day: date, hours: int) -> None:
    zone = ZoneInfo(zone_name)
    calendar = WorkingCalendar(zone=zone, windows=parse_weekly_hours(["daily 00:00-24:00"]))
    midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
    next_midnight = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    assert working_time_between(calendar, midnight, next_midnight) == hours * H


def test_a_window_in_the_skipped_hour_moves_forward_with_the_clock() -> None:
    calendar = WorkingCalendar(zone=LA, windows=parse_weekly_hours(["sun 01:00-03:00", "sun 02:30-02:45"]))
    found = working_intervals(calendar, local(LA, 2026, 3, 8), local(LA, 2026, 3, 9))
    # 01:00 PST to 03:00 PDT is one elapsed hour; 02:30-02:45 does not exist and becomes 03:30-03:45 PDT.
    assert found == [(datetime(2026, 3, 8, 9, tzinfo=UTC), datetime(2026, 3, 8, 10, tzinfo=UTC)),
                     (local(LA, 2026, 3, 8, 3, 30), local(LA, 2026, 3, 8, 3, 45))]


def test_a_window_past_midnight_belongs_to_the_day_it_starts() -> None:
    night = parse_weekly_hours(["mon 22:00-02:00"])
    calendar = WorkingCalendar(zone=BERLIN, windows=night)
    assert is_working_time(calendar, local(BERLIN, 2026, 1, 13, 1, 30))  # Tuesday 01:30
    assert not is_working_time(calendar, local(BERLIN, 2026, 1, 13, 2, 0))
    holiday = WorkingCalendar(zone=BERLIN, windows=night, days_off=frozenset({date(2026, 1, 12)}))
    assert not is_working_time(holiday, local(BERLIN, 2026, 1, 13, 1, 30))


def test_adjacent_windows_merge() -> None:
    calendar = WorkingCalendar(zone=BERLIN, windows=parse_weekly_hours(["mon 20:00-24:00", "tue 00:00-03:00"]))
    found = working_intervals(calendar, local(BERLIN, 2026, 1, 12), local(BERLIN, 2026, 1, 14))
    assert found == [(local(BERLIN, 2026, 1, 12, 20), local(BERLIN, 2026, 1, 13, 3))]


def test_a_make_up_working_day_gets_an_ordinary_weekday_s_windows() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    windows = parse_weekly_hours(["mon 10:00-19:00", "tue-fri 09:00-18:00"])
    calendar = WorkingCalendar(zone=shanghai, windows=windows, extra_workdays=frozenset({date(2026, 2, 14)}))
    saturday = local(shanghai, 2026, 2, 14)
    assert working_intervals(calendar, saturday, saturday + timedelta(days=1)) == [
        (local(shanghai, 2026, 2, 14, 10), local(shanghai, 2026, 2, 14, 19))]
    closed = WorkingCalendar(zone=shanghai, windows=(), extra_workdays=frozenset({date(2026, 2, 14)}))
    assert working_intervals(closed, saturday, saturday + timedelta(days=1)) == []


def test_next_and_last_working_moments() -> None:
    calendar = WorkingCalendar(zone=LA)
    saturday = local(LA, 2026, 1, 17, 12)
    assert next_working_moment(calendar, saturday) == local(LA, 2026, 1, 19, 9)
    assert last_working_moment(calendar, saturday) == local(LA, 2026, 1, 16, 18)
    tuesday_noon = local(LA, 2026, 1, 13, 12)
    assert next_working_moment(calendar, tuesday_noon) == tuesday_noon
    assert last_working_moment(calendar, tuesday_noon) == tuesday_noon
    closed = WorkingCalendar(zone=LA, windows=())
    assert next_working_moment(closed, saturday) is None
    assert last_working_moment(closed, saturday) is None


def test_holidays_and_days_off_are_skipped() -> None:
    calendar = WorkingCalendar(zone=LA, days_off=frozenset({date(2026, 1, 19), date(2026, 1, 20)}))
    assert next_working_moment(calendar, local(LA, 2026, 1, 17, 12)) == local(LA, 2026, 1, 21, 9)


def test_safe_by_inside_a_window_is_the_deadline() -> None:
    calendar = WorkingCalendar(zone=LA)
    received = local(LA, 2026, 1, 13, 10)
    assert safe_by(due_at(received), calendar) == due_at(received)


def test_safe_by_after_hours_is_the_end_of_the_last_window() -> None:
    calendar = WorkingCalendar(zone=LA)
    received = local(LA, 2026, 1, 12, 19)  # Monday evening, due Tuesday 19:00
    assert safe_by(due_at(received), calendar) == local(LA, 2026, 1, 13, 18)
    off_tuesday = WorkingCalendar(zone=LA, days_off=frozenset({date(2026, 1, 13)}))
    assert safe_by(due_at(received), off_tuesday) == local(LA, 2026, 1, 12, 18)


def test_safe_by_can_lie_before_a_weekend_message_arrived() -> None:
    calendar = WorkingCalendar(zone=BERLIN)
    received = local(BERLIN, 2026, 1, 16, 20)  # Friday 20:00, due Saturday 20:00
    assert safe_by(due_at(received), calendar) == local(BERLIN, 2026, 1, 16, 18)


def test_safe_by_across_the_spring_change() -> None:
    calendar = WorkingCalendar(zone=LA, windows=parse_weekly_hours(["daily 09:00-18:00"]))
    received = local(LA, 2026, 3, 7, 17)  # due 2026-03-08 18:00 PDT: 24 elapsed hours, 25 on the wall clock
    assert due_at(received).astimezone(LA).hour == 18
    assert safe_by(due_at(received), calendar) == local(LA, 2026, 3, 8, 18)


def test_peak_season_tightens_the_target() -> None:
    peak = WorkingCalendar(zone=LA, peak_seasons=(PeakSeason((11, 15), (12, 31)),))
    received = local(LA, 2026, 12, 1, 10)  # Tuesday 10:00: team deadline 22:00, Amazon's Wednesday 10:00
    assert team_deadline(due_at(received), peak) == local(LA, 2026, 12, 1, 22)
    assert safe_by(due_at(received), peak) == local(LA, 2026, 12, 1, 18)
    outside = local(LA, 2026, 10, 6, 10)
    assert safe_by(due_at(outside), peak) == due_at(outside)
    loose = WorkingCalendar(zone=LA, peak_seasons=peak.peak_seasons, peak_target=48 * H)
    assert team_deadline(due_at(received), loose) == due_at(received)


def test_working_time_left() -> None:
    calendar = WorkingCalendar(zone=LA)
    now = local(LA, 2026, 1, 12, 17)
    assert working_time_left(calendar, now, until=local(LA, 2026, 1, 13, 10)) == 2 * H
    assert working_time_left(calendar, now, until=now - H) == timedelta()


@settings(deadline=None)  # speed is measured in bench/, never asserted
@given(
    zone_name=st.sampled_from(DST_ZONES),
    received=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)),
    lines=st.sampled_from([["mon-fri 09:00-18:00"], ["daily 22:00-06:00"], ["mon-sat 08:00-12:00, 13:00-17:00"]]),
    peak=st.booleans(),
)
def test_safe_by_is_a_working_moment_no_later_than_the_deadlines(zone_name: str, received: datetime,
                                                                 lines: list[str], peak: bool) -> None:
    calendar = WorkingCalendar(zone=ZoneInfo(zone_name), windows=parse_weekly_hours(lines),
                               peak_seasons=(PeakSeason((1, 1), (12, 31)),) if peak else ())
    due = due_at(received)
    target = safe_by(due, calendar)
    assert target <= team_deadline(due, calendar) <= due
    assert is_working_time(calendar, target - timedelta(microseconds=1))
    assert working_time_between(calendar, target, team_deadline(due, calendar)) == timedelta()


TRANSITION_DAYS = (date(2026, 3, 8), date(2026, 3, 29), date(2026, 10, 25), date(2026, 11, 1))


@settings(deadline=None)  # speed is measured in bench/, never asserted
@given(
    zone_name=st.sampled_from(DST_ZONES),
    day=st.sampled_from(TRANSITION_DAYS),
    offsets=st.lists(st.integers(-4 * 24 * 60, 4 * 24 * 60), min_size=3, max_size=3),
    lines=st.sampled_from([["daily 00:00-24:00"], ["mon-fri 09:00-18:00"], ["daily 01:30-02:30, 22:00-03:00"]]),
)
def test_working_time_adds_up_across_dst_weeks(zone_name: str, day: date, offsets: list[int],
                                               lines: list[str]) -> None:
    zone = ZoneInfo(zone_name)
    calendar = WorkingCalendar(zone=zone, windows=parse_weekly_hours(lines))
    base = datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)
    a, b, c = sorted(base + timedelta(minutes=m) for m in offsets)
    whole = working_time_between(calendar, a, c)
    assert whole == working_time_between(calendar, a, b) + working_time_between(calendar, b, c)
    assert timedelta() <= whole <= c - a
    for lo, hi in working_intervals(calendar, a, c):
        assert a <= lo < hi <= c
        assert is_working_time(calendar, lo)
        assert not is_working_time(calendar, hi) or hi == c


@settings(deadline=None)  # speed is measured in bench/, never asserted
@given(
    zone_name=st.sampled_from(DST_ZONES),
    day=st.sampled_from(TRANSITION_DAYS),
    minutes=st.integers(-3 * 24 * 60, 3 * 24 * 60),
)
def test_safe_by_in_dst_weeks(zone_name: str, day: date, minutes: int) -> None:
    zone = ZoneInfo(zone_name)
    calendar = WorkingCalendar(zone=zone, windows=parse_weekly_hours(["daily 08:00-20:00"]))
    received = datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC) + timedelta(minutes=minutes)
    due = due_at(received)
    target = safe_by(due, calendar)
    assert due - received == timedelta(hours=24)
    assert target <= due
    assert due - target <= timedelta(hours=13)  # at most the 12-hour night (13 on a 25-hour day) lies between
    local_end = target.astimezone(zone)
    assert target == due or (local_end.hour, local_end.minute) == (20, 0)
