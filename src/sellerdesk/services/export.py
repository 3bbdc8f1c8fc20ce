"""Exporting stored messages as JSON Lines (contracts §4, ``sellerdesk export``).

One object a line, in the order the messages were stored, streamed in batches so that a
database of millions of messages exports in constant memory. Quarantined mails are
exported too, with ``state`` "quarantined" and the ``reason``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, Any

from sellerdesk.adapters.db.tables import Message
from sellerdesk.errors import InputError
from sellerdesk.services.database import Database

FIELDS = (
    "store", "direction", "message_id", "message_key", "kind", "order_id", "asin", "buyer_alias", "marketplace",
    "subject", "text", "intent", "received_at", "thread_id", "state",
)
"""The fields contracts §4 requires, in order; :func:`message_record` adds a few more after them."""


def parse_since(value: str | None) -> datetime | None:
    """Read ``--since``: an ISO 8601 date or time; without a zone it is taken as UTC.

    Raises:
        InputError: the value is not ISO 8601; the message shows an example.
    """
    if value is None:
        return None
    try:
        since = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise InputError(f"--since {value!r} is not an ISO 8601 time; write e.g. 2026-03-01 or "
                         "2026-03-01T09:00:00+01:00") from exc
    return since if since.tzinfo else since.replace(tzinfo=UTC)


def message_record(store_name: str, message: Message) -> dict[str, Any]:
    """One exported line: the contract's fields, then ``id``, ``reason`` and a few useful extras."""
    return {
        "store": store_name,
        "direction": message.direction,
        "message_id": message.message_id,
        "message_key": message.message_key,
        "kind": message.kind,
        "order_id": message.order_id,
        "asin": message.asin,
        "buyer_alias": message.buyer_alias,
        "marketplace": message.marketplace,
        "subject": message.subject,
        "text": message.text,
        "intent": message.intent,
        "received_at": _iso(message.received_at),
        "thread_id": message.thread_id,
        "state": message.state,
        "reason": message.state_reason,
        "id": message.id,
        "notice_type": message.notice_type,
        "buyer_name": message.buyer_name,
        "language": message.language,
        "sent_at": _iso(message.sent_at),
        "parser_version": message.parser_version,
    }


def export_messages(db: Database, *, store_name: str | None = None, since: datetime | None = None,
                    batch_size: int = 500) -> Iterator[dict[str, Any]]:
    """Yield every stored message (of one store, received at or after *since*) as a record.

    Raises:
        NotFoundError: *store_name* names no store in the database.
    """
    with db.reading() as store:
        store_id = store.get_store(store_name).id if store_name is not None else None
        for name, message in store.iter_messages(store_id=store_id, since=since, batch_size=batch_size):
            yield message_record(name, message)


def write_jsonl(records: Iterator[dict[str, Any]], out: IO[bytes]) -> int:
    """Write *records* as UTF-8 JSON Lines, whatever the terminal's locale; return how many were written."""
    written = 0
    for record in records:
        out.write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
        written += 1
    out.flush()
    return written


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value is not None else None
