"""A writer of realistic Amazon relay mails and notices, as raw bytes.

Pure: the same arguments give the same bytes (MIME boundaries derive from the Message-ID).
The wording comes from :mod:`sellerdesk.core.relay_formats`, the table the parser reads, so
samples and parser cannot drift apart. Demo data, ingest tests and benchmarks build on it.
"""

from __future__ import annotations

import base64
import hashlib
import html
import quopri
from collections.abc import Sequence
from datetime import datetime
from email.header import Header
from email.utils import format_datetime
from typing import Literal
from urllib.parse import quote

from sellerdesk.core.mail import MailAttachment, NoticeType
from sellerdesk.core.marketplaces import MARKETPLACES
from sellerdesk.core.relay_formats import RELAY_FORMATS, RelayFormat
from sellerdesk.core.relay_languages import LanguageStrings

Style = Literal["multipart", "plain", "html"]
"""Body shapes: text and HTML alternatives, text only, or HTML only."""

DEFAULT_ENCODINGS = {"utf-8": "quoted-printable", "iso-2022-jp": "7bit", "shift_jis": "base64"}
"""The transfer encoding used for a charset when none is asked for (others: quoted-printable)."""

_DASHES = "-------------"
_CRLF = "\r\n"


def render_buyer_message(
    *,
    marketplace: str,
    buyer_name: str,
    alias: str,
    order_id: str | None,
    asins: Sequence[str],
    titles: Sequence[str],
    text: str,
    subject_kind: str = "inquiry",
    date: datetime,
    message_id: str,
    comm_mgr_tok: str | None,
    style: Style = "multipart",
    charset: str = "utf-8",
    transfer_encoding: str | None = None,
    quoted: str | None = None,
    quoted_date: str = "",
    attachments: Sequence[MailAttachment] = (),
    to_address: str = "support@seller.example",
    reply: bool = False,
) -> bytes:
    """A buyer message as Amazon relays it to the seller's mailbox.

    Args:
        marketplace: two-letter code (``"DE"``); chooses the language, domain and markers.
        buyer_name, alias: the display name and relay address (``abc+x@marketplace.amazon.de``).
        order_id, asins, titles: the order and its items (no order: a pre-sale question).
        text: the buyer's own words. quoted: earlier messages the buyer's mail quotes.
        subject_kind: one of :data:`sellerdesk.core.relay_formats.SUBJECT_KINDS`.
        date, message_id, comm_mgr_tok: the Date header, Message-ID (no brackets) and token.
        style, charset, transfer_encoding: the body's shape and encoding.
        attachments: files the buyer attached. reply: prefix the subject with "Re:".

    Returns:
        The mail's bytes with CRLF line ends, as an IMAP server hands them out.

    Raises:
        ValueError: an unknown marketplace or subject kind, or text the charset cannot hold.
    """
    fmt = _format(marketplace)
    strings = fmt.strings[0]
    if subject_kind not in strings.subjects:
        raise ValueError(f"unknown subject_kind {subject_kind!r}; use one of {sorted(strings.subjects)}")
    subject = strings.subjects[subject_kind][0].format(name=buyer_name)
    if order_id:
        subject += f" ({strings.order_word}: {order_id})"
    lines = [strings.intro.format(name=buyer_name), ""]
    if order_id:
        lines.append(f"{strings.order_label}: {order_id}")
    lines += [f"{n}. {title} [ASIN: {asin}]" for n, (asin, title) in enumerate(zip(asins, titles, strict=False), 1)]
    lines += [f"[ASIN: {asin}]" for asin in asins[len(titles):]]
    lines += ["", _marker(fmt, "begin"), "", *text.split("\n"), ""]
    if quoted:
        lines += [strings.quote_intro.format(date=quoted_date or format_datetime(date), name="Seller"), ""]
        lines += [f"> {line}" if line else ">" for line in quoted.split("\n")]
        lines.append("")
    lines += [_marker(fmt, "end"), ""]
    headers = {
        "From": _address(f"{buyer_name}{fmt.sender_suffix}", alias, charset),
        "Subject": _header(("Re: " if reply else "") + subject, charset),
    }
    return _mail(
        fmt=fmt, headers=headers, lines=lines, date=date, message_id=message_id, token=comm_mgr_tok,
        style=style, charset=charset, transfer_encoding=transfer_encoding, attachments=attachments,
        to_address=to_address, quoted_block=bool(quoted),
    )


