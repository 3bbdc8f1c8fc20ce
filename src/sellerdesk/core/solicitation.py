"""Review requests (Solicitations API): the window, the send time and who must not be asked (pure).

Amazon allows one ``productReviewAndSellerFeedback`` request per order, from 5 days after the
earliest to 30 days after the latest delivery date. Sellers send it Tuesday to Friday around
10:00 in the buyer's marketplace time zone, and never to a buyer with an open problem: a
complaint, a return, a replacement in progress, or negative words in the thread.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sellerdesk.core.marketplaces import MARKETPLACES
from sellerdesk.core.orders import OrderSnapshot

WINDOW_OPENS = timedelta(days=5)
WINDOW_CLOSES = timedelta(days=30)
SEND_DAYS = (1, 2, 3, 4)  # Tuesday..Friday (Monday is 0)
SEND_TIME = time(10, 0)
SLACK = timedelta(hours=2)  # "around 10:00": a slot stays due for two hours
PROBLEM_INTENTS = frozenset({"complaint", "return_refund", "damaged_defective", "missing_parts", "wrong_item",
                             "not_received", "cancel_order", "exchange", "payment_issue"})
# Words that mean an unhappy buyer in the marketplaces' languages; a hit is enough to hold the request.
_NEGATIVE = re.compile(
    r"\b(terrible|awful|disappoint\w*|broken|useless|scam|worst|angry|unacceptable|"
    r"enttäuscht|kaputt|schlecht|unverschämt|déçu\w*|cassé\w*|nul|arnaque|deluso|rotto|pessimo|"
    r"decepcionad\w*|roto|estafa|horrible)\b|最悪|壊れ|がっかり|不良品", re.IGNORECASE)


@dataclass(frozen=True)
class ReviewDecision:
    """Whether to request a review for an order, why, and when to send it."""

    eligible: bool
    reason: str  # "eligible", "already_requested", "no_delivery_date", "too_early", "too_late", "cancelled",
    # "open_problem:<what>", "unknown_marketplace"
    send_at: datetime | None = None


def review_window(order: OrderSnapshot) -> tuple[datetime, datetime] | None:
    """The window Amazon allows: (earliest delivery + 5 days, latest delivery + 30 days), or None."""
    if order.delivery_start is None or order.delivery_end is None:
        return None
    return order.delivery_start + WINDOW_OPENS, order.delivery_end + WINDOW_CLOSES


def next_send_time(*, after: datetime, zone: str, until: datetime) -> datetime | None:
    """The first Tuesday–Friday 10:00 in *zone* at or after *after*, if it is before *until*."""
    tz = ZoneInfo(zone)
    local = after.astimezone(tz)
    for offset in range(0, 8):
        day = local.date() + timedelta(days=offset)
        if day.weekday() not in SEND_DAYS:
            continue
        candidate = datetime.combine(day, SEND_TIME, tzinfo=tz)
        if candidate >= local:
            return candidate if candidate <= until else None
    return None


PROBLEM_EVENTS = ("buyer_requested_cancel", "undeliverable", "cancelled")
"""Order events (see :func:`sellerdesk.core.orders.changes`) that mean the order did not go well."""


def open_problem(*, intents: Iterable[str], texts: Iterable[str], order_events: Iterable[str] = (),
                 replacement_open: bool = False, return_open: bool = False) -> str | None:
    """What makes this buyer one not to ask (``complaint``, ``return``, ``negative_words``...), or None."""
    if replacement_open:
        return "replacement"
    if return_open:
        return "return"
    for event in order_events:
        if event in PROBLEM_EVENTS:
            return event
    for intent in intents:
        if intent in PROBLEM_INTENTS:
            return intent
    for text in texts:
        if _NEGATIVE.search(text):
            return "negative_words"
    return None


def decide(order: OrderSnapshot, *, now: datetime, already_requested: bool, problem: str | None,
           slack: timedelta = SLACK) -> ReviewDecision:
    """Decide for one order at *now* (see the module docstring for the rules, in this order).

    ``send_at`` is the send slot: the first Tuesday–Friday 10:00 (buyer time) no earlier than
    *slack* before *now*, so a run a little after 10:00 still finds today's slot due
    (``send_at <= now``) instead of moving to the next day.
    """
    if already_requested:
        return ReviewDecision(False, "already_requested")
    if order.status == "cancelled":
        return ReviewDecision(False, "cancelled")
    if problem:
        return ReviewDecision(False, f"open_problem:{problem}")
    window = review_window(order)
    if window is None:
        return ReviewDecision(False, "no_delivery_date")
    opens, closes = window
    if now > closes:
        return ReviewDecision(False, "too_late")
    market = MARKETPLACES.get(order.marketplace or "")
    if market is None:
        return ReviewDecision(False, "unknown_marketplace")
    send_at = next_send_time(after=max(now - slack, opens), zone=market.timezone, until=closes)
    if send_at is None:
        return ReviewDecision(False, "too_late")
    if now < opens:
        return ReviewDecision(False, "too_early", send_at)
    return ReviewDecision(True, "eligible", send_at)
