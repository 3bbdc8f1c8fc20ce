"""Contact Response Time, as Amazon measures it, over any window of time.

A record is one buyer message: when Amazon received it, when it was first answered (if it
was), whether it was marked "no response needed", and who handled it. Every message received
in the window ``[start, end)`` gets one outcome as seen at ``as_of`` (``end`` by default):

* ``excluded``: marked "no response needed"; left out of every figure (counted apart, per agent,
  because misusing the mark is a risk);
* ``on_time``: answered by ``as_of``, at most 24 hours after receipt;
* ``late``: answered by ``as_of``, more than 24 hours after receipt;
* ``no_response``: still unanswered at ``as_of`` although its 24 hours have passed;
* ``pending``: still unanswered at ``as_of`` with time left; not measured yet.

The *measured* messages are the on-time, late and no-response ones, and the rates are shares
of them: ``within_24h_share`` = on-time / measured; ``late_response_rate`` = (late + no-response)
/ measured, since a message still unanswered after 24 hours already has a response time over
24 hours; ``no_response_rate`` = no-response / measured. The average and median response times
are taken over the answered messages (on time and late). The goals are at least 90 % within
24 hours and an average of at most 12 hours; a gap is how far a figure is from its goal (zero
when met). With these definitions, excluding a message that has no answer never makes a figure
worse; excluding an answered message can move figures either way.
"""

from __future__ import annotations

import enum
import statistics
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sellerdesk.core.sla import SlaState, as_utc, state_at

GOAL_WITHIN_24H_SHARE = 0.90
GOAL_AVERAGE_RESPONSE = timedelta(hours=12)
STANDARD_WINDOWS_DAYS = (7, 30, 90)

GroupField = Literal["store", "marketplace", "agent"]


class Outcome(enum.StrEnum):
    """What became of one buyer message, as seen at a given instant."""

    ON_TIME = "on_time"
    LATE = "late"
    NO_RESPONSE = "no_response"
    PENDING = "pending"
    EXCLUDED = "excluded"


_OUTCOME_OF_STATE = {SlaState.MET: Outcome.ON_TIME, SlaState.OPEN: Outcome.PENDING,
                     SlaState.EXCLUDED: Outcome.EXCLUDED}


@dataclass(frozen=True)
class ResponseRecord:
    """One buyer message for the metrics: its times, its exclusion mark and who handled it."""

    received_at: datetime
    replied_at: datetime | None = None
    excluded: bool = False
    agent: str | None = None  # who answered it (or marked it "no response needed")
    marketplace: str | None = None
    store: str | None = None


@dataclass(frozen=True)
class ResponseMetrics:
    """Contact Response Time over ``[start, end)`` as seen at ``as_of`` (see the module docstring).

    Rates and times are ``None`` when nothing was measured (no figure is better than a made-up one).
    """

    start: datetime
    end: datetime
    as_of: datetime
    received: int
    excluded: int
    pending: int
    on_time: int
    late: int
    no_response: int
    within_24h_share: float | None
    late_response_rate: float | None
    no_response_rate: float | None
    average_response: timedelta | None
    median_response: timedelta | None

    @property
    def measured(self) -> int:
        """Messages with a known outcome: on time, late or without response."""
        return self.on_time + self.late + self.no_response

    @property
    def within_24h_gap(self) -> float | None:
        """How far the share within 24 hours is below the 90 % goal (0.0 when met)."""
        if self.within_24h_share is None:
            return None
        return max(0.0, GOAL_WITHIN_24H_SHARE - self.within_24h_share)

    @property
    def average_gap(self) -> timedelta | None:
        """How far the average response time is above the 12-hour goal (zero when met)."""
        if self.average_response is None:
            return None
        return max(timedelta(), self.average_response - GOAL_AVERAGE_RESPONSE)

    @property
    def meets_goals(self) -> bool | None:
        """Whether both goals are met; ``None`` when nothing was measured."""
        if self.within_24h_gap is None:
            return None
        return self.within_24h_gap == 0.0 and (self.average_gap or timedelta()) == timedelta()


