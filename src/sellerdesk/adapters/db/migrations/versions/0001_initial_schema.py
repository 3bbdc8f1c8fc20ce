"""Initial schema: stores, mailboxes, raw mails, buyers, threads, messages, outbox, blobs, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 02:40:26.849557
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "blobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("compression", sa.String(length=16), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blobs")),
        sa.UniqueConstraint("sha256", name=op.f("uq_blobs_sha256")),
    )
    op.create_table(
        "raw_mails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("compression", sa.String(length=16), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_raw_mails")),
        sa.UniqueConstraint("sha256", name=op.f("uq_raw_mails_sha256")),
    )
    op.create_table(
        "stores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("marketplaces", sa.JSON(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stores")),
        sa.UniqueConstraint("name", name=op.f("uq_stores_name")),
    )
    op.create_table(
        "buyers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("marketplace", sa.String(length=2), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_buyers_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buyers")),
        sa.UniqueConstraint("store_id", "alias", name=op.f("uq_buyers_store_id_alias")),
    )
    op.create_table(
        "mailboxes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("imap_host", sa.String(length=255), nullable=False),
        sa.Column("imap_username", sa.String(length=255), nullable=False),
        sa.Column("imap_folder", sa.String(length=255), nullable=False),
        sa.Column("from_address", sa.String(length=320), nullable=True),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=True),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
        sa.Column("last_polled_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_mailboxes_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailboxes")),
        sa.UniqueConstraint(
            "store_id",
            "imap_host",
            "imap_username",
            "imap_folder",
            name=op.f("uq_mailboxes_store_id_imap_host_imap_username_imap_folder"),
        ),
    )
    op.create_table(
        "mailbox_uids",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mailbox_id", sa.Integer(), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("uid", sa.BigInteger(), nullable=False),
        sa.Column("raw_mail_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["mailbox_id"], ["mailboxes.id"], name=op.f("fk_mailbox_uids_mailbox_id_mailboxes")),
        sa.ForeignKeyConstraint(["raw_mail_id"], ["raw_mails.id"], name=op.f("fk_mailbox_uids_raw_mail_id_raw_mails")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailbox_uids")),
        sa.UniqueConstraint(
            "mailbox_id", "uidvalidity", "uid", name=op.f("uq_mailbox_uids_mailbox_id_uidvalidity_uid")
        ),
    )
    op.create_table(
        "threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=True),
        sa.Column("thread_key", sa.String(length=400), nullable=False),
        sa.Column("order_id", sa.String(length=19), nullable=True),
        sa.Column("asin", sa.String(length=10), nullable=True),
        sa.Column("marketplace", sa.String(length=2), nullable=True),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("last_inbound_at", sa.DateTime(), nullable=True),
        sa.Column("last_outbound_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["buyer_id"], ["buyers.id"], name=op.f("fk_threads_buyer_id_buyers")),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_threads_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_threads")),
        sa.UniqueConstraint("store_id", "thread_key", name=op.f("uq_threads_store_id_thread_key")),
    )
    op.create_index("ix_threads_order_id", "threads", ["order_id"])
    op.create_index("ix_threads_store_state_due", "threads", ["store_id", "state", "last_inbound_at"])
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("raw_mail_id", sa.Integer(), nullable=True),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("notice_type", sa.String(length=30), nullable=True),
        sa.Column("message_key", sa.String(length=400), nullable=False),
        sa.Column("message_id", sa.String(length=400), nullable=True),
        sa.Column("in_reply_to", sa.String(length=400), nullable=True),
        sa.Column("related_message_id", sa.String(length=400), nullable=True),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("from_address", sa.String(length=320), nullable=True),
        sa.Column("to_address", sa.String(length=320), nullable=True),
        sa.Column("order_id", sa.String(length=19), nullable=True),
        sa.Column("asin", sa.String(length=10), nullable=True),
        sa.Column("buyer_alias", sa.String(length=320), nullable=True),
        sa.Column("buyer_name", sa.String(length=255), nullable=True),
        sa.Column("marketplace", sa.String(length=2), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("intent", sa.String(length=40), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("state_reason", sa.Text(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("parser_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["raw_mail_id"], ["raw_mails.id"], name=op.f("fk_messages_raw_mail_id_raw_mails")),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_messages_store_id_stores")),
        sa.ForeignKeyConstraint(["thread_id"], ["threads.id"], name=op.f("fk_messages_thread_id_threads")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("store_id", "message_key", name=op.f("uq_messages_store_id_message_key")),
    )
    op.create_index("ix_messages_raw_mail_id", "messages", ["raw_mail_id"])
    op.create_index("ix_messages_rfc_message_id", "messages", ["message_id"])
    op.create_index("ix_messages_store_received", "messages", ["store_id", "received_at"])
    op.create_index("ix_messages_thread_id", "messages", ["thread_id"])
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=400), nullable=True),
        sa.Column("content_type", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("blob_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["blob_id"], ["blobs.id"], name=op.f("fk_attachments_blob_id_blobs")),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], name=op.f("fk_attachments_message_id_messages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    op.create_index("ix_attachments_message_id", "attachments", ["message_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], name=op.f("fk_audit_log_message_id_messages")),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_audit_log_store_id_stores")),
        sa.ForeignKeyConstraint(["thread_id"], ["threads.id"], name=op.f("fk_audit_log_thread_id_threads")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("mailbox_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("smtp_response", sa.Text(), nullable=True),
        sa.Column("bounced", sa.Boolean(), nullable=False),
        sa.Column("bounce_reason", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["mailbox_id"], ["mailboxes.id"], name=op.f("fk_deliveries_mailbox_id_mailboxes")),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], name=op.f("fk_deliveries_message_id_messages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("message_id", name=op.f("uq_deliveries_message_id")),
    )
    op.create_index("ix_deliveries_state_next", "deliveries", ["state", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_state_next", table_name="deliveries")
    op.drop_table("deliveries")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index("ix_attachments_message_id", table_name="attachments")
    op.drop_table("attachments")
    op.drop_index("ix_messages_thread_id", table_name="messages")
    op.drop_index("ix_messages_store_received", table_name="messages")
    op.drop_index("ix_messages_rfc_message_id", table_name="messages")
    op.drop_index("ix_messages_raw_mail_id", table_name="messages")
    op.drop_table("messages")
    op.drop_index("ix_threads_store_state_due", table_name="threads")
    op.drop_index("ix_threads_order_id", table_name="threads")
    op.drop_table("threads")
    op.drop_table("mailbox_uids")
    op.drop_table("mailboxes")
    op.drop_table("buyers")
    op.drop_table("stores")
    op.drop_table("raw_mails")
    op.drop_table("blobs")
