"""Parsing Amazon relay mail: buyer messages, Amazon notices and everything else.

:func:`parse_relay_mail` turns raw bytes into a :class:`~sellerdesk.core.mail.ParsedMail`. It
reads the MIME tree as the standard library's ``compat32`` parser does (with
:mod:`sellerdesk.core.mail_reader`, which is faster) and uses cheap regular expressions built from
:mod:`sellerdesk.core.relay_formats`; it never raises on anything that looks like an e-mail,
and notes what it had to work around in ``ParsedMail.problems``.

Recognition, in order:

* sender (or Reply-To) on a relay domain (``...@marketplace.amazon.de``) → buyer message;
* sender on an Amazon domain (``donotreply@amazon.de``), or a delivery status report about a relay
  address → Amazon notice, typed by subject, sender and report shape;
* a buyer-message subject with Amazon's markers or token in the body (a forwarded relay mail)
  → buyer message;
* anything else → other.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta, timezone
from email.message import Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from typing import Any

from sellerdesk.core import intents, language
from sellerdesk.core.mail import MailKind, NoticeType, ParsedMail
from sellerdesk.core.mail_reader import read_message
from sellerdesk.core.marketplaces import MARKETPLACES, Marketplace, by_domain
from sellerdesk.core.mime import MimeContent, decode_header_value, extract_content
from sellerdesk.core.relay_formats import NOTICE_SENDERS, RELAY_FORMATS
from sellerdesk.core.relay_text import (
    BuyerText,
    NoticeMatch,
    SubjectMatch,
    find_comm_mgr_tok,
    find_items,
    find_order_id,
    marketplace_in_text,
    marketplaces_of_language,
    match_notice,
    match_subject,
    split_buyer_text,
)
from sellerdesk.errors import MessageParseError

PARSER_VERSION: int = 2
"""Bumped whenever parsing changes, so that stored mails parsed by an older version are re-parsed."""

_HEADER_LINE = re.compile(rb"^[\x21-\x39\x3b-\x7e]+[ \t]*:")
_ANGLE_ID = re.compile(r"<([^<>\s]+)>")
_MESSAGE_ID_LINE = re.compile(r"^[ \t>]*Message-ID:[ \t]*<([^<>\s]+)>", re.I | re.M)
_SENDER_SUFFIX = re.compile(r"\s+-\s+Amazon\b.*$")
_RELAY_PREFIX = "marketplace."
_RFC5322_DATE = re.compile(
    r"^\s*(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s+([+-])(\d{2})(\d{2})"
    r"(?:\s*\([^()]*\))?\s*$"
)
_MONTHS = {
    m: n for n, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)
}
_UTF8_BOM = b"\xef\xbb\xbf"  # some tools save .eml files with one
_SIMPLE_ADDRESS = re.compile(
    r'^(?:"([^"\\]*)"|([^<>"(),;:@]*?))\s*<([^<>\s"(),;:@]+@[^<>\s"(),;:@]+)>$|^([^<>\s"(),;:@]+@[^<>\s"(),;:@]+)$'
)


def parse_relay_mail(raw: bytes, *, classify: bool = True) -> ParsedMail:
    """Parse one raw mail as received from the seller's mailbox.

    Args:
        raw: the mail's bytes, headers and body, as stored by IMAP.
        classify: detect the language and intent of buyer messages (the costliest step; turn it
            off to re-read only the structure of many stored mails).

    Returns:
        The parsed mail. Odd input gives kind ``other`` with ``problems``; it does not raise.

    Raises:
        MessageParseError: *raw* is not an e-mail at all (empty, or no header block); the
            caller keeps the bytes and quarantines them.
    """
    _require_header_block(raw)
    digest = hashlib.sha256(raw).hexdigest()
    message = read_message(raw.removeprefix(_UTF8_BOM))
    headers = _Headers(message)
    content = extract_content(message)
    body = content.text
    token = find_comm_mgr_tok(body, content.html or "")
    key = f"tok:{token}" if token else f"mid:{headers.message_id}" if headers.message_id else f"sha:{digest}"
    # Fields every kind shares; each branch builds its ParsedMail once from them.
    common: dict[str, Any] = {
        "message_key": key, "sha256": digest, "comm_mgr_tok": token, "subject": headers.subject or None,
        "message_id": headers.message_id, "in_reply_to": headers.in_reply_to, "references": headers.references,
        "date": headers.date, "from_address": headers.from_address or None, "from_name": headers.from_name or None,
        "to_addresses": headers.to_addresses, "attachments": tuple(content.attachments),
    }
    problems = (*headers.problems, *content.problems)
    sender_domain = headers.from_address.rpartition("@")[2].lower()
    relay = _relay_marketplace(sender_domain) or _relay_marketplace(headers.reply_to_domain)
    amazon = None if relay else _amazon_marketplace(sender_domain)
    # Notices come from Amazon's own addresses, never from a buyer's relay alias.
    notice = None if relay else match_notice(headers.subject, marketplace=_code(amazon))
    subject = match_subject(headers.subject, marketplace=_code(relay)) if notice is None else None
    split = split_buyer_text(body)
    if relay is not None or (subject is not None and (split.had_markers or token)):
        return _buyer_message(
            common, problems, headers=headers, body=body, split=split, relay=relay, subject=subject,
            classify=classify,
        )
    notice_type = _notice_type(notice, headers=headers, content=content)
    related = _related_message_id(content, body, headers) if notice_type == NoticeType.DELIVERY_FAILURE else None
    report_about_relay = content.is_report and ".amazon." in "".join(content.embedded_headers) + body
    if amazon is not None or report_about_relay:
        asins, titles = find_items(body)
        return ParsedMail(
            **common, problems=problems, kind=MailKind.AMAZON_NOTICE, notice_type=notice_type,
            order_id=(notice.order_id if notice else None)
            or find_order_id(headers.subject, body, *content.embedded_headers),
            asins=asins, item_titles=titles, buyer_name=notice.buyer_name if notice else None,
            marketplace=_code(amazon) or marketplace_in_text("\n".join((body, *content.embedded_headers))),
            text=split.text, quoted_text=split.quoted, related_message_id=related,
        )
    # Bounces from the seller's own mail server are not Amazon's, but still say which mail failed.
    return ParsedMail(
        **common, problems=problems, kind=MailKind.OTHER,
        notice_type=NoticeType.DELIVERY_FAILURE if content.is_report else None,
        related_message_id=related if content.is_report else None,
        order_id=find_order_id(headers.subject, body), text=body.strip(),
    )


def _buyer_message(
    common: dict[str, Any], problems: tuple[str, ...], *, headers: _Headers, body: str, split: BuyerText,
    relay: Marketplace | None, subject: SubjectMatch | None, classify: bool,
) -> ParsedMail:
    if not split.had_markers:
        problems += ("relay mail without Begin/End message markers; took the body above the footer",)
    marketplace = _code(relay) or marketplace_in_text(body) or _by_language(subject)
    asins, titles = find_items(body)
    from_relay = _relay_marketplace(headers.from_address.rpartition("@")[2].lower()) is not None
    buyer_alias = headers.from_address if from_relay else headers.reply_to
    from_name = _SENDER_SUFFIX.sub("", headers.from_name).strip()
    text_language, intent = _language_and_intent(split.text, headers.subject, marketplace) if classify else (None, None)
    return ParsedMail(
        **common, kind=MailKind.BUYER_MESSAGE,
        order_id=(subject.order_id if subject else None) or find_order_id(body),
        asins=asins, item_titles=titles,
        buyer_name=from_name or (subject.buyer_name if subject else None),
        buyer_alias=buyer_alias or None, marketplace=marketplace,
        subject_kind=subject.kind if subject else None,
        text=split.text, quoted_text=split.quoted, language=text_language, intent=intent, problems=problems,
    )


def normalise_alias(address: str) -> str:
    """The buyer's identity from a relay address: lower-case, without ``+suffix`` or display name.

    ``"Jane - Amazon Marketplace" <ABC+x1@Marketplace.Amazon.com>`` → ``abc@marketplace.amazon.com``.
    """
    if "<" in address:
        address = parseaddr(address)[1] or address
    local, at, domain = address.strip().lower().rpartition("@")
    if not at:
        return domain
    return f"{local.split('+', 1)[0]}@{domain}"


def thread_key(parsed: ParsedMail) -> str | None:
    """The conversation a buyer mail belongs to: ``<alias>|order:<id>``, ``<alias>|asin:<asin>``, or None.

    Threads go by buyer alias and order (pre-sale questions: by ASIN), not by Message-ID,
    because every relayed mail starts a new header thread.
    """
    if not parsed.buyer_alias:
        return None
    alias = normalise_alias(parsed.buyer_alias)
    if parsed.order_id:
        return f"{alias}|order:{parsed.order_id}"
    if parsed.asins:
        return f"{alias}|asin:{parsed.asins[0]}"
    return None


def _code(marketplace: Marketplace | None) -> str | None:
    return marketplace.code if marketplace is not None else None


def _require_header_block(raw: bytes) -> None:
    if not isinstance(raw, bytes | bytearray):
        raise MessageParseError(f"expected the mail's raw bytes, got {type(raw).__name__}; pass bytes")
    head = raw.removeprefix(_UTF8_BOM).lstrip(b"\r\n \t")
    if not head:
        raise MessageParseError("empty input: not an e-mail; store the raw bytes and check the mail source")
    if head.startswith(b"From "):  # an mbox separator line before the headers
        head = head.partition(b"\n")[2]
    if not _HEADER_LINE.match(head):
        raise MessageParseError(
            f"no header block (starts with {raw[:40]!r}): not an e-mail; check that the whole message was saved"
        )


class _Headers:
    """The headers parse_relay_mail needs, decoded, with the problems decoding met."""

    def __init__(self, message: Message) -> None:
        self.problems: list[str] = []
        raw: dict[str, str] = {}
        for name, value in message.raw_items():
            raw.setdefault(name.lower(), str(value))
        self.subject = self._decode(raw.get("subject"))
        self.from_name, self.from_address = self._address(raw.get("from"))
        _, self.reply_to = self._address(raw.get("reply-to"))
        self.reply_to_domain = self.reply_to.rpartition("@")[2].lower()
        to = raw.get("to", "")
        self.to_addresses = (
            tuple(a.strip(" <>") for a in to.split(",") if "@" in a)
            if '"' not in to and "(" not in to and "<" not in to
            else tuple(a for _, a in getaddresses([to]) if "@" in a)
        )
        self.message_id = _first_id(raw.get("message-id"))
        self.in_reply_to = _first_id(raw.get("in-reply-to"))
        self.references = tuple(_ANGLE_ID.findall(raw.get("references", "")))
        self.date = self._date(raw.get("date"))

    def _decode(self, value: str | None) -> str:
        text, problems = decode_header_value(value)
        self.problems.extend(problems)
        return text

    def _address(self, value: str | None) -> tuple[str, str]:
        if not value:
            return "", ""
        value = " ".join(value.split())
        # The usual shapes ("Name" <a@b>, =?...?= <a@b>, a@b) without the stdlib's slow tokenizer.
        simple = _SIMPLE_ADDRESS.match(value)
        if simple:
            name = simple.group(1) if simple.group(1) is not None else (simple.group(2) or "")
            return self._decode(name.strip()), simple.group(3) or simple.group(4)
        name, address = parseaddr(value)
        return self._decode(name), address.strip()

    def _date(self, value: str | None) -> datetime | None:
        if not value:
            return None
        fast = _fast_date(value)
        if fast is not None:
            return fast
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            self.problems.append(f"unreadable Date header {value[:60]!r}")
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _fast_date(value: str) -> datetime | None:
    """The usual RFC 5322 date ("Mon, 2 Mar 2026 09:00:00 +0000") without the stdlib's general parser."""
    match = _RFC5322_DATE.match(value)
    if match is None:
        return None
    day, month, year, hour, minute, second, sign, zone_hours, zone_minutes = match.groups()
    offset = timedelta(hours=int(zone_hours), minutes=int(zone_minutes)) * (-1 if sign == "-" else 1)
    try:
        return datetime(int(year), _MONTHS[month.lower()], int(day), int(hour), int(minute), int(second or 0),
                        tzinfo=timezone(offset))
    except ValueError:  # 31 February and the like: let the general parser report it
        return None


