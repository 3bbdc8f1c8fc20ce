"""The outbox state machine: transitions, retry schedule, crash recovery, overrides."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sellerdesk.core.outbox import (
    TRANSITIONS,
    Actor,
    AttemptOutcome,
    DeliveryState,
    RetryPolicy,
    after_attempt,
    answer_refusal,
    can_move,
    confirm_state,
    override_refusal,
    recovered_state,
    retry_delay,
)
from sellerdesk.errors import InputError

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_sent_and_failed_are_final() -> None:
    for final in (DeliveryState.SENT, DeliveryState.FAILED):
        assert not any(can_move(final, target) for target in DeliveryState)


def test_unknown_only_leaves_by_a_decision_never_back_to_the_queue() -> None:
    assert TRANSITIONS[DeliveryState.UNKNOWN] == {DeliveryState.SENT, DeliveryState.FAILED}
    assert not can_move("unknown", "queued")
    assert not can_move("unknown", "sending")


def test_only_a_claim_leads_to_sending() -> None:
    sources = [state for state in DeliveryState if can_move(state, DeliveryState.SENDING)]
    assert sources == [DeliveryState.QUEUED]


def test_accepted_is_sent_and_permanent_is_failed_with_the_answer() -> None:
    rng = random.Random(1)
    sent = after_attempt(AttemptOutcome.ACCEPTED, attempts=1, now=NOW, rng=rng, reason="250 ok")
    failed = after_attempt(AttemptOutcome.PERMANENT, attempts=1, now=NOW, rng=rng, reason="554 no")
    assert (sent.state, sent.reason) == (DeliveryState.SENT, "250 ok")
    assert (failed.state, failed.reason, failed.next_attempt_at) == (DeliveryState.FAILED, "554 no", None)


def test_lost_after_data_is_unknown_never_a_retry() -> None:
    step = after_attempt(AttemptOutcome.UNKNOWN, attempts=1, now=NOW, rng=random.Random(1), reason="dropped")
    assert step.state is DeliveryState.UNKNOWN
    assert step.next_attempt_at is None


def test_temporary_failure_is_queued_again_later() -> None:
    step = after_attempt(AttemptOutcome.TEMPORARY, attempts=1, now=NOW, rng=random.Random(1), reason="451")
    assert step.state is DeliveryState.QUEUED
    assert step.next_attempt_at is not None
    assert step.next_attempt_at > NOW


def test_temporary_failures_give_up_visibly_after_the_last_attempt() -> None:
    policy = RetryPolicy(max_attempts=3)
    step = after_attempt(AttemptOutcome.TEMPORARY, attempts=3, now=NOW, rng=random.Random(1),
                         reason="451 greylisted", policy=policy)
    assert step.state is DeliveryState.FAILED
    assert step.reason is not None
    assert "3 attempts" in step.reason
    assert "451 greylisted" in step.reason


def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy(base_seconds=60, factor=2, max_seconds=600, jitter=0.0)
    delays = [retry_delay(policy, attempts=n, rng=random.Random(0)) for n in range(1, 8)]
    assert [d.total_seconds() for d in delays] == [60, 120, 240, 480, 600, 600, 600]


@given(attempts=st.integers(min_value=1, max_value=40), seed=st.integers(min_value=0, max_value=2**32))
def test_jitter_stays_within_its_band(attempts: int, seed: int) -> None:
    policy = RetryPolicy(base_seconds=30, factor=3, max_seconds=3600, jitter=0.25)
    plain = min(30 * 3 ** (attempts - 1), 3600)
    delay = retry_delay(policy, attempts=attempts, rng=random.Random(seed)).total_seconds()
    assert plain * 0.75 - 1e-6 <= delay <= plain * 1.25 + 1e-6


def test_jitter_spreads_replies_that_failed_together() -> None:
    rng = random.Random(7)
    times = {after_attempt(AttemptOutcome.TEMPORARY, attempts=2, now=NOW, rng=rng).next_attempt_at
             for _ in range(50)}
    assert len(times) > 40


def test_a_crash_turns_sending_into_unknown_and_leaves_the_rest() -> None:
    assert recovered_state("sending") is DeliveryState.UNKNOWN
    for state in ("queued", "sent", "failed", "unknown"):
        assert recovered_state(state) is DeliveryState(state)


def test_confirmation_settles_an_unknown_delivery() -> None:
    assert confirm_state("unknown", sent=True, delivery_id=4) is DeliveryState.SENT
    assert confirm_state("unknown", sent=False, delivery_id=4) is DeliveryState.FAILED


def test_confirmation_of_a_settled_delivery_names_it() -> None:
    with pytest.raises(InputError, match=r"delivery 9 is 'sent'.*outbox list"):
        confirm_state("sent", sent=False, delivery_id=9)


def test_only_an_admin_with_a_written_reason_may_override() -> None:
    reason = "Buyer asked for the manufacturer's warranty line explicitly."
    assert override_refusal(Actor("li", "admin"), reason) is None
    refusal = override_refusal(Actor("amy", "agent"), reason)
    assert refusal is not None
    assert "amy" in refusal
    assert "agent" in refusal
    for short in (None, "", "   ", "ok"):
        refusal = override_refusal(Actor("li", "admin"), short)
        assert refusal is not None
        assert "reason" in refusal


def test_viewers_may_not_answer() -> None:
    assert answer_refusal(Actor("amy", "agent")) is None
    assert answer_refusal(Actor("li", "admin")) is None
    refusal = answer_refusal(Actor("bo", "viewer"))
    assert refusal is not None
    assert "viewer" in refusal


def test_next_attempt_keeps_the_time_zone() -> None:
    step = after_attempt(AttemptOutcome.TEMPORARY, attempts=1, now=NOW, rng=random.Random(3))
    assert step.next_attempt_at is not None
    assert step.next_attempt_at.tzinfo is UTC
    assert step.next_attempt_at - NOW >= timedelta(seconds=48)
