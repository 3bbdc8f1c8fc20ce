"""Return requests: recorded with their reason category, reviewed within 3 business days of the marketplace.

The review deadline counts Monday to Friday minus the public holidays of the marketplace's country
(from the ``holidays`` library, through :func:`sellerdesk.services.calendar.public_holidays`), in the
marketplace's time zone. Recording the same request again (same order and request time, or the same
order and reason while a request is open) returns the one on record.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from sellerdesk.adapters.db.after_sales_tables import ReturnRequest
from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import Store
from sellerdesk.core.after_sales.returns import check_reason, review_due
from sellerdesk.core.marketplaces import MARKETPLACES
from sellerdesk.errors import InputError, NotFoundError
from sellerdesk.services.calendar import public_holidays

DECISIONS = ("approved", "refused")


def record_return(store: SqlStore, *, store_name: str, order_id: str, marketplace: str, reason: str,
                  requested_at: datetime, now: datetime, actor: str, note: str = "") -> dict[str, Any]:
    """Record a return request and when its review is due.

    Raises:
        InputError: an unknown marketplace or reason category.
        ConfigError: the holidays library does not know the marketplace's country.
    """
    market = MARKETPLACES.get(marketplace.strip().upper())
    if market is None:
        raise InputError(f"unknown marketplace {marketplace!r}; use a two-letter code such as US, DE, JP")
    category = check_reason(reason)
    owner = store.ensure_store_named(store_name, now=now)
    found = _find(store, owner.id, order_id, requested_at) or store.session.scalars(select(ReturnRequest).where(
        ReturnRequest.store_id == owner.id, ReturnRequest.order_id == order_id, ReturnRequest.reason == category,
        ReturnRequest.state == "open")).first()
    if found is not None:
        return {**brief(found, store_name=owner.name), "existing": True}
    years = range(requested_at.year, requested_at.year + 2)
    holidays, _ = public_holidays(market.code, years=years)
    row = ReturnRequest(store_id=owner.id, order_id=order_id, marketplace=market.code, reason=category, note=note,
                        state="open", requested_at=requested_at,
                        review_due_at=review_due(requested_at, zone=market.timezone, holidays=holidays).astimezone(UTC))
    kept = store.insert_once(row, lambda: _find(store, owner.id, order_id, requested_at))
    if kept is row:
        store.audit(actor, "after_sales.return", at=now, store_id=owner.id,
                    detail={"return": row.id, "order_id": order_id, "reason": category})
    return {**brief(kept, store_name=owner.name), "existing": kept is not row}


def review_return(store: SqlStore, *, return_id: int, decision: str, now: datetime, actor: str,
                  note: str | None = None) -> dict[str, Any]:
    """Record the review of a return request: ``approved`` or ``refused``, with a note.

    Raises:
        InputError: an unknown decision, or the request was reviewed already.
        NotFoundError: no such request.
    """
    if decision not in DECISIONS:
        raise InputError(f"unknown decision {decision!r}; use one of {', '.join(DECISIONS)}")
    row = store.session.get(ReturnRequest, return_id)
    if row is None:
        raise NotFoundError(f"no return request {return_id}; `sellerdesk replacements returns` lists them")
    if row.state != "open":
        raise InputError(f"return request {return_id} was already reviewed ({row.state} by {row.reviewed_by})")
    row.state, row.reviewed_at, row.reviewed_by, row.decision_note = decision, now, actor, note
    store.session.flush()
    store.audit(actor, "after_sales.return_reviewed", at=now, store_id=row.store_id,
                detail={"return": row.id, "decision": decision, "on_time": now <= row.review_due_at})
    owner = store.session.get(Store, row.store_id)
    return brief(row, store_name=owner.name if owner else "")


def list_returns(store: SqlStore, *, store_name: str | None = None, open_only: bool = False) -> list[dict[str, Any]]:
    """Return requests, soonest review deadline first (of one store; only open ones)."""
    query = select(ReturnRequest, Store.name).join(Store, Store.id == ReturnRequest.store_id)\
        .order_by(ReturnRequest.review_due_at, ReturnRequest.id)
    if store_name is not None:
        query = query.where(Store.name == store_name)
    if open_only:
        query = query.where(ReturnRequest.state == "open")
    return [brief(row, store_name=name) for row, name in store.session.execute(query)]


def orders_with_open_returns(store: SqlStore, store_id: int) -> set[str]:
    """The order IDs of the store with a return request not yet refused (open or approved)."""
    return set(store.session.scalars(select(ReturnRequest.order_id).where(
        ReturnRequest.store_id == store_id, ReturnRequest.state != "refused")))


def brief(row: ReturnRequest, *, store_name: str) -> dict[str, Any]:
    """A return request as a JSON-ready mapping."""
    return {"id": row.id, "store": store_name, "order_id": row.order_id, "marketplace": row.marketplace,
            "reason": row.reason, "note": row.note, "state": row.state, "requested_at": row.requested_at,
            "review_due_at": row.review_due_at, "reviewed_at": row.reviewed_at, "reviewed_by": row.reviewed_by,
            "decision_note": row.decision_note}


def _find(store: SqlStore, store_id: int, order_id: str, requested_at: datetime) -> ReturnRequest | None:
    return store.session.scalars(select(ReturnRequest).where(
        ReturnRequest.store_id == store_id, ReturnRequest.order_id == order_id,
        ReturnRequest.requested_at == requested_at)).one_or_none()
