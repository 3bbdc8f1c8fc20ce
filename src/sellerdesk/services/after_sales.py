"""Replacement cases: open them from a thread or an order event, move them through their states, cost them.

Functions take the caller's transaction (:class:`~sellerdesk.adapters.db.store.SqlStore`); the
shells (CLI, web) open it. A case is opened from a thread whose buyer says the parcel is lost,
damaged, incomplete or wrong (:data:`THREAD_INTENTS`), from an order event (a parcel the carrier
could not deliver, found by the order sync or an ORDER_CHANGE notification), or by hand. One order
has at most one case in progress: opening again returns the case already open (``existing: true``),
so a trigger can be handled any number of times. Every step is written to the audit log.

The state machine is :mod:`sellerdesk.core.after_sales.states`; buyer messages are
:mod:`sellerdesk.services.after_sales_messages`'s job, the ledger and rates
:mod:`sellerdesk.services.after_sales_ledger`'s.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from sqlalchemy import select

from sellerdesk.adapters.db.after_sales_tables import ImportedOrder, ReplacementCase
from sellerdesk.adapters.db.spapi_records import SpApiRecords
from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import AuditEntry, Message, OrderEvent, Store
from sellerdesk.core.after_sales.money import Costs
from sellerdesk.core.after_sales.states import CAUSES, FINISHED, CaseState, Step, advance, opened
from sellerdesk.core.orders import OrderSnapshot
from sellerdesk.errors import InputError, NotFoundError
from sellerdesk.services.database import Database

THREAD_INTENTS = ("not_received", "damaged_defective", "missing_parts", "wrong_item")
"""Buyer-message intents that a replacement case can be opened from."""
EVENT_TRIGGERS = ("undeliverable",)
"""Order events (:func:`sellerdesk.core.orders.changes`) that open a case by themselves."""
_STATE_FIELDS = tuple(f.name for f in fields(CaseState))


def open_case(store: SqlStore, *, store_name: str, order_id: str, cause: str, now: datetime, actor: str,
              problem: str = "", thread_id: int | None = None, source: str = "manual",
              order_event_id: int | None = None, details: dict[str, Any] | None = None,
              requested_at: datetime | None = None) -> dict[str, Any]:
    """Open a replacement case for an order (or return the one in progress for it).

    The case is requested at *requested_at* (default *now*): when the buyer asked, which starts the
    clock of the first answer and places the case in the replacement rate's window.

    The order's SKU, ASIN, quantity, marketplace and original carrier come from the SP-API order
    cache when it has the order (the marketplace also from an imported order report); *details*
    (``sku``, ``asin``, ``quantity``, ``marketplace``, ``destination``, ``original_carrier``) fills
    or overrides them. The destination defaults to the marketplace's country.

    Returns:
        The case (:func:`brief`) with ``existing``: whether it was already open.

    Raises:
        InputError: an unknown cause or an order ID that is not Amazon's 3-7-7 form.
    """
    if cause not in CAUSES:
        raise InputError(f"unknown cause {cause!r}; use one of {', '.join(CAUSES)}")
    if len(order_id) != 19 or order_id[3] != "-" or order_id[11] != "-":
        raise InputError(f"order ID {order_id!r} is not of the form 123-1234567-1234567; copy it from Seller Central")
    owner = store.ensure_store_named(store_name, now=now)
    existing = _in_progress(store, owner.id, order_id)
    if existing is not None:
        return {**brief(existing), "existing": True}
    facts = {**_order_facts(store, owner.id, order_id), **{k: v for k, v in (details or {}).items() if v is not None}}
    state = opened(requested_at or now)
    row = ReplacementCase(
        store_id=owner.id, thread_id=thread_id, order_event_id=order_event_id, open_key=order_id, order_id=order_id,
        marketplace=facts.get("marketplace"), destination=facts.get("destination") or facts.get("marketplace"),
        sku=facts.get("sku"), asin=facts.get("asin"), quantity=int(facts.get("quantity") or 1), cause=cause,
        problem=problem, language=facts.get("language"), source=source, original_carrier=facts.get("original_carrier"),
        opened_by=actor, updated_at=now, **asdict(state))
    kept = store.insert_once(row, lambda: _in_progress(store, owner.id, order_id))
    if kept is not row:
        return {**brief(kept), "existing": True}
    store.audit(actor, "after_sales.opened", at=now, store_id=owner.id, thread_id=thread_id,
                detail={"case": row.id, "order_id": order_id, "cause": cause, "source": source})
    return {**brief(row), "existing": False}


def open_from_thread(store: SqlStore, *, thread_id: int, now: datetime, actor: str, cause: str | None = None,
                     problem: str = "") -> dict[str, Any]:
    """Open a case from a thread: its order, and the cause from its buyer's latest message of a replacement intent.

    The case is requested when that message (or, with *cause*, the latest buyer message) arrived.

    Raises:
        NotFoundError: no such thread.
        InputError: the thread names no order, or (without *cause*) no buyer message of the thread has an
            intent of :data:`THREAD_INTENTS`.
    """
    thread = store.get_thread(thread_id)
    if not thread.order_id:
        raise InputError(f"thread {thread_id} names no order; open the case with the order ID instead")
    messages = list(store.session.scalars(select(Message).where(
        Message.thread_id == thread.id, Message.direction == "in", Message.kind == "buyer_message")
        .order_by(Message.received_at.desc())))
    asking = next((m for m in messages if m.intent == cause or (cause is None and m.intent in THREAD_INTENTS)), None)
    if cause is None:
        if asking is None:
            seen = ", ".join(sorted({m.intent for m in messages if m.intent})) or "none"
            raise InputError(f"thread {thread_id}: no buyer message says the item is lost, damaged, incomplete or "
                             f"wrong (intents: {seen}); give the cause ({', '.join(CAUSES)})")
        cause = str(asking.intent)
    asking = asking or (messages[0] if messages else None)
    owner = store.session.get(Store, thread.store_id)
    assert owner is not None  # a foreign key
    language = next((m.language for m in messages if m.language), None)
    return open_case(store, store_name=owner.name, order_id=thread.order_id, cause=cause, now=now, actor=actor,
                     problem=problem, thread_id=thread.id, source="thread",
                     details={"language": language, "marketplace": thread.marketplace},
                     requested_at=min(asking.received_at, now) if asking is not None else None)


def open_from_order_events(store: SqlStore, *, store_name: str, now: datetime,
                           actor: str = "system:after-sales") -> list[dict[str, Any]]:
    """Open a case for every order event of :data:`EVENT_TRIGGERS` that has none yet; the cases opened or found.

    The case is tied to the thread about the order when there is one, so its messages can be sent.
    """
    owner = store.find_store(store_name)
    if owner is None:
        return []
    handled = select(ReplacementCase.order_event_id).where(ReplacementCase.order_event_id.is_not(None))
    events = list(store.session.scalars(select(OrderEvent).where(
        OrderEvent.store_id == owner.id, OrderEvent.trigger.in_(EVENT_TRIGGERS), OrderEvent.id.not_in(handled))
        .order_by(OrderEvent.at, OrderEvent.id)))
    results = []
    for event in events:
        thread = next(iter(store.session.scalars(select(Message.thread_id).where(
            Message.store_id == owner.id, Message.order_id == event.order_id, Message.thread_id.is_not(None))
            .limit(1))), None)
        existing = _in_progress(store, owner.id, event.order_id)
        results.append(open_case(
            store, store_name=store_name, order_id=event.order_id, cause=event.trigger, now=now, actor=actor,
            thread_id=thread, source=f"order_event:{event.trigger}",
            order_event_id=None if existing is not None else event.id))
    return results


def open_cases_from_events(db: Database, store_names: Sequence[str], *, now: datetime) -> list[dict[str, Any]]:
    """:func:`open_from_order_events` for each store in its own transaction (the order sync's follow-up)."""
    opened = []
    for name in store_names:
        with db.transaction() as store:
            opened += open_from_order_events(store, store_name=name, now=now)
    return opened


def advance_case(store: SqlStore, *, case_id: int, to: str, now: datetime, actor: str, carrier: str | None = None,
                 tracking_number: str | None = None, ship_date: datetime | None = None, reason: str | None = None,
                 tracking_uploaded: bool | None = None, return_closed: bool | None = None) -> dict[str, Any]:
    """Move a case to state *to* (see :func:`sellerdesk.core.after_sales.states.advance`), audited.

    Raises:
        NotFoundError: no such case.
        InputError: the move is not allowed or lacks what the state needs (the message says what).
    """
    row = get_case(store, case_id)
    before = row.state
    after = advance(state_of(row), Step(to=to, at=now, carrier=carrier, tracking_number=tracking_number,
                                         ship_date=ship_date, reason=reason, tracking_uploaded=tracking_uploaded,
                                         return_closed=return_closed))
    _apply(row, after, now=now)
    store.audit(actor, "after_sales.advanced", at=now, store_id=row.store_id, thread_id=row.thread_id,
                detail={"case": row.id, "from": before, "to": to,
                        **{k: v for k, v in (("carrier", carrier), ("tracking_number", tracking_number),
                                              ("reason", reason)) if v}})
    return brief(row)


def update_checklist(store: SqlStore, *, case_id: int, now: datetime, actor: str, tracking_uploaded: bool | None = None,
                     return_closed: bool | None = None) -> dict[str, Any]:
    """Tick (or untick) the closing checklist: the replacement's tracking uploaded, the original return closed.

    Raises:
        NotFoundError: no such case.
    """
    row = get_case(store, case_id)
    if tracking_uploaded is not None:
        row.tracking_uploaded = tracking_uploaded
    if return_closed is not None:
        row.return_closed = return_closed
    row.updated_at = now
    store.audit(actor, "after_sales.checklist", at=now, store_id=row.store_id, thread_id=row.thread_id,
                detail={"case": row.id, "tracking_uploaded": row.tracking_uploaded, "return_closed": row.return_closed})
    store.session.flush()
    return brief(row)


def record_costs(store: SqlStore, *, case_id: int, costs: Costs, now: datetime, actor: str) -> dict[str, Any]:
    """Record what a replacement cost (item, packing, postage, currency and the rate to the ledger currency).

    Raises:
        NotFoundError: no such case.
    """
    row = get_case(store, case_id)
    row.cost_item, row.cost_packing, row.cost_postage = costs.item, costs.packing, costs.postage
    row.cost_currency, row.fx_rate, row.ledger_currency = costs.currency, costs.fx_rate, costs.ledger_currency
    row.updated_at = now
    store.audit(actor, "after_sales.costs", at=now, store_id=row.store_id, thread_id=row.thread_id,
                detail={"case": row.id, "total": str(costs.total), "currency": costs.currency,
                        "fx_rate": str(costs.fx_rate), "converted": str(costs.converted),
                        "ledger_currency": costs.ledger_currency})
    store.session.flush()
    return brief(row)


def mark_answered(store: SqlStore, row: ReplacementCase, *, now: datetime) -> None:
    """Record that the buyer message the case's state owes has been queued (nothing is due until the next step)."""
    row.due_at = None
    row.updated_at = now
    store.session.flush()


def list_cases(store: SqlStore, *, store_name: str | None = None, state: str | None = None,
               in_progress: bool = False, store_ids: Collection[int] | None = None,
               marketplace: str | None = None, due_before: datetime | None = None) -> list[dict[str, Any]]:
    """Cases, newest first; of one store (or of *store_ids*), one marketplace, in one state, only those in
    progress, or only those whose buyer message is due before *due_before*."""
    query = select(ReplacementCase).order_by(ReplacementCase.requested_at.desc(), ReplacementCase.id.desc())
    if store_ids is not None:
        query = query.where(ReplacementCase.store_id.in_(store_ids))
    if marketplace is not None:
        query = query.where(ReplacementCase.marketplace == marketplace)
    if due_before is not None:
        query = query.where(ReplacementCase.due_at.is_not(None), ReplacementCase.due_at < due_before)
    if store_name is not None:
        query = query.join(Store, Store.id == ReplacementCase.store_id).where(Store.name == store_name)
    if state is not None:
        query = query.where(ReplacementCase.state == state)
    if in_progress:
        query = query.where(ReplacementCase.state.not_in(FINISHED))
    return [brief(row) for row in store.session.scalars(query)]


def show_case(store: SqlStore, case_id: int) -> dict[str, Any]:
    """One case in full: its fields, costs, checklist and the audit entries about it, oldest first.

    Raises:
        NotFoundError: no such case.
    """
    row = get_case(store, case_id)
    # Nothing about a case is written before it was requested: only the store's later entries are read.
    entries = store.session.scalars(select(AuditEntry).where(
        AuditEntry.store_id == row.store_id, AuditEntry.action.startswith("after_sales."),
        AuditEntry.at >= row.requested_at).order_by(AuditEntry.at, AuditEntry.id))
    history = [{"at": e.at, "actor": e.actor, "action": e.action, "detail": e.detail} for e in entries
               if e.detail.get("case") == row.id]
    return {**brief(row), "problem": row.problem, "source": row.source, "refusal_reason": row.refusal_reason,
            "ship_date": row.ship_date, "approved_at": row.approved_at, "shipped_at": row.shipped_at,
            "delivered_at": row.delivered_at, "finished_at": row.finished_at, "quantity": row.quantity,
            "costs": {"item": row.cost_item, "packing": row.cost_packing, "postage": row.cost_postage,
                      "currency": row.cost_currency, "fx_rate": row.fx_rate, "ledger_currency": row.ledger_currency},
            "history": history}


def get_case(store: SqlStore, case_id: int) -> ReplacementCase:
    """The case with number *case_id*.

    Raises:
        NotFoundError: there is none.
    """
    found = store.session.get(ReplacementCase, case_id)
    if found is None:
        raise NotFoundError(f"no replacement case {case_id}; `sellerdesk replacements list` shows the cases")
    return found


def orders_in_progress(store: SqlStore, store_id: int) -> set[str]:
    """The order IDs of the store with a replacement case in progress."""
    return set(store.session.scalars(select(ReplacementCase.order_id).where(
        ReplacementCase.store_id == store_id, ReplacementCase.state.not_in(FINISHED))))


def brief(row: ReplacementCase) -> dict[str, Any]:
    """The case's main fields as a JSON-ready mapping (times as datetimes; the shells format them)."""
    return {"id": row.id, "order_id": row.order_id, "state": row.state, "cause": row.cause,
            "marketplace": row.marketplace, "destination": row.destination, "sku": row.sku, "asin": row.asin,
            "thread_id": row.thread_id, "requested_at": row.requested_at, "due_at": row.due_at,
            "carrier": row.carrier, "tracking_number": row.tracking_number,
            "original_carrier": row.original_carrier, "tracking_uploaded": row.tracking_uploaded,
            "return_closed": row.return_closed, "updated_at": row.updated_at}


def state_of(row: ReplacementCase) -> CaseState:
    """The case's fields as the state machine sees them."""
    return CaseState(**{name: getattr(row, name) for name in _STATE_FIELDS})


def _apply(row: ReplacementCase, state: CaseState, *, now: datetime) -> None:
    for name, value in asdict(state).items():
        setattr(row, name, value)
    row.open_key = None if state.state in FINISHED else row.order_id
    row.updated_at = now


def _in_progress(store: SqlStore, store_id: int, order_id: str) -> ReplacementCase | None:
    return store.session.scalars(select(ReplacementCase).where(
        ReplacementCase.store_id == store_id, ReplacementCase.open_key == order_id)).one_or_none()


def cached_snapshot(store: SqlStore, store_id: int, order_id: str) -> OrderSnapshot | None:
    """The order as the SP-API order cache holds it, or ``None``."""
    cached = SpApiRecords(store).cached_order(store_id, order_id)
    return OrderSnapshot.from_dict(cached.data) if cached is not None and cached.data else None


def _order_facts(store: SqlStore, store_id: int, order_id: str) -> dict[str, Any]:
    order = cached_snapshot(store, store_id, order_id)
    if order is None:
        # An order only known from an imported order report still has its marketplace.
        reported = store.session.scalars(select(ImportedOrder.marketplace).where(
            ImportedOrder.store_id == store_id, ImportedOrder.order_id == order_id)).first()
        return {"marketplace": reported}
    item = order.items[0] if order.items else None
    return {"marketplace": order.marketplace, "original_carrier": order.carrier,
            "sku": item.sku if item else None, "asin": item.asin if item else None,
            "quantity": item.quantity if item else None}
