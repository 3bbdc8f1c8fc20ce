"""The localised strings of Amazon's relay mails and notices, one table per marketplace.

Both the parser (:mod:`sellerdesk.core.amazon_mail`) and the sample writer
(:mod:`sellerdesk.samples.relay`) read this table, so what one writes the other recognises.
The writer uses the first string of every tuple; the parser accepts all of them.

Templates carry ``{name}`` (the buyer's name), ``{order}`` (an order ID), ``{title}`` (an item
title) or ``{case}`` (a Seller Support case number). To add a marketplace: add its
:class:`~sellerdesk.core.relay_languages.LanguageStrings` to :mod:`sellerdesk.core.relay_languages`
when its language is new, then one :class:`RelayFormat` line in
``_FORMATS``; the parser and the writer pick it up, and the round-trip tests cover it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sellerdesk.core.mail import NoticeType
from sellerdesk.core.relay_languages import AR, DE, EN, ES, FR, IT, JA, NL, PL, PT, SV, TR, LanguageStrings

SUBJECT_KINDS: tuple[str, ...] = ("inquiry", "product_details", "shipping", "return_policy", "customization")
"""What a buyer's subject line says the message is about, as ``ParsedMail.subject_kind``."""


@dataclass(frozen=True)
class RelayFormat:
    """How one marketplace's relay mails look: its languages' strings and its sender names."""

    marketplace: str  # two-letter code of sellerdesk.core.marketplaces
    strings: tuple[LanguageStrings, ...]  # one, or two for bilingual marketplaces (CA)
    sender_suffix: str  # display-name suffix of the relay sender: "NAME - Amazon Marketplace"

    @property
    def language(self) -> str:
        """The language the marketplace's relay mails are written in first."""
        return self.strings[0].language


_MARKETPLACE = " - Amazon Marketplace"

_FORMATS = (
    RelayFormat("US", (EN,), _MARKETPLACE),
    RelayFormat("CA", (EN, FR), _MARKETPLACE),
    RelayFormat("MX", (ES,), " - Amazon Marketplace México"),
    RelayFormat("BR", (PT,), " - Amazon Marketplace Brasil"),
    RelayFormat("UK", (EN,), _MARKETPLACE),
    RelayFormat("DE", (DE,), " - Amazon Marketplace Deutschland"),
    RelayFormat("FR", (FR,), " - Amazon Marketplace France"),
    RelayFormat("IT", (IT,), " - Amazon Marketplace Italia"),
    RelayFormat("ES", (ES,), " - Amazon Marketplace España"),
    RelayFormat("NL", (NL,), _MARKETPLACE),
    RelayFormat("SE", (SV,), _MARKETPLACE),
    RelayFormat("PL", (PL,), _MARKETPLACE),
    RelayFormat("TR", (TR,), _MARKETPLACE),
    RelayFormat("JP", (JA,), " - Amazon マーケットプレイス"),
    RelayFormat("AU", (EN,), _MARKETPLACE),
    RelayFormat("SG", (EN,), _MARKETPLACE),
    RelayFormat("IN", (EN,), _MARKETPLACE),
    RelayFormat("AE", (EN, AR), _MARKETPLACE),
    RelayFormat("SA", (AR, EN), _MARKETPLACE),
)

RELAY_FORMATS: dict[str, RelayFormat] = {f.marketplace: f for f in _FORMATS}
"""Every marketplace's relay-mail format by its two-letter code."""

LANGUAGE_STRINGS: tuple[LanguageStrings, ...] = (EN, FR, DE, ES, PT, IT, NL, SV, PL, TR, JA, AR)
"""Every language's strings once, for the parser's combined patterns."""

REPLY_PREFIXES: tuple[str, ...] = (
    "Re", "RE", "Aw", "AW", "Antw", "Réf", "R", "Rif", "Sv", "SV", "Odp", "YNT", "RES", "返信", "رد",
)
"""What mail programs put before a replied subject, in the marketplaces' languages."""

ORIGINAL_MESSAGE_MARKERS: tuple[str, ...] = (
    "-----Original Message-----", "-----Ursprüngliche Nachricht-----", "-----Message d'origine-----",
    "-----Mensaje original-----", "-----Messaggio originale-----", "-----Mensagem original-----",
    "-----Oorspronkelijk bericht-----", "-----Ursprungligt meddelande-----",
    "-----Wiadomość oryginalna-----", "-----Orijinal İleti-----", "-----元のメッセージ-----",
)
"""Separators that mail programs put above forwarded or quoted earlier messages."""

QUOTED_HEADER_FROM: tuple[str, ...] = ("From", "Von", "De", "Da", "Van", "Från", "Od", "Kimden", "差出人", "من")
"""The "From" label of the header block Outlook-style mail programs put above a quoted message."""

QUOTED_HEADER_SENT: tuple[str, ...] = (
    "Sent", "Date", "Gesendet", "Datum", "Envoyé", "Enviado", "Inviato", "Data", "Verzonden", "Skickat",
    "Wysłano", "Gönderildi", "Tarih", "送信日時", "تاريخ الإرسال",
)
"""The "Sent"/"Date" label that follows it on the next line."""

NOTICE_SENDERS: dict[NoticeType, tuple[str, ...]] = {
    NoticeType.SELLER_SUPPORT: ("seller-support", "seller-performance", "seller-notification-support"),
    NoticeType.DELIVERY_FAILURE: ("mailer-daemon", "postmaster"),
}
"""Local parts of Amazon sender addresses that name the notice type on their own."""


