"""The pure after-sales core: state machine, return deadlines, money, rates, causes and cost per month."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TypeVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sellerdesk.core.after_sales.analysis import cost_per_month, rank
from sellerdesk.core.after_sales.ledger import COLUMNS, LedgerRow
from sellerdesk.core.after_sales.money import Costs, convert, costs_from, parse_amount, parse_currency
from sellerdesk.core.after_sales.order_report import parse_order_report
from sellerdesk.core.after_sales.rates import replacement_rate
from sellerdesk.core.after_sales.returns import add_business_days, check_reason, review_due
from sellerdesk.core.after_sales.states import Step, advance, answered, closing_gaps, counts_as_replacement, opened
from sellerdesk.errors import InputError

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
T = TypeVar("T")


def test_a_replacement_goes_from_request_to_closed_with_what_each_step_owes() -> None:
    case = opened(T0)
    assert (case.state, case.due_at) == ("requested", T0 + timedelta(hours=24))
    case = answered(case)
    assert case.due_at is None
    case = advance(case, Step("approved", T0 + timedelta(hours=2), ship_date=T0 + timedelta(days=1)))
    assert (case.state, case.ship_date, case.due_at) == ("approved", T0 + timedelta(days=1), T0 + timedelta(hours=26))
    assert counts_as_replacement(case)
    case = advance(case, Step("shipped", T0 + timedelta(days=1), carrier=" DHL ", tracking_number="JJD0001"))
    assert (case.state, case.carrier, case.tracking_number) == ("shipped", "DHL", "JJD0001")
    case = advance(case, Step("delivered", T0 + timedelta(days=3)))
    assert case.due_at is None
    with pytest.raises(InputError, match="checklist") as refused:
        advance(case, Step("closed", T0 + timedelta(days=4)))
    assert "tracking_uploaded" in str(refused.value)
    assert "return_closed" in str(refused.value)
    closed = advance(case, Step("closed", T0 + timedelta(days=4), tracking_uploaded=True, return_closed=True))
    assert (closed.state, closed.finished_at, closed.in_progress) == ("closed", T0 + timedelta(days=4), False)
    assert counts_as_replacement(closed)


def test_moves_the_machine_does_not_allow_or_that_lack_facts_are_refused() -> None:
    case = opened(T0)
    with pytest.raises(InputError, match="a requested case cannot move to shipped; it can move to approved"):
        advance(case, Step("shipped", T0, carrier="UPS", tracking_number="1Z"))
    with pytest.raises(InputError, match="unknown state 'lost'"):
        advance(case, Step("lost", T0))
    with pytest.raises(InputError, match="reason"):
        advance(case, Step("refused", T0, reason="  "))
    approved = advance(case, Step("approved", T0))
    with pytest.raises(InputError, match="carrier and tracking number"):
        advance(approved, Step("shipped", T0, carrier="UPS"))
    refused = advance(case, Step("refused", T0, reason="the parcel was signed for"))
    assert refused.refusal_reason == "the parcel was signed for"
    assert not counts_as_replacement(refused)
    with pytest.raises(InputError, match="nothing"):
        advance(refused, Step("approved", T0))


def test_out_of_stock_owes_an_explanation_within_48_hours_of_the_request() -> None:
    case = advance(opened(T0), Step("approved", T0 + timedelta(hours=5)))
    unavailable = advance(case, Step("unavailable", T0 + timedelta(hours=30)))
    assert unavailable.due_at == T0 + timedelta(hours=48)
    assert not counts_as_replacement(unavailable)
    assert closing_gaps(unavailable) == [closing_gaps(replace(unavailable, tracking_uploaded=True))[0]]
    closed = advance(unavailable, Step("closed", T0 + timedelta(days=3), return_closed=True))
    assert not counts_as_replacement(closed)  # never shipped: a refund, not a replacement


def test_return_review_is_due_at_the_end_of_the_third_business_day_after_holidays() -> None:
    # Good Friday 2026-04-03 and Easter Monday 2026-04-06: a request on Thursday evening in Berlin.
    holidays = {date(2026, 4, 3), date(2026, 4, 6)}
    requested = datetime(2026, 4, 2, 17, 0, tzinfo=UTC)  # 19:00 in Berlin
    assert add_business_days(date(2026, 4, 2), 3, holidays=holidays) == date(2026, 4, 9)
    due = review_due(requested, zone="Europe/Berlin", holidays=holidays)
    assert due == datetime(2026, 4, 9, 22, 0, tzinfo=UTC)  # midnight after Thursday 9 April, Berlin summer time
    assert review_due(requested, zone="Europe/Berlin", holidays=set()) == datetime(2026, 4, 7, 22, 0, tzinfo=UTC)


def test_return_reasons_come_from_the_fixed_list() -> None:
    assert check_reason("Wrong item") == "wrong_item"
    assert check_reason("not-as-described") == "not_as_described"
    with pytest.raises(InputError, match="unknown return reason 'changed mind'; use one of damaged"):
        check_reason("changed mind")


def test_money_is_exact_and_converted_at_the_recorded_rate() -> None:
    assert parse_amount("12.30", what="cost_item") == Decimal("12.30")
    assert parse_amount(7, what="cost_item") == Decimal(7)
    for bad in ("abc", "-1", None, True, "NaN"):
        with pytest.raises(InputError, match="cost_item"):
            parse_amount(bad, what="cost_item")
    assert parse_currency("eur") == "EUR"
    with pytest.raises(InputError, match="three letters"):
        parse_currency("EURO")
    assert convert(Decimal("10.005"), Decimal(1)) == Decimal("10.01")
    costs = costs_from({"cost_item": "20.00", "cost_packing": "1.50", "cost_postage": "6.25", "currency": "EUR",
                        "fx_rate": "1.0842"}, ledger_currency="USD")
    assert costs == Costs(Decimal("20.00"), Decimal("1.50"), Decimal("6.25"), "EUR", Decimal("1.0842"), "USD")
    assert (costs.total, costs.converted) == (Decimal("27.75"), Decimal("30.09"))
    assert costs_from({"cost_item": "5", "currency": "USD"}, ledger_currency="USD").fx_rate == 1
    with pytest.raises(InputError, match="fx_rate: an amount in JPY needs the rate to the ledger currency USD"):
        costs_from({"cost_item": "500", "currency": "JPY"}, ledger_currency="USD")


@pytest.mark.parametrize(("replacements", "orders", "level"), [
    (0, 0, "no_orders"), (199, 10000, "ok"), (2, 100, "warning"), (25, 1000, "warning"), (26, 1000, "over_limit"),
])
def test_the_rate_warns_from_the_margin_and_is_over_only_above_the_limit(replacements: int, orders: int,
                                                                         level: str) -> None:
    rate = replacement_rate(store="acme", marketplace="DE", replacements=replacements, orders=orders)
    assert rate.level == level
    assert rate.to_dict()["warn_from_percent"] == "2.0"


def _row(ref: str, *, kind: str = "replacement", sku: str | None = "SKU-A", carrier: str | None = "DHL",
         destination: str | None = "DE", converted: str | None = "10.00", at: datetime = T0) -> LedgerRow:
    return LedgerRow(kind=kind, ref=ref, store="acme", order_id="302-0000000-0000000", marketplace="DE",
                     destination=destination, sku=sku, asin=None, quantity=1, cause="damaged_defective",
                     state="closed", at=at, original_carrier=carrier, carrier=None, tracking_number=None,
                     cost_item=None, cost_packing=None, cost_postage=None, refund=None, total=None, currency="EUR",
                     fx_rate=None, converted=None if converted is None else Decimal(converted), ledger_currency="USD",
                     tracking_uploaded=None, return_closed=None)


def test_causes_are_ranked_by_count_then_cost_and_months_add_refunds() -> None:
    rows = [_row("R1"), _row("R2", carrier="UPS", converted="30.00"), _row("R3", carrier=None, converted=None),
            _row("R4", carrier="UPS", sku="SKU-B", at=T0 + timedelta(days=10)),
            _row("F1", kind="refund", converted="55.50", at=T0 + timedelta(days=10))]
    assert [(r.value, r.replacements, r.cost) for r in rank(rows, by="carrier")] == [
        ("UPS", 2, Decimal("40.00")), ("DHL", 1, Decimal("10.00")), ("(unknown)", 1, Decimal("0.00"))]
    assert [r.value for r in rank(rows, by="sku")] == ["SKU-A", "SKU-B"]
    months = cost_per_month(rows)
    assert [m.to_dict() for m in months] == [
        {"month": "2026-11", "replacements": 3, "replacement_cost": "40.00", "refunds": 0, "refunded": "0.00",
         "total": "40.00"},
        {"month": "2026-12", "replacements": 1, "replacement_cost": "10.00", "refunds": 1, "refunded": "55.50",
         "total": "65.50"}]
    assert COLUMNS[:3] == ("kind", "ref", "store")


def test_order_reports_give_each_order_once_with_its_marketplace() -> None:
    report = ("amazon-order-id\tpurchase-date\torder-status\tsales-channel\tsku\n"
              "302-1111111-1111111\t2026-11-01T10:00:00+00:00\tShipped\tAmazon.de\tA\n"
              "302-1111111-1111111\t2026-11-01T10:00:00+00:00\tShipped\tAmazon.de\tB\n"
              "111-2222222-2222222\t2026-11-02T10:00:00-08:00\tCancelled\tAmazon.com\tA\n")
    orders = parse_order_report(report)
    assert [(o.order_id, o.marketplace, o.status) for o in orders] == [
        ("302-1111111-1111111", "DE", "shipped"), ("111-2222222-2222222", "US", "cancelled")]
    with pytest.raises(InputError, match="no column purchase-date"):
        parse_order_report("amazon-order-id\torder-status\tsales-channel\n")
    with pytest.raises(InputError, match="line 2: purchase-date 'yesterday'"):
        parse_order_report("amazon-order-id\tpurchase-date\torder-status\tsales-channel\n"
                           "302-1111111-1111111\tyesterday\tShipped\tAmazon.de\n")


def _outcome(read: Callable[[], T]) -> tuple[T | None, str | None]:
    try:
        return read(), None
    except InputError as exc:
        return None, str(exc)


@given(st.text(max_size=300))
def test_an_order_report_of_any_text_is_read_or_refused_with_a_reason(text: str) -> None:
    orders, error = _outcome(lambda: parse_order_report(
        "amazon-order-id\tpurchase-date\torder-status\tsales-channel\n" + text))
    if orders is None:
        assert error is not None
        assert error.startswith("<report> line ")
    else:
        assert all(len(o.order_id) == 19 and o.purchase_date.tzinfo is not None for o in orders)


@given(st.one_of(st.text(max_size=30), st.floats(allow_nan=True), st.integers(), st.none(), st.booleans()))
def test_any_amount_is_an_exact_non_negative_decimal_or_refused(value: object) -> None:
    amount, error = _outcome(lambda: parse_amount(value, what="amount"))
    if amount is None:
        assert error is not None
        assert error.startswith("amount: ")
    else:
        assert amount.is_finite()
        assert amount >= 0
