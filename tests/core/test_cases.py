"""Case composer: every topic renders a complete message; missing facts, wording and timing are reported."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sellerdesk.core.case_topics import TOPIC_KEYS, TOPICS
from sellerdesk.core.cases import (
    compose_case,
    next_morning,
    parse_policy_catalogue,
    send_time_advice,
    summarise_history,
)
from sellerdesk.core.compliance import check
from sellerdesk.errors import InputError

NOW = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)  # Monday 09:00 in Seattle (PST)
EVIDENCE = [{"file": "inventory-ledger.csv", "taken_at": "2026-11-18T09:30:00-08:00"},
            {"file": "invoice-4471.pdf", "taken_at": "2026-11-02T14:05:00-08:00"}]

FULL_FORMS: dict[str, dict[str, Any]] = {
    "listing_blocked": {
        "request": "Please reinstate ASIN B0C1234567, which was blocked for a suspected authenticity issue.",
        "asins": ["B0C1234567"], "error_code": "5665",
        "error_message": "Your listing was removed because of suspected inauthentic items.",
        "date": "2026-11-17", "evidence": EVIDENCE,
        "fix": "We attached supplier invoices covering the last 365 days of sales.",
        "prevention": "We now buy this brand only from the brand owner."},
    "account_health_appeal": {
        "request": "Please reinstate our selling privileges; our plan of action follows.",
        "order_ids": ["114-1234567-1234567"], "date": "2026-11-15",
        "root_cause": "Our late shipment rate rose to 6% because a warehouse move delayed 40 orders.",
        "evidence": EVIDENCE,
        "fix": "All delayed orders have shipped and the buyers were contacted.",
        "prevention": "We added a second warehouse shift and a daily check of unshipped orders."},
    "fba_reimbursement": {
        "request": "Please reimburse the 12 units of ASIN B0C1234567 lost at the fulfillment center.",
        "shipment_ids": ["FBA15ABCDE12"], "asins": ["B0C1234567"], "units": 12, "date": "2026-11-10",
        "estimated_loss": {"amount": "412.8", "currency": "usd"}, "evidence": EVIDENCE,
        "details": "The shipment was received short by 12 units on 2026-11-10."},
    "fee_dispute": {
        "request": "Please refund the fulfillment fee overcharge on ASIN B0C1234567.",
        "asins": ["B0C1234567"], "fee_type": "FBA fulfillment fee", "date": "2026-11-01",
        "estimated_loss": {"amount": 96, "currency": "USD"}, "evidence": EVIDENCE,
        "details": "The item was measured as large standard; our measurements show small standard."},
    "lost_buy_box": {
        "request": "Please tell us why ASIN B0C1234567 lost the Buy Box while our price is the lowest.",
        "asins": ["B0C1234567"], "date": "2026-11-12",
        "estimated_loss": {"amount": "1250.00", "currency": "USD"}, "evidence": EVIDENCE},
    "invalid_tracking": {
        "request": "Please remove the invalid tracking mark from order 114-1234567-1234567.",
        "order_ids": ["114-1234567-1234567"], "carrier": "UPS", "tracking_numbers": ["1Z999AA10123456784"],
        "date": "2026-11-05", "evidence": EVIDENCE,
        "fix": "The tracking number is confirmed valid on the carrier's records."},
    "other": {
        "request": "Please correct the brand name shown on ASIN B0C1234567.",
        "details": "The brand shows as 'Acme Inc' instead of our registered brand 'Acme'.",
        "asins": ["B0C1234567"]},
}


@pytest.mark.parametrize("topic", TOPIC_KEYS)
def test_each_topic_renders_a_complete_message_from_a_filled_form(topic: str) -> None:
    form = FULL_FORMS[topic]
    case = compose_case(topic, form, now=NOW)
    assert [f.rule for f in case.findings] == [], case.findings
    assert case.verdict == "pass"
    assert case.text.startswith("Hello Seller Support,\n\n" + form["request"])
    for key, value in form.items():
        if key in ("evidence", "estimated_loss", "policy"):
            continue
        for part in value if isinstance(value, list) else [value]:
            assert str(part) in case.text, (topic, key)
    if "estimated_loss" in form:
        assert "- Estimated loss: USD " in case.text
    if "evidence" in form:
        assert "- inventory-ledger.csv (2026-11-18 09:30 UTC-0800)" in case.text
        assert "- invoice-4471.pdf (2026-11-02 14:05 UTC-0800)" in case.text
    assert TOPICS[topic].title in case.subject


def test_money_topics_carry_action_required_and_the_loss_with_its_currency() -> None:
    case = compose_case("fba_reimbursement", FULL_FORMS["fba_reimbursement"], now=NOW)
    assert case.subject == ("[Action Required] Lost or damaged FBA inventory reimbursement - Shipment ID FBA15ABCDE12 "
                            "- estimated loss USD 412.80")
    other = compose_case("listing_blocked", FULL_FORMS["listing_blocked"], now=NOW)
    assert "[Action Required]" not in other.subject


def test_an_appeal_follows_fact_evidence_remediation_prevention() -> None:
    text = compose_case("account_health_appeal", FULL_FORMS["account_health_appeal"], now=NOW).text
    positions = [text.index(title) for title in
                 ("Root cause:", "Evidence (attached):", "Corrective action taken:", "Preventive measures:")]
    assert positions == sorted(positions)


@pytest.mark.parametrize("topic", TOPIC_KEYS)
def test_a_form_missing_a_required_fact_yields_a_finding_naming_it(topic: str) -> None:
    for key in sorted(TOPICS[topic].required):
        form = {k: v for k, v in FULL_FORMS[topic].items() if k != key}
        case = compose_case(topic, form, now=NOW)
        label = TOPICS[topic].fact(key).label
        missing = [f for f in case.findings if f.rule == "case_missing_element" and f.excerpt == label]
        assert len(missing) == 1, (topic, key, case.findings)
        assert repr(key) in missing[0].suggestion


def test_evidence_without_a_timestamp_is_reported() -> None:
    form = dict(FULL_FORMS["lost_buy_box"], evidence=["pricing.png"])
    case = compose_case("lost_buy_box", form, now=NOW)
    assert [(f.rule, f.excerpt) for f in case.findings] == [("case_missing_element", "pricing.png")]


def test_the_policy_comes_from_the_catalogue_and_is_never_invented() -> None:
    catalogue = parse_policy_catalogue({"policies": [
        {"id": "G200213130", "title": "FBA Lost and Damaged Inventory Reimbursement Policy",
         "link": "https://sellercentral.amazon.com/help/hub/reference/external/G200213130"}]})
    form = dict(FULL_FORMS["fba_reimbursement"], policy="G200213130")
    case = compose_case("fba_reimbursement", form, now=NOW, policies=catalogue)
    assert case.subject.endswith("- FBA Lost and Damaged Inventory Reimbursement Policy")
    assert "Policy:\nFBA Lost and Damaged Inventory Reimbursement Policy (G200213130): https://" in case.text
    with pytest.raises(InputError, match="'G999' is not in your policy catalogue"):
        compose_case("fba_reimbursement", dict(form, policy="G999"), now=NOW, policies=catalogue)
    no_policy = compose_case("fba_reimbursement", FULL_FORMS["fba_reimbursement"], now=NOW, policies=catalogue)
    assert "Policy" not in no_policy.text


def test_a_bad_catalogue_or_form_names_the_entry() -> None:
    with pytest.raises(InputError, match=r"policies\[0\] needs the strings id, title and link"):
        parse_policy_catalogue({"policies": [{"id": "G1", "title": "T"}]})
    with pytest.raises(InputError, match="'G1' appears twice"):
        parse_policy_catalogue({"policies": [{"id": "G1", "title": "T", "link": "L"}] * 2})
    with pytest.raises(InputError, match="'units' must be a whole number"):
        compose_case("fba_reimbursement", {"units": "twelve"}, now=NOW)
    with pytest.raises(InputError, match="'tracking' is not a fact of topic 'fee_dispute'"):
        compose_case("fee_dispute", {"tracking": "x"}, now=NOW)
    with pytest.raises(InputError, match="unknown case topic 'refund'"):
        compose_case("refund", {}, now=NOW)
    with pytest.raises(InputError, match="three-letter currency"):
        compose_case("fee_dispute", {"estimated_loss": {"amount": 5}}, now=NOW)


def test_check_kind_case_reports_shouting_emotion_vague_requests_and_undated_evidence() -> None:
    text = "My account has a problem!!! This is UNACCEPTABLE and ridiculous. See screenshot.png"
    found = [(f.rule, f.excerpt) for f in check(text, kind="case").findings]
    assert ("case_missing_element", "My account has a problem") in found
    assert ("shouting", "!!!") in found
    assert ("shouting", "UNACCEPTABLE") in found
    assert ("shouting", "ridiculous") in found
    assert ("case_missing_element", "screenshot.png") in found
    calm = ("Please reinstate ASIN B0C1234567. Error 5665 appeared on 2026-11-17; see screenshot.png "
            "(2026-11-17 10:02 PST).")
    assert check(calm, kind="case").verdict == "pass"
    assert "ridiculous" not in {f.excerpt for f in check("That is ridiculous, haha.", kind="reply").findings}


@pytest.mark.parametrize(("now", "good"), [
    (datetime(2026, 11, 23, 17, 0, tzinfo=UTC), True),    # Monday 09:00 PST
    (datetime(2026, 11, 23, 21, 0, tzinfo=UTC), False),   # Monday 13:00 PST
    (datetime(2026, 11, 22, 17, 0, tzinfo=UTC), False),   # Sunday
    (datetime(2026, 7, 6, 15, 30, tzinfo=UTC), True),     # Monday 08:30 PDT: DST moves the window
    (datetime(2026, 7, 6, 19, 30, tzinfo=UTC), False),    # Monday 12:30 PDT
])
def test_timing_advice_is_seattle_working_day_mornings(now: datetime, good: bool) -> None:
    advice = send_time_advice(now)
    assert advice.startswith("Good time to send") is good
    if not good:
        assert "You can still send now." in advice


def test_next_morning_skips_the_weekend_and_follows_dst() -> None:
    assert next_morning(datetime(2026, 11, 21, 1, 0, tzinfo=UTC)).astimezone(UTC) == \
        datetime(2026, 11, 23, 16, 0, tzinfo=UTC)  # Friday 17:00 PST -> Monday 08:00 PST
    assert next_morning(datetime(2026, 7, 6, 20, 0, tzinfo=UTC)).astimezone(UTC) == \
        datetime(2026, 7, 7, 15, 0, tzinfo=UTC)  # 08:00 PDT


def test_timing_advice_skips_the_holidays_it_is_given() -> None:
    independence_day = date(2025, 7, 4)  # a Friday
    friday_morning = datetime(2025, 7, 4, 16, 0, tzinfo=UTC)  # 09:00 PDT
    assert send_time_advice(friday_morning).startswith("Good time to send")
    advice = send_time_advice(friday_morning, holidays={independence_day})
    assert "Friday 09:00 in Seattle (a US public holiday)" in advice
    assert "Monday 2025-07-07 08:00" in advice
    assert next_morning(datetime(2025, 7, 3, 20, 0, tzinfo=UTC), holidays={independence_day}).astimezone(UTC) == \
        datetime(2025, 7, 7, 15, 0, tzinfo=UTC)  # Thursday afternoon -> Monday, not the holiday Friday


def test_history_summary_restates_the_chain() -> None:
    opened = datetime(2026, 11, 2, 17, 0, tzinfo=UTC)
    text = summarise_history([
        {"case_id": "1701", "topic": "fba_reimbursement", "status": "transferred", "opened_at": opened,
         "events": [{"at": opened, "detail": "Moved to case 1702: sent to the reimbursements team"}]},
        {"case_id": "1702", "topic": "fba_reimbursement", "status": "open", "opened_at": opened, "events": []}])
    assert text.startswith("This request has been handled under case ID(s) 1701, 1702")
    assert "- Case 1701 (Lost or damaged FBA inventory reimbursement), opened 2026-11-02, now transferred." in text
    assert "Please see case 1702 as the current one" in text
    assert summarise_history([]) == ""


_TEXT = st.text(min_size=1, max_size=60).filter(lambda s: s.strip() != "")


@settings(max_examples=60, deadline=None)
@given(topic=st.sampled_from(TOPIC_KEYS), request=_TEXT, ids=st.lists(_TEXT, max_size=3),
       amount=st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False))
def test_rendering_never_crashes_and_keeps_the_request(topic: str, request: str, ids: list[str], amount: Any) -> None:
    form: dict[str, Any] = {"request": request}
    for key in ("asins", "order_ids", "shipment_ids"):
        if any(f.key == key for f in TOPICS[topic].facts):
            form[key] = ids
    if any(f.key == "estimated_loss" for f in TOPICS[topic].facts):
        form["estimated_loss"] = {"amount": str(amount), "currency": "EUR"}
    case = compose_case(topic, form, now=NOW)
    assert request.strip() in case.text
    assert case.verdict in {"pass", "warn", "block"}



@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=300))
def test_case_wording_checks_never_crash_and_point_inside_the_text(text: str) -> None:
    for finding in check(text, kind="case").findings:
        if finding.start is not None and finding.end is not None:
            assert 0 <= finding.start <= finding.end <= len(text)
