"""Buyer-message intents (contracts §1): one primary label, a confidence, secondary labels.

Pure: the text comes in, an :class:`IntentResult` goes out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

INTENTS: tuple[str, ...] = (
    "order_status", "tracking_request", "not_received", "cancel_order", "change_order",
    "return_refund", "exchange", "damaged_defective", "missing_parts", "wrong_item",
    "product_question", "usage_help", "invoice_request", "shipping_options", "payment_issue",
    "complaint", "feedback_review", "thanks_closing", "other",
)
"""The 19 intent labels of contracts §1, in the contract's order."""

LOW_CONFIDENCE = 0.5
"""Below this confidence a result is flagged ``low_confidence``: a person should look."""


@dataclass(frozen=True)
class IntentResult:
    """The intent of one buyer message.

    ``intent`` is one of :data:`INTENTS`; ``confidence`` is in 0..1; ``intents`` lists further
    intents the message also expresses, strongest first; ``low_confidence`` says that the
    primary intent is a guess a person should check.
    """

    intent: str
    confidence: float
    intents: tuple[str, ...] = ()
    low_confidence: bool = False


_KEYWORDS: dict[str, tuple[str, ...]] = {
    "tracking_request": ("tracking number", "tracking link", "sendungsnummer", "numéro de suivi",
                         "número de seguimiento", "numero di tracciamento", "追跡番号"),
    "not_received": ("never arrived", "not received", "nicht erhalten", "pas reçu", "no he recibido",
                     "non ho ricevuto", "届いていません"),
    "order_status": ("where is my order", "when will", "wo ist meine", "où est ma commande",
                     "dónde está mi pedido", "dov'è il mio ordine", "いつ届き"),
    "cancel_order": ("cancel", "stornieren", "annuler", "cancelar", "annullare", "キャンセル"),
    "change_order": ("change the address", "adresse ändern", "changer l'adresse", "cambiar la dirección",
                     "cambiare l'indirizzo", "住所を変更"),
    "return_refund": ("refund", "return", "rückerstattung", "zurücksenden", "rembourse", "retour",
                      "reembolso", "devolver", "rimborso", "reso", "返品", "返金"),
    "exchange": ("exchange", "swap", "umtauschen", "échanger", "cambiar por", "sostituire", "交換"),
    "damaged_defective": ("broken", "damaged", "defective", "kaputt", "defekt", "cassé", "roto",
                          "rotto", "壊れ", "故障"),
    "missing_parts": ("missing", "fehlt", "manque", "falta", "manca", "入っていません"),
    "wrong_item": ("wrong item", "falschen artikel", "mauvais article", "artículo equivocado",
                   "articolo sbagliato", "違う商品"),
    "product_question": ("compatible", "does it fit", "passt", "compatible avec", "compatibile", "対応"),
    "usage_help": ("how do i", "wie kann ich", "comment", "cómo", "come si", "使い方"),
    "invoice_request": ("invoice", "rechnung", "facture", "factura", "fattura", "領収書", "請求書"),
    "shipping_options": ("express", "ship to", "versand nach", "livrer", "envío a", "spedire", "配送"),
    "payment_issue": ("charged twice", "payment", "zahlung", "paiement", "pago", "pagamento", "支払い"),
    "complaint": ("unacceptable", "inakzeptabel", "inacceptable", "inaceptable", "inaccettabile", "ひどい"),
    "feedback_review": ("review", "feedback", "bewertung", "avis", "reseña", "recensione", "レビュー"),
    "thanks_closing": ("thank", "danke", "merci", "gracias", "grazie", "ありがとう"),
}


def classify(text: str, subject: str | None = None, *, language: str | None = None) -> IntentResult:
    """Classify a buyer message into the intents of contracts §1.

    Args:
        text: the buyer's words.
        subject: the mail's subject line, if any (Amazon's subjects hint at the topic).
        language: the ISO 639-1 code of the text, if already known.

    Returns:
        The primary intent with its confidence, further intents, and a low-confidence flag.
    """
    del language  # the first version matches every language's phrases
    haystack = f"{subject or ''}\n{text}".lower()
    scores: dict[str, int] = {}
    for intent, phrases in _KEYWORDS.items():
        hits = sum(1 for phrase in phrases if re.search(re.escape(phrase), haystack))
        if hits:
            scores[intent] = hits
    if not scores:
        return IntentResult("other", 0.3, (), True)
    ranked = sorted(scores, key=lambda name: (-scores[name], INTENTS.index(name)))
    total = sum(scores.values())
    confidence = scores[ranked[0]] / total
    return IntentResult(ranked[0], round(confidence, 3), tuple(ranked[1:3]), confidence < LOW_CONFIDENCE)
