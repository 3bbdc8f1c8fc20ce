"""The team's clock: a store's working calendar and the "safe by" time.

Amazon's clock (:mod:`sellerdesk.core.sla`) runs day and night; the team does not. A store
works in weekly windows (several a day allowed) in its own time zone, minus public holidays
and custom days off. From both clocks comes **safe by**: the last working moment before
Amazon's deadline, i.e. the end of the last working window before it (or the deadline itself
when it falls inside a window). That is the time the team must actually hit.

Windows are wall-clock times in the store's zone, so "09:00-18:00" stays 09:00-18:00 across a
change of clocks. A window may run past midnight ("22:00-06:00"); it belongs to the day it
starts on, so a holiday cancels the window that starts on it, including its hours after
midnight. A boundary that falls into the hour skipped in spring moves forward with the clock
(02:30 becomes 03:30); one in the hour repeated in autumn means its first occurrence.

Holidays are dates computed by the caller (``services/calendar.py`` asks the ``holidays``
library), so this module stays pure; so are make-up working days, the weekends some countries
(China) turn into working days around a long holiday, which get an ordinary weekday's windows.
In peak season the team's target is tighter than Amazon's 24 hours
(:attr:`WorkingCalendar.peak_target`, 12 hours by default).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

from sellerdesk.core.sla import RESPONSE_WINDOW, as_utc

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_HOURS = ("mon-fri 09:00-18:00",)
DEFAULT_PEAK_TARGET = timedelta(hours=12)
SEARCH_HORIZON = timedelta(days=400)
"""How far the calendar looks for a working window before giving up (a year of closures)."""

_DAY = timedelta(days=1)
_MINUTES_PER_DAY = 24 * 60
_SEASON = re.compile(r"^([0-9]{1,2})-([0-9]{1,2})\s*\.\.\s*([0-9]{1,2})-([0-9]{1,2})$")
_RANGE = re.compile(r"^([0-9]{1,2}):([0-9]{2})\s*[-–]\s*([0-9]{1,2}):([0-9]{2})$")


@dataclass(frozen=True, order=True)
class Window:
    """One weekly working window, in local wall-clock minutes.

    ``weekday`` is 0 for Monday; ``start`` and ``end`` count minutes from local midnight
    (``end`` may be 1440, i.e. 24:00). An ``end`` at or before ``start`` runs past midnight
    into the next day.
    """

    weekday: int
    start: int
    end: int


@dataclass(frozen=True)
class PeakSeason:
    """A yearly period (inclusive, month and day) in which the tighter peak target applies.

    ``start`` after ``end`` wraps around the new year (e.g. 12-15 to 01-10).
    """

    start: tuple[int, int]
    end: tuple[int, int]

    def contains(self, day: date) -> bool:
        """Whether *day* falls in this season."""
        key = (day.month, day.day)
        if self.start <= self.end:
            return self.start <= key <= self.end
        return key >= self.start or key <= self.end


@dataclass(frozen=True)
class WorkingCalendar:
    """When a store's team works: weekly windows in its zone, minus days off."""

    zone: tzinfo
    windows: tuple[Window, ...] = field(default_factory=lambda: parse_weekly_hours(DEFAULT_HOURS))
    days_off: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()  # make-up working days (China's 调休 weekends)
    peak_seasons: tuple[PeakSeason, ...] = ()
    peak_target: timedelta = DEFAULT_PEAK_TARGET

    @functools.cached_property
    def by_weekday(self) -> tuple[tuple[Window, ...], ...]:
        """The windows of each weekday, Monday first."""
        return tuple(tuple(w for w in self.windows if w.weekday == day) for day in range(7))

    def windows_on(self, day: date) -> tuple[Window, ...]:
        """The windows that start on *day*.

        None on a day off; on a make-up working day, those of the first weekday that has any
        (Monday's, usually).
        """
        if day in self.days_off:
            return ()
        if day in self.extra_workdays:
            return next((group for group in self.by_weekday if group), ())
        return self.by_weekday[day.weekday()]

    def target_for(self, received_at: datetime) -> timedelta:
        """The team's response target for a message received at *received_at* (24 h or the peak target)."""
        local_day = as_utc(received_at).astimezone(self.zone).date()
        if any(season.contains(local_day) for season in self.peak_seasons):
            return min(self.peak_target, RESPONSE_WINDOW)
        return RESPONSE_WINDOW


