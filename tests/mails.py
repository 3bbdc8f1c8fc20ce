"""Plain-function factories of test mails shaped like Amazon's relayed buyer messages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

BASE_TIME = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def buyer_mail(number: int, *, token: str | None = None, message_id: str | None = None) -> bytes:
    """A buyer message relayed by Amazon; *number* makes its order, alias, Message-ID and token unique."""
    order = f"114-{1000000 + number:07d}-{2000000 + number:07d}"
    msg = EmailMessage()
    msg["From"] = f'"Buyer {number} - Amazon Marketplace" <b{number:06d}xyz@marketplace.amazon.com>'
    msg["To"] = "support@acme.example"
    msg["Subject"] = f"Inquiry from Amazon customer Buyer {number} (Order: {order})"
    msg["Date"] = format_datetime(BASE_TIME + timedelta(minutes=number))
    msg["Message-ID"] = f"<{message_id or f'relay-{number}'}@marketplace.amazon.com>"
    tok = token or f"A{number:012d}TOK"
    msg.set_content(
        f"Order ID {order}:\n1 of Blue Kettle [ASIN: B0{number:08d}]\n\n"
        "------------- Begin message -------------\n\n"
        f"Hello, where is my order number {number}? It has not arrived yet.\n\n"
        "------------- End message -------------\n\n"
        f"[commMgrTok:{tok}]\n"
    )
    return msg.as_bytes(policy=SMTP)  # CRLF line ends, as IMAP servers hand mail out


def malformed_mail() -> bytes:
    """Bytes that are not an e-mail at all (no header block)."""
    return b"\x00\x01 this is not a mail \xff\xfe\n" * 3
