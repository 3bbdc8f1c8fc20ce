"""The pure inbox workflow: allowed moves, hold reasons, round robin, collisions, the mark's refusals."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from sellerdesk.core.workflow import (
    REOPENED_BY_BUYER,
    ThreadState,
    View,
    allowed_moves,
    next_in_rotation,
    no_response_refusal,
    other_viewers,
    transition_refusal,
)

NOW = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_the_happy_path_is_allowed() -> None:
    path = ["new", "open", "waiting_on_buyer", "on_hold", "answered", "closed"]
    for current, target in itertools.pairwise(path):
        assert transition_refusal(current, target, reason="suspicious") is None, (current, target)


@pytest.mark.parametrize(("current", "target"), [("closed", "answered"), ("open", "new"), ("answered", "on_hold")])
def test_moves_outside_the_machine_are_refused_with_the_options(current: str, target: str) -> None:
    refusal = transition_refusal(current, target)
    assert refusal is not None
    assert "it can become" in refusal


def test_hold_needs_a_known_reason() -> None:
    assert "needs a reason" in (transition_refusal("open", "on_hold") or "")
    assert transition_refusal("open", "on_hold", reason="waiting_for_information") is None


def test_unknown_and_same_states_are_refused() -> None:
    assert "unknown thread state" in (transition_refusal("open", "snoozed") or "")
    assert "already" in (transition_refusal("open", "open") or "")
    assert allowed_moves("quarantined") == frozenset()


def test_a_buyer_message_reopens_every_state_whose_work_was_done() -> None:
    assert {"waiting_on_buyer", "answered", "closed"} == REOPENED_BY_BUYER
    assert all(ThreadState.OPEN in allowed_moves(state) for state in REOPENED_BY_BUYER)


def test_round_robin_goes_around() -> None:
    agents = ["amy", "bo", "cy"]
    picks = []
    last = None
    for _ in range(4):
        last = next_in_rotation(agents, last=last)
        picks.append(last)
    assert picks == ["amy", "bo", "cy", "amy"]
    assert next_in_rotation(agents, last="gone") == "amy"
    assert next_in_rotation([], last="amy") is None


def test_collisions_are_other_recent_viewers_only() -> None:
    views = [View("amy", NOW - timedelta(minutes=1)), View("bo", NOW - timedelta(minutes=2)),
             View("cy", NOW - timedelta(minutes=30)), View("bo", NOW - timedelta(minutes=4))]
    assert other_viewers(views, user="amy", now=NOW) == ["bo"]
    assert other_viewers(views, user="amy", now=NOW, window=timedelta(hours=1)) == ["bo", "cy"]


def test_only_buyer_messages_with_a_reason_can_be_marked() -> None:
    assert no_response_refusal(direction="in", kind="buyer_message", reason="buyer only said thanks") is None
    assert "only buyer messages" in (no_response_refusal(direction="out", kind="reply", reason="x y z") or "")
    assert "say why" in (no_response_refusal(direction="in", kind="buyer_message", reason=" ") or "")