def parse_weekly_hours(lines: Sequence[str]) -> tuple[Window, ...]:
    """Parse working hours written as ``"mon-fri 09:00-12:30, 13:30-18:00"``, one line per day group.

    Days are ``mon``...``sun``, ranges such as ``mon-fri`` or ``fri-mon`` (wrapping), lists such as
    ``mon,wed`` and ``daily``. Times are ``HH:MM``; ``24:00`` ends a day; an end at or before the
    start runs past midnight (``22:00-06:00``).

    Raises:
        ValueError: a line does not follow that form; the message quotes it and shows the form.
    """
    if not lines:
        raise ValueError('no working hours given; write e.g. ["mon-fri 09:00-18:00"], '
                         'or ["daily 00:00-24:00"] for a team that is always on')
    windows: set[Window] = set()
    for line in lines:
        days_text, _, ranges_text = line.strip().partition(" ")
        days = _parse_days(days_text, line=line)
        ranges = [r.strip() for r in ranges_text.split(",")]
        if not ranges_text.strip() or any(not r for r in ranges):
            raise ValueError(f"{line!r}: give time ranges after the days, e.g. \"mon-fri 09:00-18:00\"")
        for text in ranges:
            start, end = _parse_range(text, line=line)
            windows.update(Window(day, start, end) for day in days)
    return tuple(sorted(windows))


def parse_peak_season(text: str) -> PeakSeason:
    """Parse a yearly period written ``"MM-DD..MM-DD"`` (inclusive; it may wrap the new year).

    Raises:
        ValueError: *text* is not of that form or names an impossible day.
    """
    match = _SEASON.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a season; write it as MM-DD..MM-DD, e.g. \"11-15..12-31\"")
    m1, d1, m2, d2 = (int(g) for g in match.groups())
    for month, day in ((m1, d1), (m2, d2)):
        try:
            date(2024, month, day)  # a leap year, so 02-29 is a valid season boundary
        except ValueError as exc:
            raise ValueError(f"{text!r}: {month:02d}-{day:02d} is not a day of the year") from exc
    return PeakSeason((m1, d1), (m2, d2))


def format_weekly_hours(windows: Iterable[Window]) -> list[str]:
    """Write windows in the form :func:`parse_weekly_hours` reads, one line per weekday."""
    by_day: dict[int, list[Window]] = {}
    for window in sorted(set(windows)):
        by_day.setdefault(window.weekday, []).append(window)
    return [f"{WEEKDAYS[day]} " + ", ".join(f"{_hhmm(w.start)}-{_hhmm(w.end)}" for w in group)
            for day, group in sorted(by_day.items())]


def _parse_days(text: str, *, line: str) -> list[int]:
    text = text.lower()
    if text == "daily":
        return list(range(7))
    days: list[int] = []
    for part in text.split(","):
        first, dash, last = part.partition("-")
        if first not in WEEKDAYS or (dash and last not in WEEKDAYS):
            raise ValueError(f"{line!r}: {part!r} is not a day or day range; use mon, tue, wed, thu, fri, "
                             "sat, sun, a range such as mon-fri, a list such as mon,wed or daily")
        start = WEEKDAYS.index(first)
        span = (WEEKDAYS.index(last) - start) % 7 if dash else 0
        days.extend((start + offset) % 7 for offset in range(span + 1))
    return days


def _parse_range(text: str, *, line: str) -> tuple[int, int]:
    match = _RANGE.match(text)
    if match is None:
        raise ValueError(f"{line!r}: {text!r} is not a time range; write it as HH:MM-HH:MM, e.g. 09:00-18:00")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2):
        raise ValueError(f"{line!r}: {text!r} has an impossible time; hours run 00-23 (24:00 only as an end)")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if start == end % _MINUTES_PER_DAY and end != _MINUTES_PER_DAY:
        raise ValueError(f"{line!r}: {text!r} is empty; use 00:00-24:00 for a whole day")
    return start, end


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _local(day: date, minutes: int, zone: tzinfo) -> datetime:
    # Wall-clock arithmetic on a naive value, then the zone: fold=0 picks the first of a
    # repeated hour, and a skipped hour resolves with the pre-change offset (moves forward).
    naive = datetime(day.year, day.month, day.day) + timedelta(minutes=minutes)
    return naive.replace(tzinfo=zone).astimezone(UTC)


