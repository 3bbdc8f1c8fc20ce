"""Two people on one thread: who else has it open, and what they replied since you looked.

The thread page reports every 20 seconds that its user still has the thread open
(:func:`sellerdesk.services.workflow.record_view`) and gets back who else does; before a send it
asks :func:`replies_since` whether someone else replied after the newest message the page showed,
so nobody answers a buyer twice without knowing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import Message
from sellerdesk.services.workflow import record_view


@dataclass(frozen=True)
class LaterReply:
    """A reply someone else queued after the page was shown."""

    message_id: int
    author: str
    at: datetime


@dataclass(frozen=True)
class Presence:
    """Who else has the thread open, and the replies others sent since the page was shown."""

    others: tuple[str, ...]
    replies: tuple[LaterReply, ...]


def replies_since(store: SqlStore, *, thread_id: int, after_message_id: int, user: str) -> tuple[LaterReply, ...]:
    """Replies in the thread newer than message *after_message_id* that someone other than *user* queued.

    Failed sends are left out: the buyer never got them.

    Raises:
        NotFoundError: no thread has that id.
    """
    store.get_thread(thread_id)
    rows = store.session.scalars(select(Message).where(
        Message.thread_id == thread_id, Message.direction == "out", Message.id > after_message_id,
        Message.state != "failed").order_by(Message.id))
    later = (LaterReply(m.id, str(m.details.get("queued_by") or m.from_address or "?"), m.received_at) for m in rows)
    return tuple(r for r in later if r.author != user)


def presence(store: SqlStore, *, thread_id: int, user: str, seen_message_id: int, now: datetime) -> Presence:
    """Note that *user* has the thread open and tell them who else has, and what others replied since.

    Raises:
        NotFoundError: no thread has that id.
    """
    others = record_view(store, thread_id=thread_id, user=user, now=now)
    return Presence(tuple(others), replies_since(store, thread_id=thread_id, after_message_id=seen_message_id,
                                                 user=user))
