"""Replacement cases on SQLite and PostgreSQL: opened from a thread, moved through their states with audit
entries, messages queued through the guard, refunds, returns, the digest and the ledger export read back."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from sellerdesk.adapters.db.spapi_records import SpApiRecords
from sellerdesk.adapters.db.tables import Message
from sellerdesk.config import Config, MailboxConfig, StoreConfig
from sellerdesk.core.after_sales.ledger import COLUMNS, MONEY_COLUMNS
from sellerdesk.core.after_sales.money import Costs
from sellerdesk.core.orders import OrderItem, OrderSnapshot
from sellerdesk.core.outbox import Actor
from sellerdesk.errors import InputError, NotFoundError, SendBlockedError
from sellerdesk.samples.relay import render_buyer_message
from sellerdesk.services import after_sales, after_sales_ledger, after_sales_messages, refunds, returns
from sellerdesk.services.database import Database
from sellerdesk.services.reminders import digest_lines
from sellerdesk.services.storing import store_mail

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday
STORE = StoreConfig("acme-de", ("DE",), timezone="Europe/Berlin", signature="Acme Team")
CONFIG = Config(stores=(STORE,), source="test.toml")
AGENT = Actor("amy", "agent")
ORDER = "302-1234567-1234567"


def damaged_thread(db: Database, *, order_id: str = ORDER, number: int = 1,
                   text: str = "Die Lampe kam kaputt an, das Glas ist zerbrochen.") -> int:
    """A German buyer's message about a broken lamp, stored through the real path; its thread id."""
    raw = render_buyer_message(marketplace="DE", buyer_name="Jonas", alias=f"j{number}abc@marketplace.amazon.de",
                               order_id=order_id, asins=["B0C1234567"], titles=["Schreibtischlampe"], text=text,
                               date=T0 - timedelta(hours=2), message_id=f"m{number}@amazon.de",
                               comm_mgr_tok=f"tok{number:05d}")
    with db.transaction() as store:
        store.ensure_store(STORE, now=T0)
        store.ensure_mailbox(MailboxConfig(store=STORE.name, imap_host="127.0.0.1", imap_username="s@acme.example",
                                           imap_password_env="UNUSED", from_address="support@acme.example"), now=T0)
        outcome = store_mail(store, store_name=STORE.name, raw=raw, now=T0, attachment_max_bytes=10**6)
        order = OrderSnapshot(order_id=order_id, marketplace="DE", status="shipped", fulfillment="MFN",
                              purchase_date=T0 - timedelta(days=6), last_updated=T0 - timedelta(days=2),
                              items=(OrderItem("B0C1234567", "Schreibtischlampe LED, dimmbar", "LAMP-01", 1),),
                              carrier="Hermes", tracking_number="H100")
        SpApiRecords(store).put_order(store.get_store(STORE.name).id, order.to_dict(),
                                      amazon_updated_at=order.last_updated, fetched_at=T0)
        assert outcome.thread_id is not None
        return outcome.thread_id


