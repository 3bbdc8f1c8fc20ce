"""SP-API: order cache, order events, review-request ledger, API message log, order-poll checkpoint.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 03:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "spapi_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.String(length=19), nullable=False),
        sa.Column("marketplace", sa.String(length=2), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("amazon_updated_at", sa.DateTime(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_spapi_orders_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spapi_orders")),
        sa.UniqueConstraint("store_id", "order_id", name=op.f("uq_spapi_orders_store_id_order_id")),
    )
    op.create_table(
        "order_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.String(length=19), nullable=False),
        sa.Column("trigger", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("handled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_order_events_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_events")),
    )
    op.create_index("ix_order_events_store_handled", "order_events", ["store_id", "handled"], unique=False)
    op.create_table(
        "review_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.String(length=19), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=80), nullable=False),
        sa.Column("send_at", sa.DateTime(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=True),
        sa.Column("request_id", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_review_requests_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_requests")),
        sa.UniqueConstraint("store_id", "order_id", name=op.f("uq_review_requests_store_id_order_id")),
    )
    op.create_table(
        "api_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.String(length=19), nullable=False),
        sa.Column("message_type", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_api_messages_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_messages")),
    )
    op.create_index("ix_api_messages_store_order", "api_messages", ["store_id", "order_id"], unique=False)
    op.create_table(
        "spapi_sync",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("updated_after", sa.DateTime(), nullable=False),
        sa.Column("last_run_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_spapi_sync_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spapi_sync")),
        sa.UniqueConstraint("store_id", name=op.f("uq_spapi_sync_store_id")),
    )


def downgrade() -> None:
    op.drop_table("spapi_sync")
    op.drop_index("ix_api_messages_store_order", table_name="api_messages")
    op.drop_table("api_messages")
    op.drop_table("review_requests")
    op.drop_index("ix_order_events_store_handled", table_name="order_events")
    op.drop_table("order_events")
    op.drop_table("spapi_orders")
