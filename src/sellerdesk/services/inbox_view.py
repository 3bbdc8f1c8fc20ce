"""What the inbox and thread pages show: read-only queries over threads and messages.

The inbox lists the threads of the stores a user may see, the soonest-due first. A thread is
due :data:`sellerdesk.core.sla.RESPONSE_WINDOW` after its oldest buyer message that no reply
has answered yet (a reply answers every buyer message received before it) and nobody marked
"no response needed": its ``thread_clocks`` row, kept up to date as messages and replies are
written. The filters and the sort use indexed columns (``thread_clocks.store_id``/
``waiting_since``, ``threads.store_id``/``state``, ``messages.thread_id``); the free-text search
scans message text and is meant for the working set of an inbox.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import Attachment, AuditEntry, Buyer, Message, Store, Thread, ThreadClock
from sellerdesk.core.sla import due_at
from sellerdesk.core.workflow import HOLD_REASONS, ThreadState

ORDER_ID = re.compile(r"^\d{3}-\d{7}-\d{7}$")
ASIN = re.compile(r"^[A-Z0-9]{10}$", re.IGNORECASE)


@dataclass(frozen=True)
class InboxFilter:
    """The inbox filters; ``None`` or an empty string means "any".

    ``state`` is a thread state, or ``on_hold:<reason>`` for the threads on hold for one of
    :data:`~sellerdesk.core.workflow.HOLD_REASONS`.
    """

    store: str | None = None
    marketplace: str | None = None
    state: str | None = None
    intent: str | None = None
    language: str | None = None
    query: str | None = None
    page: int = 1


@dataclass(frozen=True)
class InboxRow:
    """One thread as the inbox shows it."""

    thread_id: int
    store: str
    subject: str | None
    order_id: str | None
    asin: str | None
    marketplace: str | None
    buyer: str | None
    state: str
    due_at: datetime | None
    last_inbound_at: datetime | None
    intent: str | None
    language: str | None


@dataclass(frozen=True)
class InboxPage:
    """A page of the inbox and whether another follows."""

    rows: list[InboxRow]
    page: int
    has_next: bool


@dataclass(frozen=True)
class MessageView:
    """A message of a thread with its attachments' names, types and sizes."""

    message: Message
    attachments: list[Attachment] = field(default_factory=list)


@dataclass(frozen=True)
class ThreadView:
    """A thread, its store and buyer, and its messages oldest first."""

    thread: Thread
    store: str
    buyer: Buyer | None
    messages: list[MessageView]
    due_at: datetime | None


def _latest_intents(store: SqlStore, thread_ids: list[int]) -> dict[int, tuple[str | None, str | None]]:
    """The intent and language of each thread's newest buyer message."""
    found: dict[int, tuple[str | None, str | None]] = {}
    query = (select(Message.thread_id, Message.intent, Message.language)
             .where(Message.thread_id.in_(thread_ids), Message.direction == "in", Message.kind == "buyer_message")
             .order_by(Message.received_at, Message.id))
    for thread_id, intent, language in store.session.execute(query):
        if thread_id is not None:
            found[thread_id] = (intent, language)  # oldest first: the newest stays
    return found


