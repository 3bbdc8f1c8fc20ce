"""Re-parsing stored mails after a parser fix (``sellerdesk reparse``).

Every received mail's raw bytes are kept, so a better parser can be applied to the past:
messages parsed by an older :data:`~sellerdesk.core.amazon_mail.PARSER_VERSION` (or all of
them) are parsed again from their raw bytes and updated in place - fields, message key,
buyer and thread. Quarantined mails that now parse become ordinary stored messages (with
their attachments); those that still fail keep their raw bytes and get the new reason.

Work goes in batches, one transaction each, so an interrupted run keeps what it finished
and a second run picks up the rest (updated messages carry the new parser version).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import Message
from sellerdesk.core.amazon_mail import PARSER_VERSION
from sellerdesk.core.mail import ParsedMail
from sellerdesk.services.database import Database
from sellerdesk.services.storing import (
    BOUNCE_NOTICES,
    PARSED_DETAILS,
    fill_message,
    fit_key,
    hand_bounce_to_outbox,
    parse_or_reason,
    place_in_thread,
)

ACTOR = "system:reparse"
_COMPARED = ("kind", "notice_type", "message_key", "message_id", "subject", "text", "order_id", "asin",
             "buyer_alias", "buyer_name", "marketplace", "language", "intent", "sent_at", "related_message_id",
             "state", "thread_id")


@dataclass
class ReparseSummary:
    """What a re-parse run did (``sellerdesk reparse`` prints it as JSON)."""

    examined: int = 0
    changed: int = 0  # messages whose fields, key, state or thread changed
    unquarantined: int = 0  # quarantined mails that now parse
    still_quarantined: int = 0
    failed: int = 0  # stored messages the new parser cannot read: left as they were
    rethreaded: int = 0
    duplicates: int = 0  # quarantined mails that turned out to be a message stored already
    parser_version: int = PARSER_VERSION

    def as_dict(self) -> dict[str, int]:
        """The counts as a plain mapping."""
        return dict(vars(self))


def reparse_messages(db: Database, *, now: datetime, attachment_max_bytes: int, everything: bool = False,
                     batch_size: int = 200, progress: Callable[[int], None] | None = None) -> ReparseSummary:
    """Parse stored mails again from their raw bytes and update them in place.

    Args:
        db: the database.
        now: the current time (for audit entries and thread updates).
        attachment_max_bytes: cap for the attachments of formerly quarantined mails.
        everything: re-parse every received message, not only those of older parser versions.
        batch_size: messages per transaction.
        progress: called with the number of messages examined so far after each batch.
    """
    summary = ReparseSummary()
    after = 0
    while True:
        with db.transaction() as store:
            ids = store.message_ids(after_id=after, limit=batch_size,
                                    below_parser_version=None if everything else PARSER_VERSION)
            for message_id in ids:
                _reparse_one(store, store.get_message(message_id), summary, now=now,
                             attachment_max_bytes=attachment_max_bytes)
        summary.examined += len(ids)
        if progress is not None:
            progress(summary.examined)
        if len(ids) < batch_size:
            return summary
        after = ids[-1]


def _reparse_one(store: SqlStore, message: Message, summary: ReparseSummary, *, now: datetime,
                 attachment_max_bytes: int) -> None:
    assert message.raw_mail_id is not None
    parsed, reason = parse_or_reason(store.get_raw(message.raw_mail_id))
    was_quarantined = message.state == "quarantined"
    if parsed is None or reason is not None:
        if was_quarantined:
            message.state_reason = reason
            message.parser_version = PARSER_VERSION
            summary.still_quarantined += 1
        else:
            summary.failed += 1  # keep what an older parser found rather than lose it
        return
    before = {name: getattr(message, name) for name in _COMPARED}
    key = fit_key(parsed.message_key)
    if key != message.message_key:
        other = store.find_message(message.store_id, key)
        if other is not None:
            _mark_duplicate(store, message, other, summary, now=now)
            return
        message.message_key = key
    extras = {k: v for k, v in message.details.items() if k not in PARSED_DETAILS}
    fill_message(message, parsed)
    message.details = {**message.details, **extras}
    message.state, message.state_reason = "stored", None
    old_thread_id = message.thread_id
    place_in_thread(store, message, parsed, now=now)
    if old_thread_id is not None and old_thread_id != message.thread_id:
        summary.rethreaded += 1
        store.delete_thread_if_empty(store.get_thread(old_thread_id))
    if was_quarantined:
        _finish_unquarantined(store, message, parsed, now=now, attachment_max_bytes=attachment_max_bytes)
        summary.unquarantined += 1
    if any(getattr(message, name) != value for name, value in before.items()):
        summary.changed += 1


def _finish_unquarantined(store: SqlStore, message: Message, parsed: ParsedMail, *, now: datetime,
                          attachment_max_bytes: int) -> None:
    if not store.attachments_of(message):
        for attachment in parsed.attachments:
            store.add_attachment(message, filename=attachment.filename, content_type=attachment.content_type,
                                 data=attachment.data, max_bytes=attachment_max_bytes)
    store.audit(ACTOR, "mail.unquarantined", at=now, store_id=message.store_id, thread_id=message.thread_id,
                message_id=message.id, detail={"parser_version": PARSER_VERSION})
    if parsed.notice_type in BOUNCE_NOTICES:
        hand_bounce_to_outbox(store, message)


def _mark_duplicate(store: SqlStore, message: Message, other: Message, summary: ReparseSummary, *,
                    now: datetime) -> None:
    # The same message reached the store twice under keys an older parser told apart. The
    # other row keeps the conversation; this one stays for its raw bytes, marked as a copy.
    details: dict[str, Any] = {**message.details, "duplicate_of": other.id}
    message.details = details
    message.parser_version = PARSER_VERSION
    old_thread_id, message.thread_id = message.thread_id, None
    if old_thread_id is not None:
        store.session.flush()
        store.delete_thread_if_empty(store.get_thread(old_thread_id))
    if message.state != "duplicate":
        message.state, message.state_reason = "duplicate", f"same message as {other.id} ({other.message_key})"
        store.audit(ACTOR, "mail.duplicate", at=now, store_id=message.store_id, message_id=message.id,
                    detail={"duplicate_of": other.id})
        summary.duplicates += 1
        summary.changed += 1
