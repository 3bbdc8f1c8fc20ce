"""The delivery state machine of the outbox, as pure data and functions.

A reply is delivered exactly once or visibly not at all. Its delivery moves::

    queued ──claim──▶ sending ──accepted──▶ sent
      ▲                 │ ├──permanent (5xx)──▶ failed
      └──temporary──────┘ ├──retries used up──▶ failed
         (4xx, refused     └──lost after DATA / crash──▶ unknown ──human──▶ sent | failed
          before DATA)

``unknown`` is the honest state after a connection dropped once the message body had
been handed over, or after a worker died between the claim and the server's answer: the
server may have accepted the mail. Sending it again could write to a buyer twice, so
nothing leaves ``unknown`` except a person's confirmation (:func:`confirm_state`).

The retry schedule is exponential with jitter; the randomness comes in as an ``rng``
argument and the time as ``now``, so everything here is deterministic under test.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sellerdesk.errors import InputError


class DeliveryState(StrEnum):
    """Where a delivery stands (the ``state`` column of deliveries and of outgoing messages)."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"


class AttemptOutcome(StrEnum):
    """What one talk with the SMTP server came to."""

    ACCEPTED = "accepted"  # the server answered 2xx to the end of DATA
    TEMPORARY = "temporary"  # 4xx, or no connection / dropped before the body was sent: safe to retry
    PERMANENT = "permanent"  # 5xx: the server will never take it
    UNKNOWN = "unknown"  # lost after the body was handed over: the server may have it


TRANSITIONS: dict[DeliveryState, frozenset[DeliveryState]] = {
    DeliveryState.QUEUED: frozenset({DeliveryState.SENDING, DeliveryState.FAILED}),
    DeliveryState.SENDING: frozenset({DeliveryState.SENT, DeliveryState.QUEUED, DeliveryState.FAILED,
                                      DeliveryState.UNKNOWN}),
    DeliveryState.UNKNOWN: frozenset({DeliveryState.SENT, DeliveryState.FAILED}),
    DeliveryState.SENT: frozenset(),
    DeliveryState.FAILED: frozenset(),
}

# The roles of sellerdesk's users (admin, agent, viewer): who may answer buyers at all, and
# who may send a reply the compliance guard blocked, with a written reason.
ANSWER_ROLES = frozenset({"admin", "agent"})
OVERRIDE_ROLES = frozenset({"admin"})
MIN_OVERRIDE_REASON = 10


@dataclass(frozen=True)
class Actor:
    """A person (or ``system:<job>``) acting on the outbox, with the role that decides what they may do.

    Roles are those of sellerdesk's users: ``admin``, ``agent``, ``viewer``.
    """

    name: str
    role: str = "agent"


@dataclass(frozen=True)
class RetryPolicy:
    """How temporary failures are retried: ``base * factor**(n-1)`` seconds, capped, ± jitter."""

    base_seconds: float = 60.0
    factor: float = 2.0
    max_seconds: float = 3600.0
    jitter: float = 0.2  # fraction of the delay, drawn uniformly in [-jitter, +jitter]
    max_attempts: int = 8


@dataclass(frozen=True)
class Step:
    """The state a delivery moves to after an attempt, and when to try again (for ``queued``)."""

    state: DeliveryState
    next_attempt_at: datetime | None = None
    reason: str | None = None


def can_move(current: DeliveryState | str, target: DeliveryState | str) -> bool:
    """True when the state machine allows going from *current* to *target*."""
    return DeliveryState(target) in TRANSITIONS[DeliveryState(current)]


def retry_delay(policy: RetryPolicy, *, attempts: int, rng: random.Random) -> timedelta:
    """The wait before the next attempt after *attempts* failed ones (``attempts`` ≥ 1).

    Jitter spreads the retries of many replies that failed together (a server restart)
    so that they do not all return at the same second.
    """
    raw = policy.base_seconds * policy.factor ** max(attempts - 1, 0)
    capped = min(raw, policy.max_seconds)
    spread = capped * policy.jitter
    return timedelta(seconds=max(capped + rng.uniform(-spread, spread), 0.0))


def after_attempt(outcome: AttemptOutcome, *, attempts: int, now: datetime, rng: random.Random,
                  reason: str | None = None, policy: RetryPolicy | None = None) -> Step:
    """Decide where a delivery in ``sending`` goes after an attempt.

    Args:
        outcome: what the attempt came to.
        attempts: how many attempts were made, this one included.
        now: the time of the attempt (timezone-aware).
        rng: source of the jitter.
        reason: the server's answer or the error, kept for the people reading the outbox.
        policy: the retry schedule (default :class:`RetryPolicy`).
    """
    policy = policy or RetryPolicy()
    if outcome is AttemptOutcome.ACCEPTED:
        return Step(DeliveryState.SENT, reason=reason)
    if outcome is AttemptOutcome.PERMANENT:
        return Step(DeliveryState.FAILED, reason=reason)
    if outcome is AttemptOutcome.UNKNOWN:
        return Step(DeliveryState.UNKNOWN, reason=reason)
    if attempts >= policy.max_attempts:
        return Step(DeliveryState.FAILED, reason=f"gave up after {attempts} attempts; last error: {reason}")
    return Step(DeliveryState.QUEUED, next_attempt_at=now + retry_delay(policy, attempts=attempts, rng=rng),
                reason=reason)


def recovered_state(state: DeliveryState | str) -> DeliveryState:
    """What a delivery found in *state* after a crash becomes: ``sending`` turns ``unknown``, others stay."""
    current = DeliveryState(state)
    return DeliveryState.UNKNOWN if current is DeliveryState.SENDING else current


def confirm_state(current: DeliveryState | str, *, sent: bool, delivery_id: int) -> DeliveryState:
    """The state a person's confirmation of an ``unknown`` delivery leads to.

    Raises:
        InputError: the delivery is not ``unknown``; only those wait for a person's decision.
    """
    if DeliveryState(current) is not DeliveryState.UNKNOWN:
        raise InputError(f"delivery {delivery_id} is {current!r}, not 'unknown'; only deliveries in "
                         "'unknown' wait for a confirmation (see `sellerdesk outbox list --state unknown`)")
    return DeliveryState.SENT if sent else DeliveryState.FAILED


def answer_refusal(actor: Actor) -> str | None:
    """Why *actor* may not send replies at all, or ``None`` when they may."""
    if actor.role in ANSWER_ROLES:
        return None
    return (f"{actor.name} has role {actor.role!r}, which may read but not answer; "
            f"replies are sent by {' or '.join(sorted(ANSWER_ROLES))} users")


def override_refusal(actor: Actor, reason: str | None) -> str | None:
    """Why *actor* may not send a blocked reply with *reason*, or ``None`` when the override stands."""
    if actor.role not in OVERRIDE_ROLES:
        return (f"{actor.name} has role {actor.role!r}; only {' or '.join(sorted(OVERRIDE_ROLES))} may send a "
                "reply the compliance guard blocked: ask one of them, or rewrite the reply")
    if reason is None or len(reason.strip()) < MIN_OVERRIDE_REASON:
        return (f"an override needs a written reason of at least {MIN_OVERRIDE_REASON} characters "
                "(it is kept in the audit log); say why this reply must go out as written")
    return None
