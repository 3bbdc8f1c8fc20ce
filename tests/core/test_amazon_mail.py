"""Relay-mail parsing: what the sample writer produces, the parser reads back, for every format."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sellerdesk.core.amazon_mail import PARSER_VERSION, normalise_alias, parse_relay_mail, thread_key
from sellerdesk.core.mail import MailAttachment, MailKind, NoticeType
from sellerdesk.core.marketplaces import MARKETPLACES
from sellerdesk.core.relay_formats import RELAY_FORMATS, SUBJECT_KINDS
from sellerdesk.errors import MessageParseError
from sellerdesk.samples import (
    SampleMail,
    generate_relay_mails,
    render_buyer_message,
    render_delivery_report,
    render_notice,
)

DATE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CORPUS = generate_relay_mails(seed=11, count=240)


def buyer_mail(marketplace: str = "US", **overrides: object) -> bytes:
    """A relay mail with sensible defaults; keyword arguments replace any of them."""
    domain = MARKETPLACES[marketplace].relay_domain if marketplace in MARKETPLACES else "marketplace.amazon.com"
    args: dict[str, object] = {
        "marketplace": marketplace, "buyer_name": "Jane Miller", "alias": f"abc123+x9@{domain}",
        "order_id": "114-1234567-7654321", "asins": ("B0TESTASIN",), "titles": ("Kettle",),
        "text": "Where is my order?", "date": DATE, "message_id": "m1@example", "comm_mgr_tok": "TOK123",
    }
    args.update(overrides)
    return render_buyer_message(**args)  # type: ignore[arg-type]


def assert_matches(sample: SampleMail) -> None:
    parsed = parse_relay_mail(sample.raw, classify=False)
    expected: dict[str, object] = {
        "kind": sample.kind, "marketplace": sample.marketplace, "order_id": sample.order_id, "asins": sample.asins,
        "notice_type": sample.notice_type, "related_message_id": sample.related_message_id,
        "message_id": sample.message_id,
    }
    if sample.kind == MailKind.BUYER_MESSAGE:
        expected |= {
            "text": sample.text, "buyer_name": sample.buyer_name, "buyer_alias": sample.buyer_alias,
            "item_titles": sample.titles, "subject_kind": sample.subject_kind, "comm_mgr_tok": sample.comm_mgr_tok,
        }
        assert len(parsed.attachments) == sample.attachments, sample.shape
        quoted = parsed.quoted_text or ""
        assert all(line in quoted for line in sample.quoted.split("\n")) if sample.quoted else not quoted
    assert {name: getattr(parsed, name) for name in expected} == expected, sample.shape
    assert parsed.date is not None
    assert parsed.problems == (), sample.shape  # well-formed mail: nothing to work around


@pytest.mark.parametrize("sample", CORPUS, ids=[f"{n}-{s.shape}" for n, s in enumerate(CORPUS)])
def test_generated_corpus_round_trips(sample: SampleMail) -> None:
    assert_matches(sample)


def test_the_generated_corpus_is_varied() -> None:
    shapes = {s.shape.split("/")[1] for s in CORPUS if s.kind == MailKind.BUYER_MESSAGE}
    charsets = {s.shape.split("/")[2] for s in CORPUS if s.kind == MailKind.BUYER_MESSAGE}
    assert shapes == {"plain", "html", "multipart"}
    assert {"utf-8", "iso-2022-jp", "shift_jis", "windows-1252", "iso-8859-2"} <= charsets
    assert {s.marketplace for s in CORPUS} == set(RELAY_FORMATS)
    assert {s.notice_type for s in CORPUS if s.notice_type} == set(NoticeType)


def test_the_generator_is_seeded() -> None:
    assert [s.raw for s in generate_relay_mails(seed=3, count=5)] == [
        s.raw for s in generate_relay_mails(seed=3, count=5)
    ]


@pytest.mark.parametrize("marketplace", sorted(RELAY_FORMATS))
@pytest.mark.parametrize("subject_kind", SUBJECT_KINDS)
def test_every_marketplace_and_subject_kind(marketplace: str, subject_kind: str) -> None:
    parsed = parse_relay_mail(buyer_mail(marketplace, subject_kind=subject_kind, reply=True), classify=False)
    assert parsed.kind == MailKind.BUYER_MESSAGE
    assert (parsed.marketplace, parsed.subject_kind) == (marketplace, subject_kind)
    assert (parsed.order_id, parsed.asins, parsed.item_titles) == ("114-1234567-7654321", ("B0TESTASIN",), ("Kettle",))
    assert parsed.text == "Where is my order?"
    assert parsed.buyer_name == "Jane Miller"


def test_canada_writes_bilingual_markers_and_the_parser_reads_them() -> None:
    raw = buyer_mail("CA", text="Bonjour, où est ma commande ?", charset="windows-1252", style="plain",
                     transfer_encoding="8bit")
    assert "Begin message / Début du message".encode("windows-1252") in raw
    assert parse_relay_mail(raw, classify=False).text == "Bonjour, où est ma commande ?"


def test_a_forwarded_relay_mail_is_still_a_buyer_message() -> None:
    raw = buyer_mail("DE").replace(
        b"abc123+x9@marketplace.amazon.de", b"colleague@seller.example",
    )
    parsed = parse_relay_mail(raw, classify=False)
    assert parsed.kind == MailKind.BUYER_MESSAGE
    assert parsed.buyer_alias is None
    assert parsed.marketplace == "DE"  # from the Seller Central link in the footer


def test_reply_to_on_a_relay_domain_names_the_alias() -> None:
    raw = buyer_mail("UK").replace(
        b'From: "Jane Miller - Amazon Marketplace" <abc123+x9@marketplace.amazon.co.uk>',
        b'From: "Jane Miller" <relay@mailer.example>\r\nReply-To: <abc123+x9@marketplace.amazon.co.uk>',
    )
    parsed = parse_relay_mail(raw, classify=False)
    assert (parsed.kind, parsed.buyer_alias, parsed.marketplace) == (
        MailKind.BUYER_MESSAGE, "abc123+x9@marketplace.amazon.co.uk", "UK",
    )


def test_a_pre_sale_question_threads_by_asin() -> None:
    parsed = parse_relay_mail(buyer_mail(order_id=None, subject_kind="product_details"), classify=False)
    assert parsed.order_id is None
    assert thread_key(parsed) == "abc123@marketplace.amazon.com|asin:B0TESTASIN"


def test_thread_key_ignores_the_alias_suffix_and_case() -> None:
    first = parse_relay_mail(buyer_mail(alias="ABC123+x9@marketplace.amazon.com"), classify=False)
    second = parse_relay_mail(buyer_mail(alias="abc123@Marketplace.Amazon.com", message_id="m2@x"), classify=False)
    assert thread_key(first) == thread_key(second) == "abc123@marketplace.amazon.com|order:114-1234567-7654321"


def test_thread_key_is_none_without_an_alias_or_a_subject_of_the_thread() -> None:
    assert thread_key(parse_relay_mail(b"From: a@b.example\r\nSubject: hi\r\n\r\nhello\r\n")) is None
    assert thread_key(parse_relay_mail(buyer_mail(order_id=None, asins=(), titles=()), classify=False)) is None


@pytest.mark.parametrize(
    ("address", "alias"),
    [
        ("ABC+x1@Marketplace.Amazon.com", "abc@marketplace.amazon.com"),
        ('"Jane - Amazon Marketplace" <qq+1+2@marketplace.amazon.de>', "qq@marketplace.amazon.de"),
        ("plain@marketplace.amazon.fr", "plain@marketplace.amazon.fr"),
        ("no-at-sign", "no-at-sign"),
    ],
)
def test_normalise_alias(address: str, alias: str) -> None:
    assert normalise_alias(address) == alias


def test_message_key_prefers_the_token_then_the_message_id_then_the_hash() -> None:
    assert parse_relay_mail(buyer_mail(), classify=False).message_key == "tok:TOK123"
    assert parse_relay_mail(buyer_mail(comm_mgr_tok=None), classify=False).message_key == "mid:m1@example"
    bare = b"From: a@b.example\r\nSubject: hi\r\n\r\nhello\r\n"
    parsed = parse_relay_mail(bare)
    assert parsed.message_key == f"sha:{parsed.sha256}"


def test_attachments_keep_their_names_types_and_bytes() -> None:
    files = (MailAttachment("Schäden foto.jpg", "image/jpeg", b"\xff\xd8\xff\xe0jpeg"),
             MailAttachment("invoice.pdf", "application/pdf", b"%PDF-1.4"))
    parsed = parse_relay_mail(buyer_mail(attachments=files, style="plain"), classify=False)
    assert parsed.attachments == files


@pytest.mark.parametrize("notice_type", [t for t in NoticeType if t != NoticeType.OTHER])
@pytest.mark.parametrize("marketplace", ["US", "DE", "JP", "SA", "TR"])
def test_notices_of_every_type(notice_type: NoticeType, marketplace: str) -> None:
    raw = render_notice(
        notice_type=notice_type, marketplace=marketplace, date=DATE, message_id="n1@amazon.example",
        order_id="114-1234567-7654321", buyer_name="Jane", titles=("Kettle",), asins=("B0TESTASIN",),
        related_message_id="reply-1@seller.example" if notice_type == NoticeType.DELIVERY_FAILURE else None,
    )
    parsed = parse_relay_mail(raw, classify=False)
    assert (parsed.kind, parsed.notice_type, parsed.marketplace) == (MailKind.AMAZON_NOTICE, notice_type, marketplace)
    if notice_type == NoticeType.DELIVERY_FAILURE:
        assert parsed.related_message_id == "reply-1@seller.example"
    assert parsed.language is None
    assert parsed.intent is None


def test_an_unknown_amazon_notice_is_typed_other() -> None:
    raw = render_notice(notice_type=NoticeType.OTHER, marketplace="IT", date=DATE, message_id="n2@amazon.example")
    parsed = parse_relay_mail(raw)
    assert (parsed.kind, parsed.notice_type, parsed.marketplace) == (MailKind.AMAZON_NOTICE, NoticeType.OTHER, "IT")


def test_a_bounce_from_the_sellers_server_names_the_failed_reply() -> None:
    raw = render_delivery_report(original_message_id="reply-9@seller.example", recipient="abc@marketplace.amazon.fr",
                                 date=DATE, message_id="dsn-9@mail.seller.example")
    parsed = parse_relay_mail(raw)
    assert (parsed.kind, parsed.notice_type, parsed.related_message_id, parsed.marketplace) == (
        MailKind.AMAZON_NOTICE, NoticeType.DELIVERY_FAILURE, "reply-9@seller.example", "FR",
    )


def test_a_sent_copy_carries_the_sellers_words() -> None:
    raw = render_notice(notice_type=NoticeType.SENT_COPY, marketplace="FR", date=DATE, message_id="c@x",
                        order_id="402-1234567-7654321", buyer_name="Chloé", text="Bonjour, c'est envoyé.")
    parsed = parse_relay_mail(raw)
    assert (parsed.buyer_name, parsed.text) == ("Chloé", "Bonjour, c'est envoyé.")


def test_buyer_messages_get_language_and_intent() -> None:
    parsed = parse_relay_mail(buyer_mail("DE", text="Hallo, wo bleibt meine Bestellung? Sie ist noch nicht da."))
    assert parsed.language == "de"
    assert parsed.intent is not None
    structure_only = parse_relay_mail(buyer_mail("DE"), classify=False)
    assert (structure_only.language, structure_only.intent) == (None, None)


def test_writer_rejects_what_it_cannot_write() -> None:
    with pytest.raises(ValueError, match="unknown marketplace"):
        buyer_mail("XX")
    with pytest.raises(ValueError, match="subject_kind"):
        buyer_mail(subject_kind="gossip")
    with pytest.raises(ValueError, match="cannot be written"):
        buyer_mail("JP", text="日本語", charset="iso-8859-1")


@pytest.mark.parametrize("raw", [b"", b"   \r\n\r\n", b"\x00\x01\x02 not a mail", b"just some text\nmore\n"])
def test_bytes_that_are_no_mail_raise_message_parse_error(raw: bytes) -> None:
    with pytest.raises(MessageParseError, match="not an e-mail"):
        parse_relay_mail(raw)


def test_an_mbox_from_line_before_the_headers_is_accepted() -> None:
    parsed = parse_relay_mail(b"From someone Mon Mar  2 09:00:00 2026\nSubject: hi\n\nhello\n")
    assert (parsed.kind, parsed.subject) == (MailKind.OTHER, "hi")


def test_a_byte_order_mark_before_the_headers_is_ignored() -> None:
    parsed = parse_relay_mail(b"\xef\xbb\xbf" + buyer_mail(), classify=False)
    assert (parsed.kind, parsed.order_id) == (MailKind.BUYER_MESSAGE, "114-1234567-7654321")


@pytest.mark.parametrize(
    ("subject", "notice_type"),
    [
        ("Your e-mail to Amazon customer Jane could not be delivered", NoticeType.DELIVERY_FAILURE),
        ("RE: Buyer has opted out of receiving messages (Order: 114-1234567-7654321)", NoticeType.BUYER_OPT_OUT),
        ("Sold, ship now: Kettle, 1.7 L", NoticeType.ORDER_UPDATE),
    ],
)
def test_notice_subject_variants(subject: str, notice_type: NoticeType) -> None:
    raw = f"From: donotreply@amazon.com\r\nSubject: {subject}\r\n\r\nHello\r\n".encode()
    assert parse_relay_mail(raw).notice_type == notice_type


@pytest.mark.parametrize(
    "history",
    [
        "Am Mo., 2. März 2026 um 09:00 Uhr schrieb Shop <support@seller.example>:\n> Ihr Paket ist unterwegs.",
        "2026年3月2日(月) 9:00 Shop <support@seller.example>:\n> 発送しました。",
        "From: Shop Support\nSent: Monday, March 2, 2026 9:00 AM\nTo: Buyer\nSubject: Your order\n\nShipped.",
        "Von: Shop\nGesendet: Montag, 2. März 2026 09:00\nAn: Käufer\n\nVersendet.",
        "-----Original Message-----\nShipped.",
    ],
)
def test_quoted_history_of_common_mail_programs_is_cut(history: str) -> None:
    parsed = parse_relay_mail(buyer_mail(text=f"Thanks, it arrived.\n\n{history}"), classify=False)
    assert parsed.text == "Thanks, it arrived."
    assert parsed.quoted_text is not None
    assert history.splitlines()[-1].lstrip("> ") in parsed.quoted_text


def test_a_from_line_alone_in_the_buyers_words_is_kept() -> None:
    text = "From: my neighbour I heard the parcel came.\nCan you check?"
    assert parse_relay_mail(buyer_mail(text=text), classify=False).text == text


@pytest.mark.parametrize(
    ("subject", "kind"),
    [
        ("Message from Amazon customer Kim (Order: 114-1234567-7654321)", "inquiry"),
        ("Return inquiry from Amazon customer Kim (Order: 114-1234567-7654321)", "return_policy"),
        ("AW: Anfrage von Amazon-Kunde Kim (Bestellung: 114-1234567-7654321)", "inquiry"),
    ],
)
def test_subject_variants(subject: str, kind: str) -> None:
    raw = buyer_mail().replace(b"Subject: Inquiry from Amazon customer Jane Miller (Order: 114-1234567-7654321)",
                               f"Subject: {subject}".encode())
    parsed = parse_relay_mail(raw, classify=False)
    assert (parsed.subject_kind, parsed.order_id) == (kind, "114-1234567-7654321")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Mon, 02 Mar 2026 09:00:00 +0000", datetime(2026, 3, 2, 9, 0, tzinfo=UTC)),
        ("2 Mar 2026 01:00 -0800", datetime(2026, 3, 2, 9, 0, tzinfo=UTC)),
        ("Mon, 2 Mar 2026 14:30:00 +0530 (IST)", datetime(2026, 3, 2, 9, 0, tzinfo=UTC)),
        ("Mon, 02 Mar 2026 09:00:00 GMT", datetime(2026, 3, 2, 9, 0, tzinfo=UTC)),
        ("Mon, 02 Mar 2026 09:00:00", datetime(2026, 3, 2, 9, 0, tzinfo=UTC)),  # no zone: taken as UTC
        ("Mon, 31 Feb 2026 09:00:00 +0000", None),
        ("yesterday", None),
    ],
)
def test_date_headers(header: str, expected: datetime | None) -> None:
    parsed = parse_relay_mail(f"From: a@b.example\r\nDate: {header}\r\n\r\nhi\r\n".encode())
    assert parsed.date == expected
    assert parsed.date is None or parsed.date.tzinfo is not None
    assert any("Date header" in p for p in parsed.problems) == (expected is None)


def test_parser_version_is_a_positive_int() -> None:
    assert isinstance(PARSER_VERSION, int)
    assert PARSER_VERSION >= 1
