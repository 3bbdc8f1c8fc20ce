"""Drafts: order facts per state, language choice, variation, holding replies, knowledge tips, the guard."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sellerdesk.core.compliance import HistoryMessage
from sellerdesk.core.drafting import DraftRequest, compose, needed_facts, order_state, reply_language
from sellerdesk.core.intents import INTENTS
from sellerdesk.core.knowledge import KnowledgeEntry
from sellerdesk.core.orders import OrderItem, OrderSnapshot
from sellerdesk.services.templates import STARTER_LANGUAGES, starter_library

BOUGHT = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
MARKET_OF = {"en": "US", "de": "DE", "fr": "FR", "es": "ES", "it": "IT", "ja": "JP"}


def shipped_order(marketplace: str = "US") -> OrderSnapshot:
    return OrderSnapshot(
        order_id="114-1234567-7654321", marketplace=marketplace, status="shipped", fulfillment="MFN",
        purchase_date=BOUGHT, last_updated=BOUGHT,
        items=(OrderItem("B0CHAIR001", "Acme Garden Chair, set of 2, weatherproof, grey", "AC-2", 1),),
        carrier="UPS", tracking_number="1Z999AA10123456784", ship_date=BOUGHT + timedelta(days=1),
        delivery_start=BOUGHT + timedelta(days=4, hours=12), delivery_end=BOUGHT + timedelta(days=6, hours=12))


def test_a_tracking_request_names_carrier_tracking_number_and_window() -> None:
    draft = compose(DraftRequest(intent="tracking_request", language="en", marketplace="US",
                                 order=shipped_order(), buyer_name="Priya", store_name="Acme"), starter_library())
    assert "1Z999AA10123456784" in draft.text
    assert "UPS" in draft.text
    assert "November 20, 2026" in draft.text
    assert "November 22, 2026" in draft.text
    assert draft.text.startswith(("Hello Priya,", "Hi Priya,", "Dear Priya,"))
    assert draft.text.endswith("Acme")
    assert draft.facts == ("tracking_number", "carrier") == needed_facts("tracking_request", shipped_order())
    assert draft.check.verdict == "pass"


def test_an_order_not_shipped_yet_gives_the_window_and_no_tracking() -> None:
    order = replace(shipped_order(), status="unshipped", carrier=None, tracking_number=None, ship_date=None)
    draft = compose(DraftRequest(intent="order_status", language="en", marketplace="US", order=order),
                    starter_library())
    assert "has not shipped yet" in draft.text
    assert "November 22, 2026" in draft.text
    assert needed_facts("order_status", order) == ("status", "delivery_date") == draft.facts


@pytest.mark.parametrize(("status", "package", "words"), [
    ("unshipped", None, "has not shipped yet, so we are cancelling it"),
    ("shipped", None, "already"),
    ("shipped", "delivered", "already been delivered"),
    ("cancelled", None, "is already cancelled"),
])
def test_a_cancellation_is_answered_by_the_order_state(status: str, package: str | None, words: str) -> None:
    order = replace(shipped_order(), status=status, package_status=package)
    request = DraftRequest(intent="cancel_order", language="en", marketplace="US", order=order, avoid=(
        "en/cancel_order/open/2#g0c0",))
    assert words in compose(request, starter_library()).text


def test_without_an_order_the_draft_asks_for_the_number_and_leaves_no_placeholder() -> None:
    draft = compose(DraftRequest(intent="not_received", language="fr", marketplace="FR"), starter_library())
    assert "numéro de commande" in draft.text
    assert "{" not in draft.text
    assert draft.language == "fr"
    assert draft.check.verdict == "pass"


@pytest.mark.parametrize(("buyer", "market", "expected"), [
    ("es", "US", "en"), ("de", "DE", "de"), ("en", "DE", "en"), ("nl", "NL", "en"), ("pt", "ES", "es"),
    (None, "JP", "ja"), (None, None, "en"), ("it", None, "it"),
])
def test_reply_language(buyer: str | None, market: str | None, expected: str) -> None:
    assert reply_language(buyer, market, available=STARTER_LANGUAGES) == expected


@pytest.mark.parametrize("language", STARTER_LANGUAGES)
@pytest.mark.parametrize("intent", INTENTS)
def test_every_intent_in_every_language_drafts_without_a_block(language: str, intent: str) -> None:
    market = MARKET_OF[language]
    order = shipped_order(market)
    draft = compose(DraftRequest(intent=intent, language=language, marketplace=market, order=order,
                                 buyer_name="Kim", store_name="Acme"), starter_library())
    assert draft.check.verdict == "pass", [f.to_dict() for f in draft.check.findings]
    assert draft.language == language
    assert "{" not in draft.text
    assert set(needed_facts(intent, order)) <= set(draft.facts)


def test_consecutive_drafts_differ_and_pass_the_near_duplicate_rule() -> None:
    library = starter_library()
    avoid: list[str] = []
    history: list[HistoryMessage] = []
    for n in range(6):
        order = replace(shipped_order(), order_id=f"114-1234567-765432{n}")
        draft = compose(DraftRequest(intent="order_status", language="en", marketplace="US", order=order,
                                     avoid=tuple(avoid[-3:]), history=tuple(history)), library)
        assert draft.variant not in avoid[-3:]
        assert draft.template not in {v.split("#")[0] for v in avoid[-2:]}
        assert not draft.check.blocked, [f.to_dict() for f in draft.check.findings]
        avoid.append(draft.variant)
        history.append(HistoryMessage(draft.text, order_id=order.order_id))


def test_a_holding_reply_says_what_is_checked_and_adds_no_tip() -> None:
    entry = KnowledgeEntry("B0CHAIR001", known_issues="The left leg screw is short; use the spare one.")
    draft = compose(DraftRequest(intent="damaged_defective", language="de", marketplace="DE",
                                 order=shipped_order("DE"), knowledge=entry, holding=True,
                                 checking="die Fotos des Schadens"), starter_library())
    assert draft.holding
    assert "die Fotos des Schadens" in draft.text
    assert "24 Stunden" in draft.text
    assert "screw" not in draft.text
    assert draft.template.startswith("de/holding/")


def test_the_knowledge_base_adds_the_tip_that_fits_the_intent() -> None:
    entry = KnowledgeEntry("B0CHAIR001", sizes="Runs small: take one size up.", care="Wipe with a damp cloth.")
    library = starter_library()
    exchange = compose(DraftRequest(intent="exchange", language="en", marketplace="US", order=shipped_order(),
                                    knowledge=entry), library)
    assert "Good to know about Acme Garden Chair: Runs small: take one size up." in exchange.text
    usage = compose(DraftRequest(intent="usage_help", language="en", marketplace="US", order=shipped_order(),
                                 knowledge=entry), library)
    assert "damp cloth" in usage.text
    assert "size up" not in usage.text
    german_entry = replace(entry, language="de")
    assert compose(DraftRequest(intent="exchange", language="en", marketplace="US", order=shipped_order(),
                                knowledge=german_entry), library).tip is None


def test_a_tip_that_breaks_the_rules_is_reported_by_the_guard() -> None:
    entry = KnowledgeEntry("B0CHAIR001", sizes="See sizes at www.acme-chairs.com or mail help@acme.example")
    draft = compose(DraftRequest(intent="exchange", language="en", marketplace="US", order=shipped_order(),
                                 knowledge=entry), starter_library())
    assert draft.check.verdict == "block"
    assert {"email_address", "external_link"} <= draft.check.rules()


def test_order_state() -> None:
    order = shipped_order()
    assert order_state(None) == "unknown"
    assert order_state(order) == "shipped"
    assert order_state(replace(order, package_status="delivered")) == "delivered"
    assert order_state(replace(order, status="pending")) == "open"
    assert order_state(replace(order, status="cancelled")) == "cancelled"


@settings(max_examples=60, deadline=None)
@given(title=st.text(max_size=80), buyer=st.none() | st.text(max_size=30), store=st.none() | st.text(max_size=30),
       carrier=st.none() | st.text(max_size=20), intent=st.sampled_from(INTENTS),
       language=st.sampled_from(STARTER_LANGUAGES))
def test_any_order_text_gives_a_checked_draft(title: str, buyer: str | None, store: str | None,
                                                        carrier: str | None, intent: str, language: str) -> None:
    order = replace(shipped_order(MARKET_OF[language]), carrier=carrier,
                    items=(OrderItem("B0CHAIR001", title, "AC-2", 1),))
    draft = compose(DraftRequest(intent=intent, language=language, marketplace=MARKET_OF[language], order=order,
                                 buyer_name=buyer, store_name=store), starter_library())
    assert draft.language == language
    assert draft.text.strip()
    assert draft.check.verdict in ("pass", "warn", "block")
