"""What sellerdesk knows about one e-mail after parsing it (the parser's output type)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class MailKind(StrEnum):
    """The three kinds of mail a seller's mailbox receives (contracts §3, ``kind``)."""

    BUYER_MESSAGE = "buyer_message"
    AMAZON_NOTICE = "amazon_notice"
    OTHER = "other"


class NoticeType(StrEnum):
    """What an Amazon notice is about."""

    ORDER_UPDATE = "order_update"  # order placed, shipped, cancelled, refund issued, return requested...
    DELIVERY_FAILURE = "delivery_failure"  # Amazon could not deliver a message the seller sent
    BUYER_OPT_OUT = "buyer_opt_out"  # the buyer opted out of unsolicited messages
    SENT_COPY = "sent_copy"  # Amazon's copy of a message the seller sent
    SELLER_SUPPORT = "seller_support"  # a message from Amazon Seller Support about a case
    OTHER = "other"


@dataclass(frozen=True)
class MailAttachment:
    """One attachment as found in the mail."""

    filename: str | None
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        """Size of the decoded content in bytes."""
        return len(self.data)


@dataclass(frozen=True)
class ParsedMail:
    """The result of parsing one raw mail; every field is ``None``/empty where absent.

    ``message_key`` identifies the message across mailboxes and re-runs: ``tok:<commMgrTok>``
    when Amazon's token is present, else ``mid:<Message-ID>``, else ``sha:<sha256 of the bytes>``.
    """

    kind: MailKind
    message_key: str
    sha256: str
    subject: str | None = None
    message_id: str | None = None  # RFC 5322 Message-ID without angle brackets
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    date: datetime | None = None  # the Date header, timezone-aware (UTC if it named none)
    from_address: str | None = None
    from_name: str | None = None
    to_addresses: tuple[str, ...] = ()
    notice_type: NoticeType | None = None
    comm_mgr_tok: str | None = None
    order_id: str | None = None
    asins: tuple[str, ...] = ()
    item_titles: tuple[str, ...] = ()
    buyer_name: str | None = None
    buyer_alias: str | None = None  # the relay address as written (may carry a +suffix)
    marketplace: str | None = None  # two-letter code, e.g. "DE"
    subject_kind: str | None = None  # e.g. "inquiry", "product_details", "return_policy"
    text: str = ""  # the buyer's own words: no markers, footer or quoted history
    quoted_text: str | None = None  # earlier messages quoted below the buyer's words
    language: str | None = None  # ISO 639-1
    intent: str | None = None  # a label of contracts §1 for buyer messages
    related_message_id: str | None = None  # for bounces: the Message-ID of the mail they concern
    attachments: tuple[MailAttachment, ...] = ()
    problems: tuple[str, ...] = field(default=())  # what the parser noticed but could work around

    @property
    def asin(self) -> str | None:
        """The first ASIN named in the mail."""
        return self.asins[0] if self.asins else None
