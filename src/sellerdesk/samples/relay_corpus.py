"""A seeded corpus of relay mails and notices, each with the fields a parser must find in it.

``generate_relay_mails(seed=1, count=500)`` gives the same mails on every run: every marketplace,
every body style, the charsets and transfer encodings each language's mail really uses,
``+suffix`` aliases, quoted history, attachments and notices of every type.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sellerdesk.core.mail import MailAttachment, MailKind, NoticeType
from sellerdesk.core.marketplaces import MARKETPLACES
from sellerdesk.core.relay_formats import RELAY_FORMATS, SUBJECT_KINDS
from sellerdesk.samples.relay import Style, render_buyer_message, render_notice

# Per language: buyer names, item titles, buyer texts. Each string fits every charset listed for it.
_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "en": (("Jane Miller", "Raj Patel", "Chloe O'Brien", "Tom Lee"),
           ("Stainless Steel Kettle 1.7L", "USB-C Charger 65W", "Yoga Mat, Non-Slip"),
           ("Hi, where is my order? It was supposed to arrive yesterday.",
            "The charger stopped working after two days.\nCan I get a replacement?",
            "Does this kettle work with 110V?", "Thanks, got it!")),
    "de": (("Jürgen Weiß", "Anna Müller", "Lukas Becker"),
           ("Wasserkocher Edelstahl 1,7 L", "Schreibtischlampe LED", "Rucksack für Laptop"),
           ("Hallo, wo bleibt meine Bestellung? Sie sollte gestern ankommen.",
            "Die Lampe ist beschädigt angekommen.\nBitte um Ersatz.", "Ist der Rucksack wasserdicht?")),
    "fr": (("Élodie Lefèvre", "François Dubois", "Chloé Martin"),
           ("Bouilloire électrique 1,7 L", "Lampe de bureau à LED", "Sac à dos pour ordinateur"),
           ("Bonjour, où en est ma commande ? Elle devait arriver hier.",
            "La lampe est arrivée cassée.\nPouvez-vous m'en renvoyer une ?", "Le sac est-il imperméable ?")),
    "es": (("José García", "María Fernández", "Lucía Gómez"),
           ("Hervidor eléctrico 1,7 L", "Lámpara de escritorio LED", "Mochila para portátil"),
           ("Hola, ¿dónde está mi pedido? Debía llegar ayer.",
            "La lámpara llegó rota.\n¿Pueden enviarme otra?", "¿La mochila es impermeable?")),
    "pt": (("João Silva", "Ana Sousa", "Luíza Costa"),
           ("Chaleira elétrica 1,7 L", "Luminária de mesa LED", "Mochila para notebook"),
           ("Olá, onde está meu pedido? Deveria ter chegado ontem.",
            "A luminária chegou quebrada.\nVocês podem enviar outra?", "A mochila é impermeável?")),
    "it": (("Niccolò Rossi", "Giulia Bianchi", "Matteo Russo"),
           ("Bollitore elettrico 1,7 L", "Lampada da scrivania LED", "Zaino per portatile"),
           ("Buongiorno, dov'è il mio ordine? Doveva arrivare ieri.",
            "La lampada è arrivata rotta.\nPotete mandarne un'altra?", "Lo zaino è impermeabile?")),
    "nl": (("Sanne de Vries", "Daan Bakker", "Emma Janssen"),
           ("Waterkoker RVS 1,7 L", "Bureaulamp LED", "Laptoprugzak"),
           ("Hallo, waar blijft mijn bestelling? Die zou gisteren komen.",
            "De lamp is kapot aangekomen.\nKunt u een nieuwe sturen?", "Is de rugzak waterdicht?")),
    "sv": (("Åsa Lindström", "Björn Karlsson", "Elsa Nyström"),
           ("Vattenkokare 1,7 l", "Skrivbordslampa LED", "Ryggsäck för laptop"),
           ("Hej, var är min beställning? Den skulle komma i går.",
            "Lampan kom trasig.\nKan ni skicka en ny?", "Är ryggsäcken vattentät?")),
    "pl": (("Łukasz Wójcik", "Zofia Kowalska", "Paweł Nowak"),
           ("Czajnik elektryczny 1,7 l", "Lampka biurkowa LED", "Plecak na laptopa"),
           ("Dzień dobry, gdzie jest moje zamówienie? Miało dotrzeć wczoraj.",
            "Lampka przyszła uszkodzona.\nCzy możecie wysłać nową?", "Czy plecak jest wodoodporny?")),
    "tr": (("Ayşe Yılmaz", "Mehmet Öztürk", "Zeynep Çelik"),
           ("Çelik su ısıtıcı 1,7 L", "LED masa lambası", "Dizüstü bilgisayar sırt çantası"),
           ("Merhaba, siparişim nerede? Dün gelmesi gerekiyordu.",
            "Lamba kırık geldi.\nYenisini gönderebilir misiniz?", "Çanta su geçirmez mi?")),
    "ja": (("山田 太郎", "佐藤 花子", "鈴木 一郎"),
           ("電気ケトル 1.7L", "LEDデスクライト", "ノートパソコン用リュック"),
           ("注文した商品はいつ届きますか?昨日届く予定でした。",
            "ライトが壊れて届きました。\n交換していただけますか?", "このリュックは防水ですか?")),
    "ar": (("محمد العتيبي", "فاطمة الزهراني", "أحمد القحطاني"),
           ("غلاية كهربائية 1.7 لتر", "مصباح مكتب LED", "حقيبة ظهر للحاسوب"),
           ("مرحبا، أين طلبي؟ كان من المفترض أن يصل أمس.",
            "وصل المصباح مكسورا.\nهل يمكنكم إرسال واحد جديد؟", "هل الحقيبة مقاومة للماء؟")),
}
_CHARSETS: dict[str, tuple[str, ...]] = {
    "en": ("utf-8", "us-ascii", "windows-1252"), "de": ("utf-8", "iso-8859-1", "windows-1252"),
    "fr": ("utf-8", "iso-8859-15", "windows-1252"), "es": ("utf-8", "iso-8859-1"),
    "pt": ("utf-8", "iso-8859-1"), "it": ("utf-8", "windows-1252"), "nl": ("utf-8", "iso-8859-1"),
    "sv": ("utf-8", "iso-8859-1"), "pl": ("utf-8", "iso-8859-2"), "tr": ("utf-8", "iso-8859-9"),
    "ja": ("utf-8", "iso-2022-jp", "shift_jis"), "ar": ("utf-8", "windows-1256"),
}
_ENCODINGS = ("quoted-printable", "base64", "8bit")
_STYLES: tuple[Style, ...] = ("multipart", "plain", "html")
_NOTICE_TYPES = tuple(NoticeType)
_START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class SampleMail:
    """One generated mail and what parsing it must find."""

    raw: bytes
    kind: MailKind
    marketplace: str
    message_id: str
    notice_type: NoticeType | None = None
    order_id: str | None = None
    asins: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    buyer_name: str | None = None
    buyer_alias: str | None = None
    text: str = ""
    quoted: str | None = None
    subject_kind: str | None = None
    comm_mgr_tok: str | None = None
    related_message_id: str | None = None
    attachments: int = 0
    shape: str = ""  # style/charset/encoding, for test ids and failure messages


def generate_relay_mails(*, seed: int, count: int, notice_share: float = 0.15) -> list[SampleMail]:
    """*count* mails drawn with *seed*: buyer messages, and notices in the share *notice_share*."""
    rng = random.Random(seed)
    codes = sorted(RELAY_FORMATS)
    return [
        _notice(rng, codes[n % len(codes)], n) if rng.random() < notice_share else _buyer(rng, codes[n % len(codes)], n)
        for n in range(count)
    ]


def _language(rng: random.Random, marketplace: str) -> str:
    fmt = RELAY_FORMATS[marketplace]
    # Canadian buyers write English or French; the mail's own words stay in the first language.
    return rng.choice([s.language for s in fmt.strings]) if marketplace == "CA" else fmt.language


def _order_id(rng: random.Random) -> str:
    return f"{rng.randint(100, 999)}-{rng.randint(0, 9999999):07d}-{rng.randint(0, 9999999):07d}"


def _asin(rng: random.Random) -> str:
    return "B0" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(8))


def _buyer(rng: random.Random, marketplace: str, n: int) -> SampleMail:
    language = _language(rng, marketplace)
    names, titles, texts = _WORDS[language]
    # The charset must hold both the buyer's words and the mail's own wording in every language.
    wording = [s.language for s in RELAY_FORMATS[marketplace].strings]
    charsets = [c for c in _CHARSETS[language] if all(c in _CHARSETS[w] for w in wording)] or ["utf-8"]
    charset = rng.choice(charsets)
    name, text = rng.choice(names), rng.choice(texts)
    if charset == "us-ascii":
        name, text = name.encode("ascii", "ignore").decode(), text.encode("ascii", "ignore").decode()
    pre_sale = rng.random() < 0.15
    item_count = 1 if pre_sale else rng.choice((1, 1, 2, 3))
    chosen = tuple(rng.sample(titles, item_count))
    asins = tuple(_asin(rng) for _ in chosen)
    order_id = None if pre_sale else _order_id(rng)
    local = f"{rng.getrandbits(48):012x}"
    suffix = f"+{rng.getrandbits(16):04x}" if rng.random() < 0.3 else ""
    alias = f"{local}{suffix}@{MARKETPLACES[marketplace].relay_domain}"
    quoted = rng.choice(texts) if rng.random() < 0.3 else None
    attachments = (MailAttachment("photo.jpg", "image/jpeg", bytes(rng.getrandbits(8) for _ in range(300))),) \
        if rng.random() < 0.15 else ()
    style = rng.choice(_STYLES)
    encoding = "7bit" if charset == "iso-2022-jp" else rng.choice(_ENCODINGS)
    subject_kind = "product_details" if pre_sale else rng.choice(SUBJECT_KINDS)
    message_id = f"relay-{n}-{rng.getrandbits(32):08x}@{MARKETPLACES[marketplace].relay_domain}"
    token = f"A{rng.getrandbits(64):016X}" if rng.random() < 0.9 else None
    raw = render_buyer_message(
        marketplace=marketplace, buyer_name=name, alias=alias, order_id=order_id, asins=asins, titles=chosen,
        text=text, subject_kind=subject_kind, date=_START + timedelta(minutes=7 * n), message_id=message_id,
        comm_mgr_tok=token, style=style, charset=charset, transfer_encoding=encoding, quoted=quoted,
        attachments=attachments, reply=rng.random() < 0.2,
    )
    return SampleMail(
        raw=raw, kind=MailKind.BUYER_MESSAGE, marketplace=marketplace, message_id=message_id,
        order_id=order_id, asins=asins, titles=chosen, buyer_name=name, buyer_alias=alias, text=text,
        quoted=quoted, subject_kind=subject_kind, comm_mgr_tok=token, attachments=len(attachments),
        shape=f"{marketplace}/{style}/{charset}/{encoding}",
    )


def _notice(rng: random.Random, marketplace: str, n: int) -> SampleMail:
    notice_type = rng.choice(_NOTICE_TYPES)
    names, titles, texts = _WORDS[RELAY_FORMATS[marketplace].language]
    order_id = _order_id(rng) if notice_type != NoticeType.SELLER_SUPPORT else None
    chosen = (rng.choice(titles),)
    asins = (_asin(rng),)
    name = rng.choice(names) if notice_type == NoticeType.SENT_COPY else None
    related = f"reply-{rng.getrandbits(32):08x}@seller.example" if notice_type == NoticeType.DELIVERY_FAILURE else None
    text = rng.choice(texts) if notice_type == NoticeType.SENT_COPY else None
    style: Style = rng.choice(_STYLES)
    message_id = f"notice-{n}-{rng.getrandbits(32):08x}@{MARKETPLACES[marketplace].domain}"
    raw = render_notice(
        notice_type=notice_type, marketplace=marketplace, date=_START + timedelta(minutes=7 * n),
        message_id=message_id, order_id=order_id, buyer_name=name, asins=asins, titles=chosen, text=text,
        related_message_id=related, style=style,
    )
    return SampleMail(
        raw=raw, kind=MailKind.AMAZON_NOTICE, marketplace=marketplace, message_id=message_id,
        notice_type=notice_type, order_id=order_id, asins=asins, titles=chosen, buyer_name=name,
        text=text or "", related_message_id=related, shape=f"{marketplace}/{notice_type}/{style}",
    )
