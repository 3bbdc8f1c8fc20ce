"""Review requests through the Solicitations API, one per order, inside Amazon's window, with a ledger.

For every cached order of a store the rules of :mod:`sellerdesk.core.solicitation` decide: asked
already, cancelled, an open problem (the buyer's messages about the order show a complaint, a
return, a defect... or negative words; the order had a cancellation request or an undeliverable
parcel; or a replacement case or a return request is in progress for it), outside the window, or
not the send slot yet (Tuesday to Friday around 10:00 buyer time). Due orders are asked for when
Amazon offers the action. Every decision lands in the ledger (``review_requests``), so the reasons
for skipping are on record.
A dry run decides and reports but neither calls the send operation nor writes the ledger.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sellerdesk.adapters.db.spapi_records import SpApiRecords
from sellerdesk.adapters.spapi.client import SpApiClient
from sellerdesk.adapters.spapi.errors import SpApiAuthError, SpApiNotAllowedError, SpApiRequestError
from sellerdesk.config import StoreConfig
from sellerdesk.core.marketplaces import MARKETPLACES
from sellerdesk.core.orders import OrderSnapshot
from sellerdesk.core.solicitation import decide, open_problem
from sellerdesk.services.after_sales import orders_in_progress
from sellerdesk.services.database import Database
from sellerdesk.services.returns import orders_with_open_returns

SOLICITATION = "productReviewAndSellerFeedback"


@dataclass
class ReviewRun:
    """What a bulk run did: per-order outcomes and the counts by outcome."""

    store: str
    dry_run: bool
    outcomes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def counts(self) -> Counter[str]:
        """How many orders ended in each state (``requested``, ``would_request``, ``scheduled``...)."""
        return Counter(str(o["state"]) for o in self.outcomes)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (the per-order outcomes are printed separately)."""
        return {"store": self.store, "dry_run": self.dry_run, "orders": len(self.outcomes),
                "counts": dict(sorted(self.counts.items()))}


def request_reviews(db: Database, store: StoreConfig, *, client: SpApiClient, now: datetime, dry_run: bool = False,
                    progress: Callable[[int, int], None] | None = None) -> ReviewRun:
    """Request a review for every eligible cached order of *store* (see the module docstring).

    Args:
        progress: called with (done, total) after each order (a progress bar).

    Raises:
        SpApiAuthError: the store's credentials were refused (the run stops: nothing would work).
    """
    run = ReviewRun(store.name, dry_run)
    with db.reading() as sql:
        store_row = sql.find_store(store.name)
        if store_row is None:
            return run
        store_id = store_row.id
        records = SpApiRecords(sql)
        events: dict[str, list[str]] = {}
        for event in records.events(store_id, handled=None):
            events.setdefault(event.order_id, []).append(event.trigger)
        replacing = orders_in_progress(sql, store_id)
        returning = orders_with_open_returns(sql, store_id)
        work = []
        for row in records.cached_orders(store_id):
            if not row.data:
                continue
            ledger = records.review(store_id, row.order_id)
            intents, texts = records.buyer_signals(store_id, row.order_id)
            problem = open_problem(intents=intents, texts=texts, order_events=events.get(row.order_id, ()),
                                   replacement_open=row.order_id in replacing, return_open=row.order_id in returning)
            work.append((OrderSnapshot.from_dict(row.data), ledger is not None and ledger.state == "requested",
                         problem))
    for done, (order, already, problem) in enumerate(work, start=1):
        run.outcomes.append(_one(db, store_id, client, order, already=already, problem=problem, now=now,
                                 dry_run=dry_run))
        if progress is not None:
            progress(done, len(work))
    return run


def _one(db: Database, store_id: int, client: SpApiClient, order: OrderSnapshot, *, already: bool,
         problem: str | None, now: datetime, dry_run: bool) -> dict[str, Any]:
    decision = decide(order, now=now, already_requested=already, problem=problem)
    outcome: dict[str, Any] = {"order_id": order.order_id, "reason": decision.reason,
                               "send_at": decision.send_at.isoformat() if decision.send_at else None}
    if already:
        return {**outcome, "state": "requested"}
    if not decision.eligible or (decision.send_at and decision.send_at > now):
        state = "scheduled" if decision.send_at and decision.reason in ("eligible", "too_early") else "skipped"
        reason = "waiting_for_send_slot" if decision.eligible else decision.reason
        return _ledger(db, store_id, order.order_id, dict(outcome, state=state, reason=reason), now=now,
                       dry_run=dry_run, send_at=decision.send_at)
    market = MARKETPLACES[order.marketplace or ""].marketplace_id
    if dry_run:
        return {**outcome, "state": "would_request"}
    try:
        if SOLICITATION not in client.solicitation_actions(order.order_id, market):
            return _ledger(db, store_id, order.order_id, dict(outcome, state="skipped", reason="amazon_not_offered"),
                           now=now, dry_run=False)
        client.request_review(order.order_id, market)
    except SpApiAuthError:
        raise
    except SpApiNotAllowedError as exc:
        return _ledger(db, store_id, order.order_id, dict(outcome, state="skipped", reason="amazon_refused",
                                                         detail=str(exc)), now=now, dry_run=False)
    except SpApiRequestError as exc:
        return _ledger(db, store_id, order.order_id, dict(outcome, state="failed", reason="amazon_error",
                                                         detail=str(exc)), now=now, dry_run=False)
    return _ledger(db, store_id, order.order_id, dict(outcome, state="requested", reason="requested"), now=now,
                   dry_run=False)


def _ledger(db: Database, store_id: int, order_id: str, outcome: dict[str, Any], *, now: datetime, dry_run: bool,
            send_at: datetime | None = None) -> dict[str, Any]:
    if not dry_run:
        with db.transaction() as sql:
            SpApiRecords(sql).record_review(store_id, order_id, state=str(outcome["state"]),
                                            reason=str(outcome["reason"]), now=now, send_at=send_at)
    return outcome


def review_ledger(db: Database, store: StoreConfig) -> list[dict[str, Any]]:
    """The store's ledger: every order's state, reason, send slot and when it was requested."""
    with db.reading() as sql:
        found = sql.find_store(store.name)
        if found is None:
            return []
        return [{"order_id": r.order_id, "state": r.state, "reason": r.reason,
                 "send_at": r.send_at.isoformat() if r.send_at else None, "decided_at": r.decided_at.isoformat(),
                 "requested_at": r.requested_at.isoformat() if r.requested_at else None}
                for r in SpApiRecords(sql).ledger(found.id)]
