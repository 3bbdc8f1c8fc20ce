"""What the thread page shows beside the conversation: the order, the buyer's history, risk flags, marks.

Everything is read inside the caller's transaction and nothing calls Amazon: the order comes
from the SP-API order cache (filled by the order sync), the buyer's history from the store's
other threads with the same relay alias, the risk flags from the suspicion signals
(:func:`sellerdesk.services.suspicion.assess_thread`) and the risk words of the queue order
(:func:`sellerdesk.core.priority.assess_risk`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import Message, MessageExclusion, Thread
from sellerdesk.core.priority import Risk, assess_risk
from sellerdesk.core.suspicion import Suspicion
from sellerdesk.core.workflow import ThreadState, allowed_moves
from sellerdesk.services.orders import OrderView, cached_order_in
from sellerdesk.services.suspicion import assess_thread
from sellerdesk.services.workflow import store_agents

HISTORY_THREADS = 20
"""How many of the buyer's other threads the page lists (the most recent first)."""
RETURN_INTENTS = ("return_refund",)
NEGATIVE_RISKS = frozenset({"a_to_z_claim", "chargeback", "negative_feedback", "legal"})
"""Risk word families that count as negative words in the buyer's history."""


@dataclass(frozen=True)
class OrderPanel:
    """The thread's order as the cache has it: ``state`` says what the panel can show."""

    order_id: str | None
    view: OrderView | None

    @property
    def state(self) -> str:
        """``none`` (no order named), ``not_loaded`` (not synced yet), ``unavailable`` (Amazon said no), ``loaded``."""
        if self.order_id is None:
            return "none"
        if self.view is None:
            return "not_loaded"
        return "unavailable" if self.view.snapshot is None else "loaded"


@dataclass(frozen=True)
class PastThread:
    """Another thread of the same buyer with the store."""

    thread_id: int
    subject: str | None
    order_id: str | None
    state: str
    last_at: datetime | None
    intents: tuple[str, ...]
    risks: tuple[str, ...]  # risk word families found in the buyer's messages there

    @property
    def asked_return(self) -> bool:
        """Whether the buyer asked for a return or refund there."""
        return any(i in RETURN_INTENTS for i in self.intents)

    @property
    def negative(self) -> bool:
        """Whether the buyer used negative words there (claims, chargebacks, bad reviews, lawyers)."""
        return any(r in NEGATIVE_RISKS for r in self.risks)


@dataclass(frozen=True)
class ThreadDetails:
    """The panels of the thread page and what its actions may offer."""

    order: OrderPanel
    history: tuple[PastThread, ...]
    suspicion: Suspicion
    risk: Risk
    marks: dict[int, MessageExclusion]  # "no response needed" marks by message id
    agents: tuple[str, ...]  # who the thread may be assigned to
    moves: tuple[str, ...]  # the states the thread may move to
    last_message_id: int | None  # the newest message of the thread (to notice replies sent meanwhile)

    @property
    def returns(self) -> int:
        """How many of the buyer's other threads asked for a return or refund."""
        return sum(t.asked_return for t in self.history)

    @property
    def negatives(self) -> int:
        """How many of the buyer's other threads carry negative words."""
        return sum(t.negative for t in self.history)


def thread_details(store: SqlStore, *, thread_id: int) -> ThreadDetails:
    """The order panel, buyer history, risk flags, marks and possible actions of a thread.

    Raises:
        NotFoundError: no thread has that id.
    """
    thread = store.get_thread(thread_id)
    messages = store.thread_messages(thread.id)
    waiting = [m for m in messages if m.direction == "in" and m.kind == "buyer_message"
               and (thread.last_outbound_at is None or m.received_at > thread.last_outbound_at)]
    latest = waiting[-1] if waiting else None
    risk = assess_risk(f"{latest.subject or ''}\n{latest.text}", unanswered_in_thread=len(waiting)) \
        if latest is not None else Risk(0, ())
    ids = [m.id for m in messages]
    marks = {mark.message_id: mark for mark in store.session.scalars(
        select(MessageExclusion).where(MessageExclusion.message_id.in_(ids)))} if ids else {}
    order = OrderPanel(thread.order_id, cached_order_in(store, store_id=thread.store_id, order_id=thread.order_id)
                       if thread.order_id else None)
    moves = tuple(s.value for s in ThreadState if s in allowed_moves(thread.state))
    return ThreadDetails(order=order, history=buyer_history(store, thread),
                         suspicion=assess_thread(store, thread_id=thread.id), risk=risk, marks=marks,
                         agents=tuple(store_agents(store, thread.store_id)), moves=moves,
                         last_message_id=max(ids) if ids else None)


def buyer_history(store: SqlStore, thread: Thread) -> tuple[PastThread, ...]:
    """The buyer's other threads with the store, the most recent first (at most :data:`HISTORY_THREADS`)."""
    if thread.buyer_id is None:
        return ()
    others = list(store.session.scalars(
        select(Thread).where(Thread.store_id == thread.store_id, Thread.buyer_id == thread.buyer_id,
                             Thread.id != thread.id)
        .order_by(Thread.last_inbound_at.desc().nulls_last(), Thread.id.desc()).limit(HISTORY_THREADS)))
    if not others:
        return ()
    intents: dict[int, list[str]] = {}
    risks: dict[int, list[str]] = {}
    for message in store.session.scalars(select(Message).where(
            Message.thread_id.in_([t.id for t in others]), Message.direction == "in",
            Message.kind == "buyer_message").order_by(Message.received_at)):
        assert message.thread_id is not None  # selected by thread
        thread_intents = intents.setdefault(message.thread_id, [])
        if message.intent and message.intent not in thread_intents:
            thread_intents.append(message.intent)
        thread_risks = risks.setdefault(message.thread_id, [])
        thread_risks += [r for r in assess_risk(message.text).reasons if r not in thread_risks]
    return tuple(PastThread(thread_id=t.id, subject=t.subject, order_id=t.order_id, state=t.state,
                            last_at=t.last_inbound_at, intents=tuple(intents.get(t.id, ())),
                            risks=tuple(risks.get(t.id, ()))) for t in others)
