"""The repository over the database: :class:`SqlStore`.

A store works inside a session that a service opened (see
:func:`sellerdesk.services.database.open_database`); it flushes but never commits, so a
service can make several steps atomic (store a mail + record its IMAP UID + advance the
checkpoint). Inserts that other processes may race on (raw mails, blobs, buyers, threads,
messages, UIDs) fall back to the row another process wrote (PostgreSQL: through a savepoint;
SQLite: its writers are serialised), so concurrent ingests never fail on a unique key and never
store anything twice.

Raw mails and attachment contents are kept zstd-compressed (:func:`compress`), once per
SHA-256. Every public method raises :class:`sellerdesk.errors.StoreError` (never a SQLAlchemy
error).
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import zstandard
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from sellerdesk.adapters.db.conversations import ConversationQueries, chunks
from sellerdesk.adapters.db.tables import (
    Attachment,
    AuditEntry,
    Blob,
    Mailbox,
    MailboxUid,
    Message,
    RawMail,
    Store,
)
from sellerdesk.config import MailboxConfig, StoreConfig
from sellerdesk.errors import NotFoundError, StoreError

F = TypeVar("F", bound=Callable[..., Any])


# -- how bytes are kept: zstd-compressed, addressed by their SHA-256 -------------------------

ZSTD = "zstd"
NONE = "none"
_LEVEL = 6  # relay mail shrinks to about half (bench/store.py); higher levels cost time for little more
_CODECS = threading.local()  # a compressor's set-up costs more than a small mail; one per thread, reused


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of *data* as 64 lower-case hexadecimal digits."""
    return hashlib.sha256(data).hexdigest()


def compress(data: bytes) -> tuple[str, bytes]:
    """Return ``(compression, stored_bytes)``; tiny inputs are kept as they are."""
    if len(data) < 64:
        return NONE, data
    compressor: zstandard.ZstdCompressor | None = getattr(_CODECS, "compressor", None)
    if compressor is None:
        compressor = _CODECS.compressor = zstandard.ZstdCompressor(level=_LEVEL)
    packed = compressor.compress(data)
    if len(packed) >= len(data):
        return NONE, data
    return ZSTD, packed


def decompress(compression: str, data: bytes, *, what: str) -> bytes:
    """Undo :func:`compress`.

    Raises:
        StoreError: the stored bytes are damaged or use an unknown compression; *what* names the row.
    """
    if compression == NONE:
        return bytes(data)
    if compression != ZSTD:
        raise StoreError(f"{what}: unknown compression {compression!r}; upgrade sellerdesk")
    try:
        return bytes(zstandard.ZstdDecompressor().decompress(bytes(data)))
    except zstandard.ZstdError as exc:
        raise StoreError(f"{what}: stored bytes are damaged ({exc}); restore it from a backup") from exc


