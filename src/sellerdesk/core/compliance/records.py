"""Reading the JSON objects of ``sellerdesk check`` (contracts §3) into a :class:`CheckContext`.

Every malformed field raises :class:`~sellerdesk.errors.InputError` naming the field and the fix,
so that the batch command can report that one line and carry on.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sellerdesk.core.compliance.findings import Attachment, CheckContext, HistoryMessage
from sellerdesk.core.marketplaces import MARKETPLACES
from sellerdesk.errors import InputError


def parse_time(value: Any, field: str) -> datetime | None:
    """An ISO 8601 timestamp with a time zone (``2026-03-05T10:00:00Z``); None when absent."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"field {field!r} must be an ISO 8601 string such as \"2026-03-05T10:00:00Z\"")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError as exc:
        raise InputError(f"field {field!r}: {value!r} is not ISO 8601; write e.g. \"2026-03-05T10:00:00Z\"") \
            from exc
    if parsed.tzinfo is None:
        raise InputError(f"field {field!r}: {value!r} has no time zone; add Z or an offset such as +01:00")
    return parsed


def _optional_str(record: Mapping[str, Any], field: str) -> str | None:
    value = record.get(field)
    if value is not None and not isinstance(value, str):
        raise InputError(f"field {field!r} must be a string, got {type(value).__name__}")
    return value


def _history(value: Any) -> tuple[HistoryMessage, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InputError("field 'history' must be a list of {\"kind\", \"order_id\", \"sent_at\", \"text\"}")
    items = []
    for index, item in enumerate(value):
        where = f"history[{index}]"
        if not isinstance(item, Mapping) or not isinstance(item.get("text"), str):
            raise InputError(f"field {where!r} must be an object with a \"text\" string")
        items.append(HistoryMessage(
            text=item["text"], kind=_optional_str(item, "kind") or "reply",
            order_id=_optional_str(item, "order_id"), sent_at=parse_time(item.get("sent_at"), f"{where}.sent_at")))
    return tuple(items)


def _attachments(value: Any) -> tuple[Attachment, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InputError("field 'attachments' must be a list of {\"filename\", \"size\", \"content_type\"}")
    items = []
    for index, item in enumerate(value):
        size = item.get("size", 0) if isinstance(item, Mapping) else None
        if not isinstance(item, Mapping) or not isinstance(item.get("filename"), str) \
                or isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise InputError(f"field 'attachments[{index}]' must be an object with a \"filename\" string "
                             "and a \"size\" in bytes")
        items.append(Attachment(item["filename"], size, _optional_str(item, "content_type") or ""))
    return tuple(items)


def context_from_record(record: Mapping[str, Any], *, marketplace: str | None = None) -> CheckContext:
    """Build the context of one ``sellerdesk check`` input line; *marketplace* is the command's default."""
    code = _optional_str(record, "marketplace") or marketplace
    if code is not None and code.upper() not in MARKETPLACES:
        raise InputError(f"field 'marketplace': unknown code {code!r}; use one of {', '.join(MARKETPLACES)}")
    automatic = record.get("automatic", False)
    if not isinstance(automatic, bool):
        raise InputError("field 'automatic' must be true or false")
    return CheckContext(
        subject=_optional_str(record, "subject"),
        marketplace=code.upper() if code else None,
        order_id=_optional_str(record, "order_id"),
        buyer_language=_optional_str(record, "buyer_language"),
        received_at=parse_time(record.get("received_at"), "received_at"),
        replied_at=parse_time(record.get("replied_at"), "replied_at"),
        history=_history(record.get("history")),
        attachments=_attachments(record.get("attachments")),
        automatic=automatic,
    )
