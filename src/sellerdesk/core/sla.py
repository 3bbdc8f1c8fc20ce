"""Amazon's 24-hour clock: when a buyer message is due and where it stands.

Every buyer message is due 24 hours of elapsed time (day and night, weekends and holidays
included) after Amazon received it. A reply in the thread answers every earlier buyer message that is
still unanswered; a message marked "no response needed" leaves the clock altogether.
All instants here are timezone-aware and returned in UTC; the time "now" always comes
in as an argument.

Odd times have a defined meaning (``docs/sla.md`` lists them with examples):

* a time without a UTC offset is read as UTC, the zone sellerdesk stores;
* a message without a usable ``Date`` header is clocked from the moment the mail server
  got it (its arrival time);
* a ``Date`` header later than the arrival time is clamped to the arrival time (the
  sender's clock ran fast: a message cannot be received after it arrived);
* a ``Date`` header more than :data:`MAX_RELAY_DELAY` before the arrival time is
  replaced by the arrival time too (a stopped or reset clock; Amazon relays within
  minutes);
* a reply given as the answer to a message but stamped before it counts as an answer
  after zero seconds (the two clocks disagree; the reply did answer the message). In a
  thread, where replies are matched to messages by time (:func:`first_replies`), a reply
  answers only the messages received at or before it;
* a reply stamped after *now* has not happened yet as seen from *now*.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sellerdesk.errors import InputError

RESPONSE_WINDOW = timedelta(hours=24)
"""Amazon's deadline: every buyer message is due this long after Amazon received it."""

MAX_RELAY_DELAY = timedelta(days=7)
"""A ``Date`` header this much older than the mail's arrival is taken for a wrong clock."""

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
"""Times outside ``[EARLIEST, LATEST)`` are refused: no mail has them, and the arithmetic must not overflow."""


class SlaState(enum.StrEnum):
    """Where a buyer message stands on Amazon's clock (contracts §3 ``state``)."""

    OPEN = "open"  # unanswered, deadline not passed
    MET = "met"  # answered within 24 hours
    LATE = "late"  # answered after 24 hours, or still unanswered after 24 hours
    EXCLUDED = "excluded"  # marked "no response needed": not measured


class ReceiveSource(enum.StrEnum):
    """Which clock a message's receive time was taken from."""

    DATE_HEADER = "date_header"
    ARRIVAL_NO_DATE = "arrival_no_date"  # no Date header at all
    ARRIVAL_DATE_IN_FUTURE = "arrival_date_in_future"  # Date header later than arrival
    ARRIVAL_DATE_TOO_OLD = "arrival_date_too_old"  # Date header more than MAX_RELAY_DELAY early


@dataclass(frozen=True)
class ReceiveTime:
    """The instant Amazon's clock starts for a message, and why that instant was chosen."""

    at: datetime
    source: ReceiveSource


@dataclass(frozen=True)
class ClockReading:
    """A buyer message on Amazon's clock as seen at one instant (one line of ``sellerdesk sla``)."""

    due_at: datetime
    remaining_seconds: int
    state: SlaState


