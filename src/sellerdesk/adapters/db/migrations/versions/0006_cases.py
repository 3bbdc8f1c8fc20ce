"""Seller Support cases: the cases, the links between them when a case moves teams, their events.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 04:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.Column("amazon_case_id", sa.String(length=40), nullable=True),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=400), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("refs", sa.JSON(), nullable=False),
        sa.Column("opened_by", sa.String(length=200), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("follow_up_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_cases_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("amazon_case_id", name=op.f("uq_cases_amazon_case_id")),
    )
    op.create_index(op.f("ix_cases_topic"), "cases", ["topic"])
    op.create_table(
        "case_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_id", sa.Integer(), nullable=False),
        sa.Column("to_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=400), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["from_id"], ["cases.id"], name=op.f("fk_case_links_from_id_cases")),
        sa.ForeignKeyConstraint(["to_id"], ["cases.id"], name=op.f("fk_case_links_to_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_links")),
        sa.UniqueConstraint("from_id", "to_id", name=op.f("uq_case_links_from_id_to_id")),
    )
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_row_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_row_id"], ["cases.id"], name=op.f("fk_case_events_case_row_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_events")),
    )
    op.create_index(op.f("ix_case_events_case_row_id"), "case_events", ["case_row_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_case_events_case_row_id"), table_name="case_events")
    op.drop_table("case_events")
    op.drop_table("case_links")
    op.drop_index(op.f("ix_cases_topic"), table_name="cases")
    op.drop_table("cases")