def test_a_case_opened_from_a_thread_goes_through_its_states_with_messages_and_audit(db: Database) -> None:
    thread_id = damaged_thread(db)
    with db.transaction() as store:
        case = after_sales.open_from_thread(store, thread_id=thread_id, now=T0, actor="amy")
        again = after_sales.open_from_thread(store, thread_id=thread_id, now=T0 + timedelta(minutes=5), actor="bo")
    assert (case["cause"], case["state"], case["order_id"], case["existing"]) == (
        "damaged_defective", "requested", ORDER, False)
    assert (again["id"], again["existing"]) == (case["id"], True)
    assert case["due_at"] == T0 + timedelta(hours=24)
    assert (case["sku"], case["asin"], case["original_carrier"], case["destination"]) == (
        "LAMP-01", "B0C1234567", "Hermes", "DE")
    steps = [("approved", {"ship_date": T0 + timedelta(days=1)}),
             ("shipped", {"carrier": "DHL", "tracking_number": "JJD000390007"})]
    with db.transaction() as store:
        first = after_sales_messages.queue_step(store, case_id=case["id"], now=T0 + timedelta(hours=1), actor=AGENT,
                                                config=CONFIG)
        for day, (to, extra) in enumerate(steps, start=1):
            after_sales.advance_case(store, case_id=case["id"], to=to, now=T0 + timedelta(days=day), actor="amy",
                                     **extra)  # type: ignore[arg-type]
            after_sales_messages.queue_step(store, case_id=case["id"], now=T0 + timedelta(days=day, hours=1),
                                            actor=AGENT, config=CONFIG)
        texts = [m.text for m in store.session.scalars(select(Message).where(Message.direction == "out")
                                                        .order_by(Message.id))]
        shown = after_sales.show_case(store, case["id"])
    assert first["verdict"] == "pass"
    assert len(texts) == 3
    assert texts[0].startswith("Hallo Jonas,")
    assert "Ersatz für Schreibtischlampe LED am 24. November 2026" in texts[1] or \
        "Ersatz für Schreibtischlampe LED. Der Versand erfolgt am 24. November 2026" in texts[1]
    assert "DHL" in texts[2]
    assert "JJD000390007" in texts[2]
    assert texts[2].endswith("Acme Team")
    assert shown["due_at"] is None
    assert [(h["action"], h["detail"].get("to") or h["detail"].get("step")) for h in shown["history"]] == [
        ("after_sales.opened", None), ("after_sales.message", "requested"), ("after_sales.advanced", "approved"),
        ("after_sales.message", "approved"), ("after_sales.advanced", "shipped"), ("after_sales.message", "shipped")]
    with db.transaction() as store:
        after_sales.advance_case(store, case_id=case["id"], to="delivered", now=T0 + timedelta(days=3), actor="amy")
    with db.transaction() as store, pytest.raises(InputError, match="checklist"):
        after_sales.advance_case(store, case_id=case["id"], to="closed", now=T0, actor="amy")
    with db.transaction() as store:
        closed = after_sales.advance_case(store, case_id=case["id"], to="closed", now=T0 + timedelta(days=4),
                                          actor="amy", tracking_uploaded=True, return_closed=True)
        reopened = after_sales.open_from_thread(store, thread_id=thread_id, now=T0 + timedelta(days=5), actor="amy")
    assert closed["state"] == "closed"
    assert reopened["existing"] is False  # a finished case no longer blocks a new one for the order


def test_a_thread_about_something_else_needs_the_cause(db: Database) -> None:
    thread_id = damaged_thread(db, text="Passt die Lampe auf einen kleinen Schreibtisch?")
    with db.transaction() as store, pytest.raises(InputError, match="no buyer message says the item is lost"):
        after_sales.open_from_thread(store, thread_id=thread_id, now=T0, actor="amy")
    with db.transaction() as store:
        case = after_sales.open_from_thread(store, thread_id=thread_id, now=T0, actor="amy", cause="missing_parts")
    assert case["cause"] == "missing_parts"
    with db.transaction() as store, pytest.raises(NotFoundError, match="no replacement case 999"):
        after_sales.advance_case(store, case_id=999, to="approved", now=T0, actor="amy")


