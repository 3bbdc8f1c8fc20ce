"""Rules that need more than the text: history, times, languages and the reason for writing.

- ``repeat_review_request``: a second review or feedback request for the same order.
- ``near_duplicate``: at least 85 % similar to one of the store's recent replies; blocks when the two
  replies sent just before were such replies too (the third in a row).
- ``auto_reply_timing``: an automatic send seconds after the buyer's message.
- ``wrong_language``: the reply is not in the buyer's language (or the marketplace's).
- ``proactive_reason``: a seller-started message that fits none of Amazon's permitted reasons.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import timedelta
from functools import lru_cache

from sellerdesk.core.compliance.draft import Draft
from sellerdesk.core.compliance.findings import BLOCK, WARN, Finding, HistoryMessage, Rule, buyer_facing
from sellerdesk.core.compliance.normalise import fold
from sellerdesk.core.compliance.reviews import has_review_request
from sellerdesk.core.compliance.similarity import jaccard, shingles
from sellerdesk.core.language import detect_language
from sellerdesk.core.marketplaces import MARKETPLACES


def _is_review_request(kind: str, text: str) -> bool:
    return kind == "review_request" or has_review_request(fold(text).text)


def find_repeat_review_request(draft: Draft) -> Iterator[Finding]:
    """A review request for an order that already had one (from the history)."""
    order = draft.context.order_id
    if not order or not _is_review_request(draft.kind, draft.text):
        return
    for earlier in draft.context.history:
        if earlier.order_id == order and _is_review_request(earlier.kind, earlier.text):
            when = f" on {earlier.sent_at:%Y-%m-%d}" if earlier.sent_at else ""
            yield draft.finding(
                "repeat_review_request", BLOCK, None,
                explanation=f"Order {order} already had a review request{when}; Amazon allows one per order.",
                suggestion="Do not ask again; remove the review request and send the rest of the message, "
                           "if anything remains.")
            return


def _is_reply(kind: str) -> bool:
    # Review requests and proactive notes are meant to be uniform; the guideline is about replies.
    return kind == "reply" or kind.startswith("api:")


def _window(draft: Draft) -> list[HistoryMessage]:
    settings = draft.settings
    now = draft.context.replied_at
    recent = [h for h in draft.context.history if _is_reply(h.kind)]
    if now is not None:
        since = now - timedelta(days=settings.near_duplicate_window_days)
        recent = [h for h in recent if h.sent_at is None or since <= h.sent_at <= now]
    return recent[-settings.near_duplicate_window_count:] if settings.near_duplicate_window_count else []


@lru_cache(maxsize=4096)
def _stored_shingles(text: str) -> frozenset[int]:
    # The same stored replies come back with every check of a busy store: hash them once.
    return shingles(text)


def near_duplicate_streak(draft_text: str, history: Sequence[str], *, threshold: float) -> tuple[float, int]:
    """The best similarity of *draft_text* to *history* (oldest first) and how many of the latest
    replies, counted back from the newest, are each at least *threshold* similar to it."""
    mine = shingles(draft_text)
    scores = [jaccard(mine, _stored_shingles(text)) for text in history]
    streak = 0
    for score in reversed(scores):
        if score < threshold:
            break
        streak += 1
    return (max(scores) if scores else 0.0), streak


def find_near_duplicate(draft: Draft) -> Iterator[Finding]:
    """At least 85 % similar to a recent reply: warn; the third such reply in a row: block."""
    threshold = draft.settings.near_duplicate_threshold
    index = draft.context.near_duplicates
    if index is not None:
        matches = dict(index.query(draft.text, threshold=threshold, margin=0.0))
        best = max(matches.values(), default=0.0)
        latest = index.latest(2)
        streak = next((i for i, key in enumerate(latest) if key not in matches), len(latest))
    else:
        window = _window(draft)
        if not window or len(draft.text.strip()) < 40:
            return
        best, streak = near_duplicate_streak(draft.text, [h.text for h in window], threshold=threshold)
    if best < threshold:
        return
    if streak >= 2:
        yield draft.finding(
            "near_duplicate", BLOCK, None,
            explanation=f"This would be the third reply in a row that is {best:.0%} the same as the "
                        "previous ones; Amazon treats such pasted replies as low-quality.",
            suggestion="Answer this buyer's question specifically: name the product and what you checked, "
                       "and refresh the template.")
    else:
        yield draft.finding(
            "near_duplicate", WARN, None,
            explanation=f"This reply is {best:.0%} the same as one of your recent replies.",
            suggestion="Adapt it to this buyer's question (their product, their problem) before sending.")


def find_auto_reply_timing(draft: Draft) -> Iterator[Finding]:
    """An automatic send within seconds of the buyer's message (it does not count as a response)."""
    context = draft.context
    if not context.automatic or context.received_at is None or context.replied_at is None:
        return
    seconds = (context.replied_at - context.received_at).total_seconds()
    if 0 <= seconds < draft.settings.auto_reply_seconds:
        yield draft.finding(
            "auto_reply_timing", WARN, None,
            explanation=f"Sent automatically {seconds:.0f} seconds after the buyer wrote; Amazon does not "
                        "count auto-responders as responses and the buyer may feel unheard.",
            suggestion="Have a person review and send the answer, or at least wait a few minutes and make "
                       "the text specific to the question.")