def as_utc(moment: datetime) -> datetime:
    """Return *moment* in UTC; a naive datetime is read as UTC (the zone sellerdesk stores)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_instant(text: str, *, field: str) -> datetime:
    """Parse an ISO 8601 date-time (``Z`` or an offset; none means UTC) into a UTC datetime.

    Raises:
        InputError: *text* is not ISO 8601; the message names *field* and shows the expected form.
    """
    try:
        moment = as_utc(datetime.fromisoformat(text.strip()))
    except ValueError as exc:
        raise InputError(f"field {field!r}: {text!r} is not an ISO 8601 time; "
                         "write it like 2026-03-08T09:30:00Z or 2026-03-08T10:30:00+01:00") from exc
    except OverflowError:
        moment = datetime.min.replace(tzinfo=UTC)  # an offset pushed it past year 1: out of range below
    if not EARLIEST <= moment < LATEST:
        raise InputError(f"field {field!r}: {text!r} lies outside the years {EARLIEST.year}-{LATEST.year - 1}; "
                         "check the date")
    return moment


def receive_time(*, date_header: datetime | None, arrived_at: datetime | None) -> ReceiveTime:
    """Choose the instant Amazon's clock starts for a message (see the module docstring).

    Args:
        date_header: the mail's ``Date`` header, if it had a usable one.
        arrived_at: when the mail server got the mail (IMAP INTERNALDATE), if known.

    Raises:
        InputError: neither time is known, so the message cannot be clocked.
    """
    if date_header is None and arrived_at is None:
        raise InputError("a message has neither a Date header nor an arrival time; "
                         "give received_at (or arrived_at) so its 24-hour clock can start")
    if arrived_at is None:
        assert date_header is not None  # narrowed by the check above
        return ReceiveTime(as_utc(date_header), ReceiveSource.DATE_HEADER)
    arrival = as_utc(arrived_at)
    if date_header is None:
        return ReceiveTime(arrival, ReceiveSource.ARRIVAL_NO_DATE)
    header = as_utc(date_header)
    if header > arrival:
        return ReceiveTime(arrival, ReceiveSource.ARRIVAL_DATE_IN_FUTURE)
    if arrival - header > MAX_RELAY_DELAY:
        return ReceiveTime(arrival, ReceiveSource.ARRIVAL_DATE_TOO_OLD)
    return ReceiveTime(header, ReceiveSource.DATE_HEADER)


def due_at(received_at: datetime) -> datetime:
    """Amazon's deadline for a message received at *received_at*: 24 hours later, in UTC.

    The 24 hours are elapsed time, so a night when the clocks change still lasts 24 hours.
    """
    return as_utc(received_at) + RESPONSE_WINDOW


def state_at(now: datetime, *, received_at: datetime, replied_at: datetime | None = None,
             excluded: bool = False) -> SlaState:
    """Where a message stands at *now*.

    A reply counts only once it has happened (``replied_at <= now``). A reply exactly 24 hours
    after receipt is on time. Once met, a message stays met at every later *now*.
    """
    if excluded:
        return SlaState.EXCLUDED
    deadline = due_at(received_at)
    now = as_utc(now)
    if replied_at is not None and as_utc(replied_at) <= now:
        return SlaState.MET if as_utc(replied_at) <= deadline else SlaState.LATE
    return SlaState.OPEN if now <= deadline else SlaState.LATE


def read_clock(now: datetime, *, received_at: datetime, replied_at: datetime | None = None,
               excluded: bool = False) -> ClockReading:
    """Read Amazon's clock for one message at *now*.

    ``remaining_seconds`` is the time from the moment the clock stopped to the deadline: the
    reply time for an answered message (negative when it came late), else *now* (negative once
    the deadline has passed). Seconds are rounded down, so an open message never shows more
    time than it has.
    """
    deadline = due_at(received_at)
    now = as_utc(now)
    stopped = now
    if not excluded and replied_at is not None and as_utc(replied_at) <= now:
        stopped = max(as_utc(replied_at), as_utc(received_at))
    remaining = (deadline - stopped) // timedelta(seconds=1)
    state = state_at(now, received_at=received_at, replied_at=replied_at, excluded=excluded)
    return ClockReading(due_at=deadline, remaining_seconds=remaining, state=state)


@dataclass(frozen=True)
class BuyerMessage:
    """A buyer message of one thread, as the reply matcher needs it."""

    key: str
    received_at: datetime


@dataclass(frozen=True)
class Reply:
    """A reply sent in a thread; automatic replies (auto-responders) do not answer anything."""

    sent_at: datetime
    automatic: bool = False


def answered_by(messages: Iterable[BuyerMessage], *, reply_at: datetime,
                already_answered: Iterable[str] = ()) -> list[str]:
    """Keys of the buyer messages a reply sent at *reply_at* answers.

    A reply answers every buyer message of the thread received at or before it that was still
    unanswered. Keys are returned oldest message first.
    """
    done = set(already_answered)
    moment = as_utc(reply_at)
    hits = [m for m in messages if m.key not in done and as_utc(m.received_at) <= moment]
    return [m.key for m in sorted(hits, key=lambda m: (as_utc(m.received_at), m.key))]


def first_replies(messages: Sequence[BuyerMessage], replies: Iterable[Reply]) -> Mapping[str, datetime]:
    """The time each buyer message of a thread was first answered, by message key.

    Replies are taken in time order and each one answers every earlier unanswered message
    (:func:`answered_by`); automatic replies are skipped because Amazon does not count them.
    Messages that no reply answered are absent from the result.
    """
    answered: dict[str, datetime] = {}
    for reply in sorted((r for r in replies if not r.automatic), key=lambda r: as_utc(r.sent_at)):
        for key in answered_by(messages, reply_at=reply.sent_at, already_answered=answered):
            answered[key] = as_utc(reply.sent_at)
    return answered
