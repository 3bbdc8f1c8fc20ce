"""Suspicious contacts: each signal, in several languages, and the checklist that goes with it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sellerdesk.core.suspicion import assess

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "signal"), [
    ("Please send me your password so I can check the order", "personal_data"),
    ("Schicken Sie mir Ihre Bankverbindung", "personal_data"),
    ("Envoyez-moi votre mot de passe", "personal_data"),
    ("パスワードを教えてください", "personal_data"),
    ("I can pay you directly via PayPal, cheaper for both", "payment_outside_amazon"),
    ("Le pago por transferencia bancaria", "payment_outside_amazon"),
    ("Refund me now or I leave a 1-star review", "threat"),
    ("I will leave a negative review unless you refund me today", "threat"),
    ("Ich gebe eine schlechte Bewertung, wenn nicht heute erstattet wird", "threat"),
    ("Lascio una recensione negativa, altrimenti mi rimborsi", "threat"),
    ("Mein Anwalt meldet sich", "threat"),
    ("See the photo at https://imgur-share.xyz/abc", "buyer_link"),
    ("The product page https://www.amazon.de/dp/B0CHAIR001 says waterproof", None),
    ("Where is my order? It has not arrived.", None),
])
def test_signals(text: str, signal: str | None) -> None:
    found = {s.name for s in assess(text).signals}
    assert found == ({signal} if signal else set())


def test_attachments_bursts_and_history_are_signals_too() -> None:
    recent = [NOW - timedelta(minutes=m) for m in (5, 20, 50, 90)]
    result = assess("hello?", attachments=2, recent_messages=recent, now=NOW, returns=2, claims=1)
    assert [s.name for s in result.signals] == ["buyer_attachment", "message_burst", "claims_history"]
    assert "4 messages" in result.signals[1].reason
    assert result.hold
    assert result.checklist[0].startswith("Verify")
    assert not assess("hello?", recent_messages=recent[:2], now=NOW, returns=2).hold


def test_the_checklist_follows_the_signals() -> None:
    result = assess("Pay via Western Union and open www.get-refund.top")
    assert result.to_dict()["hold"] is True
    assert [item.split()[0:2] for item in result.checklist] == [
        ["Verify", "the"], ["Do", "not"], ["Report", "the"], ["Do", "not"]]
    assert any("click" in item for item in result.checklist)
    assert assess("Thanks!").checklist == ()
