"""A store's working calendar, built from its ``[[stores]]`` settings and public holidays.

The pure calendar (:mod:`sellerdesk.core.working_hours`) takes holidays as plain dates; this
module asks the ``holidays`` library for them. Holidays are computed for the years the caller
names (the CLI takes the year of ``--now`` and the years on either side), because a calendar
is used around one moment, not across decades.

Settings (see ``docs/configuration.md``)::

    [[stores]]
    name = "acme-us"
    marketplaces = ["US"]
    timezone = "America/Los_Angeles"
    working_hours = ["mon-fri 09:00-12:30, 13:30-18:00", "sat 10:00-14:00"]
    holidays = ["US-CA"]                 # country, or country-subdivision
    days_off = ["2026-12-24", 2026-12-31]
    peak_season = ["11-15..12-31"]
    peak_target_hours = 12
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import date, timedelta

import holidays

from sellerdesk.config import Config, StoreConfig
from sellerdesk.core.working_hours import WorkingCalendar, parse_peak_season, parse_weekly_hours
from sellerdesk.errors import ConfigError


def public_holidays(code: str, *, years: Iterable[int]) -> tuple[frozenset[date], frozenset[date]]:
    """The public holidays of a country (``"DE"``) or subdivision (``"DE-BY"``) in *years*, and its
    make-up working days (weekends worked instead, as in China) in those years.

    Raises:
        ConfigError: the ``holidays`` library does not know the country or subdivision.
    """
    wanted = set(years)
    country, _, subdivision = code.strip().upper().partition("-")
    try:
        calendar = holidays.country_holidays(country, subdiv=subdivision or None, years=sorted(wanted))
    except NotImplementedError as exc:
        raise ConfigError(f"holidays: {code!r} is not a country or subdivision the holidays library knows; "
                          'use an ISO code such as "US", "US-CA", "DE-BY" or "CN"') from exc
    workdays = frozenset(d for d in getattr(calendar, "weekend_workdays", ()) if d.year in wanted)
    return frozenset(calendar.keys()), workdays


def _day_off(value: object, *, where: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ConfigError(f"{where}: days_off: {value!r} is not a date; write it as \"2026-12-24\"")


def build_calendar(store: StoreConfig, *, years: Iterable[int]) -> WorkingCalendar:
    """The working calendar of *store*, with the public holidays of *years*.

    Raises:
        ConfigError: a calendar setting is malformed; the message names the store, the key and the fix.
    """
    where = f"[[stores]] {store.name!r}"
    try:
        windows = parse_weekly_hours(list(store.working_hours))
        seasons = tuple(parse_peak_season(text) for text in store.peak_season)
    except (ValueError, AttributeError, TypeError) as exc:
        raise ConfigError(f"{where}: working_hours or peak_season: {exc}") from exc
    if not 1 <= store.peak_target_hours <= 24:
        raise ConfigError(f"{where}: peak_target_hours: {store.peak_target_hours} is outside 1..24; "
                          "Amazon's own deadline is 24 hours, a usual peak target 12")
    wanted = sorted(set(years))
    days_off: set[date] = {_day_off(value, where=where) for value in store.days_off}
    workdays: set[date] = set()
    for code in store.holidays:
        try:
            found, extra = public_holidays(str(code), years=wanted)
        except ConfigError as exc:
            raise ConfigError(f"{where}: {exc}") from exc
        days_off |= found
        workdays |= extra
    try:
        zone = zoneinfo.ZoneInfo(store.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"{where}: timezone: {store.timezone!r} is not an IANA time zone") from exc
    return WorkingCalendar(zone=zone, windows=windows, days_off=frozenset(days_off),
                           extra_workdays=frozenset(workdays - days_off), peak_seasons=seasons,
                           peak_target=timedelta(hours=store.peak_target_hours))


def store_calendar(config: Config, name: str, *, around_year: int) -> WorkingCalendar:
    """The calendar of the store called *name*, with holidays of *around_year* and the years either side.

    Raises:
        ConfigError: there is no such store, or its calendar settings are malformed.
    """
    return build_calendar(config.store(name), years=range(around_year - 1, around_year + 2))