# Frequent function words: a text that uses several of one language's and few of another's needs no
# statistical detector (which costs about a millisecond a text).
_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the and you your we for with this that have will are is our please thank".split()),  # noqa: SIM905
    "de": frozenset("der die das und sie ihre wir für mit ist nicht bitte vielen dank ich ein eine".split()),  # noqa: SIM905
    "fr": frozenset("le la les et vous votre nous pour avec est pas merci une des du je".split()),  # noqa: SIM905
    "es": frozenset("el los las y usted su nosotros para es por gracias que le lo hemos muy".split()),  # noqa: SIM905
    "it": frozenset("il lo gli e lei suo sua noi per è non grazie che di della sono abbiamo ci ha".split()),  # noqa: SIM905
}
_KANA = re.compile(r"[\u3040-\u30ff]")
_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def reply_language(text: str, *, expected: Sequence[str]) -> str | None:
    """The language *text* is written in (ISO 639-1), with a fast path for clear-cut texts."""
    if not text.isascii() and _CJK.search(text):  # most replies have no kana or Han at all
        if _KANA.search(text):
            return "ja"
        if _HAN.search(text) and not re.search(r"[A-Za-z]{4}", text):
            return "ja" if "ja" in expected else "zh"
    # Function words of the first 600 characters settle most replies; the statistical detector
    # (about a millisecond) only sees the unclear ones.
    head = text[:600]
    words = set((head if head.islower() else head.lower()).split())
    counts = sorted(((len(stop.intersection(words)), lang) for lang, stop in _STOPWORDS.items()), reverse=True)
    (best_count, best), (runner_up, _) = counts[0], counts[1]
    if best_count >= 4 and best_count >= 3 * max(1, runner_up):
        return best
    return detect_language(text, hint=expected[0] if expected else None)


def find_wrong_language(draft: Draft) -> Iterator[Finding]:
    """The reply's language differs from the buyer's (or, unknown that, the marketplace's)."""
    context = draft.context
    if context.buyer_language:
        expected: tuple[str, ...] = (context.buyer_language.lower(),)
        whose = "the buyer's language"
    elif draft.marketplace:
        market = MARKETPLACES[draft.marketplace]
        expected = (market.language, *market.other_languages)
        whose = f"the language of amazon's {draft.marketplace} marketplace"
    else:
        return
    if sum(map(str.isalpha, draft.text[:120])) < 20:
        return
    found = reply_language(draft.folded.text, expected=expected)  # already lower case
    if found is None or found in expected:
        return
    yield draft.finding(
        "wrong_language", WARN, None,
        explanation=f"The reply seems to be in {found!r}, not in {whose} ({'/'.join(expected)}); Amazon "
                    "asks sellers to answer in the buyer's language.",
        suggestion=f"Translate the reply into {expected[0]!r} (or answer in the language the buyer wrote in).")


PERMITTED = re.compile(
    r"problem|issue|delay|delayed|damaged|defect|missing|out of stock|cannot ship|unable to ship|return|refund"
    r"|invoice|receipt|address|confirm (?:the |your )?(?:delivery|address|details|design|customi[sz])"
    r"|schedul|appointment|install|custom|personali[sz]|engrav|design|proof|review|feedback|warranty|recall"
    r"|problem|verzögert|verspätet|beschädigt|defekt|fehlt|rücksendung|rückerstattung|rechnung|adresse|termin"
    r"|lieferung vereinbaren|personalisier|gravur|bewertung|problème|retard|endommagé|manquant|retour"
    r"|remboursement|facture|adresse|rendez-vous|personnalis|avis|problema|retraso|dañado|devoluci|reembolso"
    r"|factura|dirección|cita|personaliz|reseña|ritardo|danneggiat|mancante|reso|rimborso|fattura|indirizzo"
    r"|appuntamento|personalizz|recensione|問題|遅延|破損|不良|返品|返金|領収書|請求書|住所|配達日時|設置|名入れ"
    r"|レビュー|評価|问题|延迟|损坏|退货|退款|发票|地址|预约|定制|评价"
)
_CONFIRMATION = re.compile(
    r"thank(?:s| you) for (?:your )?(?:order|purchase|shopping|buying)|has (?:been )?shipped|is on (?:its|the) way"
    r"|order (?:is )?confirmed|order confirmation|shipping confirmation|danke für ihre bestellung"
    r"|wurde versandt|merci pour votre commande|a été expédié|gracias por su compra|ha sido enviado"
    r"|grazie per il suo ordine|è stato spedito|ご注文ありがとう|ご購入ありがとう|発送しました|感谢您的购买|已发货"
)


def find_proactive_reason(draft: Draft) -> Iterator[Finding]:
    """A seller-started message must fit a permitted reason; thanks or confirmations alone do not."""
    text = draft.folded.text
    if PERMITTED.search(text):
        return
    what = "an order or shipping confirmation" if _CONFIRMATION.search(text) else \
        "a message without one of Amazon's permitted reasons"
    yield draft.finding(
        "proactive_reason", BLOCK, None,
        explanation=f"This seller-started message is {what}; Amazon allows proactive messages only to "
                    "resolve an order problem, arrange delivery, send an invoice, confirm a custom design "
                    "or ask once for a review.",
        suggestion="Do not send it; Amazon already confirms orders and shipments. Write only when the "
                   "order needs something from you or the buyer.")


def _proactive(kind: str) -> bool:
    return kind == "proactive"


RULES = (
    Rule("repeat_review_request", BLOCK, buyer_facing, find_repeat_review_request,
         "a second review request for the same order"),
    Rule("proactive_reason", BLOCK, _proactive, find_proactive_reason,
         "a proactive message without a permitted reason"),
    Rule("near_duplicate", WARN, _is_reply, find_near_duplicate, "at least 85 % like recent replies"),
    Rule("wrong_language", WARN, buyer_facing, find_wrong_language, "not in the buyer's language"),
    Rule("auto_reply_timing", WARN, buyer_facing, find_auto_reply_timing, "an automatic send within seconds"),
)