def working_intervals(calendar: WorkingCalendar, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The team's working time within ``[start, end)``, as merged, sorted UTC intervals."""
    start, end = as_utc(start), as_utc(end)
    if end <= start:
        return []
    first = start.astimezone(calendar.zone).date() - _DAY  # a window of the day before may run past midnight
    last = end.astimezone(calendar.zone).date()
    raw: list[tuple[datetime, datetime]] = []
    day = first
    while day <= last:
        for window in calendar.windows_on(day):
            end_minutes = window.end if window.end > window.start else window.end + _MINUTES_PER_DAY
            lo, hi = _local(day, window.start, calendar.zone), _local(day, end_minutes, calendar.zone)
            if hi > lo:
                raw.append((lo, hi))
        day += _DAY
    merged: list[tuple[datetime, datetime]] = []
    for lo, hi in sorted(raw):
        lo, hi = max(lo, start), min(hi, end)
        if hi <= lo:
            continue
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def is_working_time(calendar: WorkingCalendar, moment: datetime) -> bool:
    """Whether the team works at *moment*."""
    moment = as_utc(moment)
    return bool(working_intervals(calendar, moment, moment + timedelta(microseconds=1)))


def next_working_moment(calendar: WorkingCalendar, moment: datetime) -> datetime | None:
    """The first instant at or after *moment* when the team works; ``None`` if none within a year."""
    cursor = as_utc(moment)
    limit = cursor + SEARCH_HORIZON
    step = _DAY  # most answers lie within a day; widen to a week after that
    while cursor < limit:
        found = working_intervals(calendar, cursor, cursor + step)
        if found:
            return found[0][0]
        cursor, step = cursor + step, 7 * _DAY
    return None


def last_working_moment(calendar: WorkingCalendar, moment: datetime) -> datetime | None:
    """The latest instant at or before *moment* up to which the team works.

    That is *moment* itself during working time, else the end of the last working window
    before it; ``None`` if the team has not worked within a year before *moment*.
    """
    cursor = as_utc(moment)
    limit = cursor - SEARCH_HORIZON
    step = _DAY  # most answers lie within a day; widen to a week after that
    while cursor > limit:
        found = working_intervals(calendar, cursor - step, cursor)
        if found:
            return found[-1][1]
        cursor, step = cursor - step, 7 * _DAY
    return None


def working_time_between(calendar: WorkingCalendar, start: datetime, end: datetime) -> timedelta:
    """How much working time lies in ``[start, end)`` (zero when *end* is not after *start*)."""
    return sum((hi - lo for lo, hi in working_intervals(calendar, start, end)), timedelta())


def team_deadline(due_at: datetime, calendar: WorkingCalendar) -> datetime:
    """The deadline the team aims at: Amazon's, or earlier in peak season (receipt + peak target)."""
    due = as_utc(due_at)
    received = due - RESPONSE_WINDOW
    return received + calendar.target_for(received)


def safe_by(due_at: datetime, calendar: WorkingCalendar) -> datetime:
    """The time the team must answer by: the last working moment before the (team) deadline.

    For a message due at *due_at* (Amazon's deadline), the deadline is tightened in peak season
    (:func:`team_deadline`); safe by is then the end of the last working window before it, or
    the deadline itself when it falls inside a window. It can lie before the message arrived
    (a Friday-night message due on Saturday, for a team off at weekends): the message then needs
    an answer out of hours. With no working window within a year, safe by is the deadline.
    """
    deadline = team_deadline(due_at, calendar)
    last = last_working_moment(calendar, deadline)
    return deadline if last is None else last


def working_time_left(calendar: WorkingCalendar, now: datetime, *, until: datetime) -> timedelta:
    """The team's working time from *now* until *until* (e.g. safe by); zero once it has passed."""
    return working_time_between(calendar, now, until)
