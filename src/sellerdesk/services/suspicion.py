"""Putting a thread with a suspicious buyer message on hold, with the reasons and a checklist.

The signals come from :func:`sellerdesk.core.suspicion.assess`, fed with what the database
knows: the thread's latest buyer message and its attachments, the buyer's messages of the last
hour, and how many of the buyer's messages with the store asked for a return or refund. A thread
with any signal moves to ``on_hold`` (reason ``suspicious``) and the audit log keeps the signals
and the checklist.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import Attachment, Message, Thread
from sellerdesk.core.suspicion import BURST_WINDOW, Suspicion, assess
from sellerdesk.services.workflow import set_state

_CLAIM_INTENTS = ("return_refund", "not_received", "damaged_defective", "wrong_item")


def assess_thread(store: SqlStore, *, thread_id: int) -> Suspicion:
    """The signals of the thread's latest buyer message in the light of the buyer's history.

    Raises:
        NotFoundError: no thread has that id.
    """
    thread = store.get_thread(thread_id)
    inbound = list(store.session.scalars(select(Message).where(
        Message.thread_id == thread.id, Message.direction == "in", Message.kind == "buyer_message")
        .order_by(Message.received_at)))
    if not inbound:
        return Suspicion((), ())
    latest = inbound[-1]
    attachments = store.session.scalar(select(func.count()).select_from(Attachment)
                                       .where(Attachment.message_id == latest.id)) or 0
    earlier = []
    claims = 0
    if latest.buyer_alias:
        by_buyer = select(Message).where(Message.store_id == thread.store_id, Message.direction == "in",
                                          Message.buyer_alias == latest.buyer_alias, Message.id != latest.id)
        earlier = [m.received_at for m in store.session.scalars(
            by_buyer.where(Message.received_at >= latest.received_at - BURST_WINDOW))]
        claims = store.session.scalar(select(func.count(func.distinct(Message.order_id))).where(
            Message.store_id == thread.store_id, Message.buyer_alias == latest.buyer_alias,
            Message.intent.in_(_CLAIM_INTENTS), Message.order_id.is_not(None))) or 0
    return assess(f"{latest.subject or ''}\n{latest.text}", attachments=attachments, recent_messages=earlier,
                  now=latest.received_at, returns=claims)


def hold_if_suspicious(store: SqlStore, *, thread_id: int, now: datetime,
                       actor: str = "system:suspicion") -> Suspicion:
    """Assess the thread and, when anything is suspicious, put it on hold and audit why.

    A thread already on hold stays as it is (the signals are still returned and audited).

    Raises:
        NotFoundError: no thread has that id.
    """
    suspicion = assess_thread(store, thread_id=thread_id)
    if not suspicion.hold:
        return suspicion
    thread: Thread = store.get_thread(thread_id)
    if thread.state != "on_hold":
        set_state(store, thread_id=thread_id, state="on_hold", actor=actor, now=now, reason="suspicious")
    store.audit(actor, "thread.suspicious", at=now, store_id=thread.store_id, thread_id=thread.id,
                detail=suspicion.to_dict())
    return suspicion
