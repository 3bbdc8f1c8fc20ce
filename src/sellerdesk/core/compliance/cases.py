"""Messages to Amazon Seller Support (kind ``case``): the elements a case needs to be solved.

A good case names, where the topic needs them, the order ID, the ASIN, the error code or message
and a reference to evidence (screenshot, file, invoice). Cases are often written by Chinese teams,
so the topic and element words are in English and Chinese (German, French, Spanish, Italian and
Japanese too, for European and Japanese teams).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sellerdesk.core.compliance.draft import Draft
from sellerdesk.core.compliance.findings import WARN, Finding, Rule

ORDER_ID = re.compile(r"\b\d{3}-\d{7}-\d{7}\b")
ASIN = re.compile(r"\bB0[0-9A-Z]{8}\b|\b\d{9}[0-9X]\b")

_ELEMENTS = (
    ("order ID",
     re.compile(r"\border\b|\bbuyer\b|\bcustomer\b|\brefund|\breturn|\bshipment|\ba-to-z|\bchargeback"
                r"|bestellung|käufer|commande|acheteur|pedido|comprador|ordine|acquirente|注文|購入者"
                r"|订单|买家|退款|退货|客户"),
     ORDER_ID,
     "Add the order ID (e.g. 114-1234567-1234567) so Seller Support can look the order up."),
    ("ASIN",
     re.compile(r"\blisting|\bdetail page|\bproduct page|\bsuppressed|\bbuy box|\binventory|\bstranded"
                r"|\bcatalog|\bbrand registry|\bvariation|angebot|produktseite|fiche produit|annonce"
                r"|ficha|inserzione|出品|商品ページ|在庫|listing|商品页面|库存|变体|跟卖|购物车"),
     ASIN,
     "Add the ASIN (B0...) of the listing concerned."),
    ("error code or message",
     re.compile(r"\berror\b|\bfail(?:s|ed|ure)?\b|\bcannot upload|\brejected|\bfehler|\berreur|\berror"
                r"|\berrore|エラー|错误|报错|失败|无法上传"),
     re.compile(r"\b(?:error|code|fehler|erreur|errore)\s*(?:code)?\s*[:#]?\s*[A-Z]?\d{3,6}\b"
         r"|[\"“„«「][^\"”“»」]{6,}[\"”“»」]"
                r"|错误代码|错误信息|エラーコード|エラーメッセージ", re.IGNORECASE),
     "Quote the exact error message or code, e.g. 'Error 8541: ...'."),
    ("evidence",
     re.compile(r"\breimburse|\blost\b|\bdamaged\b|\bmissing units|\bfee\b|\bovercharg|\bclaim|\bappeal"
                r"|\bcounterfeit|\binauthentic|erstattung|beschädigt|verloren|remboursement|perdu|reembolso"
                r"|perdido|rimborso|smarrit|補償|紛失|破損|申诉|赔偿|丢失|损坏|费用|索赔"),
     re.compile(r"screenshot|attach|enclosed|invoice|proof|photo|file|pdf|pod\b|document|evidence|beleg"
                r"|anhang|bildschirmfoto|capture|pièce jointe|preuve|captura|adjunt|prueba|allegat|prova"
                r"|スクリーンショット|添付|証拠|请见附件|截图|附件|发票|证明|凭证", re.IGNORECASE),
     "Refer to the evidence (screenshot, invoice, proof of delivery) and attach it, with dates and times."),
)


def find_missing_elements(draft: Draft) -> Iterator[Finding]:
    """For each element the case's topic needs, a warning when the text lacks it."""
    text = draft.text
    lowered = draft.folded.text
    attached = bool(draft.context.attachments)
    for name, topic, present, suggestion in _ELEMENTS:
        if not topic.search(lowered):
            continue
        if present.search(text) or (name == "evidence" and attached):
            continue
        yield draft.finding(
            "case_missing_element", WARN, None,
            explanation=f"This case is about something that needs the {name}, and the text does not "
                        f"give it; cases without it bounce back and forth.",
            suggestion=suggestion)


def _case(kind: str) -> bool:
    return kind == "case"


RULES = (
    Rule("case_missing_element", WARN, _case, find_missing_elements, "a case lacking a needed element"),
)
