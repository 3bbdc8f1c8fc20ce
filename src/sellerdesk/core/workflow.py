"""The inbox workflow: thread states, the moves between them, round robin and collisions.

A thread moves through these states::

    new -> open -> waiting_on_buyer -> on_hold -> answered -> closed

``new``: nobody has looked at it yet; ``open``: being worked on; ``waiting_on_buyer``: the team
asked the buyer something; ``on_hold``: held back for a reason of :data:`HOLD_REASONS` (a
suspicious message, information awaited from a carrier or the warehouse, an escalation); ``answered``: the
last buyer message has a reply; ``closed``: done. A new buyer message reopens a thread that
was waiting on the buyer, answered or closed (:data:`REOPENED_BY_BUYER`); a thread on hold
stays on hold, because the reason for holding it has not gone away, but its new message is on
Amazon's clock like any other.

Everything here is pure: refusals are returned as sentences, never raised, and time comes in
as an argument.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sellerdesk.core.sla import as_utc


class ThreadState(enum.StrEnum):
    """Where a thread stands in the team's workflow."""

    NEW = "new"
    OPEN = "open"
    WAITING_ON_BUYER = "waiting_on_buyer"
    ON_HOLD = "on_hold"
    ANSWERED = "answered"
    CLOSED = "closed"


HOLD_REASONS = ("suspicious", "waiting_for_information", "escalated")
"""Why a thread may be put on hold (``escalated``: handed to a senior colleague or a manager)."""

_ALLOWED: dict[ThreadState, frozenset[ThreadState]] = {
    ThreadState.NEW: frozenset(set(ThreadState) - {ThreadState.NEW}),
    ThreadState.OPEN: frozenset({ThreadState.WAITING_ON_BUYER, ThreadState.ON_HOLD, ThreadState.ANSWERED,
                                 ThreadState.CLOSED}),
    ThreadState.WAITING_ON_BUYER: frozenset({ThreadState.OPEN, ThreadState.ON_HOLD, ThreadState.CLOSED}),
    ThreadState.ON_HOLD: frozenset({ThreadState.OPEN, ThreadState.WAITING_ON_BUYER, ThreadState.ANSWERED,
                                    ThreadState.CLOSED}),
    ThreadState.ANSWERED: frozenset({ThreadState.OPEN, ThreadState.WAITING_ON_BUYER, ThreadState.CLOSED}),
    ThreadState.CLOSED: frozenset({ThreadState.OPEN}),
}

REOPENED_BY_BUYER = frozenset({ThreadState.WAITING_ON_BUYER.value, ThreadState.ANSWERED.value,
                               ThreadState.CLOSED.value})
"""States a new buyer message moves back to ``open``."""

COLLISION_WINDOW = timedelta(minutes=5)
"""Another agent who opened a thread this recently is probably still on it."""


def allowed_moves(current: str) -> frozenset[ThreadState]:
    """The states a thread in *current* may be moved to by hand (none for an unknown state)."""
    try:
        return _ALLOWED[ThreadState(current)]
    except ValueError:
        return frozenset()


def transition_refusal(current: str, target: str, *, reason: str | None = None) -> str | None:
    """Why a thread in *current* may not move to *target*, or ``None`` when it may.

    Putting a thread on hold needs one of :data:`HOLD_REASONS`.
    """
    names = ", ".join(s.value for s in ThreadState)
    try:
        goal = ThreadState(target)
    except ValueError:
        return f"unknown thread state {target!r}; use one of {names}"
    if current == target:
        return f"the thread is already {target}"
    allowed = allowed_moves(current)
    if goal not in allowed:
        options = ", ".join(sorted(s.value for s in allowed)) or "none"
        return f"a thread that is {current} cannot become {target}; it can become: {options}"
    if goal is ThreadState.ON_HOLD and reason not in HOLD_REASONS:
        return f"putting a thread on hold needs a reason: {' or '.join(HOLD_REASONS)} (got {reason!r})"
    return None


def next_in_rotation(agents: Sequence[str], *, last: str | None) -> str | None:
    """The agent after *last* in *agents* (round robin); the first one when *last* is unknown.

    Returns ``None`` when there is nobody to assign. The order is the order of *agents*, so
    callers pass a stable order (e.g. by name).
    """
    if not agents:
        return None
    if last is None or last not in agents:
        return agents[0]
    return agents[(list(agents).index(last) + 1) % len(agents)]


@dataclass(frozen=True)
class View:
    """Someone had a thread open at an instant."""

    user: str
    at: datetime


def other_viewers(views: Iterable[View], *, user: str, now: datetime,
                  window: timedelta = COLLISION_WINDOW) -> list[str]:
    """Other users who opened the thread within *window* before *now* (a collision warning), by name."""
    since = as_utc(now) - window
    return sorted({v.user for v in views if v.user != user and since <= as_utc(v.at) <= as_utc(now)})


def no_response_refusal(*, direction: str, kind: str, reason: str) -> str | None:
    """Why a message may not be marked "no response needed", or ``None`` when it may.

    Only buyer messages can be marked, and the reason is kept in the audit log, so it must say
    something: Amazon reviews misuse of the mark.
    """
    if direction != "in" or kind != "buyer_message":
        return f"only buyer messages can be marked 'no response needed' (this one is {direction}/{kind})"
    if len(reason.strip()) < 3:
        return "say why no response is needed (e.g. 'buyer only thanked us'); the reason goes to the audit log"
    return None
