"""Queries of the SP-API tables: order cache, order events, review ledger, API message log, poll checkpoint.

Works inside a :class:`~sellerdesk.adapters.db.store.SqlStore`'s session; the service owns the
transaction. Every public method raises :class:`sellerdesk.errors.StoreError`, never a
SQLAlchemy error.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from sqlalchemy import select

from sellerdesk.adapters.db.engine import translated
from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import (
    ApiMessage,
    CachedOrder,
    Message,
    OrderEvent,
    OrderSyncState,
    ReviewRequest,
    Thread,
)


def _translated(action: str) -> AbstractContextManager[None]:
    return translated(f"SP-API {action}")


class SpApiRecords:
    """Reads and writes of the SP-API tables over a store's session."""

    def __init__(self, store: SqlStore) -> None:
        self.session = store.session

    # Order cache ---------------------------------------------------------------------------------

    def cached_order(self, store_id: int, order_id: str) -> CachedOrder | None:
        """The cached order, or ``None``."""
        with _translated("order lookup"):
            return self.session.scalars(select(CachedOrder).where(CachedOrder.store_id == store_id,
                                                                  CachedOrder.order_id == order_id)).one_or_none()

    def cached_orders(self, store_id: int) -> list[CachedOrder]:
        """Every cached order of the store, by order ID."""
        with _translated("order listing"):
            return list(self.session.scalars(select(CachedOrder).where(CachedOrder.store_id == store_id)
                                             .order_by(CachedOrder.order_id)))

    def put_order(self, store_id: int, data: dict[str, Any], *, amazon_updated_at: datetime,
                  fetched_at: datetime) -> dict[str, Any] | None:
        """Insert or refresh a cached order; return the data it had before (``None`` when new)."""
        with _translated("order write"):
            row = self.cached_order(store_id, str(data["order_id"]))
            before = dict(row.data) if row is not None and row.data else None
            if row is None:
                row = CachedOrder(store_id=store_id, order_id=str(data["order_id"]))
                self.session.add(row)
            row.marketplace, row.status, row.data = data.get("marketplace"), str(data["status"]), data
            row.amazon_updated_at, row.fetched_at, row.last_error = amazon_updated_at, fetched_at, None
            self.session.flush()
            return before

    def order_failed(self, store_id: int, order_id: str, *, error: str, now: datetime) -> None:
        """Remember that refreshing the order failed and why (kept beside any earlier snapshot)."""
        with _translated("order error"):
            row = self.cached_order(store_id, order_id)
            if row is None:
                row = CachedOrder(store_id=store_id, order_id=order_id, status="unknown", data={},
                                  amazon_updated_at=now)
                self.session.add(row)
            row.fetched_at, row.last_error = now, error
            self.session.flush()

    def thread_orders(self, store_id: int) -> list[tuple[str, str | None]]:
        """(order ID, marketplace) of every thread of the store that names an order."""
        with _translated("thread orders"):
            rows = self.session.execute(select(Thread.order_id, Thread.marketplace)
                                        .where(Thread.store_id == store_id, Thread.order_id.is_not(None))
                                        .order_by(Thread.order_id)).all()
        seen: dict[str, str | None] = {}
        for order_id, marketplace in rows:
            seen.setdefault(str(order_id), marketplace)
        return list(seen.items())

    def buyer_signals(self, store_id: int, order_id: str) -> tuple[list[str], list[str]]:
        """The intents and texts of the buyer's messages about *order_id* (for open-problem checks)."""
        with _translated("buyer messages"):
            rows = self.session.execute(select(Message.intent, Message.text).where(
                Message.store_id == store_id, Message.order_id == order_id, Message.direction == "in",
                Message.kind == "buyer_message")).all()
        return [str(i) for i, _ in rows if i], [str(t) for _, t in rows if t]

    # Order events --------------------------------------------------------------------------------

    def add_event(self, store_id: int, order_id: str, *, trigger: str, source: str, at: datetime) -> OrderEvent:
        """Record that *trigger* happened to the order."""
        with _translated("event write"):
            row = OrderEvent(store_id=store_id, order_id=order_id, trigger=trigger, source=source, at=at,
                             handled=False)
            self.session.add(row)
            self.session.flush()
            return row

    def events(self, store_id: int, *, handled: bool | None = False) -> list[OrderEvent]:
        """The store's order events (unhandled ones by default), oldest first."""
        with _translated("event listing"):
            query = select(OrderEvent).where(OrderEvent.store_id == store_id)
            if handled is not None:
                query = query.where(OrderEvent.handled == handled)
            return list(self.session.scalars(query.order_by(OrderEvent.at, OrderEvent.id)))

    # Poll checkpoint -----------------------------------------------------------------------------

    def sync_state(self, store_id: int) -> OrderSyncState | None:
        """Where the store's order poll stands, or ``None`` before its first run."""
        with _translated("sync lookup"):
            return self.session.scalars(select(OrderSyncState).where(OrderSyncState.store_id == store_id)
                                        ).one_or_none()

    def save_sync(self, store_id: int, *, updated_after: datetime, now: datetime, error: str | None) -> None:
        """Move the poll checkpoint (or only record the error of a failed run)."""
        with _translated("sync write"):
            row = self.sync_state(store_id)
            if row is None:
                row = OrderSyncState(store_id=store_id, updated_after=updated_after)
                self.session.add(row)
            if error is None:
                row.updated_after = updated_after
            row.last_run_at, row.last_error = now, error
            self.session.flush()

    # Review ledger -------------------------------------------------------------------------------

    def review(self, store_id: int, order_id: str) -> ReviewRequest | None:
        """The ledger row of the order, or ``None``."""
        with _translated("ledger lookup"):
            return self.session.scalars(select(ReviewRequest).where(ReviewRequest.store_id == store_id,
                                                                    ReviewRequest.order_id == order_id)).one_or_none()

    def ledger(self, store_id: int) -> list[ReviewRequest]:
        """The whole ledger of the store, by order ID."""
        with _translated("ledger listing"):
            return list(self.session.scalars(select(ReviewRequest).where(ReviewRequest.store_id == store_id)
                                             .order_by(ReviewRequest.order_id)))

    def record_review(self, store_id: int, order_id: str, *, state: str, reason: str, now: datetime,
                      send_at: datetime | None = None, request_id: str | None = None) -> ReviewRequest:
        """Write the order's ledger row (a ``requested`` row is never overwritten)."""
        with _translated("ledger write"):
            row = self.review(store_id, order_id)
            if row is None:
                row = ReviewRequest(store_id=store_id, order_id=order_id)
                self.session.add(row)
            elif row.state == "requested":
                return row
            row.state, row.reason, row.send_at, row.decided_at = state, reason, send_at, now
            if state == "requested":
                row.requested_at, row.request_id = now, request_id
            self.session.flush()
            return row

    # API message log -----------------------------------------------------------------------------

    def log_message(self, store_id: int, order_id: str, *, message_type: str, text: str | None,
                    attachments: list[str], state: str, verdict: str, detail: dict[str, Any], actor: str,
                    now: datetime) -> ApiMessage:
        """Record a typed message: sent, blocked by the guard, not allowed by Amazon, or failed."""
        with _translated("message log"):
            row = ApiMessage(store_id=store_id, order_id=order_id, message_type=message_type, text=text,
                             attachments=attachments, state=state, verdict=verdict, detail=detail, actor=actor,
                             created_at=now)
            self.session.add(row)
            self.session.flush()
            return row

    def messages_of(self, store_id: int, order_id: str) -> list[ApiMessage]:
        """The typed messages logged for an order, oldest first."""
        with _translated("message listing"):
            return list(self.session.scalars(select(ApiMessage).where(ApiMessage.store_id == store_id,
                                                                      ApiMessage.order_id == order_id)
                                             .order_by(ApiMessage.created_at, ApiMessage.id)))
