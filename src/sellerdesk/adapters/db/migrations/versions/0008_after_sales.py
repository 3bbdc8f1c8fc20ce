"""After-sales: replacement cases, refunds, returns and their ledger.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 06:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _money(name: str, *, nullable: bool = True) -> sa.Column[str]:
    return sa.Column(name, sa.String(length=40), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "replacement_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("order_event_id", sa.Integer(), nullable=True),
        sa.Column("open_key", sa.String(length=19), nullable=True),
        sa.Column("order_id", sa.String(length=19), nullable=False),
        sa.Column("marketplace", sa.String(length=2), nullable=True),
        sa.Column("destination", sa.String(length=2), nullable=True),
        sa.Column("sku", sa.String(length=100), nullable=True),
        sa.Column("asin", sa.String(length=10), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("cause", sa.String(length=30), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("refusal_reason", sa.Text(), nullable=True),
        sa.Column("original_carrier", sa.String(length=100), nullable=True),
        sa.Column("carrier", sa.String(length=100), nullable=True),
        sa.Column("tracking_number", sa.String(length=100), nullable=True),
        sa.Column("ship_date", sa.DateTime(), nullable=True),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("shipped_at", sa.DateTime(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        _money("cost_item"),
        _money("cost_packing"),
        _money("cost_postage"),
        sa.Column("cost_currency", sa.String(length=3), nullable=True),
        _money("fx_rate"),
        sa.Column("ledger_currency", sa.String(length=3), nullable=True),
        sa.Column("tracking_uploaded", sa.Boolean(), nullable=False),
        sa.Column("return_closed", sa.Boolean(), nullable=False),
        sa.Column("opened_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_replacement_cases_store_id_stores")),
        sa.ForeignKeyConstraint(["thread_id"], ["threads.id"], name=op.f("fk_replacement_cases_thread_id_threads")),
        sa.ForeignKeyConstraint(["order_event_id"], ["order_events.id"],
                                name=op.f("fk_replacement_cases_order_event_id_order_events")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replacement_cases")),
        sa.UniqueConstraint("order_event_id", name=op.f("uq_replacement_cases_order_event_id")),
        sa.UniqueConstraint("store_id", "open_key", name=op.f("uq_replacement_cases_store_id_open_key")),
    )
    op.create_index(op.f("ix_replacement_cases_order_id"), "replacement_cases", ["order_id"])
    op.create_index("ix_replacement_cases_store_requested", "replacement_cases", ["store_id", "requested_at"])
    op.create_table(
        "refund_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("order_id", sa.String(length=19), nullable=False),
        sa.Column("marketplace", sa.String(length=2), nullable=True),
        sa.Column("sku", sa.String(length=100), nullable=True),
        sa.Column("asin", sa.String(length=10), nullable=True),
        _money("amount", nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        _money("fx_rate", nullable=False),
        sa.Column("ledger_currency", sa.String(length=3), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_refund_decisions_store_id_stores")),
        sa.ForeignKeyConstraint(["case_id"], ["replacement_cases.id"],
                                name=op.f("fk_refund_decisions_case_id_replacement_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refund_decisions")),
    )
    op.create_index(op.f("ix_refund_decisions_order_id"), "refund_decisions", ["order_id"])
    op.create_index("ix_refund_decisions_store_decided", "refund_decisions", ["store_id", "decided_at"])
    op.create_table(
        "return_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.String(length=19), nullable=False),
        sa.Column("marketplace", sa.String(length=2), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("review_due_at", sa.DateTime(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=200), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_return_requests_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_requests")),
        sa.UniqueConstraint("store_id", "order_id", "requested_at",
                            name=op.f("uq_return_requests_store_id_order_id_requested_at")),
    )
    op.create_index(op.f("ix_return_requests_order_id"), "return_requests", ["order_id"])
    op.create_table(
        "imported_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.String(length=19), nullable=False),
        sa.Column("marketplace", sa.String(length=2), nullable=True),
        sa.Column("purchase_date", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_imported_orders_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imported_orders")),
        sa.UniqueConstraint("store_id", "order_id", name=op.f("uq_imported_orders_store_id_order_id")),
    )
    op.create_index("ix_imported_orders_store_purchased", "imported_orders", ["store_id", "purchase_date"])


def downgrade() -> None:
    op.drop_index("ix_imported_orders_store_purchased", table_name="imported_orders")
    op.drop_table("imported_orders")
    op.drop_index(op.f("ix_return_requests_order_id"), table_name="return_requests")
    op.drop_table("return_requests")
    op.drop_index("ix_refund_decisions_store_decided", table_name="refund_decisions")
    op.drop_index(op.f("ix_refund_decisions_order_id"), table_name="refund_decisions")
    op.drop_table("refund_decisions")
    op.drop_index("ix_replacement_cases_store_requested", table_name="replacement_cases")
    op.drop_index(op.f("ix_replacement_cases_order_id"), table_name="replacement_cases")
    op.drop_table("replacement_cases")
