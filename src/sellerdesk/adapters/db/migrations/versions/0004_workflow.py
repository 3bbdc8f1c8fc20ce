"""Inbox workflow: thread assignment, "no response needed" marks, thread views, reminders sent.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 04:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("threads") as batch:
        batch.add_column(sa.Column("assigned_to", sa.String(length=100), nullable=True))
    op.create_table(
        "message_exclusions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"],
                                name=op.f("fk_message_exclusions_message_id_messages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_exclusions")),
        sa.UniqueConstraint("message_id", name=op.f("uq_message_exclusions_message_id")),
    )
    op.create_table(
        "thread_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["thread_id"], ["threads.id"], name=op.f("fk_thread_views_thread_id_threads")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thread_views")),
        sa.UniqueConstraint("thread_id", "user_name", name=op.f("uq_thread_views_thread_id_user_name")),
    )
    op.create_table(
        "reminders_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_reminders_sent_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders_sent")),
        sa.UniqueConstraint("key", name=op.f("uq_reminders_sent_key")),
    )


def downgrade() -> None:
    op.drop_table("reminders_sent")
    op.drop_table("thread_views")
    op.drop_table("message_exclusions")
    with op.batch_alter_table("threads") as batch:
        batch.drop_column("assigned_to")
