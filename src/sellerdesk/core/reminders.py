"""Reminders: which ones are due, under which key, and the payload each chat tool expects.

A reminder warns the team some hours before a thread's "safe by" time or before Amazon's
24-hour deadline (points such as ``"4h"`` and ``"1h"``), and a morning digest per store
sums up what is open. Each reminder has a key; a key already sent is never due again, so a
job that runs every minute sends each reminder once. When the job runs late (after two points
of the same target have passed), only the nearest point is sent: two warnings at once say no more
than one.

Payloads: ``generic`` (sellerdesk's own JSON), and the incoming-webhook text messages of Slack,
Feishu/Lark, DingTalk and WeCom (WeChat Work). Everything here is pure; now comes in as an argument.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sellerdesk.core.sla import as_utc
from sellerdesk.errors import InputError

TARGETS = ("safe_by", "deadline")
WEBHOOK_FORMATS = ("generic", "slack", "feishu", "lark", "dingtalk", "wecom")

_POINT = re.compile(r"^\s*(\d+)\s*(h|m)\s*$", re.IGNORECASE)


def parse_point(text: str) -> timedelta:
    """A reminder point such as ``"4h"`` or ``"30m"`` as a duration.

    Raises:
        InputError: not a whole number of hours or minutes.
    """
    found = _POINT.match(text)
    if not found or int(found.group(1)) == 0:
        raise InputError(f"reminder point {text!r} is not a duration; write hours or minutes such as \"4h\" or "
                         "\"30m\"")
    amount = int(found.group(1))
    return timedelta(hours=amount) if found.group(2).lower() == "h" else timedelta(minutes=amount)


@dataclass(frozen=True)
class ThreadClock:
    """An unanswered thread on the clock: its oldest unanswered buyer message and both targets."""

    thread_id: int
    store: str
    received_at: datetime
    safe_by: datetime
    deadline: datetime
    subject: str | None = None


@dataclass(frozen=True)
class Reminder:
    """One reminder to send: its key (sent once), thread, target and time left."""

    key: str
    store: str
    thread_id: int
    target: str  # "safe_by" | "deadline"
    point: timedelta
    at: datetime  # the target instant
    left: timedelta

    def text(self) -> str:
        """One line for a person: which thread, which target, how long is left."""
        what = "safe-by time" if self.target == "safe_by" else "Amazon's 24-hour deadline"
        minutes = max(0, int(self.left.total_seconds() // 60))
        return (f"[{self.store}] thread {self.thread_id}: {minutes // 60} h {minutes % 60:02d} min left until "
                f"the {what} ({self.at.isoformat()})")


def reminder_key(clock: ThreadClock, *, target: str, point: timedelta) -> str:
    """The key of one reminder: a newer unanswered message of the thread gets new keys."""
    minutes = int(point.total_seconds() // 60)
    return f"thread:{clock.thread_id}:{as_utc(clock.received_at).isoformat()}:{target}:{minutes}m"


def due_reminders(clocks: Iterable[ThreadClock], *, now: datetime, points: Sequence[timedelta],
                  targets: Sequence[str] = TARGETS, sent: Iterable[str] = ()) -> list[Reminder]:
    """The reminders due at *now*, most urgent first.

    A point is due from ``target - point`` until the target passes; of the due points of one
    target, only the nearest is returned, and none whose key is in *sent* (or whose nearer point was sent).
    """
    done = set(sent)
    now = as_utc(now)
    due: list[Reminder] = []
    for clock in clocks:
        for target in targets:
            at = as_utc(clock.safe_by if target == "safe_by" else clock.deadline)
            reached = [p for p in points if at - p <= now < at]
            if not reached:
                continue
            nearest = min(reached)
            keys = {reminder_key(clock, target=target, point=p) for p in points if p <= nearest}
            if keys & done:
                continue
            due.append(Reminder(reminder_key(clock, target=target, point=nearest), clock.store, clock.thread_id,
                                target, nearest, at, at - now))
    return sorted(due, key=lambda r: (r.left, r.thread_id, r.target))


def digest_key(store: str, day: date) -> str:
    """The key of a store's morning digest of *day* (a day of the store's time zone)."""
    return f"digest:{store}:{day.isoformat()}"


def digest_due(store: str, *, local_now: datetime, hour: int, sent: Iterable[str] = ()) -> str | None:
    """The key of the store's digest when it is due at *local_now* (the store's local time), else ``None``."""
    key = digest_key(store, local_now.date())
    if local_now.hour >= hour and key not in set(sent):
        return key
    return None


def webhook_payload(fmt: str, *, title: str, lines: Sequence[str]) -> dict[str, Any]:
    """The JSON body for a webhook of format *fmt* (see :data:`WEBHOOK_FORMATS`).

    Raises:
        InputError: an unknown format.
    """
    text = "\n".join([title, *lines])
    if fmt == "generic":
        return {"title": title, "lines": list(lines), "text": text}
    if fmt == "slack":
        return {"text": text}
    if fmt in ("feishu", "lark"):
        return {"msg_type": "text", "content": {"text": text}}
    if fmt in ("dingtalk", "wecom"):
        return {"msgtype": "text", "text": {"content": text}}
    raise InputError(f"unknown webhook format {fmt!r}; use one of {', '.join(WEBHOOK_FORMATS)}")
