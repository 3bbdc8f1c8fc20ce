"""The replacement case's state machine: which step may follow which, what each step needs, what is owed.

A case goes requested → approved → shipped (carrier and tracking number) → delivered → closed, or
ends refused (with the reason). When no replacement is possible (out of stock, delisted) it goes to
``unavailable``: the buyer is owed an explanation with a refund offer within 48 hours of the
request; the case is closed once the refund is settled. Closing needs the ledger's checklist: the
replacement's tracking uploaded to Amazon and the original return closed, so nothing is paid twice.

Each state owes the buyer a message: within 24 hours of the request (Amazon's clock), within 48 hours
for the out-of-stock explanation, within 24 hours of any later step. ``due_at`` is that time until
the step's message is queued.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sellerdesk.core.sla import RESPONSE_WINDOW
from sellerdesk.errors import InputError

STATES = ("requested", "approved", "shipped", "delivered", "closed", "refused", "unavailable")
"""Every state of a replacement case."""
FINISHED = frozenset({"closed", "refused"})
"""States after which nothing more happens (the case no longer counts as in progress)."""
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "requested": ("approved", "refused", "unavailable"),
    "approved": ("shipped", "unavailable"),
    "shipped": ("delivered",),
    "delivered": ("closed",),
    "unavailable": ("closed",),
    "closed": (),
    "refused": (),
}
"""The states each state may move to."""
CAUSES = ("not_received", "damaged_defective", "missing_parts", "wrong_item", "undeliverable")
"""Why a replacement is asked for: the buyer-message intents that open a case, and a parcel the carrier returned."""
EXPLANATION_WINDOW = timedelta(hours=48)
"""When no replacement is possible, the explanation with a refund offer is due this long after the request."""


@dataclass(frozen=True)
class CaseState:
    """The fields of a case the state machine reads and writes."""

    state: str
    requested_at: datetime
    due_at: datetime | None = None
    approved_at: datetime | None = None
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    finished_at: datetime | None = None
    carrier: str | None = None
    tracking_number: str | None = None
    ship_date: datetime | None = None
    refusal_reason: str | None = None
    tracking_uploaded: bool = False
    return_closed: bool = False

    @property
    def in_progress(self) -> bool:
        """Whether the case is still open (not closed or refused)."""
        return self.state not in FINISHED


@dataclass(frozen=True)
class Step:
    """A move to state *to* at *at*, with what that state needs (carrier and tracking, a reason...)."""

    to: str
    at: datetime
    carrier: str | None = None
    tracking_number: str | None = None
    ship_date: datetime | None = None
    reason: str | None = None
    tracking_uploaded: bool | None = None
    return_closed: bool | None = None


def opened(requested_at: datetime) -> CaseState:
    """A new case, requested at *requested_at*; the first answer is due within Amazon's 24 hours."""
    return CaseState(state="requested", requested_at=requested_at, due_at=requested_at + RESPONSE_WINDOW)


def advance(case: CaseState, step: Step) -> CaseState:
    """The case after *step*.

    Raises:
        InputError: an unknown state, a move the machine does not allow, or a missing carrier,
            tracking number, reason or checklist item; the message says what to give.
    """
    if step.to not in STATES:
        raise InputError(f"unknown state {step.to!r}; use one of {', '.join(STATES)}")
    if step.to not in TRANSITIONS[case.state]:
        allowed = ", ".join(TRANSITIONS[case.state]) or "nothing (the case is finished)"
        raise InputError(f"a {case.state} case cannot move to {step.to}; it can move to {allowed}")
    checklist = replace(case, tracking_uploaded=_tick(step.tracking_uploaded, case.tracking_uploaded),
                        return_closed=_tick(step.return_closed, case.return_closed))
    owed = step.at + RESPONSE_WINDOW
    if step.to == "approved":
        return replace(checklist, state="approved", approved_at=step.at, ship_date=step.ship_date or step.at,
                       due_at=owed)
    if step.to == "shipped":
        carrier, tracking = (step.carrier or "").strip(), (step.tracking_number or "").strip()
        if not carrier or not tracking:
            raise InputError("a shipped replacement needs its carrier and tracking number (carrier, tracking_number)")
        return replace(checklist, state="shipped", shipped_at=step.at, carrier=carrier, tracking_number=tracking,
                       ship_date=step.ship_date or step.at, due_at=owed)
    if step.to == "delivered":
        return replace(checklist, state="delivered", delivered_at=step.at, due_at=None)
    if step.to == "refused":
        reason = (step.reason or "").strip()
        if not reason:
            raise InputError("a refusal needs the reason the buyer will read (reason)")
        return replace(checklist, state="refused", refusal_reason=reason, finished_at=step.at, due_at=owed)
    if step.to == "unavailable":
        return replace(checklist, state="unavailable", due_at=case.requested_at + EXPLANATION_WINDOW)
    missing = closing_gaps(checklist)
    if missing:
        raise InputError("the case cannot be closed before its checklist is done: " + "; ".join(missing))
    return replace(checklist, state="closed", finished_at=step.at, due_at=None)


def closing_gaps(case: CaseState) -> list[str]:
    """What the closing checklist still lacks (empty when the case may be closed)."""
    gaps = []
    if case.shipped_at is not None and not case.tracking_uploaded:
        gaps.append("upload the replacement's tracking number to the order and tick tracking_uploaded")
    if not case.return_closed:
        gaps.append("close the original return (or confirm there is none) and tick return_closed, "
                    "so nothing is paid twice")
    return gaps


def answered(case: CaseState) -> CaseState:
    """The case once the buyer message its state owes has been queued: nothing is due until the next step."""
    return replace(case, due_at=None)


def counts_as_replacement(case: CaseState) -> bool:
    """Whether the case is a replacement made or promised (approved, shipped, delivered, or closed after shipping)."""
    if case.state == "closed":
        return case.shipped_at is not None
    return case.state in ("approved", "shipped", "delivered")


def _tick(given: bool | None, before: bool) -> bool:
    return before if given is None else given
