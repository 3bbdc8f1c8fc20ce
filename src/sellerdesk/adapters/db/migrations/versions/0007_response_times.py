"""Stored first-answer times of buyer messages, for fast Contact Response Time metrics and inbox.

Adds ``response_times`` (one row per buyer message), ``response_months`` (their monthly
totals per outcome bucket) and ``thread_clocks`` (what each thread's inbox clock counts
from), and fills them from the messages
already stored (:func:`sellerdesk.adapters.db.response_times.rebuild`, a thread at a time).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 06:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sellerdesk.adapters.db.response_times import rebuild

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "response_times",
        sa.Column("message_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("marketplace", sa.String(length=2), nullable=True),
        sa.Column("agent", sa.String(length=200), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("response_us", sa.BigInteger(), nullable=True),
        sa.Column("excluded", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], name=op.f("fk_response_times_message_id_messages")),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_response_times_store_id_stores")),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_response_times")),
    )
    op.create_index("ix_response_times_store_received", "response_times",
                    ["store_id", "received_at", "answered_at", "response_us", "excluded", "marketplace", "agent"])
    op.create_index("ix_response_times_store_response", "response_times",
                    ["store_id", "response_us", "received_at", "answered_at", "excluded", "marketplace", "agent"])
    op.create_index("ix_response_times_store_answered", "response_times", ["store_id", "answered_at"])
    op.create_index("ix_response_times_answered", "response_times", ["answered_at"])
    op.create_index(op.f("ix_response_times_thread_id"), "response_times", ["thread_id"])
    op.create_table(
        "thread_clocks",
        sa.Column("thread_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("waiting_since", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_thread_clocks_store_id_stores")),
        sa.PrimaryKeyConstraint("thread_id", name=op.f("pk_thread_clocks")),
    )
    op.create_index("ix_thread_clocks_store_waiting", "thread_clocks", ["store_id", "waiting_since"])
    op.create_table(
        "response_months",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.DateTime(), nullable=False),
        sa.Column("marketplace", sa.String(length=2), nullable=False),
        sa.Column("agent", sa.String(length=200), nullable=False),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("response_us", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_response_months_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response_months")),
        sa.UniqueConstraint("store_id", "month", "marketplace", "agent", "bucket",
                            name=op.f("uq_response_months_store_id_month_marketplace_agent_bucket")),
    )
    rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_table("response_months")
    op.drop_index(op.f("ix_response_times_thread_id"), table_name="response_times")
    op.drop_index("ix_response_times_answered", table_name="response_times")
    op.drop_index("ix_response_times_store_answered", table_name="response_times")
    op.drop_index("ix_response_times_store_response", table_name="response_times")
    op.drop_index("ix_response_times_store_received", table_name="response_times")
    op.drop_table("response_times")
    op.drop_index("ix_thread_clocks_store_waiting", table_name="thread_clocks")
    op.drop_table("thread_clocks")
