"""Every after-sales step message, in every language and for every cause, says what it must and passes the guard."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sellerdesk.core.after_sales.messages import STEPS, CaseFacts, compose_step, parse_step_library
from sellerdesk.core.after_sales.states import CAUSES
from sellerdesk.core.compliance import HistoryMessage
from sellerdesk.errors import InputError, TemplateError
from sellerdesk.services.after_sales_messages import step_library
from sellerdesk.services.templates import starter_library

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
MARKETS = {"en": "UK", "de": "DE", "fr": "FR", "es": "ES", "it": "IT", "ja": "JP"}
REASONS = {"en": "the carrier confirms delivery with a signature", "de": "der Paketdienst bestätigt die Zustellung",
           "fr": "le transporteur confirme la livraison", "es": "el transportista confirma la entrega",
           "it": "il corriere conferma la consegna", "ja": "配送業者が配達完了を確認しています"}
ORDER = "302-1234567-7654321"


def facts(language: str, cause: str, **extra: object) -> CaseFacts:
    values: dict[str, object] = {
        "order_id": ORDER, "cause": cause, "requested_at": T0, "marketplace": MARKETS[language],
        "buyer_language": language, "buyer_name": "Kim", "asin": "B0C1234567", "title": "Desk Lamp",
        "carrier": "DHL", "tracking_number": "JJD000390007", "ship_date": T0, "reason": REASONS[language],
        "store_name": "acme", **extra}
    return CaseFacts(**values)  # type: ignore[arg-type]


def test_every_language_has_every_step_and_cause() -> None:
    assert sorted(step_library()) == sorted(MARKETS)


@pytest.mark.parametrize("language", sorted(MARKETS))
@pytest.mark.parametrize("step", STEPS)
def test_each_step_passes_the_guard_and_names_the_order(language: str, step: str) -> None:
    for cause in CAUSES:
        message = compose_step(step, facts(language, cause), library=starter_library(), steps=step_library())
        assert message.language == language
        assert message.check.verdict == "pass", (cause, message.check.to_dict())
        assert ORDER in message.text
        assert "{" not in message.text
        if step == "shipped":
            assert "DHL" in message.text
            assert "JJD000390007" in message.text
        if step == "refused":
            assert REASONS[language] in message.text


def test_the_approved_message_promises_the_ship_date_in_the_buyers_format() -> None:
    german = compose_step("approved", facts("de", "damaged_defective"), library=starter_library(),
                          steps=step_library())
    assert "20. November 2026" in german.text
    assert "Desk Lamp" in german.text
    japanese = compose_step("approved", facts("ja", "wrong_item"), library=starter_library(), steps=step_library())
    assert "2026年11月20日" in japanese.text


def test_the_out_of_stock_explanation_offers_a_refund() -> None:
    english = compose_step("unavailable", facts("en", "missing_parts"), library=starter_library(), steps=step_library())
    assert "full refund" in english.text
    assert "a part was missing from the parcel for order" in english.text


def test_a_second_variant_is_taken_when_the_first_repeats_recent_replies() -> None:
    first = compose_step("shipped", facts("en", "not_received"), library=starter_library(), steps=step_library())
    history = [HistoryMessage(first.text, order_id=f"302-000000{n}-0000000", sent_at=T0) for n in range(2)]
    again = compose_step("shipped", facts("en", "not_received"), library=starter_library(), steps=step_library(),
                         history=history, replied_at=T0)
    assert first.template == "en/after_sales/shipped/1"
    assert again.template == "en/after_sales/shipped/2"
    assert not again.check.blocked


def test_a_step_without_a_message_and_a_broken_library_are_reported() -> None:
    with pytest.raises(InputError, match="the delivered step sends no buyer message"):
        compose_step("delivered", facts("en", "wrong_item"), library=starter_library(), steps=step_library())
    with pytest.raises(TemplateError, match=r"\[problems\]: not_received needs a sentence"):
        parse_step_library("[steps]\n", language="en")
    broken = "[problems]\n" + "".join(f'{c} = "x"\n' for c in CAUSES) + "[steps]\n" + "".join(
        f'{s} = ["{{order_number}}"]\n' for s in STEPS)
    with pytest.raises(TemplateError, match="unknown variable"):
        parse_step_library(broken, language="en")
