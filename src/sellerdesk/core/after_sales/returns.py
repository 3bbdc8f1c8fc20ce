"""Return requests: the reason categories and the review owed within 3 business days (pure).

A return request is reviewed within 3 business days of the marketplace's country: Monday to
Friday, minus that country's public holidays (the caller passes them as dates; the services ask the
``holidays`` library). The review is due at the end of the third business day after the day of the
request, in the marketplace's time zone.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sellerdesk.errors import InputError

REASONS = ("damaged", "defective", "wrong_item", "missing_parts", "not_as_described", "no_longer_needed",
           "arrived_late", "other")
"""The fixed reason categories of a return request."""
STATES = ("open", "approved", "refused")
"""A return request is open until it is reviewed: approved or refused."""
REVIEW_BUSINESS_DAYS = 3
"""How many business days a return request may wait for its review."""
NEAR = timedelta(hours=24)
"""A return whose review is due within this long is "near its deadline" (daily reminders)."""


def check_reason(reason: str) -> str:
    """The reason category *reason*, normalised (``"Wrong item"`` → ``wrong_item``).

    Raises:
        InputError: not one of :data:`REASONS`.
    """
    key = reason.strip().lower().replace(" ", "_").replace("-", "_")
    if key not in REASONS:
        raise InputError(f"unknown return reason {reason!r}; use one of {', '.join(REASONS)}")
    return key


def add_business_days(day: date, days: int, *, holidays: Collection[date]) -> date:
    """The *days*-th business day after *day* (Monday to Friday, not a holiday)."""
    current = day
    left = days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            left -= 1
    return current


def review_due(requested_at: datetime, *, zone: str, holidays: Collection[date],
               days: int = REVIEW_BUSINESS_DAYS) -> datetime:
    """When the review of a return requested at *requested_at* is due: the end of the *days*-th business day
    after the request's day in *zone* (the marketplace's time zone), as an aware instant."""
    tz = ZoneInfo(zone)
    last = add_business_days(requested_at.astimezone(tz).date(), days, holidays=holidays)
    return datetime.combine(last + timedelta(days=1), time(0, 0), tzinfo=tz)
