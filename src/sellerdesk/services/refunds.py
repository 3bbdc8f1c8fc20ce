"""Refund decisions: the amount, currency and reason of a refund, converted at a recorded rate, in the ledger.

A refund is recorded once: the same amount for the same order and reason again is refused with a
pointer to the one on record (a refund is never booked twice by a re-run), unless the caller says
it is another refund (``again``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from sellerdesk.adapters.db.after_sales_tables import RefundDecision
from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import Store
from sellerdesk.core.after_sales.money import convert
from sellerdesk.errors import InputError
from sellerdesk.services.after_sales import get_case


def record_refund(store: SqlStore, *, store_name: str, order_id: str, amount: Decimal, currency: str,
                  fx_rate: Decimal, ledger_currency: str, reason: str, now: datetime, actor: str,
                  case_id: int | None = None, again: bool = False) -> dict[str, Any]:
    """Record a refund decision (audited); a refund tied to a case takes its SKU, ASIN and marketplace.

    Raises:
        InputError: no reason, or the same refund is already on record (and *again* is false).
        NotFoundError: *case_id* names no case.
    """
    if not reason.strip():
        raise InputError("a refund needs its reason (reason), e.g. \"out of stock, no replacement possible\"")
    owner = store.ensure_store_named(store_name, now=now)
    case = get_case(store, case_id) if case_id is not None else None
    same = store.session.scalars(select(RefundDecision).where(
        RefundDecision.store_id == owner.id, RefundDecision.order_id == order_id,
        RefundDecision.currency == currency, RefundDecision.reason == reason.strip())).all()
    for earlier in same:
        if earlier.amount == amount and not again:
            raise InputError(f"refund F{earlier.id} of {amount} {currency} for order {order_id} ({reason}) is already "
                             "recorded; record it again only if it is a second refund (again)")
    row = RefundDecision(store_id=owner.id, case_id=case.id if case else None, order_id=order_id,
                         marketplace=case.marketplace if case else None, sku=case.sku if case else None,
                         asin=case.asin if case else None, amount=amount, currency=currency, fx_rate=fx_rate,
                         ledger_currency=ledger_currency, reason=reason.strip(), decided_by=actor, decided_at=now)
    store.session.add(row)
    store.session.flush()
    store.audit(actor, "after_sales.refund", at=now, store_id=owner.id,
                detail={"refund": row.id, "case": row.case_id, "order_id": order_id, "amount": str(amount),
                        "currency": currency})
    return brief(row, store_name=owner.name)


def list_refunds(store: SqlStore, *, store_name: str | None = None) -> list[dict[str, Any]]:
    """Refund decisions, newest first (of one store)."""
    query = select(RefundDecision, Store.name).join(Store, Store.id == RefundDecision.store_id)\
        .order_by(RefundDecision.decided_at.desc(), RefundDecision.id.desc())
    if store_name is not None:
        query = query.where(Store.name == store_name)
    return [brief(row, store_name=name) for row, name in store.session.execute(query)]


def brief(row: RefundDecision, *, store_name: str) -> dict[str, Any]:
    """A refund decision as a JSON-ready mapping (amounts as exact text)."""
    return {"id": row.id, "ref": f"F{row.id}", "store": store_name, "order_id": row.order_id, "case": row.case_id,
            "amount": str(row.amount), "currency": row.currency, "fx_rate": str(row.fx_rate),
            "converted": str(convert(row.amount, row.fx_rate)), "ledger_currency": row.ledger_currency,
            "reason": row.reason, "decided_by": row.decided_by, "decided_at": row.decided_at}
