"""The queue order: time left to safe-by, then risk from the buyer's words, then order value."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sellerdesk.core.priority import REPEAT_WEIGHT, QueueItem, assess_risk, order_queue, priority_key

NOW = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)


@pytest.mark.parametrize(("text", "family"), [
    ("I will file an A-to-z claim if this is not fixed", "a_to_z_claim"),
    ("Ich werde die A-bis-z-Garantie in Anspruch nehmen", "a_to_z_claim"),
    ("je vais ouvrir une réclamation garantie A-à-Z", "a_to_z_claim"),
    ("Voy a abrir una reclamación de la garantía de la A a la Z", "a_to_z_claim"),
    ("Aからzまで保証を申請します", "a_to_z_claim"),
    ("I'll do a chargeback with my credit card company", "chargeback"),
    ("Dann mache ich eine Rückbuchung", "chargeback"),
    ("チャージバックします", "chargeback"),
    ("Expect a negative feedback from me", "negative_feedback"),
    ("Ich gebe Ihnen eine NEGATIVE BEWERTUNG", "negative_feedback"),
    ("je vais laisser un avis négatif", "negative_feedback"),
    ("dejaré un comentario negativo", "negative_feedback"),
    ("lascerò un feedback negativo", "negative_feedback"),
    ("悪い評価をつけます", "negative_feedback"),
    ("我要给差评", "negative_feedback"),
    ("My lawyer will contact you", "legal"),
    ("Das ist Betrug", "legal"),
    ("弁護士に相談します", "legal"),
    ("I am writing again, still no answer", "repeat_contact"),
    ("Ich schreibe Ihnen erneut", "repeat_contact"),
    ("je vous écris à nouveau", "repeat_contact"),
    ("le escribo otra vez", "repeat_contact"),
    ("vi scrivo di nuovo", "repeat_contact"),
    ("再度連絡します", "repeat_contact"),
])
def test_risky_words_in_each_language(text: str, family: str) -> None:
    risk = assess_risk(text)
    assert family in risk.reasons
    assert risk.score > 0


@pytest.mark.parametrize("text", [
    "Hello, does this fit a 2019 Civic?",
    "Is this still available in blue?",
    "Bitte melden Sie sich, wenn das Paket verschickt ist",
    "Gracias, todo perfecto",
    "サイズを教えてください",
    "Can I pay with a gift card?",
    "I sued... no wait, I used the wrong charger",
])
def test_ordinary_messages_carry_no_risk(text: str) -> None:
    assert assess_risk(text).score == 0


def test_repeated_messages_add_risk_up_to_a_cap() -> None:
    assert assess_risk("hello", unanswered_in_thread=2).score == REPEAT_WEIGHT
    assert assess_risk("hello", unanswered_in_thread=3).reasons == ("repeated_messages",)
    assert assess_risk("hello", unanswered_in_thread=50).score == 3 * REPEAT_WEIGHT
    assert assess_risk("hello", unanswered_in_thread=0).score == 0


def test_several_families_add_up() -> None:
    risk = assess_risk("Second time I write: chargeback and negative feedback follow")
    assert set(risk.reasons) == {"chargeback", "negative_feedback", "repeat_contact"}
    assert risk.score == 5 + 4 + 2


def test_the_queue_puts_the_least_time_left_first() -> None:
    items = [QueueItem("later", NOW + 5 * H), QueueItem("overdue", NOW - 2 * H), QueueItem("soon", NOW + H / 2)]
    assert [i.key for i in order_queue(items, now=NOW)] == ["overdue", "soon", "later"]


def test_within_the_same_hour_risk_then_order_value_decide() -> None:
    items = [
        QueueItem("cheap", NOW + 10 * timedelta(minutes=1), order_value=Decimal("9.99")),
        QueueItem("claim", NOW + 50 * timedelta(minutes=1), risk=5),
        QueueItem("dear", NOW + 40 * timedelta(minutes=1), order_value=Decimal("499")),
    ]
    assert [i.key for i in order_queue(items, now=NOW)] == ["claim", "dear", "cheap"]
    fine = [i.key for i in order_queue(items, now=NOW, bucket=timedelta(minutes=1))]
    assert fine == ["cheap", "dear", "claim"]


@settings(deadline=None)  # speed is measured in bench/, never asserted
@given(st.lists(st.tuples(st.integers(-10_000, 10_000), st.integers(0, 20), st.integers(0, 1000)),
                min_size=1, max_size=20))
def test_no_item_is_queued_behind_one_with_a_later_bucket(raw: list[tuple[int, int, int]]) -> None:
    items = [QueueItem(str(i), NOW + timedelta(minutes=m), risk=r, order_value=Decimal(v))
             for i, (m, r, v) in enumerate(raw)]
    ordered = order_queue(items, now=NOW)
    keys = [priority_key(i, now=NOW) for i in ordered]
    assert keys == sorted(keys)
    buckets = [k[0] for k in keys]
    assert buckets == sorted(buckets)
    assert sorted(i.key for i in ordered) == sorted(i.key for i in items)
