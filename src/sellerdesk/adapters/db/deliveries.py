"""Queries of the outbox: deliveries and the outgoing messages they carry.

Works inside a :class:`~sellerdesk.adapters.db.store.SqlStore`'s session (the service owns
the transaction). State changes are *conditional* updates (``... WHERE state = :expected``)
that report whether they took effect: that is how two workers racing for the same delivery
end with exactly one of them sending it, on SQLite as on PostgreSQL.

Every public method raises :class:`sellerdesk.errors.StoreError`, never a SQLAlchemy error.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, select, update

from sellerdesk.adapters.db.engine import translated
from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import Delivery, Mailbox, Message, Store, Thread
from sellerdesk.errors import NotFoundError


@dataclass(frozen=True)
class DeliveryRow:
    """A delivery with its message and the names around it (one line of the outbox listing)."""

    delivery: Delivery
    message: Message
    store_name: str


def _translated(action: str) -> AbstractContextManager[None]:
    return translated(f"outbox {action}")


class DeliveryQueries:
    """The outbox's reads and conditional writes over a store's session."""

    def __init__(self, store: SqlStore) -> None:
        self.session = store.session

    def add(self, message: Message, *, mailbox_id: int, now: datetime) -> Delivery:
        """Queue *message* (already flushed) for delivery through mailbox *mailbox_id*, due at *now*."""
        with _translated("add"):
            row = Delivery(message_id=message.id, mailbox_id=mailbox_id, state="queued", attempts=0,
                           next_attempt_at=now, updated_at=now, bounced=False)
            self.session.add(row)
            self.session.flush()
            return row

    def get(self, delivery_id: int) -> Delivery:
        """The delivery with id *delivery_id*, freshly read.

        Raises:
            NotFoundError: there is none.
        """
        with _translated("get"):
            found = self.session.scalars(select(Delivery).where(Delivery.id == delivery_id)
                                         .execution_options(populate_existing=True)).one_or_none()
        if found is None:
            raise NotFoundError(f"delivery {delivery_id} does not exist; see `sellerdesk outbox list`")
        return found

    def for_message(self, message_id: int) -> Delivery | None:
        """The delivery of the outgoing message with row id *message_id*, or ``None``."""
        with _translated("lookup"):
            return self.session.scalars(select(Delivery).where(Delivery.message_id == message_id)).one_or_none()

    def due(self, *, now: datetime, limit: int) -> list[int]:
        """Ids of queued deliveries whose next attempt is due, the longest waiting first."""
        with _translated("due"):
            return list(self.session.scalars(
                select(Delivery.id).where(Delivery.state == "queued", Delivery.next_attempt_at <= now)
                .order_by(Delivery.next_attempt_at, Delivery.id).limit(limit)))

    def claim(self, delivery_id: int, *, now: datetime) -> bool:
        """Move a due delivery from ``queued`` to ``sending`` and count the attempt; False if another won."""
        claimed = self.move(delivery_id, expected=("queued",), state="sending", now=now,
                            extra_where=(Delivery.next_attempt_at <= now,),
                            attempts=Delivery.attempts + 1)
        if claimed:
            self._mirror(delivery_id, "sending")
        return claimed

    def move(self, delivery_id: int, *, expected: Iterable[str], state: str, now: datetime,
             extra_where: tuple[Any, ...] = (), **values: Any) -> bool:
        """Set *state* (and *values*) on the delivery only if its state is one of *expected*.

        Returns:
            True when the row changed, False when its state was something else by then.
        """
        with _translated("state change"):
            result = self.session.execute(
                update(Delivery)
                .where(Delivery.id == delivery_id, Delivery.state.in_(list(expected)), *extra_where)
                .values(state=state, updated_at=now, **values)
                # "fetch" refreshes rows already loaded in the session (a web page may hold them).
                .execution_options(synchronize_session="fetch"))
            assert isinstance(result, CursorResult)
            changed = result.rowcount == 1
        if changed:
            self._mirror(delivery_id, state)
        return changed

    def stuck(self, *, updated_before: datetime) -> list[int]:
        """Ids of deliveries left in ``sending`` since before *updated_before* (their worker is gone)."""
        with _translated("stuck"):
            return list(self.session.scalars(
                select(Delivery.id).where(Delivery.state == "sending", Delivery.updated_at < updated_before)
                .order_by(Delivery.id)))

    def listing(self, *, states: Iterable[str] | None = None, store_name: str | None = None,
                limit: int = 100) -> list[DeliveryRow]:
        """Deliveries with their messages, the newest first, optionally filtered."""
        query = (select(Delivery, Message, Store.name).join(Message, Message.id == Delivery.message_id)
                 .join(Store, Store.id == Message.store_id).order_by(Delivery.id.desc()).limit(limit))
        if states is not None:
            query = query.where(Delivery.state.in_(list(states)))
        if store_name is not None:
            query = query.where(Store.name == store_name)
        with _translated("listing"):
            return [DeliveryRow(d, m, name) for d, m, name in self.session.execute(query).all()]

    def mailbox(self, mailbox_id: int) -> Mailbox:
        """The mailbox row with id *mailbox_id*."""
        with _translated("mailbox"):
            found = self.session.get(Mailbox, mailbox_id)
        if found is None:
            raise NotFoundError(f"mailbox {mailbox_id} does not exist")
        return found

    def sending_mailbox(self, store_id: int) -> Mailbox | None:
        """The store's first mailbox with an approved sender address, or ``None``."""
        with _translated("mailbox"):
            return self.session.scalars(
                select(Mailbox).where(Mailbox.store_id == store_id, Mailbox.from_address.is_not(None))
                .order_by(Mailbox.id).limit(1)).first()

    def last_buyer_message(self, thread_id: int) -> Message | None:
        """The newest buyer message of the thread (what a reply answers), or ``None``."""
        with _translated("thread"):
            return self.session.scalars(
                select(Message).where(Message.thread_id == thread_id, Message.direction == "in",
                                      Message.kind == "buyer_message")
                .order_by(Message.received_at.desc(), Message.id.desc()).limit(1)).first()

    def recent_replies(self, store_id: int, *, since: datetime, limit: int) -> list[Message]:
        """The store's outgoing replies queued since *since*, not failed, oldest first (at most *limit*)."""
        with _translated("history"):
            rows = self.session.scalars(
                select(Message).where(Message.store_id == store_id, Message.direction == "out",
                                      Message.state != "failed", Message.received_at >= since)
                .order_by(Message.received_at.desc(), Message.id.desc()).limit(limit))
            return list(reversed(list(rows)))

    def outgoing_by_rfc_id(self, store_id: int, message_id: str) -> Message | None:
        """The store's outgoing message with this RFC 5322 Message-ID (no ``<>``), or ``None``."""
        with _translated("bounce match"):
            return self.session.scalars(
                select(Message).where(Message.store_id == store_id, Message.direction == "out",
                                      Message.message_id == message_id).limit(1)).first()

    def latest_outgoing(self, store_id: int, *, alias: str | None, order_id: str | None, after: datetime,
                        before: datetime) -> Message | None:
        """The newest outgoing message to *alias* about *order_id* (either may be None) queued in the window."""
        query = select(Message).where(Message.store_id == store_id, Message.direction == "out",
                                      Message.received_at >= after, Message.received_at <= before)
        if alias is not None:
            query = query.where(Message.buyer_alias == alias)
        if order_id is not None:
            query = query.where(Message.order_id == order_id)
        with _translated("bounce match"):
            return self.session.scalars(query.order_by(Message.received_at.desc(), Message.id.desc())
                                        .limit(1)).first()

    def thread(self, thread_id: int | None) -> Thread | None:
        """The thread with this id, or ``None`` (also for a ``None`` id)."""
        if thread_id is None:
            return None
        with _translated("thread"):
            return self.session.get(Thread, thread_id)

    def _mirror(self, delivery_id: int, state: str) -> None:
        # The outgoing message carries the same state, so exports and thread views show it.
        owner = select(Delivery.message_id).where(Delivery.id == delivery_id).scalar_subquery()
        with _translated("state change"):
            self.session.execute(update(Message).where(Message.id == owner).values(state=state)
                                 .execution_options(synchronize_session="fetch"))