def _translating(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SQLAlchemyError as exc:
            text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
            raise StoreError(f"database: {func.__name__} failed ({text[0] if text else type(exc).__name__})") \
                from exc

    return wrapper  # type: ignore[return-value]


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


class SqlStore(ConversationQueries):
    """Repository of sellerdesk's data over one SQLAlchemy session (which the caller owns).

    ``store.session`` is public for queries this class does not offer; prefer adding a
    method here when a query is needed in more than one place.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self._stores: dict[str, Store] = {}
        self._known = {}

    # -- stores and mailboxes ------------------------------------------------------------

    def ensure_store(self, config: StoreConfig, *, now: datetime | None = None) -> Store:
        """Return the store row for *config*, creating it or updating its marketplaces and time zone."""
        row = self.ensure_store_named(config.name, now=now)
        if list(row.marketplaces or []) != list(config.marketplaces) or row.timezone != config.timezone:
            row.marketplaces = list(config.marketplaces)
            row.timezone = config.timezone
            self.session.flush()
        return row

    def ensure_store_named(self, name: str, *, now: datetime | None = None) -> Store:
        """Return the store called *name*, creating a bare row (no marketplaces) when there is none."""
        found = self.find_store(name)
        if found is not None:
            return found
        row = Store(name=name, marketplaces=[], timezone="UTC", created_at=_now(now))
        return self.insert_once(row, lambda: self.find_store(name))

    def list_stores(self) -> list[Store]:
        """Every store, by name."""
        return list(self.session.scalars(select(Store).order_by(Store.name)))

    def find_store(self, name: str) -> Store | None:
        """The store called *name*, or ``None``."""
        cached = self._stores.get(name)
        if cached is not None:
            return cached
        found = self.session.scalars(select(Store).where(Store.name == name)).one_or_none()
        if found is not None:
            self._stores[name] = found  # stores are never renamed or deleted within a transaction
        return found

    def get_store(self, name: str) -> Store:
        """The store called *name*.

        Raises:
            NotFoundError: there is none; the message lists the stores that exist.
        """
        found = self.find_store(name)
        if found is None:
            names = ", ".join(self.session.scalars(select(Store.name).order_by(Store.name))) or "none yet"
            raise NotFoundError(f"no store named {name!r} in the database (stores: {names}); "
                                "check --store or add it to [[stores]] in the configuration")
        return found

    def ensure_mailbox(self, config: MailboxConfig, *, now: datetime | None = None) -> Mailbox:
        """Return the mailbox row for *config* (creating it and its store when needed)."""
        store = self.ensure_store_named(config.store, now=now)

        def find() -> Mailbox | None:
            return self.session.scalars(select(Mailbox).where(
                Mailbox.store_id == store.id, Mailbox.imap_host == config.imap_host,
                Mailbox.imap_username == config.imap_username, Mailbox.imap_folder == config.imap_folder,
            )).one_or_none()

        found = find()
        if found is None:
            found = self.insert_once(Mailbox(
                store_id=store.id, imap_host=config.imap_host, imap_username=config.imap_username,
                imap_folder=config.imap_folder, from_address=config.from_address, last_uid=0,
            ), find)
        if found.from_address != config.from_address:
            found.from_address = config.from_address
            self.session.flush()
        return found

    def advance_checkpoint(self, mailbox: Mailbox, *, uidvalidity: int, last_uid: int,
                           now: datetime | None = None) -> None:
        """Record that *mailbox* is read up to *last_uid* under *uidvalidity* (never moves back)."""
        if mailbox.uidvalidity != uidvalidity:
            mailbox.uidvalidity = uidvalidity
            mailbox.last_uid = last_uid
        else:
            mailbox.last_uid = max(mailbox.last_uid or 0, last_uid)
        mailbox.last_polled_at = _now(now)
        mailbox.last_error = None
        self.session.flush()

    # -- raw mails and IMAP UIDs ---------------------------------------------------------

    def put_raw(self, raw: bytes, *, now: datetime) -> RawMail:
        """Keep the raw bytes of a received mail (zstd-compressed), once per SHA-256."""
        return self.keep_raw(raw, now=now)[0]

    def keep_raw(self, raw: bytes, *, now: datetime) -> tuple[RawMail, bool]:
        """Like :meth:`put_raw`, and say whether the bytes are new (``True``) or were kept before."""
        digest = sha256_hex(raw)
        found = self.find_raw(digest)
        if found is not None:
            return found, False
        compression, data = compress(raw)
        row = RawMail(sha256=digest, size=len(raw), compression=compression, data=data, stored_at=now)
        kept = self.insert_once(row, lambda: self.find_raw(digest))
        return kept, kept is row

    def keep_raws(self, raws: Sequence[bytes], *, now: datetime) -> list[tuple[RawMail, bool]]:
        """:meth:`keep_raw` for a whole batch: one look-up query and one multi-row insert.

        Returns ``(row, new)`` for each of *raws* in order; bytes that occur twice in the batch
        are new only the first time, as with one :meth:`keep_raw` call after another.
        """
        digests = [sha256_hex(raw) for raw in raws]
        found: dict[str, RawMail] = {}
        for part in chunks(digests):
            found.update((row.sha256, row) for row in self.session.scalars(
                select(RawMail).where(RawMail.sha256.in_(part))))
        fresh: dict[str, RawMail] = {}
        for digest, raw in zip(digests, raws, strict=True):
            if digest not in found and digest not in fresh:
                compression, data = compress(raw)
                fresh[digest] = RawMail(sha256=digest, size=len(raw), compression=compression, data=data,
                                        stored_at=now)
        if fresh and not self._insert_all(list(fresh.values())):
            # Another process kept some of these bytes meanwhile (PostgreSQL): settle them one by one.
            return [self.keep_raw(raw, now=now) for raw in raws]
        kept: list[tuple[RawMail, bool]] = []
        for digest in digests:
            row = fresh.pop(digest, None)
            if row is not None:
                found[digest] = row
                kept.append((row, True))
            else:
                kept.append((found[digest], False))
        return kept

    def _insert_all(self, rows: list[Any]) -> bool:
        # One flush inserts them all (one multi-row INSERT ... RETURNING). False when a unique key
        # conflicted; the rows are then out of the session and the transaction intact.
        if self.session.get_bind().dialect.name == "sqlite":  # writers serialised: no conflict possible
            self.session.add_all(rows)
            self.session.flush()
            return True
        try:
            with self.session.begin_nested():
                self.session.add_all(rows)
                self.session.flush()
        except IntegrityError:
            return False
        return True

    def messages_for_raws(self, store_id: int, raw_mail_ids: Sequence[int]) -> dict[int, Message]:
        """:meth:`message_for_raw` for many raw mails at once: raw mail id -> its first message."""
        found: dict[int, Message] = {}
        for part in chunks(raw_mail_ids):
            for message in self.session.scalars(select(Message).where(
                    Message.store_id == store_id, Message.raw_mail_id.in_(part)).order_by(Message.id)):
                if message.raw_mail_id is not None:
                    found.setdefault(message.raw_mail_id, message)
        return found

    def find_raw(self, sha256: str) -> RawMail | None:
        """The raw mail with this SHA-256, or ``None``."""
        return self.session.scalars(select(RawMail).where(RawMail.sha256 == sha256)).one_or_none()

    def get_raw(self, raw: RawMail | int) -> bytes:
        """The original bytes of a raw mail (a row or its id).

        Raises:
            NotFoundError: no raw mail has that id.
        """
        row = raw if isinstance(raw, RawMail) else self.session.get(RawMail, raw)
        if row is None:
            raise NotFoundError(f"raw mail {raw} does not exist")
        return decompress(row.compression, row.data, what=f"raw mail {row.id}")

    def record_uid(self, mailbox: Mailbox, *, uidvalidity: int, uid: int, raw: RawMail | int) -> bool:
        """Remember that IMAP message *uid* of *mailbox* brought *raw* (a row or its id); False when known."""
        if self.has_uid(mailbox, uidvalidity=uidvalidity, uid=uid):
            return False
        raw_mail_id = raw if isinstance(raw, int) else raw.id
        row = MailboxUid(mailbox_id=mailbox.id, uidvalidity=uidvalidity, uid=uid, raw_mail_id=raw_mail_id)
        return self.insert_once(row, lambda: self._find_uid(mailbox, uidvalidity, uid)) is row

    def known_uids(self, mailbox: Mailbox, *, uidvalidity: int, uids: Sequence[int]) -> set[int]:
        """Those of *uids* (under *uidvalidity*) of *mailbox* that were stored before: :meth:`has_uid` for many."""
        known: set[int] = set()
        for part in chunks(uids):
            known.update(self.session.scalars(select(MailboxUid.uid).where(
                MailboxUid.mailbox_id == mailbox.id, MailboxUid.uidvalidity == uidvalidity, MailboxUid.uid.in_(part))))
        return known

    def record_uids(self, mailbox: Mailbox, *, uidvalidity: int, raws: Sequence[tuple[int, int]]) -> None:
        """:meth:`record_uid` for many ``(uid, raw mail id)`` pairs not recorded before, in one insert."""
        rows = [MailboxUid(mailbox_id=mailbox.id, uidvalidity=uidvalidity, uid=uid, raw_mail_id=raw_mail_id)
                for uid, raw_mail_id in raws]
        if rows and not self._insert_all(rows):
            # Another ingest of the same mailbox recorded some meanwhile (PostgreSQL): one by one.
            for uid, raw_mail_id in raws:
                self.record_uid(mailbox, uidvalidity=uidvalidity, uid=uid, raw=raw_mail_id)

    def has_uid(self, mailbox: Mailbox, *, uidvalidity: int, uid: int) -> bool:
        """True when IMAP message *uid* (under *uidvalidity*) of *mailbox* was stored before."""
        return self._find_uid(mailbox, uidvalidity, uid) is not None

    def _find_uid(self, mailbox: Mailbox, uidvalidity: int, uid: int) -> MailboxUid | None:
        return self.session.scalars(select(MailboxUid).where(
            MailboxUid.mailbox_id == mailbox.id, MailboxUid.uidvalidity == uidvalidity, MailboxUid.uid == uid,
        )).one_or_none()

    # -- attachments ---------------------------------------------------------------------

    def add_attachment(self, message: Message, *, filename: str | None, content_type: str, data: bytes,
                       max_bytes: int) -> Attachment:
        """Attach a file to *message*; its content is kept once per SHA-256 unless over *max_bytes*.

        An attachment over the cap is recorded (name, type, size, hash) without its content.
        """
        digest = sha256_hex(data)
        blob: Blob | None = None
        if len(data) <= max_bytes:
            blob = self._find_blob(digest)
            if blob is None:
                compression, packed = compress(data)
                blob = self.insert_once(Blob(sha256=digest, size=len(data), compression=compression, data=packed),
                                        lambda: self._find_blob(digest))
        row = Attachment(message_id=message.id, filename=filename, content_type=content_type, size=len(data),
                         sha256=digest, blob_id=blob.id if blob is not None else None)
        self.session.add(row)
        self.session.flush()
        return row

    def attachments_of(self, message: Message) -> list[Attachment]:
        """The attachments of *message*, in the order they were added."""
        return list(self.session.scalars(
            select(Attachment).where(Attachment.message_id == message.id).order_by(Attachment.id)))

    def attachment_data(self, attachment: Attachment) -> bytes | None:
        """The content of *attachment*, or ``None`` when it was over the size cap."""
        if attachment.blob_id is None:
            return None
        blob = self.session.get(Blob, attachment.blob_id)
        if blob is None:
            raise NotFoundError(f"attachment {attachment.id}: its content (blob {attachment.blob_id}) is missing")
        return decompress(blob.compression, blob.data, what=f"blob {blob.id}")

    def _find_blob(self, sha256: str) -> Blob | None:
        return self.session.scalars(select(Blob).where(Blob.sha256 == sha256)).one_or_none()

    # -- audit log -----------------------------------------------------------------------

    def audit(self, actor: str, action: str, *, at: datetime, store_id: int | None = None,
              thread_id: int | None = None, message_id: int | None = None,
              detail: dict[str, Any] | None = None) -> AuditEntry:
        """Write who (*actor*: a user name or ``system:<job>``) did what (*action*), when (*at*)."""
        row = AuditEntry(at=at, actor=actor, action=action, store_id=store_id, thread_id=thread_id,
                         message_id=message_id, detail=dict(detail or {}))
        self.session.add(row)
        self.session.flush()
        return row

    def audit_entries(self, *, store_id: int | None = None, action: str | None = None,
                      limit: int = 1000) -> list[AuditEntry]:
        """The newest audit entries first, optionally of one store and one action."""
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if store_id is not None:
            query = query.where(AuditEntry.store_id == store_id)
        if action is not None:
            query = query.where(AuditEntry.action == action)
        return list(self.session.scalars(query))


def _wrap_public_methods(cls: type) -> None:
    # Applied once at import time to every public method, including the inherited query
    # methods, so no SQLAlchemy exception escapes the adapter.
    for name in dir(cls):
        value = getattr(cls, name)
        if not name.startswith("_") and callable(value):
            setattr(cls, name, _translating(value))


_wrap_public_methods(SqlStore)