def render_notice(
    *,
    notice_type: NoticeType,
    marketplace: str,
    date: datetime,
    message_id: str,
    order_id: str | None = None,
    buyer_name: str | None = None,
    asins: Sequence[str] = (),
    titles: Sequence[str] = (),
    text: str | None = None,
    related_message_id: str | None = None,
    case_id: str = "12345678901",
    style: Style = "plain",
    charset: str = "utf-8",
    to_address: str = "support@seller.example",
) -> bytes:
    """An Amazon notice to the seller: order update, delivery failure, opt-out, sent copy, Seller Support.

    A delivery failure names *related_message_id*, the Message-ID of the seller's mail it
    bounces; a sent copy carries the seller's *text* between the message markers.

    Raises:
        ValueError: an unknown marketplace.
    """
    fmt = _format(marketplace)
    strings = fmt.strings[0]
    domain = MARKETPLACES[marketplace].domain
    templates = strings.notices.get(notice_type)
    fields = {"order": order_id or "", "name": buyer_name or "", "title": titles[0] if titles else "",
              "case": case_id}
    subject = templates[0].format(**fields) if templates else f"Amazon Seller Central ({domain})"
    lines = [strings.notice_bodies[notice_type], ""]
    if order_id:
        lines.append(f"{strings.order_label}: {order_id}")
    lines += [f"{n}. {title} [ASIN: {asin}]" for n, (asin, title) in enumerate(zip(asins, titles, strict=False), 1)]
    if related_message_id:
        lines += ["", f"Message-ID: <{related_message_id}>"]
    if text:
        lines += ["", _marker(fmt, "begin"), "", *text.split("\n"), "", _marker(fmt, "end")]
    lines.append("")
    sender = "seller-support" if notice_type == NoticeType.SELLER_SUPPORT else "donotreply"
    headers = {
        "From": _address(f"Amazon {domain}", f"{sender}@{domain}", charset),
        "Subject": _header(subject, charset),
    }
    return _mail(
        fmt=fmt, headers=headers, lines=lines, date=date, message_id=message_id, token=None, style=style,
        charset=charset, transfer_encoding=None, attachments=(), to_address=to_address, quoted_block=False,
    )


def render_delivery_report(
    *,
    original_message_id: str,
    recipient: str,
    date: datetime,
    message_id: str,
    reporting_mta: str = "mail.seller.example",
    status: str = "5.7.1",
    diagnostic: str = "550 5.7.1 sender not approved for Amazon messaging",
    to_address: str = "support@seller.example",
) -> bytes:
    """A bounce (RFC 3464 delivery status report) from the seller's own mail server.

    It reports that the mail *original_message_id* to the relay alias *recipient* failed; the
    parser reads it as a delivery failure naming that Message-ID.
    """
    boundary = "dsn_" + hashlib.sha256(message_id.encode()).hexdigest()[:16]
    text = _CRLF.join([
        f"This is the mail system at host {reporting_mta}.",
        "Your message could not be delivered to one or more recipients.",
        "",
        f"<{recipient}>: {diagnostic}",
        "",
    ])
    status_part = _CRLF.join([
        "Content-Type: message/delivery-status", "", f"Reporting-MTA: dns; {reporting_mta}",
        f"Final-Recipient: rfc822; {recipient}", "Action: failed", f"Status: {status}",
        f"Diagnostic-Code: smtp; {diagnostic}", "",
    ])
    headers_part = _CRLF.join([
        "Content-Type: text/rfc822-headers", "", f"From: {to_address}", f"To: {recipient}",
        f"Message-ID: <{original_message_id}>", "",
    ])
    head = _CRLF.join([
        f"From: Mail Delivery System <MAILER-DAEMON@{reporting_mta}>", f"To: {to_address}",
        "Subject: Undelivered Mail Returned to Sender", f"Date: {format_datetime(date)}",
        f"Message-ID: <{message_id}>", "MIME-Version: 1.0",
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"', "", "",
    ])
    plain = f"Content-Type: text/plain; charset=us-ascii{_CRLF}{_CRLF}{text}"
    parts = [part.encode("ascii") for part in (plain, status_part, headers_part)]
    return head.encode("ascii") + _multipart_body(parts, boundary)


def _format(marketplace: str) -> RelayFormat:
    if marketplace not in RELAY_FORMATS:
        raise ValueError(f"unknown marketplace {marketplace!r}; use one of {sorted(RELAY_FORMATS)}")
    return RELAY_FORMATS[marketplace]


def _marker(fmt: RelayFormat, which: Literal["begin", "end"]) -> str:
    words = [s.begin_marker if which == "begin" else s.end_marker for s in _bilingual(fmt)]
    return f"{_DASHES} {' / '.join(words)} {_DASHES}"


def _bilingual(fmt: RelayFormat) -> tuple[LanguageStrings, ...]:
    # Canada prints both languages in its markers; elsewhere the first language speaks alone.
    return fmt.strings if fmt.marketplace == "CA" else fmt.strings[:1]


def _header(value: str, charset: str) -> str:
    if value.isascii():
        return value
    return Header(value, _header_charset(charset), maxlinelen=76).encode()


