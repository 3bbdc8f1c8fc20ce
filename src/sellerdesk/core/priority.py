"""The order of the inbox queue: time left to "safe by", then risk, then order value.

Time left comes first, counted in whole buckets (an hour by default) so that, among messages
due within the same hour, the riskier one is answered first. Risk comes from the buyer's words
(A-to-z claims, chargebacks, negative feedback, lawyers and authorities, "again" or "still")
in the languages buyers write in, and from repeated messages in the same thread. Order value
breaks the remaining ties. The key is a plain tuple: ``sorted(items, key=...)`` does the rest.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sellerdesk.core.sla import as_utc

DEFAULT_BUCKET = timedelta(hours=1)
REPEAT_WEIGHT = 2
"""Risk added by each further unanswered buyer message in the thread (capped at three)."""


@dataclass(frozen=True)
class RiskFamily:
    """One family of risky words: a name shown to agents, a weight, and the words themselves.

    ``words`` are matched as whole words in Latin scripts; ``fragments`` anywhere in the text
    (for Chinese and Japanese, which do not separate words by spaces).
    """

    name: str
    weight: int
    words: tuple[str, ...]
    fragments: tuple[str, ...] = ()


RISK_FAMILIES: tuple[RiskFamily, ...] = (
    RiskFamily("a_to_z_claim", 5, (
        "a-to-z", "a to z", "atoz", "a-z guarantee", "a-z claim", "a-z-garantie", "a-bis-z", "a bis z",
        "garantie a-z", "garantie de a a z", "garantie a a z", "a-a-z", "garantia de la a a la z", "de la a a la z",
        "garanzia dalla a alla z", "dalla a alla z", "garantia de a a z", "claim", "file a claim",
    ), ("aからzまで", "マーケットプレイス保証", "a到z", "亚马逊索赔", "索赔")),
    RiskFamily("chargeback", 5, (
        "chargeback", "charge back", "dispute", "disputed", "rückbuchung", "ruckbuchung", "rücklastschrift",
        "rétrofacturation", "retrofacturation", "contracargo", "contra cargo", "storno", "riaddebito",
        "my bank", "credit card company", "card issuer", "meine bank", "ma banque", "mi banco",
    ), ("チャージバック", "拒付", "退单", "信用卡公司")),
    RiskFamily("negative_feedback", 4, (
        "negative feedback", "negative review", "bad review", "1 star", "one star", "1-star", "one-star",
        "negative bewertung", "schlechte bewertung", "1 stern", "avis negatif", "mauvais avis",
        "mauvaise note", "une etoile", "comentario negativo", "opinion negativa", "mala resena", "una estrella",
        "feedback negativo", "recensione negativa", "una stella", "avaliacao negativa", "report you",
        "report this seller",
    ), ("悪い評価", "低評価", "星1", "差评", "一星", "负面评价")),
    RiskFamily("legal", 4, (
        "lawyer", "attorney", "sue", "legal action", "small claims", "consumer protection", "bbb",
        "better business bureau", "fraud", "scam", "anwalt", "rechtsanwalt", "verbraucherzentrale", "betrug",
        "avocat", "arnaque", "escroquerie", "abogado", "estafa", "denuncia", "avvocato", "truffa", "policia",
        "police", "polizei",
    ), ("弁護士", "詐欺", "消費者センター", "律师", "诈骗", "投诉")),
    RiskFamily("repeat_contact", 2, (
        "again", "still not", "still no", "still waiting", "still haven't", "second time", "third time",
        "already asked", "already wrote", "no answer", "no reply", "no response", "nochmal", "noch einmal",
        "erneut", "immer noch", "schon wieder", "keine antwort", "encore une fois", "a nouveau", "toujours pas",
        "aucune reponse", "de nuevo", "otra vez", "todavia no", "sin respuesta", "ancora una volta",
        "di nuovo", "ancora nessuna", "nessuna risposta", "novamente", "ainda nao", "sem resposta",
    ), ("再度", "何度も", "返事がない", "返信がない", "まだ届いて", "再次", "还没有回复", "没有回复", "多次")),
)


@dataclass(frozen=True)
class Risk:
    """A message's risk score and the families of words that raised it."""

    score: int
    reasons: tuple[str, ...]


def _fold(text: str) -> str:
    # Compare without case or accents, so "Rückbuchung" and "RUCKBUCHUNG", "négatif" and "negatif" meet.
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _word_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(_fold(w)) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


_COMPILED = tuple((family, _word_pattern(family.words), tuple(_fold(f) for f in family.fragments))
                  for family in RISK_FAMILIES)


def assess_risk(text: str, *, unanswered_in_thread: int = 1) -> Risk:
    """Score the risk of a buyer message from its words and how many messages wait in its thread.

    Args:
        text: the buyer's words (subject and body may be joined).
        unanswered_in_thread: buyer messages of the thread still waiting, this one included;
            each one beyond the first adds :data:`REPEAT_WEIGHT` (up to three).
    """
    folded = _fold(text)
    score = 0
    reasons: list[str] = []
    for family, pattern, fragments in _COMPILED:
        if pattern.search(folded) or any(f in folded for f in fragments):
            score += family.weight
            reasons.append(family.name)
    repeats = min(max(unanswered_in_thread - 1, 0), 3)
    if repeats:
        score += REPEAT_WEIGHT * repeats
        reasons.append("repeated_messages")
    return Risk(score=score, reasons=tuple(reasons))


@dataclass(frozen=True)
class QueueItem:
    """A waiting buyer message as the queue orders it."""

    key: str
    safe_by: datetime
    risk: int = 0
    order_value: Decimal = Decimal(0)


def priority_key(item: QueueItem, *, now: datetime,
                 bucket: timedelta = DEFAULT_BUCKET) -> tuple[int, int, Decimal, datetime, str]:
    """Sort key of *item* at *now*: smaller sorts first.

    Time left to safe by in whole *bucket* steps (overdue items have negative steps and come
    first, the most overdue first), then higher risk, then higher order value, then the exact
    safe-by time and the key, so the order is total and stable.
    """
    left = as_utc(item.safe_by) - as_utc(now)
    return (left // bucket, -item.risk, -item.order_value, as_utc(item.safe_by), item.key)


def order_queue(items: Iterable[QueueItem], *, now: datetime,
                bucket: timedelta = DEFAULT_BUCKET) -> list[QueueItem]:
    """The queue in the order to work it (see :func:`priority_key`)."""
    return sorted(items, key=lambda item: priority_key(item, now=now, bucket=bucket))
