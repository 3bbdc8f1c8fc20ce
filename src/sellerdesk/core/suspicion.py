"""Suspicious contacts: signals that a buyer message is phishing, extortion or abuse (pure).

Before answering an unusual inquiry a seller should look at the buyer's history and hold the
reply when the message asks for personal or account data, asks to pay outside Amazon, sends
links or attachments, threatens (review blackmail) or comes in a burst, or when the buyer has a
history of returns and claims. :func:`assess` names each signal with its reason and gives a
short checklist (verify, do not click, report to Amazon); a thread with any signal goes on hold.

Phrases are matched in English, German, French, Spanish, Italian and Japanese.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

BURST_COUNT = 4
"""Messages from one buyer within :data:`BURST_WINDOW` that make a burst."""
BURST_WINDOW = timedelta(hours=1)
CLAIMS_LIMIT = 3
"""Returns plus claims (A-to-z, chargebacks) of one buyer with the store that call for a closer look."""

_PERSONAL = re.compile(
    r"password|passcode|log-?in (?:details|data|credentials)|account (?:details|credentials)|bank (?:details|account)"
    r"|credit card|card number|social security|passport|verification code|one-time code|\bpin\b"
    r"|your (?:personal )?(?:e-?mail|phone number|whatsapp|address)|send (?:me )?your (?:id|details)"
    r"|passwort|kennwort|zugangsdaten|bankdaten|bankverbindung|kreditkarte|personalausweis"
    r"|ihre (?:e-?mail|telefonnummer)"
    r"|mot de passe|identifiants|coordonnées bancaires|carte bancaire|votre (?:e-?mail|numéro de téléphone)"
    r"|contraseña|datos bancarios|tarjeta de crédito|su (?:correo|número de teléfono)"
    r"|credenziali|dati bancari|carta di credito|(?:la sua|tua) e-?mail|(?:il suo|tuo) numero di telefono"
    r"|パスワード|暗証番号|認証コード|口座番号|クレジットカード番号|メールアドレスを教え|電話番号を教え",
    re.IGNORECASE)
_PAYMENT = re.compile(
    r"paypal|western union|moneygram|bank transfer|wire transfer|bitcoin|crypto|usdt|gift cards?|zelle|venmo"
    r"|pay (?:you )?(?:directly|outside)|überweisung|virement|transferencia|bonifico|銀行振込|直接(?:お)?支払",
    re.IGNORECASE)
_THREAT = re.compile(
    r"(?:negative|bad|1[- ]star|one[- ]star) (?:review|feedback|rating)"
    r".{0,80}\b(?:unless|otherwise|if you (?:don'?t|do not))"
    r"|\b(?:unless|otherwise|if you (?:don'?t|do not)).{0,80}(?:negative|bad|1[- ]star|one[- ]star) (?:review|feedback)"
    r"|\bor (?:else )?(?:i(?:'ll| will)? )?(?:leave|give|write|post)\b.{0,30}"
    r"(?:negative|bad|1[- ]star|one[- ]star) (?:review|feedback|rating)"
    r"|\b(?:i will|i'll) (?:sue|destroy|ruin|expose)|my lawyer|legal action"
    r"|(?:schlechte|negative) bewertung.{0,60}(?:wenn nicht|sonst)|anwalt"
    r"|avis négatif.{0,60}sinon|avocat|reseña negativa.{0,60}si no|abogado"
    r"|recensione negativa.{0,60}altrimenti|avvocato|(?:悪い評価|低評価|星1).{0,30}(?:しない|なければ)|弁護士",
    re.IGNORECASE | re.DOTALL)
_LINK = re.compile(r"https?://[^\s<>\"]+|\bwww\.[^\s<>\"]+|\b[a-z0-9-]+\.(?:com|net|org|io|ru|cn|xyz|top|info|biz|ly)\b",
                   re.IGNORECASE)
_AMAZON = re.compile(r"(?:^|[/.])amazon\.[a-z.]+|(?:^|[/.])amzn\.to", re.IGNORECASE)

CHECKLIST: dict[str, str] = {
    "verify": "Verify the buyer and the order in Seller Central before answering.",
    "no_click": "Do not click the buyer's links or open the attachments outside a safe viewer.",
    "no_data": "Do not send personal, account or payment data; payment happens only through Amazon.",
    "no_deal": "Do not trade refunds or gifts for a review; answer the service question only.",
    "report": "Report the contact to Amazon (Seller Central, Get help, Report abuse) if it looks like phishing "
              "or extortion.",
}
"""The checklist items, by key."""

_CHECKS_BY_SIGNAL = {
    "personal_data": ("no_data", "report"), "payment_outside_amazon": ("no_data", "report"),
    "buyer_link": ("no_click", "report"), "buyer_attachment": ("no_click",), "threat": ("no_deal", "report"),
    "message_burst": (), "claims_history": (),
}


@dataclass(frozen=True)
class Signal:
    """One reason to hold a reply: the signal's name, a sentence a seller understands, and the words that tripped it."""

    name: str
    reason: str
    excerpt: str | None = None


