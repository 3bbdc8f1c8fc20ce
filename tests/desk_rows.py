"""Plain factories of stores, threads and messages written straight to the tables (fast set-ups)."""

from __future__ import annotations

from datetime import datetime

from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import Message, Thread
from sellerdesk.config import StoreConfig


def add_store(store: SqlStore, name: str = "acme-us", *, now: datetime, marketplaces: tuple[str, ...] = ("US",),
              timezone: str = "UTC") -> int:
    """A store row; returns its id."""
    return store.ensure_store(StoreConfig(name, marketplaces, timezone=timezone), now=now).id


def add_thread(store: SqlStore, store_id: int, key: str, *, now: datetime, state: str = "open",
               marketplace: str = "US", assigned_to: str | None = None) -> Thread:
    """A thread row."""
    thread = Thread(store_id=store_id, thread_key=key, state=state, marketplace=marketplace, created_at=now,
                    updated_at=now, assigned_to=assigned_to, order_id=None)
    store.session.add(thread)
    store.session.flush()
    return thread


def add_message(store: SqlStore, thread: Thread, *, at: datetime, direction: str = "in",
                key: str | None = None, state: str | None = None, text: str = "Where is my order?") -> Message:
    """A buyer message received at *at* (``direction="in"``), or a reply sent at *at* (``"out"``)."""
    inbound = direction == "in"
    row = Message(store_id=thread.store_id, thread_id=thread.id, direction=direction,
                  kind="buyer_message" if inbound else "reply",
                  message_key=key or f"{direction}:{thread.id}:{at.isoformat()}", text=text,
                  marketplace=thread.marketplace, sent_at=at, received_at=at, created_at=at,
                  state=state or ("stored" if inbound else "sent"), buyer_alias="a@marketplace.amazon.com",
                  details={})
    store.session.add(row)
    store.session.flush()
    return row
