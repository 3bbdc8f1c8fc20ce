"""The after-sales tables: replacement cases with their ledger fields, refund decisions, return requests,
and orders imported from Amazon's order reports (the denominator of the replacement rate).

They share :class:`~sellerdesk.adapters.db.tables.Base` and its metadata with the other tables;
the package imports this module so that Alembic and ``create_all`` always see them.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sellerdesk.adapters.db.tables import Base, DecimalText, UtcDateTime


class ReplacementCase(Base):
    """An after-sales case of an order: a replacement (or, when none is possible, a refund offer) and its ledger row.

    ``open_key`` is the order ID while the case is in progress and ``None`` once it is closed, refused or
    explained, so one order never has two cases in progress, even when two processes open one at once.
    Costs are in ``cost_currency``; ``fx_rate`` converts them to ``ledger_currency`` (recorded with them).
    """

    __tablename__ = "replacement_cases"
    __table_args__ = (
        UniqueConstraint("store_id", "open_key"),
        Index("ix_replacement_cases_store_requested", "store_id", "requested_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id"))
    order_event_id: Mapped[int | None] = mapped_column(ForeignKey("order_events.id"), unique=True)
    open_key: Mapped[str | None] = mapped_column(String(19))
    order_id: Mapped[str] = mapped_column(String(19), index=True)
    marketplace: Mapped[str | None] = mapped_column(String(2))
    destination: Mapped[str | None] = mapped_column(String(2))  # the buyer's country
    sku: Mapped[str | None] = mapped_column(String(100))
    asin: Mapped[str | None] = mapped_column(String(10))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    cause: Mapped[str] = mapped_column(String(30))  # not_received | damaged_defective | missing_parts | ...
    problem: Mapped[str] = mapped_column(Text, default="")  # the problem as understood, in the seller's words
    language: Mapped[str | None] = mapped_column(String(8))  # of the buyer messages
    source: Mapped[str] = mapped_column(String(40))  # "thread" | "order_event:<trigger>" | "manual"
    state: Mapped[str] = mapped_column(String(20))  # core.after_sales.states.STATES
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    original_carrier: Mapped[str | None] = mapped_column(String(100))
    carrier: Mapped[str | None] = mapped_column(String(100))  # of the replacement parcel
    tracking_number: Mapped[str | None] = mapped_column(String(100))
    ship_date: Mapped[datetime | None] = mapped_column(UtcDateTime)  # promised, then actual
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # the next answer owed to the buyer
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    shipped_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cost_item: Mapped[Decimal | None] = mapped_column(DecimalText)
    cost_packing: Mapped[Decimal | None] = mapped_column(DecimalText)
    cost_postage: Mapped[Decimal | None] = mapped_column(DecimalText)
    cost_currency: Mapped[str | None] = mapped_column(String(3))
    fx_rate: Mapped[Decimal | None] = mapped_column(DecimalText)
    ledger_currency: Mapped[str | None] = mapped_column(String(3))
    tracking_uploaded: Mapped[bool] = mapped_column(Boolean, default=False)
    return_closed: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class RefundDecision(Base):
    """A refund decided for an order: amount and currency, converted at a recorded rate, and why."""

    __tablename__ = "refund_decisions"
    __table_args__ = (Index("ix_refund_decisions_store_decided", "store_id", "decided_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("replacement_cases.id"))
    order_id: Mapped[str] = mapped_column(String(19), index=True)
    marketplace: Mapped[str | None] = mapped_column(String(2))
    sku: Mapped[str | None] = mapped_column(String(100))
    asin: Mapped[str | None] = mapped_column(String(10))
    amount: Mapped[Decimal] = mapped_column(DecimalText)
    currency: Mapped[str] = mapped_column(String(3))
    fx_rate: Mapped[Decimal] = mapped_column(DecimalText)
    ledger_currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ReturnRequest(Base):
    """A buyer's return request: its reason category and the review owed within 3 business days."""

    __tablename__ = "return_requests"
    __table_args__ = (UniqueConstraint("store_id", "order_id", "requested_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    order_id: Mapped[str] = mapped_column(String(19), index=True)
    marketplace: Mapped[str] = mapped_column(String(2))
    reason: Mapped[str] = mapped_column(String(30))  # core.after_sales.returns.REASONS
    note: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20))  # open | approved | refused | closed
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    review_due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    decision_note: Mapped[str | None] = mapped_column(Text)


class ImportedOrder(Base):
    """An order from an imported order report: counted for replacement rates beside the SP-API order cache."""

    __tablename__ = "imported_orders"
    __table_args__ = (
        UniqueConstraint("store_id", "order_id"),
        Index("ix_imported_orders_store_purchased", "store_id", "purchase_date"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    order_id: Mapped[str] = mapped_column(String(19))
    marketplace: Mapped[str | None] = mapped_column(String(2))
    purchase_date: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(20))
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime)