def _first_id(value: str | None) -> str | None:
    if not value:
        return None
    match = _ANGLE_ID.search(value)
    if match:
        return match.group(1)
    bare = value.strip()
    return bare if bare and " " not in bare else None


def _relay_marketplace(domain: str) -> Marketplace | None:
    return by_domain(domain) if domain.startswith(_RELAY_PREFIX) else None


def _amazon_marketplace(domain: str) -> Marketplace | None:
    # donotreply@amazon.de, seller-notification@sellercentral.amazon.co.uk, ...
    while domain:
        found = by_domain(domain)
        if found is not None:
            return found
        domain = domain.partition(".")[2]
    return None


def _by_language(subject: SubjectMatch | None) -> str | None:
    if subject is None:
        return None
    candidates = marketplaces_of_language(subject.language)
    return candidates[0] if len(candidates) == 1 else None


def _notice_type(notice: NoticeMatch | None, *, headers: _Headers, content: MimeContent) -> NoticeType:
    if notice is not None:
        return notice.notice_type
    local = headers.from_address.partition("@")[0].lower()
    for candidate, senders in NOTICE_SENDERS.items():
        if local in senders:
            return candidate
    if content.is_report:
        return NoticeType.DELIVERY_FAILURE
    return NoticeType.OTHER


def _related_message_id(content: MimeContent, body: str, headers: _Headers) -> str | None:
    for block in (*content.embedded_headers, body):
        match = _MESSAGE_ID_LINE.search(block)
        if match:
            return match.group(1)
    return headers.in_reply_to


def marketplace_language(marketplace: str | None) -> str | None:
    """The language buyers of *marketplace* write in first: the hint for language detection."""
    if marketplace in RELAY_FORMATS:
        return RELAY_FORMATS[marketplace].language
    return MARKETPLACES[marketplace].language if marketplace in MARKETPLACES else None


def _language_and_intent(text: str, subject: str, marketplace: str | None) -> tuple[str | None, str | None]:
    if not text:
        return None, None
    detected = language.detect_language(text, hint=marketplace_language(marketplace))
    return detected, intents.classify(text, subject or None, language=detected).intent
