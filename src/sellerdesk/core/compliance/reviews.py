"""Reviews and feedback: incentives, manipulation, and the words that make a review request.

A plain, neutral review request is allowed once per order (see ``context.repeat_review_request``).
What Amazon forbids is tying anything of value to a review (``review_incentive``) and steering its
content or its author (``review_manipulation``): asking only satisfied buyers, asking for positive or
5-star reviews, "contact us before leaving a negative review", asking to change or remove one.
Rules work sentence by sentence, so "a full refund" in one sentence and a review request in the
next is not an incentive, and "thank you for your feedback on the sizing" is not a request.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sellerdesk.core.compliance.draft import Draft
from sellerdesk.core.compliance.findings import BLOCK, Finding, Rule, buyer_facing

_NOUN = (r"(?:reviews?|feedback|ratings?|bewertung(?:en)?|rezension(?:en)?|avis|évaluation|commentaire"
         r"|reseña|opini[óo]n|valoraci[óo]n|calificaci[óo]n|recensione|valutazione|レビュー|評価|口コミ"
         r"|评价|好评|评论|留评)")

# The word alternatives share one leading \b: tested once per position rather than once per
# alternative, which made this expression the slowest part of a check.
REQUEST = re.compile(
    # English
    r"\b(?:(?:leave|leaving|write|writing|post|posting|give|giving|share|sharing|submit|drop)\s+(?:us\s+|me\s+)?"
    r"(?:a|an|your|some|the)?\s*(?:\w+[\s-]){0,2}(?:reviews?|feedback|ratings?)\b"
    r"|(?:appreciate|love|grateful for|welcome) (?:a|an|your|some)\s+(?:\w+\s+){0,2}(?:reviews?|feedback"
    r"|ratings?)\b"
    r"|rate (?:us|your (?:purchase|experience|order)|the (?:product|item)|this (?:product|item))"
    r"|review (?:the|this|our|your) (?:product|item|purchase|order)\b"
    # German
    r"|(?:bewertung|rezension|feedback)\s+(?:\w+\s+){0,3}(?:hinterlassen|abgeben|schreiben|geben|verfassen)"
    r"|(?:hinterlassen|schreiben|geben)\s+sie\s+(?:[\w-]+[\s-]+){0,3}(?:bewertung|rezension|feedback)"
    r"|(?:bewerten sie|zu bewerten)\b"
    # French
    r"|(?:laisser|laissez|donner|donnez|écrire|écrivez|partager|publier|publiez)(?:-nous|-moi)?\s+(?:\w+\s+){0,2}"
    r"(?:avis|évaluation|commentaire|note)\b|(?:évaluer|noter|évaluez|notez) (?:notre|le|ce"
    r"|votre) (?:produit|article|achat)"
    # Spanish
    r"|(?:dejar|deje|deja|dejas|déjenos|dejarnos|escribir|escriba|dar|denos|publicar|compartir)\s+(?:\w+\s+){0,2}"
    r"(?:reseña|opini[óo]n|valoraci[óo]n|comentario|calificaci[óo]n)\b"
    r"|(?:valorar|calificar|valore|califique) (?:nuestro|el|este|su) (?:producto|artículo|compra)"
    # Italian
    r"|(?:lasciare|lasci|lascia|lasciarci|scrivere|scriva|dare|pubblicare|rilasciare)\s+(?:\w+\s+){0,2}"
    r"(?:recensione|valutazione|feedback|opinione)\b|(?:valutare|recensire|valuti) (?:il|questo"
    r"|il nostro) (?:prodotto|articolo)"
    # Japanese and Chinese
    r")|(?:レビュー|評価|口コミ)(?:を|の)?(?:書|投稿|残|お願い|いただ|頂|つけ|付け|して)"
    r"|留(?:下)?(?:个|一个|条)?(?:好)?评|写(?:个|一个|条)?(?:好)?评|给(?:个|我们)?(?:好评|五星)|评价一下|(?:请|麻烦).{0,8}评价"
)

VALUE = re.compile(
    r"\b(?:refund\w*|discount\w*|gifts?|free|coupons?|money|cash|vouchers?|rewards?|bonus|compensat\w*|rebate"
    r"|cashback|paypal|perks?|freebies?|samples?|in exchange|money back)\b|[$€£]\s?\d|\d\s?[$€£]|\d+\s?%\s?off"
    r"|\b(?:erstattung|rückerstattung|erstatte|rabatt|geschenk|gratis|kostenlos|gutschein|geld|belohnung|prämie"
    r"|entschädigung|im austausch)\w*"
    r"|\b(?:remboursement|rembourse\w*|réduction|remise|cadeau|gratuit\w*|bon d'achat|argent|récompense|en échange)"
    r"|\b(?:reembolso|reembols\w+|devolv\w+|descuento|regalo|gratis|gratuit\w*|cupón|dinero|recompensa|bono"
    r"|vale|a cambio)"
    r"|\b(?:rimborso|rimbors\w+|sconto|regalo|omaggio|gratis|gratuit\w*|buono|soldi|ricompensa|in cambio)"
    r"|返金|割引|プレゼント|ギフト|無料|クーポン|ポイント|特典|謝礼|キャッシュバック|返现|退款|折扣|优惠|礼物|礼品|免费|红包"
    r"|奖励|赠品|返款"
)

HAPPY = re.compile(  # one leading \b for the word alternatives, as in REQUEST
    r"\b(?:(?:if|when|only if|once) you(?:'re| are| were)? (?:\w+ )?(?:happy|satisfied|pleased|delighted"
    r"|enjoy\w*|lov\w*|lik\w*)\b"
    r"|wenn sie (?:\w+ )?(?:zufrieden|glücklich|begeistert)|falls sie (?:\w+ )?zufrieden"
    r"|si vous (?:êtes|étiez) (?:\w+ )?(?:satisfait|content|ravi)"
    r"|si (?:está|estás|queda) (?:\w+ )?(?:satisfech|content)"
    r"|se (?:è|sei|siete|rimane) (?:\w+ )?(?:soddisfatt|content)"
    r")|ご満足いただけ|気に入っていただけ|満足していただけ|满意的话|如果您满意|如果满意|喜欢的话"
)

POSITIVE = re.compile(
    r"\b(?:positive|good|great|excellent|glowing|favou?rable|nice|5[- ]?stars?|five[- ]?stars?)\s+"
    + _NOUN + r"|\b(?:5|five) stars\b"
    r"|\b(?:positive|gute|5-sterne|fünf-sterne)[\s-]+(?:bewertung|rezension)|\b(?:5|fünf) sterne"
    r"|\b(?:avis|évaluation|commentaire) (?:positif|favorable|5 étoiles)|\b5 étoiles|cinq étoiles"
    r"|\b(?:reseña|valoraci[óo]n|opini[óo]n) (?:positiva|de 5 estrellas)|\b5 estrellas|cinco estrellas"
    r"|\b(?:recensione|valutazione) (?:positiva|a 5 stelle)|\b5 stelle|cinque stelle"
    r"|(?:高評価|星5|星５|★5|五つ星)|(?:好评|五星|5星)"
)

_BEFORE_NEGATIVE = re.compile(
    r"\b(?:contact|message|email|e-mail|tell|write to)\s+us\s+(?:\w+\s+){0,3}before\s+(?:you\s+)?"
    r"(?:leave|leaving|write|writing|post|posting|give|giving)"
    r"|\bbefore\s+(?:you\s+)?(?:leave|leaving|write|writing|post|posting|giving)\s+(?:a|any|your)?\s*"
    r"(?:negative|bad|poor|low|critical|1[- ]star|one[- ]star)?\s*(?:reviews?|feedback|ratings?)"
    r"|\binstead of (?:leaving|writing|posting) (?:a|any)?\s*(?:negative|bad|poor)\s+(?:reviews?|feedback)"
    r"|\bbevor sie (?:\w+\s+){0,3}(?:negative|schlechte)?\s*(?:bewertung|rezension|feedback)"
    r"|\bavant de (?:laisser|donner|publier) (?:un|une)? ?(?:avis|évaluation|commentaire)"
    r"|\bantes de (?:dejar|escribir|publicar) (?:una|un|su)? ?(?:reseña|opini[óo]n|valoraci[óo]n|comentario)"
    r"|\bprima di (?:lasciare|scrivere|pubblicare) (?:una|un)? ?(?:recensione|valutazione|feedback)"
    r"|(?:悪い|低い|ネガティブな)(?:レビュー|評価)(?:を)?(?:書|投稿|つけ|付け)る前に|(?:差评|中差评)(?:之)?前"
)

_CHANGE = re.compile(
    r"\b(?:chang|updat|edit|revis|remov|delet|withdraw|take down|modif|amend|reconsider|improv|rais)\w*\s+"
    r"(?:your|the|this|that|their)\s+(?:negative\s+|bad\s+|1-star\s+|one-star\s+|low\s+|poor\s+)?"
    r"(?:reviews?|feedback|ratings?)\b"
    r"|\b(?:bewertung|rezension|feedback)\s+(?:\w+\s+){0,3}(?:ändern|entfernen|löschen|zurückziehen|anpassen"
    r"|aktualisieren|überarbeiten)"
    r"|\b(?:modifier|supprimer|retirer|changer|mettre à jour)\s+(?:votre|cet|ce|l')\s*(?:avis|évaluation|commentaire)"
    r"|\b(?:modificar|eliminar|borrar|cambiar|retirar|actualizar)\s+(?:su|tu|la|esta)\s+"
    r"(?:reseña|opini[óo]n|valoraci[óo]n|comentario)"
    r"|\b(?:modificare|rimuovere|eliminare|cambiare|ritirare|aggiornare)\s+(?:la sua|la tua|la|questa)\s+"
    r"(?:recensione|valutazione|feedback)"
    r"|(?:レビュー|評価)(?:を)?(?:削除|変更|修正|取り消|書き直)|(?:删除|修改|撤销|更改)(?:一下)?(?:差评|评价|评论)|追评"
)

TRIGGERS: dict[str, tuple[str, ...]] = {
    "review": (
        "review", "feedback", "rating", "rate ", "stars", "-star", " star ", "star review", "star rating",
        "before you leave", "before leaving", "before writing", "before posting", "bewert", "rezension",
        "sterne", "avis", "évalu", "evalu", "commentaire", "comentario", "étoile", "reseña",
        "opini", "valora", "califica", "estrella", "recension", "recensire", "valut", "stelle", "レビュー",
        "評価", "口コミ", "星", "评价", "好评", "评论", "留评", "五星", "追评", "差评", "写评", "5星"),
}
"""Every phrase of the family contains one of its triggers (see :mod:`.scanner`)."""


# Literal stems that each alternative of REQUEST, _BEFORE_NEGATIVE and _CHANGE contains: a sentence
# without any of them is not searched with the large expressions.
_REQUEST_GATE = re.compile(
    "leav|writ|post|giv|shar|submit|drop|apprec|love|grateful|welcome|rate |review "
    "|hinterlass|abgeb|schreib|geb|verfass|bewerten|laiss|donn|écri|partag|publi|évalu|noter|notez"
    "|dej|déj|escrib|dar|denos|compartir|valor|calific|lasci|scriv|pubblic|rilasci|valut|recensire"
    "|書|投稿|残|お願い|いただ|頂|つけ|付け|して|留|写|给|评价一下|请|麻烦")
_HAPPY_GATE = re.compile("you|sie |vous|si |se |満足|気に入|满意|喜欢")
_BEFORE_GATE = re.compile("before|instead of|bevor|avant de|antes de|prima di|前")
_CHANGE_GATE = re.compile(
    "chang|updat|edit|revis|remov|delet|withdraw|take down|modif|amend|reconsider|improv|rais"
    "|ändern|entfernen|löschen|zurückziehen|anpassen|aktualisieren|überarbeiten|supprimer|retirer"
    "|mettre à jour|eliminar|borrar|cambiar|actualizar|rimuovere|eliminare|cambiare|ritirare|aggiornare"
    "|削除|変更|修正|取り消|書き直|删除|修改|撤销|更改|追评")


def has_review_request(folded_text: str) -> bool:
    """True when the (folded) text asks for a review or feedback."""
    return REQUEST.search(folded_text) is not None


def review_sentences(draft: Draft) -> list[tuple[tuple[int, int], str, bool]]:
    """The sentences that mention reviews, each with whether it asks for one (computed once per draft)."""
    cached = draft.memo.get("review_sentences")
    if not isinstance(cached, list):
        cached = [(span, sentence, _REQUEST_GATE.search(sentence) is not None and REQUEST.search(sentence) is not None)
                  for span, sentence in draft.family_sentences("review")]
        draft.memo["review_sentences"] = cached
    return cached


def find_incentives(draft: Draft) -> Iterator[Finding]:
    """A value word and a review request in the same sentence."""
    for span, sentence, request in review_sentences(draft):
        if request and VALUE.search(sentence):
            yield draft.finding(
                "review_incentive", BLOCK, span,
                explanation="Offering a refund, discount, gift or anything of value in connection with a "
                            "review or feedback breaks Amazon's rules and can close the account.",
                suggestion="Keep the refund or replacement and the review request apart: solve the problem "
                           "without mentioning reviews, and use Amazon's 'Request a Review' button instead.")


def find_manipulation(draft: Draft) -> Iterator[Finding]:
    """Steering a review: only happy buyers, positive or 5-star, contact-us-first, change or remove it."""
    for span, sentence, request in review_sentences(draft):
        reason = None
        if _BEFORE_GATE.search(sentence) and _BEFORE_NEGATIVE.search(sentence):
            reason = "Asking buyers to contact you before leaving a review steers its content."
        elif _CHANGE_GATE.search(sentence) and _CHANGE.search(sentence):
            reason = "Asking a buyer to change or remove a review or feedback is forbidden, even after " \
                     "solving their problem."
        elif request and HAPPY.search(sentence):
            reason = "Asking only satisfied buyers for a review (\"if you are happy, please leave a " \
                     "review\") is review manipulation."
        elif (request or (_HAPPY_GATE.search(sentence) and HAPPY.search(sentence))) and POSITIVE.search(sentence):
            reason = "Asking for a positive or 5-star review is review manipulation."
        if reason:
            yield draft.finding(
                "review_manipulation", BLOCK, span, explanation=reason,
                suggestion="Ask neutrally, e.g. \"We would appreciate your honest review\", or leave the "
                           "request to Amazon's 'Request a Review' button; never mention the review's content.")


RULES = (
    Rule("review_incentive", BLOCK, buyer_facing, find_incentives, "value offered for a review or feedback"),
    Rule("review_manipulation", BLOCK, buyer_facing, find_manipulation, "steering a review's content or author"),
)
