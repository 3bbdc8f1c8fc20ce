"""SQLAlchemy 2.0 tables of sellerdesk (portable: SQLite and PostgreSQL).

Times are stored in UTC (:class:`UtcDateTime`) and come back timezone-aware.
Idempotency lives in unique constraints: a mail is stored once per store by its
``message_key``; a raw mail once by its SHA-256; an IMAP message once per mailbox by
UIDVALIDITY + UID; an attachment's content once by its SHA-256.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC and returned timezone-aware (UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a time zone first")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


class DecimalText(TypeDecorator[Decimal]):
    """An exact decimal (money, exchange rates) stored as its text, so SQLite keeps every digit too."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise ValueError(f"a decimal column takes a Decimal, not {type(value).__name__}")
        return str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        try:
            return Decimal(str(value))
        except InvalidOperation as exc:
            raise ValueError(f"stored decimal {value!r} is not a number") from exc


class Base(DeclarativeBase):
    """Declarative base with a constraint naming convention (stable Alembic migrations)."""

    metadata = MetaData(naming_convention=NAMING)


class Store(Base):
    """A store: one seller account's customer-service identity (config ``[[stores]]``)."""

    __tablename__ = "stores"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    marketplaces: Mapped[list[str]] = mapped_column(JSON, default=list)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Mailbox(Base):
    """An IMAP mailbox of a store, with its ingest checkpoint (UIDVALIDITY + last UID)."""

    __tablename__ = "mailboxes"
    __table_args__ = (UniqueConstraint("store_id", "imap_host", "imap_username", "imap_folder"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    imap_host: Mapped[str] = mapped_column(String(255))
    imap_username: Mapped[str] = mapped_column(String(255))
    imap_folder: Mapped[str] = mapped_column(String(255), default="INBOX")
    from_address: Mapped[str | None] = mapped_column(String(320))
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    last_polled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


class RawMail(Base):
    """The raw bytes of every mail received (compressed), so parsing can be re-run."""

    __tablename__ = "raw_mails"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    compression: Mapped[str] = mapped_column(String(16))  # "zstd" or "none"
    data: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MailboxUid(Base):
    """Which IMAP message (mailbox, UIDVALIDITY, UID) brought which raw mail."""

    __tablename__ = "mailbox_uids"
    __table_args__ = (UniqueConstraint("mailbox_id", "uidvalidity", "uid"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mailbox_id: Mapped[int] = mapped_column(ForeignKey("mailboxes.id"))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    raw_mail_id: Mapped[int] = mapped_column(ForeignKey("raw_mails.id"))


class Buyer(Base):
    """A buyer of a store, known by the relay alias (stable for the buyer–seller pair)."""

    __tablename__ = "buyers"
    __table_args__ = (UniqueConstraint("store_id", "alias"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    alias: Mapped[str] = mapped_column(String(320))  # normalised: lower case, no +suffix
    name: Mapped[str | None] = mapped_column(String(255))
    marketplace: Mapped[str | None] = mapped_column(String(2))
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Thread(Base):
    """A conversation: buyer alias + order ID, or buyer alias + ASIN for pre-sale questions."""

    __tablename__ = "threads"
    __table_args__ = (
        UniqueConstraint("store_id", "thread_key"),
        Index("ix_threads_store_state_due", "store_id", "state", "last_inbound_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("buyers.id"))
    thread_key: Mapped[str] = mapped_column(String(400))
    order_id: Mapped[str | None] = mapped_column(String(19), index=True)
    asin: Mapped[str | None] = mapped_column(String(10))
    marketplace: Mapped[str | None] = mapped_column(String(2))
    subject: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default="open")  # open | answered | closed
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_inbound_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_outbound_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    assigned_to: Mapped[str | None] = mapped_column(String(100))  # a user name (core.workflow)


class Message(Base):
    """A message in (a received mail, parsed or quarantined) or out (a reply)."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("store_id", "message_key"),
        Index("ix_messages_store_received", "store_id", "received_at"),
        Index("ix_messages_rfc_message_id", "message_id"),
        Index("ix_messages_raw_mail_id", "raw_mail_id"),
        Index("ix_messages_store_buyer_received", "store_id", "buyer_alias", "received_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id"), index=True)
    raw_mail_id: Mapped[int | None] = mapped_column(ForeignKey("raw_mails.id"))
    direction: Mapped[str] = mapped_column(String(3))  # "in" | "out"
    kind: Mapped[str] = mapped_column(String(20))  # buyer_message | amazon_notice | other | reply
    notice_type: Mapped[str | None] = mapped_column(String(30))
    message_key: Mapped[str] = mapped_column(String(400))
    message_id: Mapped[str | None] = mapped_column(String(400))  # RFC 5322 Message-ID, no <>
    in_reply_to: Mapped[str | None] = mapped_column(String(400))
    related_message_id: Mapped[str | None] = mapped_column(String(400))
    subject: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, default="")
    from_address: Mapped[str | None] = mapped_column(String(320))
    to_address: Mapped[str | None] = mapped_column(String(320))
    order_id: Mapped[str | None] = mapped_column(String(19))
    asin: Mapped[str | None] = mapped_column(String(10))
    buyer_alias: Mapped[str | None] = mapped_column(String(320))
    buyer_name: Mapped[str | None] = mapped_column(String(255))
    marketplace: Mapped[str | None] = mapped_column(String(2))
    language: Mapped[str | None] = mapped_column(String(8))
    intent: Mapped[str | None] = mapped_column(String(40))
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # Date header / time sent
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)  # when it reached the mailbox / was queued
    # in: "stored" | "quarantined"; out: "queued" | "sending" | "sent" | "failed" | "unknown"
    state: Mapped[str] = mapped_column(String(20))
    state_reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # item titles, asins, problems...
    parser_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Delivery(Base):
    """The SMTP delivery of an outgoing message: the outbox row and its state machine."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_state_next", "state", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), unique=True)
    mailbox_id: Mapped[int] = mapped_column(ForeignKey("mailboxes.id"))
    state: Mapped[str] = mapped_column(String(20))  # queued | sending | sent | failed | unknown
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    smtp_response: Mapped[str | None] = mapped_column(Text)
    bounced: Mapped[bool] = mapped_column(Boolean, default=False)
    bounce_reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Blob(Base):
    """Attachment content, stored once by SHA-256 (compressed)."""

    __tablename__ = "blobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    compression: Mapped[str] = mapped_column(String(16))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Attachment(Base):
    """An attachment of a message; its content is in :class:`Blob` unless it was over the size cap."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    filename: Mapped[str | None] = mapped_column(String(400))
    content_type: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    blob_id: Mapped[int | None] = mapped_column(ForeignKey("blobs.id"))  # None: over the cap, not kept


class AuditEntry(Base):
    """Who did what, when: sends, overrides, "no response needed", state changes."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(200))  # a user name, or "system:<job>"
    action: Mapped[str] = mapped_column(String(60))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class User(Base):
    """A person who signs in to the web app: role, the stores they may see, UI language."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))  # argon2id, in its PHC string form
    role: Mapped[str] = mapped_column(String(10))  # admin | agent | viewer
    stores: Mapped[list[str]] = mapped_column(JSON, default=list)  # store names; ["*"] means every store
    ui_language: Mapped[str] = mapped_column(String(16), default="en")  # en | zh_Hans
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CachedOrder(Base):
    """An order fetched from the SP-API (contracts §3 shape in ``data``), with when it was fetched."""

    __tablename__ = "spapi_orders"
    __table_args__ = (UniqueConstraint("store_id", "order_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    order_id: Mapped[str] = mapped_column(String(19))
    marketplace: Mapped[str | None] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(20))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # OrderSnapshot.to_dict()
    amazon_updated_at: Mapped[datetime] = mapped_column(UtcDateTime)  # Amazon's lastUpdatedTime
    fetched_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)  # why the last refresh failed (e.g. unknown order)


class OrderEvent(Base):
    """Something that happened to an order (a buyer asked to cancel, a parcel is undeliverable...)."""

    __tablename__ = "order_events"
    __table_args__ = (Index("ix_order_events_store_handled", "store_id", "handled"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    order_id: Mapped[str] = mapped_column(String(19))
    trigger: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(20))  # "poll" | "notification"
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    handled: Mapped[bool] = mapped_column(Boolean, default=False)


class ReviewRequest(Base):
    """The review-request ledger: one row per order, requested or why it was not (yet)."""

    __tablename__ = "review_requests"
    __table_args__ = (UniqueConstraint("store_id", "order_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    order_id: Mapped[str] = mapped_column(String(19))
    state: Mapped[str] = mapped_column(String(20))  # requested | skipped | scheduled | failed
    reason: Mapped[str] = mapped_column(String(80))
    send_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime)
    requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    request_id: Mapped[str | None] = mapped_column(String(100))  # Amazon's x-amzn-RequestId


class ApiMessage(Base):
    """A typed message sent (or refused) through the SP-API Messaging API, with the guard's verdict."""

    __tablename__ = "api_messages"
    __table_args__ = (Index("ix_api_messages_store_order", "store_id", "order_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    order_id: Mapped[str] = mapped_column(String(19))
    message_type: Mapped[str] = mapped_column(String(40))
    text: Mapped[str | None] = mapped_column(Text)
    attachments: Mapped[list[str]] = mapped_column(JSON, default=list)  # file names
    state: Mapped[str] = mapped_column(String(20))  # sent | blocked | not_allowed | failed
    verdict: Mapped[str] = mapped_column(String(10))  # the compliance guard's pass | warn | block
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # findings, Amazon's error, request ID
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class OrderSyncState(Base):
    """Where the order poll of a store stands: the lastUpdatedAfter of its next searchOrders."""

    __tablename__ = "spapi_sync"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), unique=True)
    updated_after: Mapped[datetime] = mapped_column(UtcDateTime)
    last_run_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


class MessageExclusion(Base):
    """A buyer message marked "no response needed": who marked it, why and when (out of the metrics)."""

    __tablename__ = "message_exclusions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), unique=True)
    actor: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class ResponseTime(Base):
    """One buyer message on Amazon's clock: when it started, its first answer, its exclusion, its group keys.

    Derived from messages, replies, exclusions and assignments and kept in step with them by
    :mod:`sellerdesk.adapters.db.response_times`; the Contact Response Time metrics read it
    instead of matching replies to messages.
    """

    __tablename__ = "response_times"
    __table_args__ = (
        Index("ix_response_times_store_received", "store_id", "received_at", "answered_at", "response_us",
              "excluded", "marketplace", "agent"),
        Index("ix_response_times_store_response", "store_id", "response_us", "received_at", "answered_at",
              "excluded", "marketplace", "agent"),
        Index("ix_response_times_store_answered", "store_id", "answered_at"),
        Index("ix_response_times_answered", "answered_at"),
    )
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), primary_key=True, autoincrement=False)
    thread_id: Mapped[int] = mapped_column(Integer, index=True)  # no key: a re-parse may delete an emptied thread
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    marketplace: Mapped[str | None] = mapped_column(String(2))
    agent: Mapped[str | None] = mapped_column(String(200))  # who marked it excluded, else the thread's assignee
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)  # the clock start (core.sla)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # the first reply at or after it
    response_us: Mapped[int | None] = mapped_column(BigInteger)  # answered_at - received_at in microseconds
    excluded: Mapped[bool] = mapped_column(Boolean, default=False)


class ThreadClock(Base):
    """A thread with a buyer message still waiting: the clock start of its oldest one nobody answered or excluded.

    Kept with :class:`ResponseTime`; a thread with nothing waiting has no row. The inbox counts
    down from it (due 24 hours later) and sorts by it.
    """

    __tablename__ = "thread_clocks"
    __table_args__ = (Index("ix_thread_clocks_store_waiting", "store_id", "waiting_since"),)
    thread_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)  # no key, as above
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    waiting_since: Mapped[datetime] = mapped_column(UtcDateTime)


class ResponseMonth(Base):
    """Buyer messages counted per store, UTC month of receipt, marketplace, agent and outcome bucket.

    ``bucket`` is :func:`sellerdesk.core.response_times.outcome_bucket` of the message as known now;
    ``response_us`` the sum of the answered messages' response times. An unknown marketplace or
    agent is ``""`` (part of the unique key). Kept with :class:`ResponseTime`.
    """

    __tablename__ = "response_months"
    __table_args__ = (UniqueConstraint("store_id", "month", "marketplace", "agent", "bucket"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    month: Mapped[datetime] = mapped_column(UtcDateTime)  # first instant of the UTC month
    marketplace: Mapped[str] = mapped_column(String(2))
    agent: Mapped[str] = mapped_column(String(200))
    bucket: Mapped[int] = mapped_column(Integer)
    messages: Mapped[int] = mapped_column(Integer)
    response_us: Mapped[int] = mapped_column(BigInteger)


class ThreadView(Base):
    """The last time a user opened a thread (for collision warnings)."""

    __tablename__ = "thread_views"
    __table_args__ = (UniqueConstraint("thread_id", "user_name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"))
    user_name: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class ReminderSent(Base):
    """A reminder that went out, once per key (thread, point and channel; or store, day and channel)."""

    __tablename__ = "reminders_sent"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(400), unique=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ReplyTemplate(Base):
    """A store's reply template: the current text, its version, how often it was used, when it was last edited."""

    __tablename__ = "templates"
    __table_args__ = (UniqueConstraint("store_id", "name", "language"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    name: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(8))
    intent: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    usage_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    edited_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class TemplateVersion(Base):
    """Every saved text of a template, with who saved it and the compliance verdict at the time."""

    __tablename__ = "template_versions"
    __table_args__ = (UniqueConstraint("template_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("templates.id"))
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    verdict: Mapped[str] = mapped_column(String(10))
    edited_by: Mapped[str] = mapped_column(String(200))
    edited_at: Mapped[datetime] = mapped_column(UtcDateTime)


class KnowledgeRow(Base):
    """What a store knows about one ASIN (core.knowledge): sizes, compatibility, care, known issues..."""

    __tablename__ = "knowledge"
    __table_args__ = (UniqueConstraint("store_id", "asin"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    asin: Mapped[str] = mapped_column(String(10))
    language: Mapped[str | None] = mapped_column(String(8))
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Case(Base):
    """A message to Amazon Seller Support and its tracking: Amazon's case ID, topic, status, follow-up."""

    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    amazon_case_id: Mapped[str | None] = mapped_column(String(40), unique=True)
    topic: Mapped[str] = mapped_column(String(40), index=True)
    subject: Mapped[str] = mapped_column(String(400))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(30))
    refs: Mapped[list[str]] = mapped_column(JSON, default=list)
    opened_by: Mapped[str] = mapped_column(String(200))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    follow_up_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CaseLink(Base):
    """A case that moved to another team under a new case: the older case, the newer, and why."""

    __tablename__ = "case_links"
    __table_args__ = (UniqueConstraint("from_id", "to_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    from_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    to_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    reason: Mapped[str] = mapped_column(String(400))
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class CaseEvent(Base):
    """Something that happened to a case: opened, a status change, a link, a note; with who and when."""

    __tablename__ = "case_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_row_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str | None] = mapped_column(String(30))
    detail: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class ApiToken(Base):
    """A bearer token of the JSON API, acting as its user (role and store access are the user's).

    Only the SHA-256 of the token is kept; ``prefix`` (also part of the token) finds the row.
    """

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))  # hex SHA-256 of the whole token
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ApiIdempotencyKey(Base):
    """A reply queued through the JSON API under an ``Idempotency-Key``: a retry gets this answer back."""

    __tablename__ = "api_idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))  # hex SHA-256 of the thread and the request body
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    response: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
