"""Queries over buyers, threads and messages (the conversation part of :class:`SqlStore`)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sellerdesk.adapters.db.tables import Buyer, Message, Store, Thread
from sellerdesk.errors import NotFoundError

T = TypeVar("T")

THREAD_STATES = ("open", "answered", "closed")
"""A thread is ``open`` while a buyer message waits, ``answered`` after a reply, ``closed`` by hand."""

_UNKNOWN = object()
_CHUNK = 500  # keys per IN (...) list: well under SQLite's and PostgreSQL's parameter limits


def chunks(values: Collection[T], size: int = _CHUNK) -> Iterator[list[T]]:
    """*values* (without duplicates) in lists of at most *size*."""
    unique = list(dict.fromkeys(values))
    for start in range(0, len(unique), size):
        yield unique[start:start + size]


class ConversationQueries:
    """Buyers, threads and messages; mixed into :class:`sellerdesk.adapters.db.store.SqlStore`."""

    session: Session
    _known: dict[tuple[Any, ...], Any]
    """Rows looked up for a whole batch (``None``: known to be absent), see :meth:`prefetch_conversations`."""

    def prefetch_conversations(self, store_id: int, *, message_keys: Collection[str], aliases: Collection[str],
                               thread_keys: Collection[str]) -> None:
        """Look up the messages, buyers and threads a batch of mails may need, a few queries in all.

        Later :meth:`add_message`, :meth:`ensure_buyer` and :meth:`ensure_thread` calls for these
        keys answer from what was found (and from the rows they insert) instead of one query each,
        until :meth:`forget_prefetched`. Within the caller's transaction that is exact: SQLite's
        writers are serialised, and on PostgreSQL a row another process adds meanwhile is still
        caught by the unique key in :meth:`insert_once`.
        """
        for part in chunks(message_keys):
            self._mark_absent("message", store_id, part)
            for message in self.session.scalars(select(Message).where(
                    Message.store_id == store_id, Message.message_key.in_(part))):
                self._known["message", store_id, message.message_key] = message
        for part in chunks(aliases):
            self._mark_absent("buyer", store_id, part)
            for buyer in self.session.scalars(select(Buyer).where(Buyer.store_id == store_id, Buyer.alias.in_(part))):
                self._known["buyer", store_id, buyer.alias] = buyer
        for part in chunks(thread_keys):
            self._mark_absent("thread", store_id, part)
            for thread in self.session.scalars(select(Thread).where(
                    Thread.store_id == store_id, Thread.thread_key.in_(part))):
                self._known["thread", store_id, thread.thread_key] = thread

    def forget_prefetched(self) -> None:
        """Drop what :meth:`prefetch_conversations` (and ``prefetch_raws``) found: look rows up one by one again."""
        self._known.clear()

    def _mark_absent(self, kind: str, store_id: int, keys: Iterable[str]) -> None:
        for key in keys:
            self._known[kind, store_id, key] = None

    def _recall(self, key: tuple[Any, ...], find: Callable[[], T | None]) -> T | None:
        # A prefetched answer when there is one, else the query.
        hit = self._known.get(key, _UNKNOWN)
        return find() if hit is _UNKNOWN else hit

    def _remember(self, key: tuple[Any, ...], row: object) -> None:
        if key in self._known:
            self._known[key] = row

    def insert_once(self, row: T, find: Callable[[], T | None]) -> T:
        """Insert *row*, which the caller has just looked for with *find* and not found.

        Should another process have inserted it in between, its row wins and is returned: the
        insert runs in a savepoint, so the conflict does not spoil the caller's transaction.
        SQLite needs no savepoint: its write transactions begin IMMEDIATE, so no other writer
        can add the row between the caller's look-up and this insert.
        """
        if self.session.get_bind().dialect.name == "sqlite":
            self.session.add(row)
            self.session.flush()
            return row
        try:
            with self.session.begin_nested():
                self.session.add(row)
                self.session.flush()
        except IntegrityError:
            existing = find()
            if existing is None:
                raise
            return existing
        return row

    def get_row(self, model: type[T], row_id: int, *, what: str) -> T:
        """The row of *model* with primary key *row_id*.

        Raises:
            NotFoundError: there is none; the message names *what* and the id.
        """
        found = self.session.get(model, row_id)
        if found is None:
            raise NotFoundError(f"{what} {row_id} does not exist; check the id")
        return found

    # -- buyers --------------------------------------------------------------------------

    def find_buyer(self, store_id: int, alias: str) -> Buyer | None:
        """The buyer of store *store_id* with the normalised relay *alias*, or ``None``."""
        return self.session.scalars(
            select(Buyer).where(Buyer.store_id == store_id, Buyer.alias == alias)).one_or_none()

    def ensure_buyer(self, store_id: int, alias: str, *, name: str | None, marketplace: str | None,
                     now: datetime) -> Buyer:
        """Return the buyer known by *alias* (normalised) in the store, creating it when new."""
        found = self._recall(("buyer", store_id, alias), lambda: self.find_buyer(store_id, alias))
        if found is None:
            found = self.insert_once(
                Buyer(store_id=store_id, alias=alias, name=name, marketplace=marketplace, first_seen_at=now),
                lambda: self.find_buyer(store_id, alias))
            self._remember(("buyer", store_id, alias), found)
        if name and not found.name:
            found.name = name
        if marketplace and not found.marketplace:
            found.marketplace = marketplace
        return found

    # -- threads -------------------------------------------------------------------------

    def find_thread(self, store_id: int, thread_key: str) -> Thread | None:
        """The thread of store *store_id* with *thread_key*, or ``None``."""
        return self.session.scalars(
            select(Thread).where(Thread.store_id == store_id, Thread.thread_key == thread_key)).one_or_none()

    def ensure_thread(self, store_id: int, thread_key: str, *, buyer_id: int | None, order_id: str | None,
                      asin: str | None, marketplace: str | None, subject: str | None,
                      now: datetime) -> tuple[Thread, bool]:
        """Return ``(thread, created)`` for *thread_key*; a new thread starts ``open``."""
        found = self._recall(("thread", store_id, thread_key), lambda: self.find_thread(store_id, thread_key))
        if found is not None:
            return found, False
        row = Thread(store_id=store_id, buyer_id=buyer_id, thread_key=thread_key, order_id=order_id, asin=asin,
                     marketplace=marketplace, subject=subject, state="open", created_at=now, updated_at=now)
        kept = self.insert_once(row, lambda: self.find_thread(store_id, thread_key))
        self._remember(("thread", store_id, thread_key), kept)
        return kept, kept is row

    def get_thread(self, thread_id: int) -> Thread:
        """The thread with id *thread_id*.

        Raises:
            NotFoundError: there is none.
        """
        return self.get_row(Thread, thread_id, what="thread")

    def thread_for_order(self, store_id: int, order_id: str) -> Thread | None:
        """The most recently active thread of the store about *order_id*, or ``None``."""
        return self.session.scalars(
            select(Thread).where(Thread.store_id == store_id, Thread.order_id == order_id)
            .order_by(Thread.updated_at.desc(), Thread.id.desc()).limit(1)).first()

    def threads(self, store_id: int, *, states: Iterable[str] | None = None, limit: int = 100) -> list[Thread]:
        """Threads of a store, the most recent buyer message first, optionally only in *states*."""
        query = select(Thread).where(Thread.store_id == store_id)
        if states is not None:
            query = query.where(Thread.state.in_(list(states)))
        query = query.order_by(Thread.last_inbound_at.desc().nulls_last(), Thread.id.desc()).limit(limit)
        return list(self.session.scalars(query))

    def thread_messages(self, thread_id: int) -> list[Message]:
        """Every message of a thread, oldest first."""
        return list(self.session.scalars(
            select(Message).where(Message.thread_id == thread_id).order_by(Message.received_at, Message.id)))

    def delete_thread_if_empty(self, thread: Thread) -> bool:
        """Delete *thread* when no message belongs to it any more; True when deleted."""
        count = self.session.scalar(select(func.count()).select_from(Message).where(Message.thread_id == thread.id))
        if count:
            return False
        with self.session.begin_nested():
            self.session.delete(thread)
            try:
                self.session.flush()
            except IntegrityError:  # the audit log still names it: keep it
                return False
        return True

    # -- messages ------------------------------------------------------------------------

    def find_message(self, store_id: int, message_key: str) -> Message | None:
        """The message of the store with *message_key* (``tok:``/``mid:``/``sha:``), or ``None``."""
        return self.session.scalars(
            select(Message).where(Message.store_id == store_id, Message.message_key == message_key)).one_or_none()

    def find_message_by_rfc_id(self, message_id: str, *, store_id: int | None = None) -> Message | None:
        """The first message whose RFC 5322 Message-ID (without ``<>``) is *message_id*, or ``None``."""
        query = select(Message).where(Message.message_id == message_id)
        if store_id is not None:
            query = query.where(Message.store_id == store_id)
        return self.session.scalars(query.order_by(Message.id).limit(1)).first()

    def message_for_raw(self, store_id: int, raw_mail_id: int) -> Message | None:
        """The received message of the store made from raw mail *raw_mail_id*, or ``None``."""
        return self.session.scalars(
            select(Message).where(Message.store_id == store_id, Message.raw_mail_id == raw_mail_id)
            .order_by(Message.id).limit(1)).first()

    def get_message(self, message_id: int) -> Message:
        """The message with row id *message_id*.

        Raises:
            NotFoundError: there is none.
        """
        return self.get_row(Message, message_id, what="message")

    def add_message(self, row: Message) -> tuple[Message, bool]:
        """Insert *row*; return ``(message, created)`` where an existing one with the same key wins."""
        key = ("message", row.store_id, row.message_key)
        existing = self._recall(key, lambda: self.find_message(row.store_id, row.message_key))
        if existing is not None:
            return existing, False
        kept = self.insert_once(row, lambda: self.find_message(row.store_id, row.message_key))
        self._remember(key, kept)
        return kept, kept is row

    def iter_messages(self, *, store_id: int | None = None, since: datetime | None = None,
                      batch_size: int = 500) -> Iterator[tuple[str, Message]]:
        """Yield ``(store name, message)`` in id order, fetching *batch_size* rows at a time.

        Memory stays constant however many messages there are: each batch is detached from the
        session once yielded, so treat the messages as read-only snapshots.
        """
        after = 0
        while True:
            query = (select(Store.name, Message).join(Store, Store.id == Message.store_id)
                     .where(Message.id > after).order_by(Message.id).limit(batch_size))
            if store_id is not None:
                query = query.where(Message.store_id == store_id)
            if since is not None:
                query = query.where(Message.received_at >= since)
            rows = self.session.execute(query).all()
            for name, message in rows:
                yield name, message
            if len(rows) < batch_size:
                return
            after = rows[-1][1].id
            for _, message in rows:
                self.session.expunge(message)

    def message_ids(self, *, after_id: int, limit: int, direction: str = "in",
                    below_parser_version: int | None = None) -> list[int]:
        """Ids of messages after *after_id* (in id order) that came from a raw mail, for batch jobs."""
        query = (select(Message.id).where(Message.id > after_id, Message.direction == direction,
                                          Message.raw_mail_id.is_not(None))
                 .order_by(Message.id).limit(limit))
        if below_parser_version is not None:
            query = query.where(Message.parser_version < below_parser_version)
        return list(self.session.scalars(query))
