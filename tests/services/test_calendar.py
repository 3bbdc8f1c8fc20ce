"""Building a store's working calendar from its settings and the holidays library."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sellerdesk.config import StoreConfig, parse_config
from sellerdesk.core.working_hours import Window
from sellerdesk.errors import ConfigError
from sellerdesk.services.calendar import build_calendar, public_holidays, store_calendar


def store(**settings: object) -> StoreConfig:
    return StoreConfig("acme", ("US",), **settings)  # type: ignore[arg-type]


def test_defaults_are_monday_to_friday_nine_to_six_without_holidays() -> None:
    calendar = build_calendar(store(), years=[2026])
    assert calendar.windows == tuple(Window(d, 540, 1080) for d in range(5))
    assert calendar.days_off == frozenset()
    assert str(calendar.zone) == "UTC"
    assert calendar.peak_seasons == ()


def test_holidays_of_countries_and_subdivisions_and_custom_days_off() -> None:
    calendar = build_calendar(store(holidays=["US-CA", "cn"], days_off=["2026-12-24", date(2026, 12, 31)],
                                    peak_season=["11-15..12-31"], peak_target_hours=10), years=[2026])
    assert {date(2026, 7, 3), date(2026, 3, 31), date(2026, 10, 1)} <= calendar.days_off  # US obs., César Chávez, CN
    assert {date(2026, 12, 24), date(2026, 12, 31)} <= calendar.days_off
    assert calendar.peak_target == timedelta(hours=10)
    assert len(calendar.peak_seasons) == 1


def test_public_holidays_cover_the_years_asked_for() -> None:
    days, workdays = public_holidays("DE-BY", years=[2025, 2026])
    assert {date(2025, 1, 6), date(2026, 1, 6)} <= days  # Epiphany, Bavaria only
    assert workdays == frozenset()
    assert date(2026, 1, 6) not in public_holidays("DE", years=[2026])[0]


def test_china_s_make_up_weekends_become_working_days() -> None:
    calendar = build_calendar(store(holidays=["CN"], timezone="Asia/Shanghai", days_off=["2026-10-10"]),
                              years=[2026])
    assert date(2026, 2, 14) in calendar.extra_workdays  # a Saturday worked before the Spring Festival
    assert date(2026, 10, 10) not in calendar.extra_workdays  # a custom day off wins
    assert all(d.year == 2026 for d in calendar.extra_workdays)
    assert calendar.windows_on(date(2026, 2, 14)) == calendar.windows_on(date(2026, 2, 9))  # a Monday


@pytest.mark.parametrize(("settings", "message"), [
    ({"holidays": ["XX"]}, "holidays library knows"),
    ({"holidays": ["US-ZZ"]}, "holidays library knows"),
    ({"days_off": ["24.12.2026"]}, "days_off"),
    ({"working_hours": ["mon-fri 9-18"]}, "HH:MM-HH:MM"),
    ({"working_hours": []}, "no working hours"),
    ({"peak_season": ["Q4"]}, "MM-DD..MM-DD"),
    ({"peak_target_hours": 30}, "outside 1..24"),
    ({"timezone": "Mars/Base"}, "IANA"),
])
def test_bad_settings_name_the_store_and_the_fix(settings: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        build_calendar(store(**settings), years=[2026])
    assert "'acme'" in str(caught.value)


def test_store_calendar_reads_the_configuration() -> None:
    config = parse_config({"stores": [{"name": "acme-de", "marketplaces": ["DE"], "timezone": "Europe/Berlin",
                                       "working_hours": ["mon-sat 08:00-16:00"], "holidays": ["DE"]}]}, env={})
    calendar = store_calendar(config, "acme-de", around_year=2026)
    assert len(calendar.windows) == 6
    assert {date(2025, 12, 25), date(2026, 12, 25), date(2027, 12, 25)} <= calendar.days_off
    with pytest.raises(ConfigError, match="no store named"):
        store_calendar(config, "acme-fr", around_year=2026)
