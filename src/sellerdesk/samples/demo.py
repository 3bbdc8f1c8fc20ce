"""The demo inbox: three stores, eight marketplaces, six languages, every intent — as raw mails.

:func:`demo_mails` returns the mails a seller's mailboxes would have received over the last
three days before *now*: buyer messages (with follow-ups quoting the earlier exchange),
Amazon's copies of the replies the team sent, order notices, bounces, an opt-out and a few
malformed mails. Everything is written by the project's own writers
(:mod:`sellerdesk.samples.relay`, :mod:`sellerdesk.samples.buyer_texts`), seeded, so the same
seed and *now* give the same bytes. The demo service stores them through the real storing path.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sellerdesk.core.intents import INTENTS
from sellerdesk.core.mail import NoticeType
from sellerdesk.core.marketplaces import MARKETPLACES
from sellerdesk.samples.buyer_texts import buyer_text
from sellerdesk.samples.demo_replies import demo_reply
from sellerdesk.samples.relay import render_buyer_message, render_notice


@dataclass(frozen=True)
class DemoStore:
    """A demo store and the address its replies go out from."""

    name: str
    marketplaces: tuple[str, ...]
    timezone: str
    signature: str
    from_address: str


STORES: tuple[DemoStore, ...] = (
    DemoStore(
        "acme-outdoor-us",
        ("US", "CA", "MX"),
        "America/Los_Angeles",
        "Acme Outdoor Support",
        "support@acme-outdoor.example",
    ),
    DemoStore(
        "nordlicht-eu",
        ("DE", "FR", "IT", "ES", "UK"),
        "Europe/Berlin",
        "Nordlicht Home · Kundenservice",
        "service@nordlicht-home.example",
    ),
    DemoStore("sakura-jp", ("JP",), "Asia/Tokyo", "さくら雑貨 カスタマーサポート", "cs@sakura-zakka.example"),
)
_STORE_WEIGHTS = (0.42, 0.42, 0.16)

# Buyers write in the marketplace's language, with the usual minorities (Spanish in the US, French in Canada).
_LANGUAGES = {
    "US": (("en", 0.9), ("es", 0.1)),
    "CA": (("en", 0.6), ("fr", 0.4)),
    "MX": (("es", 1.0),),
    "DE": (("de", 0.92), ("en", 0.08)),
    "FR": (("fr", 1.0),),
    "IT": (("it", 1.0),),
    "ES": (("es", 1.0),),
    "UK": (("en", 1.0),),
    "JP": (("ja", 1.0),),
}

_NAMES = {
    "en": (
        "Jane Miller",
        "Raj Patel",
        "Chloe O'Brien",
        "Tom Lee",
        "Maria Gonzalez",
        "Kevin Brown",
        "Aisha Khan",
        "Liam Walsh",
        "Emily Carter",
        "Noah Smith",
    ),
    "de": ("Jürgen Weiß", "Anna Müller", "Lukas Becker", "Sophie Schmidt", "Felix Wagner", "Lea Hoffmann"),
    "fr": ("Élodie Lefèvre", "François Dubois", "Chloé Martin", "Louis Bernard", "Camille Petit"),
    "es": ("José García", "María Fernández", "Lucía Gómez", "Carlos Ruiz", "Valentina Díaz"),
    "it": ("Niccolò Rossi", "Giulia Bianchi", "Matteo Russo", "Chiara Ferrari", "Luca Romano"),
    "ja": ("山田 花子", "佐藤 太郎", "鈴木 一郎", "高橋 美咲", "田中 健"),
}

_PRODUCTS = (
    (
        "B0C7K2M4Q1",
        {
            "en": "Trail Backpack 30L",
            "de": "Wanderrucksack 30 L",
            "fr": "Sac à dos de randonnée 30 L",
            "es": "Mochila de senderismo 30 L",
            "it": "Zaino da trekking 30 L",
            "ja": "トレイルバックパック 30L",
        },
    ),
    (
        "B0D1X8N5R7",
        {
            "en": "Insulated Water Bottle 750ml",
            "de": "Isolierflasche 750 ml",
            "fr": "Gourde isotherme 750 ml",
            "es": "Botella térmica 750 ml",
            "it": "Borraccia termica 750 ml",
            "ja": "真空断熱ボトル 750ml",
        },
    ),
    (
        "B0B9T3V6W2",
        {
            "en": "LED Desk Lamp, Dimmable",
            "de": "LED-Schreibtischlampe, dimmbar",
            "fr": "Lampe de bureau LED dimmable",
            "es": "Lámpara de escritorio LED regulable",
            "it": "Lampada da scrivania LED dimmerabile",
            "ja": "LEDデスクライト 調光式",
        },
    ),
    (
        "B0A4F6H8J3",
        {
            "en": "Merino Wool Hiking Socks (3 pairs)",
            "de": "Merino-Wandersocken (3 Paar)",
            "fr": "Chaussettes de randonnée en mérinos (3 paires)",
            "es": "Calcetines de merino (3 pares)",
            "it": "Calze da trekking in merino (3 paia)",
            "ja": "メリノウール 登山ソックス 3足組",
        },
    ),
    (
        "B0E2G5K7L9",
        {
            "en": "Stainless Steel Kettle 1.7L",
            "de": "Wasserkocher Edelstahl 1,7 L",
            "fr": "Bouilloire inox 1,7 L",
            "es": "Hervidor de acero 1,7 L",
            "it": "Bollitore in acciaio 1,7 L",
            "ja": "ステンレス電気ケトル 1.7L",
        },
    ),
)

_NOTICE_MIX = (
    NoticeType.ORDER_UPDATE,
    NoticeType.ORDER_UPDATE,
    NoticeType.ORDER_UPDATE,
    NoticeType.SELLER_SUPPORT,
    NoticeType.OTHER,
)


@dataclass(frozen=True)
class DemoMail:
    """One mail of the demo inbox: which store's mailbox received it, when, and its bytes."""

    store: str
    arrived_at: datetime
    raw: bytes
    kind: str  # "buyer", "follow_up", "sent_copy", "notice", "bounce", "malformed"


