"""Contacts and links: what must block, what must pass (hard negatives), and offsets into the original."""

from __future__ import annotations

import pytest

from sellerdesk.core.compliance import CheckContext, RuleSettings, check, parse_rule_settings

US = CheckContext(marketplace="US")

HARD_NEGATIVES = [
    "Your order 114-5652017-6650426 shipped today.",
    "UPS tracking: 1Z999AA10123456784.",
    "USPS tracking number 9400 1000 0000 0000 0000 00.",
    "USPS 92612999897543581234567890 arrives Monday.",
    "FedEx 123456789012 and FedEx Ground 612345678901234.",
    "DHL Express tracking number: 1234567890, DHL Paket 00340434161094042557, JJD000390007738384.",
    "Amazon Logistics TBA123456789012.",
    "Royal Mail AB123456789GB and Japan Post RR123456789JP.",
    "DPD parcel number 01234567890123.",
    "Yamato お問い合わせ番号 1234-5678-9012.",
    "ASIN B07XJ8C8F5 costs $19.99 (was €24,99) since 2026-03-05 or 05.03.2026.",
    "Model XJ-2000-B fits; the postcode SW1A 1AA, 10115 and 90210-1234 are covered.",
    "See https://www.amazon.com/dp/B07XJ8C8F5 or amzn.to/3xYzAbc or a.co/d/abc.",
    "Our brand store: https://www.amazon.de/stores/Acme/page/1234.",
    "The manual is in the box as manual.pdf; version 2.1.3 fixed it. It arrived.It works.",
    "We arrive at the depot at noon and meet at home.",
    "We will review your case and send a free replacement.",
    "Serial number 4512 8890 1123 is under warranty.",
    "Dimensions: 30 x 20 x 10 cm, 2.5 kg, 1200 W.",
]


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_hard_negatives_pass(text: str) -> None:
    assert check(text, context=US).verdict == "pass", check(text, context=US).to_dict()


@pytest.mark.parametrize(("text", "rule"), [
    ("Mail me at shop@example.com.", "email_address"),
    ("Write to acme dot help at gmail dot com.", "email_address"),
    ("Send it to help[at]acme[dot]com.", "email_address"),
    ("Send it to acme.help at gmail.com today.", "email_address"),
    ("Ｍａｉｌ ｓａｌｅｓ＠ａｃｍｅ．ｃｏｍ", "email_address"),
    ("Call (212) 555-0147 today.", "phone_number"),
    ("Call +49 30 1234567.", "phone_number"),
    ("Our mobile is 138 1234 5678 (WeChat too).", "phone_number"),
    ("See www.acme-shop.com/help.", "external_link"),
    ("See acme-kettles.shop for tips.", "external_link"),
    ("Visit acme dot com for more.", "external_link"),
    ("Download hxxp://files.example.net/setup.", "external_link"),
    ("Add us on W h a t s A p p.", "off_platform_contact"),
    ("Message us on whats\u200bapp.", "off_platform_contact"),
    ("Ｔｅｌｅｇｒａｍ: @acme", "off_platform_contact"),
    ("Scan the QR code on the card.", "off_platform_contact"),
    ("加我微信 acme123", "off_platform_contact"),
])
def test_contacts_block(text: str, rule: str) -> None:
    result = check(text, context=US)
    assert result.verdict == "block"
    assert rule in result.rules()


def test_offsets_point_into_the_original_text_after_folding() -> None:
    text = "Hello!\u200b Mail ｓａｌｅｓ＠ａｃｍｅ．ｃｏｍ or w h a t s a p p now."
    result = check(text, context=US)
    by_rule = {f.rule: f for f in result.findings}
    email = by_rule["email_address"]
    assert text[email.start:email.end] == "ｓａｌｅｓ＠ａｃｍｅ．ｃｏｍ"
    whatsapp = by_rule["off_platform_contact"]
    assert text[whatsapp.start:whatsapp.end] == "w h a t s a p p"


def test_a_carrier_or_warranty_line_and_a_tracking_page_only_warn() -> None:
    result = check("UPS customer service: 1-800-742-5877. Track it at https://www.ups.com/track?n=1Z999AA10123456784",
                   context=US)
    assert result.verdict == "warn"
    assert {(f.rule, f.severity) for f in result.findings} == {("phone_number", "warn"), ("external_link", "warn")}


def test_the_store_can_allow_its_domain_phone_line_and_warranty_phrase() -> None:
    text = "Manuals: https://acme-brand.com/manuals. Acme warranty service: +1 800 555 0199."
    assert check(text, context=US).verdict == "block"
    settings = parse_rule_settings({"allowed_domains": ["acme-brand.com"],
                                    "allowed_phone_numbers": ["+1 (800) 555-0199"]})
    assert check(text, context=US, settings=settings).verdict == "pass"
    phrase = RuleSettings(allowed_phrases=("Acme warranty service: +1 800 555 0199",),
                          allowed_domains=frozenset({"acme-brand.com"}))
    assert check(text, context=US, settings=phrase).verdict == "pass"


def test_every_finding_explains_and_suggests() -> None:
    result = check("Mail a@b.com, call (212) 555-0147, see www.x-shop.com, add me on WhatsApp.", context=US)
    assert len(result.findings) == 4
    for finding in result.findings:
        assert finding.explanation.endswith(".")
        assert finding.suggestion.endswith(".")
        assert finding.excerpt