def test_out_of_stock_explanation_is_due_in_48_hours_and_the_refund_is_recorded_once(db: Database) -> None:
    thread_id = damaged_thread(db)
    with db.transaction() as store:
        case = after_sales.open_from_thread(store, thread_id=thread_id, now=T0, actor="amy")
        unavailable = after_sales.advance_case(store, case_id=case["id"], to="unavailable",
                                               now=T0 + timedelta(hours=3), actor="amy")
        draft = after_sales_messages.draft_step(store, case_id=case["id"], now=T0 + timedelta(hours=3), config=CONFIG)
        refund = refunds.record_refund(store, store_name=STORE.name, order_id=ORDER, amount=Decimal("39.90"),
                                       currency="EUR", fx_rate=Decimal("1.08"), ledger_currency="USD",
                                       reason="out of stock", now=T0 + timedelta(hours=4), actor="amy",
                                       case_id=case["id"])
    assert unavailable["due_at"] == T0 + timedelta(hours=48)
    assert draft["check"]["verdict"] == "pass"
    assert "vollständige Erstattung" in draft["text"]
    assert (refund["converted"], refund["ref"]) == ("43.09", f"F{refund['id']}")
    with db.transaction() as store, pytest.raises(InputError, match="already recorded"):
        refunds.record_refund(store, store_name=STORE.name, order_id=ORDER, amount=Decimal("39.90"), currency="EUR",
                              fx_rate=Decimal("1.08"), ledger_currency="USD", reason="out of stock",
                              now=T0 + timedelta(hours=5), actor="amy")


def test_returns_are_due_after_three_german_business_days_and_show_in_the_digest(db: Database) -> None:
    requested = datetime(2026, 12, 23, 10, 0, tzinfo=UTC)  # Wednesday; 25 and 26 December are German holidays
    with db.transaction() as store:
        store.ensure_store(STORE, now=requested)
        first = returns.record_return(store, store_name=STORE.name, order_id=ORDER, marketplace="DE",
                                      reason="Not as described", requested_at=requested, now=requested, actor="amy")
        again = returns.record_return(store, store_name=STORE.name, order_id=ORDER, marketplace="DE",
                                      reason="not_as_described", requested_at=requested + timedelta(hours=1),
                                      now=requested, actor="amy")
    assert first["reason"] == "not_as_described"
    assert first["review_due_at"] == datetime(2026, 12, 29, 23, 0, tzinfo=UTC)  # end of Tue 29 Dec in Berlin
    assert (again["id"], again["existing"]) == (first["id"], True)
    near = datetime(2026, 12, 29, 7, 0, tzinfo=UTC)
    assert not any("return request" in line for line in digest_lines(db, CONFIG, STORE.name, now=requested))
    assert any(f"return request {first['id']} (order {ORDER}, not as described)" in line
               for line in digest_lines(db, CONFIG, STORE.name, now=near))
    with db.transaction() as store:
        reviewed = returns.review_return(store, return_id=first["id"], decision="approved", now=near, actor="amy")
        with pytest.raises(InputError, match="already reviewed"):
            returns.review_return(store, return_id=first["id"], decision="refused", now=near, actor="bo")
    assert reviewed["state"] == "approved"
    assert not any("return request" in line for line in digest_lines(db, CONFIG, STORE.name, now=near))


def test_the_digest_lists_cases_due_today_and_shipped_ones_without_tracking_uploaded(db: Database) -> None:
    thread_id = damaged_thread(db)
    with db.transaction() as store:
        case = after_sales.open_from_thread(store, thread_id=thread_id, now=T0, actor="amy")
    tomorrow = T0 + timedelta(hours=20)
    assert any(f"replacement case {case['id']}" in line and "buyer message due" in line
               for line in digest_lines(db, CONFIG, STORE.name, now=tomorrow))
    assert not any("replacement case" in line for line in digest_lines(db, CONFIG, STORE.name, now=T0 - timedelta(
        days=1)))
    with db.transaction() as store:
        after_sales.advance_case(store, case_id=case["id"], to="approved", now=T0, actor="amy")
        after_sales.advance_case(store, case_id=case["id"], to="shipped", now=T0, actor="amy", carrier="DHL",
                                 tracking_number="JJD1")
    assert any("upload the tracking number" in line for line in digest_lines(db, CONFIG, STORE.name, now=T0))
    with db.transaction() as store:
        after_sales.update_checklist(store, case_id=case["id"], now=T0, actor="amy", tracking_uploaded=True)
    assert not any("upload the tracking number" in line for line in digest_lines(db, CONFIG, STORE.name, now=T0))