def demo_mails(*, now: datetime, seed: int = 7, threads: int = 240) -> list[DemoMail]:
    """The demo inbox as raw mails, oldest first (see the module docstring).

    Args:
        now: the moment the demo is seen at; mails arrive over the 72 hours before it.
        seed: the random seed (same seed and *now*: same mails).
        threads: how many buyer conversations to write (at least one per intent).
    """
    rng = random.Random(seed)
    mails: list[DemoMail] = []
    for number in range(threads):
        mails.extend(_conversation(rng, number, now=now))
    mails.extend(_malformed(rng, now=now))
    mails.sort(key=lambda mail: mail.arrived_at)
    return mails


def _pick_language(rng: random.Random, marketplace: str) -> str:
    choices = _LANGUAGES[marketplace]
    return rng.choices([c[0] for c in choices], weights=[c[1] for c in choices])[0]


def _conversation(rng: random.Random, number: int, *, now: datetime) -> list[DemoMail]:
    store = rng.choices(STORES, weights=_STORE_WEIGHTS)[0]
    marketplace = rng.choice(store.marketplaces)
    language = _pick_language(rng, marketplace)
    intent = INTENTS[number % len(INTENTS)]
    name = rng.choice(_NAMES[language])
    asin, titles = rng.choice(_PRODUCTS)
    title = titles[language]
    presale = intent in ("product_question", "shipping_options") and rng.random() < 0.4
    order_id = (
        None if presale else f"{rng.randint(111, 408)}-{rng.randint(0, 9999999):07d}-{rng.randint(0, 9999999):07d}"
    )
    domain = MARKETPLACES[marketplace].relay_domain
    alias = f"{''.join(rng.choices('abcdefghjkmnpqrstvwxyz0123456789', k=14))}@{domain}"
    arrived = now - timedelta(minutes=rng.randint(5, 72 * 60))
    text = buyer_text(rng, intent=intent, language=language)
    first_id = f"demo{number}.{rng.getrandbits(40):x}@{domain}"
    raw = render_buyer_message(
        marketplace=marketplace,
        buyer_name=name,
        alias=alias,
        order_id=order_id,
        asins=(asin,),
        titles=(title,),
        text=text,
        subject_kind="product_details" if presale else "inquiry",
        date=arrived - timedelta(seconds=40),
        message_id=first_id,
        comm_mgr_tok=f"demo-{number}-{rng.getrandbits(48):x}",
        style=rng.choice(("multipart", "multipart", "plain", "html")),
        to_address=store.from_address,
    )
    mails = [DemoMail(store.name, arrived, raw, "buyer")]
    age_hours = (now - arrived).total_seconds() / 3600
    answer_chance = 0.9 if age_hours > 20 else 0.55 if age_hours > 6 else 0.15
    # Amazon's copy of a reply names the order; pre-sale answers have none to thread by, so they stay open here.
    if intent == "thanks_closing" or order_id is None or rng.random() > answer_chance:
        return mails
    # Most replies come within hours; a few slip past Amazon's 24 hours.
    delay = timedelta(
        hours=min(age_hours * 0.95, rng.choice((rng.uniform(0.3, 8), rng.uniform(8, 20), rng.uniform(20, 30))))
    )
    replied = arrived + delay
    reply = demo_reply(
        rng,
        intent=intent,
        language=language,
        buyer_name=name,
        order_id=order_id,
        product=title,
        signature=store.signature,
    )
    mails.append(
        DemoMail(
            store.name,
            replied + timedelta(seconds=30),
            render_notice(
                notice_type=NoticeType.SENT_COPY,
                marketplace=marketplace,
                date=replied,
                order_id=order_id,
                buyer_name=name,
                asins=(asin,),
                titles=(title,),
                text=reply,
                message_id=f"sent{number}.{rng.getrandbits(40):x}@amazon.example",
                to_address=store.from_address,
            ),
            "sent_copy",
        )
    )
    if order_id and rng.random() < 0.25:
        kind = rng.choice(_NOTICE_MIX)
        mails.append(
            DemoMail(
                store.name,
                replied + timedelta(minutes=rng.randint(5, 600)),
                render_notice(
                    notice_type=kind,
                    marketplace=marketplace,
                    date=replied,
                    order_id=order_id,
                    buyer_name=name,
                    asins=(asin,),
                    titles=(title,),
                    message_id=f"notice{number}.{rng.getrandbits(40):x}@amazon.example",
                    to_address=store.from_address,
                ),
                "notice",
            )
        )
    follow_at = replied + timedelta(hours=rng.uniform(1, 30))
    if intent not in ("thanks_closing", "other") and rng.random() < 0.3 and follow_at < now:
        follow_intent = rng.choice(("thanks_closing", intent, "complaint"))
        follow = render_buyer_message(
            marketplace=marketplace,
            buyer_name=name,
            alias=alias,
            order_id=order_id,
            asins=(asin,),
            titles=(title,),
            text=buyer_text(rng, intent=follow_intent, language=language),
            subject_kind="inquiry",
            date=follow_at - timedelta(seconds=40),
            message_id=f"demo{number}b.{rng.getrandbits(40):x}@{domain}",
            comm_mgr_tok=f"demo-{number}b-{rng.getrandbits(48):x}",
            quoted=reply,
            to_address=store.from_address,
            reply=True,
        )
        mails.append(DemoMail(store.name, follow_at, follow, "follow_up"))
    return mails


def _malformed(rng: random.Random, *, now: datetime) -> list[DemoMail]:
    """A few mails no parser can make sense of: the demo shows them quarantined, raw bytes kept."""
    store = STORES[1].name
    when = [now - timedelta(hours=rng.uniform(1, 48)) for _ in range(4)]
    return [
        DemoMail(store, when[0], b"\x00\x01\x02 not an e-mail at all \xff\xfe", "malformed"),
        DemoMail(store, when[1], b"", "malformed"),
        DemoMail(store, when[2], rng.randbytes(300), "malformed"),
        DemoMail(store, when[3], b"\r\n\r\nbody without any header\r\n", "malformed"),
    ]
