"""Small hand-shaped relay mails for the store's tests (plain functions, no randomness)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def relay(*, alias: str = "abc123xyz@marketplace.amazon.com", name: str = "Jane Doe",
          order_id: str | None = "114-1234567-1234567", asin: str = "B0ABCDEF12",
          text: str = "Where is my order? It has not arrived yet.", token: str | None = "TOK1",
          message_id: str | None = "relay-1@marketplace.amazon.com", date: datetime = T0,
          in_reply_to: str | None = None, attachments: tuple[tuple[str, bytes], ...] = (),
          extra_header: str | None = None) -> bytes:
    """A buyer message relayed by Amazon (amazon.com shape)."""
    msg = EmailMessage()
    msg["From"] = f'"{name} - Amazon Marketplace" <{alias}>'
    msg["To"] = "support@acme.example"
    subject = f"Inquiry from Amazon customer {name}"
    msg["Subject"] = f"{subject} (Order: {order_id})" if order_id else f"Product details inquiry from {name}"
    msg["Date"] = format_datetime(date)
    if message_id:
        msg["Message-ID"] = f"<{message_id}>"
    if in_reply_to:
        msg["In-Reply-To"] = f"<{in_reply_to}>"
    if extra_header:
        msg["X-Received-Via"] = extra_header
    order_line = f"Order ID {order_id}:\n" if order_id else ""
    body = (f"{order_line}1 of Blue Kettle [ASIN: {asin}]\n\n"
            "------------- Begin message -------------\n\n"
            f"{text}\n\n"
            "------------- End message -------------\n\n")
    if token:
        body += f"[commMgrTok:{token}]\n"
    msg.set_content(body)
    for filename, data in attachments:
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=filename)
    return msg.as_bytes(policy=SMTP)


def notice(*, subject: str, body: str, sender: str = "donotreply@amazon.com",
           message_id: str = "notice-1@amazon.com", date: datetime = T0) -> bytes:
    """An Amazon notice (order update, delivery failure...) from an Amazon address."""
    msg = EmailMessage()
    msg["From"] = f"Amazon <{sender}>"
    msg["To"] = "support@acme.example"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = f"<{message_id}>"
    msg.set_content(body)
    return msg.as_bytes(policy=SMTP)


NOT_A_MAIL = b"\x00\x01 this is not a mail \xff\xfe\n" * 3