def _has_message(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists().where(Message.thread_id == Thread.id, *conditions)


def _search(query: str) -> ColumnElement[bool]:
    text = query.strip()
    if ORDER_ID.match(text):
        return Thread.order_id == text
    if ASIN.match(text) and any(c.isdigit() for c in text):
        asin = text.upper()
        return or_(Thread.asin == asin, _has_message(Message.asin == asin))
    if "@" in text:
        return Buyer.alias.contains(text.lower(), autoescape=True)
    words = [w.lower() for w in text.split() if w]
    return and_(*[or_(func.lower(Thread.subject).contains(w, autoescape=True),
                      func.lower(Buyer.name).contains(w, autoescape=True),
                      _has_message(func.lower(Message.text).contains(w, autoescape=True)))
                  for w in words])


def list_inbox(store: SqlStore, *, store_ids: list[int], filters: InboxFilter, page_size: int = 50) -> InboxPage:
    """The threads of *store_ids* that match *filters*, soonest-due first, one page.

    Open threads with a buyer message waiting come first, the one whose oldest waiting message
    is due soonest first (``thread_clocks``, walked in index order). Threads with nothing waiting
    (answered, closed, or open with every message answered or excluded) follow, the most recent
    buyer message first.
    """
    if filters.store:
        wanted = store.find_store(filters.store)
        store_ids = [wanted.id] if wanted is not None and wanted.id in store_ids else []
    page = max(1, filters.page)
    skip, need = (page - 1) * page_size, page_size + 1
    clock = ThreadClock
    waiting = (_matching(select(Thread.id).join(clock, clock.thread_id == Thread.id), filters)
               .where(clock.store_id.in_(store_ids), Thread.state == "open"))
    ids = list(store.session.scalars(waiting.order_by(clock.waiting_since, clock.thread_id).offset(skip).limit(need)))
    if len(ids) < need:
        before = skip if ids else store.session.scalar(select(func.count()).select_from(waiting.subquery())) or 0
        is_waiting = exists().where(clock.thread_id == Thread.id)
        rest = (_matching(select(Thread.id), filters)
                .where(Thread.store_id.in_(store_ids), ~and_(Thread.state == "open", is_waiting))
                .order_by(Thread.last_inbound_at.desc().nulls_last(), Thread.id.desc())
                .offset(max(0, skip - before)).limit(need - len(ids)))
        ids += list(store.session.scalars(rest))
    rows = _rows(store, ids)
    return InboxPage(rows=rows[:page_size], page=page, has_next=len(rows) > page_size)


def _matching(query: Select[Any], filters: InboxFilter) -> Select[Any]:
    """*query* (over threads) narrowed by the filters other than the store."""
    if filters.marketplace:
        query = query.where(Thread.marketplace == filters.marketplace.upper())
    if filters.state:
        state, _, reason = filters.state.partition(":")
        query = query.where(Thread.state == state)
        if reason:
            query = query.where(_held_for(reason))
    if filters.intent:
        query = query.where(_has_message(Message.intent == filters.intent))
    if filters.language:
        query = query.where(_has_message(Message.language == filters.language))
    if filters.query and filters.query.strip():
        query = query.outerjoin(Buyer, Buyer.id == Thread.buyer_id).where(_search(filters.query))
    return query


def _held_for(reason: str) -> ColumnElement[bool]:
    """The thread's latest state change gave *reason*: the hold reason is kept in the audit log."""
    change = aliased(AuditEntry)
    latest = (select(func.max(change.id)).where(change.thread_id == Thread.id, change.action == "thread.state")
              .correlate(Thread).scalar_subquery())
    return exists().where(AuditEntry.id == latest, AuditEntry.detail["reason"].as_string() == reason)


def state_choices() -> list[str]:
    """Every thread state in workflow order, each hold reason after ``on_hold`` as ``on_hold:<reason>``."""
    choices = []
    for state in ThreadState:
        choices.append(state.value)
        if state is ThreadState.ON_HOLD:
            choices += [f"{state.value}:{reason}" for reason in HOLD_REASONS]
    return choices


def _rows(store: SqlStore, ids: list[int]) -> list[InboxRow]:
    """The inbox rows of the threads *ids*, in that order."""
    query = (select(Thread, Store.name, Buyer, ThreadClock.waiting_since)
             .join(Store, Store.id == Thread.store_id)
             .outerjoin(Buyer, Buyer.id == Thread.buyer_id)
             .outerjoin(ThreadClock, ThreadClock.thread_id == Thread.id)
             .where(Thread.id.in_(ids)))
    latest = _latest_intents(store, ids) if ids else {}
    found = {}
    for thread, store_name, buyer, waiting_since in store.session.execute(query).all():
        intent, language = latest.get(thread.id, (None, None))
        found[thread.id] = InboxRow(
            thread_id=thread.id, store=store_name, subject=thread.subject, order_id=thread.order_id,
            asin=thread.asin, marketplace=thread.marketplace,
            buyer=(buyer.name or buyer.alias) if buyer is not None else None, state=thread.state,
            due_at=_due(thread, waiting_since), last_inbound_at=thread.last_inbound_at, intent=intent,
            language=language)
    return [found[i] for i in ids if i in found]


def _due(thread: Thread, waiting_since: datetime | None) -> datetime | None:
    if thread.state != "open" or waiting_since is None:
        return None
    return due_at(waiting_since)


def filter_choices(store: SqlStore, *, store_ids: list[int]) -> dict[str, list[str]]:
    """The values the inbox's filter menus offer: stores, marketplaces, intents, languages."""
    stores = list(store.session.scalars(select(Store.name).where(Store.id.in_(store_ids)).order_by(Store.name)))
    in_stores = Message.store_id.in_(store_ids)
    return {
        "store": stores,
        "marketplace": sorted({m for m in store.session.scalars(
            select(Thread.marketplace).where(Thread.store_id.in_(store_ids)).distinct()) if m}),
        "state": state_choices(),
        "intent": sorted({i for i in store.session.scalars(
            select(Message.intent).where(in_stores).distinct()) if i}),
        "language": sorted({lang for lang in store.session.scalars(
            select(Message.language).where(in_stores).distinct()) if lang}),
    }


def thread_view(store: SqlStore, thread_id: int, *, store_ids: list[int]) -> ThreadView | None:
    """The thread with its messages and attachments, or ``None`` when the user may not see it."""
    row = store.session.execute(
        select(Thread, Store.name).join(Store, Store.id == Thread.store_id)
        .where(Thread.id == thread_id, Thread.store_id.in_(store_ids))).one_or_none()
    if row is None:
        return None
    thread, store_name = row
    buyer = store.session.get(Buyer, thread.buyer_id) if thread.buyer_id is not None else None
    messages = store.thread_messages(thread.id)
    attachments: dict[int, list[Attachment]] = {}
    if messages:
        for attachment in store.session.scalars(
                select(Attachment).where(Attachment.message_id.in_([m.id for m in messages]))
                .order_by(Attachment.id)):
            attachments.setdefault(attachment.message_id, []).append(attachment)
    oldest = store.session.scalar(select(ThreadClock.waiting_since).where(ThreadClock.thread_id == thread.id))
    return ThreadView(thread=thread, store=store_name, buyer=buyer,
                      messages=[MessageView(m, attachments.get(m.id, [])) for m in messages],
                      due_at=_due(thread, oldest))


def original_text(store: SqlStore, message_id: int, *, store_ids: list[int]) -> tuple[Message, str] | None:
    """The message and its raw mail as text (undecodable bytes replaced), or ``None`` if not visible.

    A message without a raw mail (a reply written here) shows its own text.
    """
    message = store.session.get(Message, message_id)
    if message is None or message.store_id not in store_ids:
        return None
    if message.raw_mail_id is None:
        return message, message.text
    return message, store.get_raw(message.raw_mail_id).decode("utf-8", errors="replace")
