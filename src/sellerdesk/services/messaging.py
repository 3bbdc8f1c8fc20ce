"""Typed buyer messages through the SP-API Messaging API, behind Amazon's list and the compliance guard.

Sending one message takes, in order: the types Amazon allows for the order now
(getMessagingActionsForOrder: anything else is refused before it is sent), the buyer's language
(GetAttributes), the compliance guard with kind ``api:<type>`` (length, HTML, e-mail addresses,
links...), the Uploads API for attachments, then the send. Every attempt is logged in
``api_messages`` with its outcome; blocked or refused messages are results, not exceptions.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sellerdesk.adapters.db.spapi_records import SpApiRecords
from sellerdesk.adapters.spapi.client import MESSAGE_TYPES, SpApiClient
from sellerdesk.adapters.spapi.errors import SpApiAuthError, SpApiNotAllowedError, SpApiRequestError
from sellerdesk.config import StoreConfig
from sellerdesk.core.compliance import Attachment, CheckContext, check
from sellerdesk.core.marketplaces import MARKETPLACES
from sellerdesk.errors import InputError
from sellerdesk.services.database import Database

SENDABLE = ("confirmDeliveryDetails", "confirmOrderDetails", "confirmCustomizationDetails", "unexpectedProblem",
            "legalDisclosure", "warranty", "invoice")
"""The types sellerdesk sends (of Amazon's :data:`MESSAGE_TYPES`)."""


@dataclass(frozen=True)
class OutgoingFile:
    """A file to attach: its name, bytes and MIME type."""

    filename: str
    data: bytes
    content_type: str


@dataclass(frozen=True)
class MessageOutcome:
    """What happened to a typed message: ``sent``, ``blocked``, ``not_allowed`` or ``failed``, and why."""

    state: str
    message_type: str
    order_id: str
    explanation: str
    verdict: str = "pass"
    findings: list[dict[str, Any]] = field(default_factory=list)
    allowed: tuple[str, ...] = ()
    buyer_language: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        return {"state": self.state, "message_type": self.message_type, "order_id": self.order_id,
                "explanation": self.explanation, "verdict": self.verdict, "findings": self.findings,
                "allowed": list(self.allowed), "buyer_language": self.buyer_language}


def allowed_types(client: SpApiClient, *, order_id: str, marketplace: str) -> list[str]:
    """The types sellerdesk may send for the order now: Amazon's list, limited to :data:`SENDABLE`."""
    market = MARKETPLACES[marketplace].marketplace_id
    return [t for t in client.messaging_actions(order_id, market) if t in SENDABLE]


def send_typed_message(db: Database, store: StoreConfig, *, client: SpApiClient, order_id: str, marketplace: str,
                       message_type: str, text: str | None, files: Sequence[OutgoingFile] = (), actor: str,
                       now: datetime) -> MessageOutcome:
    """Send one typed message (see the module docstring); log it; return the outcome.

    Raises:
        InputError: *message_type* or *marketplace* is unknown.
        SpApiAuthError: the store's credentials were refused.
    """
    if message_type not in SENDABLE:
        raise InputError(f"message type {message_type!r} is not one sellerdesk sends; use one of {', '.join(SENDABLE)}")
    if marketplace not in MARKETPLACES:
        raise InputError(f"marketplace {marketplace!r} is unknown; use a two-letter code such as US or DE")
    market = MARKETPLACES[marketplace].marketplace_id
    with db.transaction() as sql:
        store_id = sql.ensure_store(store, now=now).id

    def log(outcome: MessageOutcome, detail: dict[str, Any]) -> MessageOutcome:
        with db.transaction() as sql:
            SpApiRecords(sql).log_message(store_id, order_id, message_type=message_type, text=text,
                                          attachments=[f.filename for f in files], state=outcome.state,
                                          verdict=outcome.verdict, detail=detail, actor=actor, now=now)
        return outcome

    try:
        allowed = tuple(allowed_types(client, order_id=order_id, marketplace=marketplace))
        if message_type not in allowed:
            offered = ", ".join(allowed) or "none"
            return log(MessageOutcome("not_allowed", message_type, order_id,
                                      f"Amazon does not allow {message_type} for order {order_id} now "
                                      f"(it offers: {offered}); nothing was sent", allowed=allowed), {})
        locale = client.buyer_locale(order_id, market)
        language = locale.split("-")[0].lower() if locale else None
        result = check(text or "", kind=f"api:{message_type}", context=CheckContext(
            marketplace=marketplace, order_id=order_id, buyer_language=language, replied_at=now,
            attachments=[Attachment(f.filename, len(f.data), f.content_type) for f in files]))
        findings = [f.to_dict() for f in result.findings]
        if result.blocked:
            return log(MessageOutcome("blocked", message_type, order_id,
                                      "the compliance guard blocked the text; fix the findings and send again",
                                      verdict=result.verdict, findings=findings, allowed=allowed,
                                      buyer_language=language), {"findings": findings})
        attachments = [{"uploadDestinationId": client.upload_file(
            market, data=f.data, content_type=f.content_type,
            content_md5=_content_md5(f.data)),
            "fileName": f.filename} for f in files]
        client.send_message(message_type, order_id, market, text=text, attachments=attachments)
    except SpApiAuthError:
        raise
    except SpApiNotAllowedError as exc:
        return log(MessageOutcome("not_allowed", message_type, order_id, str(exc)), {"error": str(exc)})
    except SpApiRequestError as exc:
        return log(MessageOutcome("failed", message_type, order_id, str(exc)),
                   {"error": str(exc), "request_id": exc.request_id})
    return log(MessageOutcome("sent", message_type, order_id, f"{message_type} sent for order {order_id}",
                              verdict=result.verdict, findings=findings, allowed=allowed, buyer_language=language),
               {"findings": findings})


def _content_md5(data: bytes) -> str:
    # The Uploads API wants the base64 of the MD5 digest (an integrity check, not security).
    return base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode("ascii")


__all__ = ["MESSAGE_TYPES", "SENDABLE", "MessageOutcome", "OutgoingFile", "allowed_types", "send_typed_message"]