def _header_charset(charset: str) -> str:
    # Headers of Japanese mail are ISO-2022-JP words even when the body is Shift_JIS.
    return "iso-2022-jp" if charset.lower() in ("shift_jis", "iso-2022-jp") else "utf-8"


def _address(name: str, address: str, charset: str) -> str:
    if name.isascii():
        return f'"{name}" <{address}>'
    return f"{_header(name, charset)} <{address}>"


def _mail(
    *, fmt: RelayFormat, headers: dict[str, str], lines: list[str], date: datetime, message_id: str,
    token: str | None, style: Style, charset: str, transfer_encoding: str | None,
    attachments: Sequence[MailAttachment], to_address: str, quoted_block: bool,
) -> bytes:
    domain = MARKETPLACES[fmt.marketplace].domain
    footer = [*_footer(fmt), f"https://sellercentral.{domain}/messaging/inbox"]
    if token:
        footer += ["", f"[commMgrTok:{token}]"]
    plain = _CRLF.join([*lines, "", *footer, ""])
    encoding = transfer_encoding or DEFAULT_ENCODINGS.get(charset.lower(), "quoted-printable")
    parts: list[bytes] = []
    if style in ("plain", "multipart"):
        parts.append(_text_part("plain", plain, charset, encoding))
    if style in ("html", "multipart"):
        parts.append(_text_part("html", _html(lines, footer, quoted_block=quoted_block), charset, encoding))
    seed = hashlib.sha256(message_id.encode()).hexdigest()[:16]
    body = parts[0] if len(parts) == 1 else _multipart("alternative", parts, f"alt_{seed}")
    if attachments:
        body = _multipart("mixed", [body, *(_attachment(a) for a in attachments)], f"mix_{seed}")
    head = {
        "Date": format_datetime(date),
        "Message-ID": f"<{message_id}>",
        **headers,
        "To": to_address,
        "MIME-Version": "1.0",
    }
    return "".join(f"{k}: {v}{_CRLF}" for k, v in head.items()).encode("ascii") + body


def _footer(fmt: RelayFormat) -> list[str]:
    return [line for s in _bilingual(fmt) for line in s.footer]


def _html(lines: list[str], footer: list[str], *, quoted_block: bool) -> str:
    out = ["<html><head><style>p {margin:0}</style></head><body>"]
    in_quote = False
    for line in lines:
        is_quote = quoted_block and line.startswith(">")
        if is_quote and not in_quote:
            out.append("<blockquote>")
        elif in_quote and not is_quote:
            out.append("</blockquote>")
        in_quote = is_quote
        shown = line[1:].strip() if is_quote else line
        out.append(f"<div>{html.escape(shown)}</div>" if shown else "<br>")
    if in_quote:
        out.append("</blockquote>")
    out += [f"<p>{html.escape(line)}</p>" for line in footer]
    out.append("</body></html>")
    return _CRLF.join(out)


def _text_part(subtype: str, text: str, charset: str, encoding: str) -> bytes:
    try:
        data = text.encode(charset)
    except UnicodeEncodeError as exc:
        raise ValueError(f"the text cannot be written in {charset!r} ({exc.reason}); choose utf-8") from exc
    if encoding == "base64":
        payload = base64.encodebytes(data).replace(b"\n", b"\r\n")
    elif encoding == "quoted-printable":
        payload = quopri.encodestring(data.replace(b"\r\n", b"\n")).replace(b"\n", b"\r\n")
    else:
        payload = data
    head = (
        f"Content-Type: text/{subtype}; charset=\"{charset}\"{_CRLF}"
        f"Content-Transfer-Encoding: {encoding}{_CRLF}{_CRLF}"
    )
    return head.encode("ascii") + payload


def _attachment(attachment: MailAttachment) -> bytes:
    name = attachment.filename or "attachment.bin"
    # RFC 2231 for names beyond ASCII, as current mail programs write them.
    disposition = f'attachment; filename="{name}"' if name.isascii() else f"attachment; filename*=utf-8''{quote(name)}"
    head = (
        f"Content-Type: {attachment.content_type}{_CRLF}"
        f"Content-Disposition: {disposition}{_CRLF}"
        f"Content-Transfer-Encoding: base64{_CRLF}{_CRLF}"
    )
    return head.encode("ascii") + base64.encodebytes(attachment.data).replace(b"\n", b"\r\n")


def _multipart(subtype: str, parts: list[bytes], boundary: str) -> bytes:
    head = f'Content-Type: multipart/{subtype}; boundary="{boundary}"{_CRLF}{_CRLF}'.encode("ascii")
    return head + _multipart_body(parts, boundary)


def _multipart_body(parts: list[bytes], boundary: str) -> bytes:
    sep = f"{_CRLF}--{boundary}{_CRLF}".encode("ascii")
    return sep.lstrip(b"\r\n") + sep.join(parts) + f"{_CRLF}--{boundary}--{_CRLF}".encode("ascii")
