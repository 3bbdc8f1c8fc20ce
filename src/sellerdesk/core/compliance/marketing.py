"""Marketing and opt-out wording: promotions, coupon codes, future discounts, cross-selling, unsubscribe.

Amazon allows buyer messages only to complete an order or answer a service question. What is
*not* marketing, and must pass: a partial refund or price adjustment for this order, "a free
replacement" for a damaged item, "a full refund" for a return. The patterns therefore look for the
future-purchase or promotional frame ("on your next order", "coupon code", "new arrivals"), not for
the words "discount" or "free" alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sellerdesk.core.compliance.draft import Draft
from sellerdesk.core.compliance.findings import BLOCK, Finding, Rule, buyer_facing

# The word alternatives share one leading \b: tested once per position rather than once per
# alternative, which made this expression the slowest part of a check.
MARKETING = re.compile(
    # English
    r"\b(?:(?:coupon|promo(?:tion(?:al)?)?|discount|voucher|referral)\s+codes?\b|use (?:the )?code\s+[a-z0-9]{4,}"
    r"|\d{1,2}\s?%\s?off\b|(?:on|for|off) (?:your|any) (?:next|future) (?:order|purchase|orders|purchases)"
    r"|(?:next|future) (?:order|purchase)s? (?:discount|coupon)|new (?:arrivals|products?|collection|releases?)\b"
    r"|(?:check out|take a look at|browse|have a look at|see) our (?:other|new|latest|full range|range|collection"
    r"|store|shop|storefront)|you (?:may|might) also (?:like|love|need)\b|visit our (?:amazon )?(?:store"
    r"|storefront|shop)"
    r"|(?:black friday|cyber monday|prime day|flash|limited[- ]time|exclusive|special|seasonal)\s+(?:sale"
    r"|deals?|offers?)"
    r"|newsletter\b|buy (?:one|1|two|2),? get\b|stock up\b|subscribe (?:to|for)\b"
    # German
    r"|(?:gutschein|rabatt|aktions)-?codes?\b|gutscheincode|rabattcode|(?:auf|für) (?:ihre|ihren|die) "
    r"(?:nächste|nächsten|zukünftige) (?:bestellung|einkauf|kauf)|unsere (?:neuen|anderen"
    r"|weiteren) (?:produkte|artikel)"
    r"|neuheiten\b|sonderangebot|besuchen sie unseren? (?:shop|store|markenshop)"
    # French
    r"|codes? (?:promo|de réduction|promotionnel)|sur votre (?:prochaine|prochain) (?:commande|achat)"
    r"|nos (?:nouveaux|autres) (?:produits|articles)|nouveautés\b|visitez notre boutique"
    # Spanish
    r"|c[óo]digo (?:de descuento|promocional|de cup[óo]n)|cup[óo]n(?:es)? de descuento"
    r"|en su (?:próxima|proxima) (?:compra|pedido)|nuestros (?:nuevos|otros) productos|visite nuestra tienda"
    # "novedades" and "novità" also mean news ("en cuanto tengamos novedades", "appena avremo novità"):
    # only their promotional frames count.
    r"|(?:descubr\w+|vea|mire|explore|eche un vistazo a) (?:(?:las|todas las|nuestras|últimas|ultimas) )*novedades"
    r"|nuestras novedades|novedades (?:de|en|del) (?:nuestra |la )?(?:tienda|cat[áa]logo|colecci[óo]n|temporada)"
    # Italian
    r"|codice (?:sconto|promozionale|coupon)|sul (?:suo|tuo) prossimo (?:acquisto|ordine)"
    r"|nei prossimi acquisti|i nostri (?:nuovi|altri) prodotti|visita(?:te)? il nostro negozio"
    r"|(?:scopr\w+|guard\w+|esplor\w+|dia un'occhiata al?le) (?:(?:le|tutte le|nostre|ultime) )*novità"
    r"|nostre novità|novità (?:in arrivo|della stagione|di stagione"
    r"|(?:del|dal|nel|in) (?:nostro )?(?:negozio|catalogo|assortimento|shop|store))"
    # Japanese and Chinese
    r")|クーポン(?:コード)?|割引コード|プロモーションコード|次回(?:の)?(?:ご購入|お買い物|注文)|新商品|新製品|セール情報"
    r"|他の商品も|ストアをご覧|优惠券|折扣码|优惠码|下次购买|下单立减|新品|店铺其他|关注店铺"
)

OPT_OUT = re.compile(
    r"\bunsubscrib\w*|\bopt[- ]?out\b|\bstop receiving (?:these |our |further |future )?(?:e-?mails|messages)"
    r"|\bno longer (?:wish|want) to receive|\bremove you from (?:our|the) (?:list|mailing)"
    r"|\babmelden\b|\babbestellen\b|\babmeldung\b|\bkeine (?:weiteren )?(?:e-mails|nachrichten) mehr erhalten"
    r"|\bdésabonner|\bdésinscri\w+|\bse désabonner|\bne plus recevoir"
    r"|\bdarse de baja|\bdarte de baja|\bcancelar (?:la |su )?suscripci[óo]n|\bdejar de recibir"
    r"|\bdisiscri\w+|\bannullare l'iscrizione|\bcancellare l'iscrizione|\bnon ricevere più"
    r"|配信停止|配信を停止|受信拒否|退订|取消订阅"
)

TRIGGERS: dict[str, tuple[str, ...]] = {
    "marketing": (
        " code", "% off", "%off", "next order", "next purchase", "future order", "future purchase", "new arrival",
        "new product", "new collection", "new release", "check out our", "look at our", "browse our", "see our",
        "you may also", "you might also", "visit our", "black friday", "cyber monday", "prime day", "flash sale",
        "flash deal", "limited-time", "limited time", "exclusive", "special sale", "special deal", "special offer",
        "seasonal", "newsletter", "buy one", "buy 1", "buy two", "buy 2", "stock up", "subscribe", "gutschein",
        "rabatt", "aktions", "nächste bestellung", "nächsten bestellung", "nächsten einkauf", "nächsten kauf",
        "zukünftige bestellung", "zukünftigen",
        "unsere neuen", "unsere anderen", "unsere weiteren", "neuheiten", "sonderangebot", "besuchen sie unser",
        "prochaine commande", "prochain achat", "nos nouveaux", "nos autres", "nouveautés", "visitez notre boutique",
        "código", "codigo", "cupón", "cupon", "próxima compra", "proxima compra", "próximo pedido", "proximo pedido",
        "nuestros nuevos", "nuestros otros", "novedades", "visite nuestra tienda", "codice", "prossimo acquisto",
        "prossimo ordine", "prossimi acquisti", "nostri nuovi", "nostri altri", "novità", "nostro negozio",
        "クーポン", "割引コード", "プロモーションコード", "次回", "新商品", "新製品", "セール情報", "他の商品も",
        "ストアをご覧", "优惠券", "折扣码", "优惠码", "下次购买", "下单立减", "新品", "店铺其他", "关注店铺"),
    "opt_out": (
        "unsubscrib", "opt out", "opt-out", "optout", "stop receiving", "no longer wish", "no longer want",
        "remove you from", "abmelden", "abbestellen", "abmeldung", "mehr erhalten", "désabonner", "désinscri",
        "ne plus recevoir", "de baja", "suscripci", "dejar de recibir", "disiscri", "l'iscrizione",
        "non ricevere più", "配信停止", "配信を停止", "受信拒否", "退订", "取消订阅"),
}
"""Every phrase of a family contains one of its triggers (see :mod:`.scanner`)."""


def find_marketing(draft: Draft) -> Iterator[Finding]:
    """Promotions, coupon codes, future-purchase discounts, announcements and cross-selling."""
    for span in draft.search(MARKETING, "marketing", reach=(30, 50)):  # the phrases are short
        yield draft.finding(
            "marketing", BLOCK, span,
            explanation="Buyer messages may only serve the current order; promotions, coupons for future "
                        "purchases and product announcements are forbidden.",
            suggestion="Remove the promotional part and keep only what this order needs; a refund or a "
                       "replacement for this order is fine.")


def find_opt_out(draft: Draft) -> Iterator[Finding]:
    """Unsubscribe and opt-out wording or links."""
    for span in draft.search(OPT_OUT, "opt_out", reach=(30, 50)):
        yield draft.finding(
            "opt_out_link", BLOCK, span,
            explanation="Opt-out or unsubscribe wording makes a message look like marketing, which Amazon "
                        "forbids; buyers manage messages in their Amazon account.",
            suggestion="Remove the unsubscribe line; Amazon handles buyers' opt-outs itself.")


RULES = (
    Rule("marketing", BLOCK, buyer_facing, find_marketing, "promotions, coupon codes, cross-selling"),
    Rule("opt_out_link", BLOCK, buyer_facing, find_opt_out, "unsubscribe or opt-out wording or links"),
)
