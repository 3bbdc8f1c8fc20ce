"""Indexes: a buyer's messages in a store (the suspicious-contact checks on every stored mail) and a thread's
audit entries (hold reasons in the inbox filter).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22 07:55:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_messages_store_buyer_received", "messages", ["store_id", "buyer_alias", "received_at"])
    op.create_index("ix_audit_log_thread_id", "audit_log", ["thread_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_thread_id", table_name="audit_log")
    op.drop_index("ix_messages_store_buyer_received", table_name="messages")