@dataclass(frozen=True)
class Suspicion:
    """The signals found in a contact and what to do about them."""

    signals: tuple[Signal, ...]
    checklist: tuple[str, ...]

    @property
    def hold(self) -> bool:
        """Whether the reply should wait for a person to look (any signal)."""
        return bool(self.signals)

    def to_dict(self) -> dict[str, object]:
        """``{"hold", "signals": [{"name", "reason", "excerpt"}], "checklist"}``."""
        return {"hold": self.hold, "checklist": list(self.checklist),
                "signals": [{"name": s.name, "reason": s.reason, "excerpt": s.excerpt} for s in self.signals]}


def _links(text: str) -> list[str]:
    return [m.group(0) for m in _LINK.finditer(text) if not _AMAZON.search(m.group(0))]


def assess(text: str, *, attachments: int = 0, recent_messages: Sequence[datetime] = (), now: datetime | None = None,
           returns: int = 0, claims: int = 0) -> Suspicion:
    """The signals of one buyer message in its context.

    Args:
        text: the buyer's words (subject and body).
        attachments: how many files the buyer attached.
        recent_messages: when the buyer's earlier messages to the store arrived (any order).
        now: when this message arrived; bursts are counted in the hour before it.
        returns: the buyer's returns with the store.
        claims: the buyer's A-to-z claims and chargebacks with the store.
    """
    signals: list[Signal] = []
    for name, pattern, reason in (
            ("personal_data", _PERSONAL, "The message asks for personal or account data."),
            ("payment_outside_amazon", _PAYMENT, "The message talks about paying outside Amazon."),
            ("threat", _THREAT, "The message threatens, or ties a review or feedback to a demand.")):
        match = pattern.search(text)
        if match:
            signals.append(Signal(name, reason, match.group(0)[:80]))
    links = _links(text)
    if links:
        signals.append(Signal("buyer_link", f"The buyer sent {len(links)} link(s) outside Amazon.", links[0][:80]))
    if attachments:
        signals.append(Signal("buyer_attachment", f"The buyer attached {attachments} file(s)."))
    if now is not None:
        recent = [t for t in recent_messages if now - BURST_WINDOW <= t <= now]
        if len(recent) + 1 >= BURST_COUNT:
            signals.append(Signal("message_burst", f"{len(recent) + 1} messages from this buyer within an hour."))
    if returns + claims >= CLAIMS_LIMIT:
        signals.append(Signal("claims_history", f"The buyer has {returns} return(s) and {claims} claim(s) "
                                                f"with this store."))
    keys = ["verify"] if signals else []
    for signal in signals:
        keys.extend(k for k in _CHECKS_BY_SIGNAL[signal.name] if k not in keys)
    return Suspicion(tuple(signals), tuple(CHECKLIST[k] for k in keys))
