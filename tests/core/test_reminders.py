"""Which reminders are due, once, and the payload of each chat tool."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sellerdesk.core.reminders import (
    ThreadClock,
    digest_due,
    due_reminders,
    parse_point,
    reminder_key,
    webhook_payload,
)
from sellerdesk.errors import InputError

RECEIVED = datetime(2026, 3, 7, 20, 0, tzinfo=UTC)
CLOCK = ThreadClock(7, "acme-us", RECEIVED, safe_by=RECEIVED + timedelta(hours=18),
                    deadline=RECEIVED + timedelta(hours=24))
POINTS = (timedelta(hours=4), timedelta(hours=1))


def test_points_parse_and_bad_ones_are_named() -> None:
    assert parse_point("4h") == timedelta(hours=4)
    assert parse_point(" 30m ") == timedelta(minutes=30)
    with pytest.raises(InputError, match="'4 days'"):
        parse_point("4 days")


def test_each_point_is_due_from_its_time_until_the_target() -> None:
    assert due_reminders([CLOCK], now=RECEIVED + timedelta(hours=13), points=POINTS) == []
    due = due_reminders([CLOCK], now=RECEIVED + timedelta(hours=14, minutes=30), points=POINTS)
    assert [(r.target, r.point, r.left) for r in due] == [("safe_by", timedelta(hours=4), timedelta(hours=3.5))]
    later = due_reminders([CLOCK], now=RECEIVED + timedelta(hours=20), points=POINTS, sent=[due[0].key])
    assert [(r.target, r.point) for r in later] == [("deadline", timedelta(hours=4))]
    assert due_reminders([CLOCK], now=RECEIVED + timedelta(hours=25), points=POINTS) == []


def test_a_late_run_sends_only_the_nearest_point_and_never_the_farther_after_it() -> None:
    now = RECEIVED + timedelta(hours=17, minutes=30)
    due = due_reminders([CLOCK], now=now, points=POINTS, targets=("safe_by",))
    assert [r.point for r in due] == [timedelta(hours=1)]
    assert due_reminders([CLOCK], now=now, points=POINTS, targets=("safe_by",), sent=[due[0].key]) == []


def test_a_newer_unanswered_message_gets_new_keys() -> None:
    newer = ThreadClock(7, "acme-us", RECEIVED + timedelta(days=2), RECEIVED, RECEIVED)
    assert reminder_key(CLOCK, target="deadline", point=POINTS[0]) != reminder_key(newer, target="deadline",
                                                                                    point=POINTS[0])


def test_the_digest_is_due_once_a_day_from_its_hour() -> None:
    morning = datetime(2026, 3, 8, 8, 5)
    assert digest_due("acme-us", local_now=morning.replace(hour=7), hour=8) is None
    key = digest_due("acme-us", local_now=morning, hour=8)
    assert key == "digest:acme-us:2026-03-08"
    assert digest_due("acme-us", local_now=morning, hour=8, sent=[key]) is None


def test_payloads_follow_each_tool() -> None:
    lines = ["thread 7: 1 h left"]
    assert webhook_payload("slack", title="Due", lines=lines) == {"text": "Due\nthread 7: 1 h left"}
    assert webhook_payload("feishu", title="Due", lines=lines)["msg_type"] == "text"
    assert webhook_payload("lark", title="Due", lines=lines)["content"] == {"text": "Due\nthread 7: 1 h left"}
    assert webhook_payload("dingtalk", title="Due", lines=lines) == {
        "msgtype": "text", "text": {"content": "Due\nthread 7: 1 h left"}}
    assert webhook_payload("wecom", title="Due", lines=lines)["msgtype"] == "text"
    assert webhook_payload("generic", title="Due", lines=lines)["lines"] == lines
    with pytest.raises(InputError, match="unknown webhook format"):
        webhook_payload("teams", title="Due", lines=lines)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)),
       st.lists(st.integers(min_value=1, max_value=48 * 60), min_size=1, max_size=4))
def test_at_most_one_reminder_per_target_and_only_before_it(now: datetime, minutes: list[int]) -> None:
    points = [timedelta(minutes=m) for m in minutes]
    due = due_reminders([CLOCK], now=now, points=points)
    assert len({r.target for r in due}) == len(due)
    assert all(timedelta() < r.left <= r.point for r in due)
