"""Template leftovers: ``{buyer_name}``, ``{{order_id}}``, ``[date]``, ``[Name]``, ``___``, ``XXXX``.

A reply that reaches the buyer with "Dear {buyer_name}" tells them it was pasted from a template
without being read. Size labels (``XXL``), ASINs and bracketed notes that are not placeholders pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sellerdesk.core.compliance.draft import Draft
from sellerdesk.core.compliance.findings import BLOCK, Finding, Rule, buyer_facing

_WORDS = (
    r"(?:buyer|customer|client|first|last|your|full|product|item|seller|store|shop|company|agent|carrier"
    r"|tracking|order|delivery|ship|return|refund)?[ _]?(?:name|names|date|id|number|no|#|title|amount|price"
    r"|address|link|url|code|carrier|sku|asin|product|item|signature|time|reason|tracking)"
    r"|name|nome|nom|nombre|vorname|nachname|datum|date|fecha|data|kundenname|bestellnummer|numéro de commande"
    r"|número de pedido|numero d'ordine|名前|お名前|氏名|日付|注文番号|商品名|追跡番号|姓名|订单号|日期|产品名称"
)
PLACEHOLDER = re.compile(
    r"\{\{[^{}\n]{0,60}\}\}|\{[^{}\n\s][^{}\n]{0,40}\}|<<[^<>\n]{1,40}>>|%\([a-z_]+\)s|\$\{[^}\n]{1,40}\}"
    rf"|\[(?:{_WORDS})\]|【(?:{_WORDS})】|(?-i:\[[A-Z][A-Z0-9]*(?:[_ ][A-Z0-9]+)+\]|\[[A-Z]{{3,}}\])"
    r"|_{3,}|(?<![a-z])x{4,}(?![a-z])"
    # "Dear ," with the name left out (a space before the comma; French "Bonjour !" is typography).
    r"|\b(?:dear|hello|hi|liebe[rs]?|sehr geehrte[rs]?|hallo|cher|chère|bonjour|estimad[oa]|hola|gentile|caro|cara)"
    r"\s+,"
    r"|〇〇|○○|●●|＿{2,}",
    re.IGNORECASE,
)
# Bracketed words that are real text in replies, not stand-ins.
_NOT_PLACEHOLDERS = frozenset({"[ASIN]", "[FAQ]", "[PDF]", "[USB]", "[LED]", "[SKU]", "[EU]", "[UK]", "[US]"})

TRIGGERS: dict[str, tuple[str, ...]] = {
    "placeholder": ("{", "[", "<<", "%(", "${", "___", "xxxx", "【", "〇〇", "○○", "●●", " ,"),
}
"""Every placeholder contains one of these (in the folded text; see :mod:`.scanner`)."""


def find_placeholders(draft: Draft) -> Iterator[Finding]:
    """Every unfilled template variable or stand-in."""
    if not draft.triggered("placeholder"):
        return
    text = draft.text
    for match in PLACEHOLDER.finditer(text):
        if match.group(0) in _NOT_PLACEHOLDERS:
            continue
        yield draft.finding(
            "unfilled_placeholder", BLOCK, match.span(),
            explanation="A template placeholder was left in the text; the buyer would see it as written.",
            suggestion="Replace it with the real value (the buyer's name, the order ID, the date) or "
                       "rewrite the sentence without it.")


RULES = (
    Rule("unfilled_placeholder", BLOCK, buyer_facing, find_placeholders, "template leftovers"),
)