def outcome(record: ResponseRecord, *, as_of: datetime) -> Outcome:
    """The outcome of one message as seen at *as_of*."""
    state = state_at(as_of, received_at=record.received_at, replied_at=record.replied_at,
                     excluded=record.excluded)
    if state is SlaState.LATE:
        answered = record.replied_at is not None and as_utc(record.replied_at) <= as_utc(as_of)
        return Outcome.LATE if answered else Outcome.NO_RESPONSE
    return _OUTCOME_OF_STATE[state]


def response_time(record: ResponseRecord) -> timedelta | None:
    """How long the answer took; a reply stamped before the message counts as zero."""
    if record.replied_at is None:
        return None
    return max(timedelta(), as_utc(record.replied_at) - as_utc(record.received_at))


def trailing_window(days: int, *, end: datetime) -> tuple[datetime, datetime]:
    """The window of the last *days* days ending at *end* (e.g. 7, 30 or 90), as ``(start, end)``."""
    if days <= 0:
        raise ValueError(f"a window of {days} days is empty; use a positive number of days such as 7, 30 or 90")
    end = as_utc(end)
    return end - timedelta(days=days), end


def _in_window(records: Iterable[ResponseRecord], start: datetime, end: datetime) -> list[ResponseRecord]:
    return [r for r in records if start <= as_utc(r.received_at) < end]


def contact_response_time(records: Iterable[ResponseRecord], *, start: datetime, end: datetime,
                          as_of: datetime | None = None) -> ResponseMetrics:
    """Contact Response Time of the messages received in ``[start, end)``, seen at *as_of* (default *end*)."""
    start, end = as_utc(start), as_utc(end)
    seen = end if as_of is None else as_utc(as_of)
    chosen = _in_window(records, start, end)
    counts = dict.fromkeys(Outcome, 0)
    times: list[float] = []
    for record in chosen:
        result = outcome(record, as_of=seen)
        counts[result] += 1
        if result in (Outcome.ON_TIME, Outcome.LATE):
            answer = response_time(record)
            assert answer is not None  # answered outcomes have a reply time
            times.append(answer.total_seconds())
    measured = counts[Outcome.ON_TIME] + counts[Outcome.LATE] + counts[Outcome.NO_RESPONSE]

    def share(count: int) -> float | None:
        return count / measured if measured else None

    return ResponseMetrics(
        start=start, end=end, as_of=seen, received=len(chosen),
        excluded=counts[Outcome.EXCLUDED], pending=counts[Outcome.PENDING],
        on_time=counts[Outcome.ON_TIME], late=counts[Outcome.LATE], no_response=counts[Outcome.NO_RESPONSE],
        within_24h_share=share(counts[Outcome.ON_TIME]),
        late_response_rate=share(counts[Outcome.LATE] + counts[Outcome.NO_RESPONSE]),
        no_response_rate=share(counts[Outcome.NO_RESPONSE]),
        average_response=timedelta(seconds=statistics.fmean(times)) if times else None,
        median_response=timedelta(seconds=statistics.median(times)) if times else None,
    )


def _grouper(field: GroupField) -> Callable[[ResponseRecord], str | None]:
    if field not in ("store", "marketplace", "agent"):
        raise ValueError(f"cannot group by {field!r}; group by store, marketplace or agent")
    return lambda record: getattr(record, field)


def contact_response_time_by(records: Iterable[ResponseRecord], *, by: GroupField, start: datetime,
                             end: datetime, as_of: datetime | None = None) -> Mapping[str | None, ResponseMetrics]:
    """:func:`contact_response_time` for each store, marketplace or agent (``None``: not known)."""
    key = _grouper(by)
    groups: dict[str | None, list[ResponseRecord]] = {}
    for record in records:
        groups.setdefault(key(record), []).append(record)
    return {name: contact_response_time(group, start=start, end=end, as_of=as_of)
            for name, group in sorted(groups.items(), key=lambda item: (item[0] is None, item[0] or ""))}


def exclusions_by_agent(records: Iterable[ResponseRecord], *, start: datetime,
                        end: datetime) -> Mapping[str | None, int]:
    """How many messages received in ``[start, end)`` each agent marked "no response needed"."""
    counts: dict[str | None, int] = {}
    for record in _in_window(records, as_utc(start), as_utc(end)):
        if record.excluded:
            counts[record.agent] = counts.get(record.agent, 0) + 1
    return counts