def test_the_ledger_exports_to_csv_and_xlsx_and_reads_back_the_same(db: Database, tmp_path: Path) -> None:
    thread_id = damaged_thread(db)
    other = damaged_thread(db, order_id="302-7654321-7654321", number=2)
    with db.transaction() as store:
        first = after_sales.open_from_thread(store, thread_id=thread_id, now=T0, actor="amy")
        after_sales.record_costs(store, case_id=first["id"], now=T0, actor="amy", costs=Costs(
            Decimal("18.40"), Decimal("1.25"), Decimal("6.99"), "EUR", Decimal("1.0842"), "USD"))
        second = after_sales.open_from_thread(store, thread_id=other, now=T0 + timedelta(hours=1), actor="amy")
        refunds.record_refund(store, store_name=STORE.name, order_id=ORDER, amount=Decimal("12.00"), currency="EUR",
                              fx_rate=Decimal("1.0842"), ledger_currency="USD", reason="missing manual",
                              now=T0 + timedelta(hours=2), actor="amy")
        rows = after_sales_ledger.ledger_rows(store)
        for fmt in ("csv", "xlsx"):
            assert after_sales_ledger.export_ledger(store, path=tmp_path / f"ledger.{fmt}", fmt=fmt)["rows"] == 3
    assert [r.ref for r in rows] == [f"R{first['id']}", f"R{second['id']}", rows[2].ref]
    assert rows[0].converted == Decimal("28.88")  # (18.40 + 1.25 + 6.99) * 1.0842 = 28.883...
    with (tmp_path / "ledger.csv").open(encoding="utf-8", newline="") as handle:
        from_csv = list(csv.reader(handle))
    book = load_workbook(tmp_path / "ledger.xlsx", read_only=True)
    # A spreadsheet row ends at its last filled cell: pad it to the ledger's width.
    from_xlsx = [[*r, *[None] * (len(COLUMNS) - len(r))] for r in book["ledger"].iter_rows(values_only=True)]
    book.close()
    assert from_csv[0] == list(COLUMNS)
    assert list(from_xlsx[0]) == list(COLUMNS)
    for row, csv_line, xlsx_line in zip(rows, from_csv[1:], from_xlsx[1:], strict=True):
        for name, expected, text, cell in zip(COLUMNS, row.values(), csv_line, xlsx_line, strict=True):
            if expected is None:
                assert (text, cell) == ("", None), name
            elif name in MONEY_COLUMNS:
                assert Decimal(text) == expected, name
                assert Decimal(str(cell)) == expected, name
            elif isinstance(expected, datetime):
                assert datetime.fromisoformat(text) == expected == datetime.fromisoformat(str(cell)), name
            elif isinstance(expected, bool):
                assert (text, cell) == (str(expected), expected), name
            else:
                assert text == str(expected), name
                assert str(cell) == str(expected), name
    with db.reading() as store, pytest.raises(InputError, match="unknown ledger format 'pdf'"):
        after_sales_ledger.export_ledger(store, path=tmp_path / "ledger.pdf", fmt="pdf")


def test_a_step_message_the_guard_blocks_is_not_queued_and_stays_due(db: Database) -> None:
    thread_id = damaged_thread(db)
    with db.transaction() as store:
        case = after_sales.open_from_thread(store, thread_id=thread_id, now=T0, actor="amy")
    with db.transaction() as store, pytest.raises(SendBlockedError, match="email_address"):
        after_sales_messages.queue_step(store, case_id=case["id"], now=T0, actor=AGENT, config=CONFIG,
                                        text="Schreiben Sie uns an hilfe@acme.example, wir senden Ersatz.")
    with db.reading() as store:
        shown = after_sales.show_case(store, case["id"])
        queued = store.session.scalars(select(Message).where(Message.direction == "out")).all()
    assert shown["due_at"] == T0 + timedelta(hours=24)
    assert queued == []
    assert [h["action"] for h in shown["history"]] == ["after_sales.opened"]
