"""Looking up one message or thread among the stores a user may see (the JSON API's single reads).

Something that exists in a store the user may not see is answered exactly like something
that does not exist, so ids of other stores' threads reveal nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import Attachment, Message, Store, Thread


@dataclass(frozen=True)
class VisibleMessage:
    """A message, the name of its store and its attachments."""

    message: Message
    store: str
    attachments: list[Attachment]


def visible_message(store: SqlStore, message_id: int, *, store_ids: list[int]) -> VisibleMessage | None:
    """The message with id *message_id* if its store is in *store_ids*, else ``None``."""
    row = store.session.execute(select(Message, Store.name).join(Store, Store.id == Message.store_id)
                                .where(Message.id == message_id, Message.store_id.in_(store_ids))).one_or_none()
    if row is None:
        return None
    message, store_name = row
    return VisibleMessage(message=message, store=store_name, attachments=store.attachments_of(message))


def visible_store_of_thread(store: SqlStore, thread_id: int, *, store_ids: list[int]) -> str | None:
    """The name of thread *thread_id*'s store if it is in *store_ids*, else ``None``."""
    return store.session.scalars(select(Store.name).join(Thread, Thread.store_id == Store.id)
                                 .where(Thread.id == thread_id, Thread.store_id.in_(store_ids))).one_or_none()
