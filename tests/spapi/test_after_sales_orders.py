"""After-sales and the SP-API, against the emulator: an undeliverable parcel opens a case by itself, and review
requests skip orders with a replacement or a return in progress."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sellerdesk.adapters.spapi.emulator import EmulatorServer, EmulatorState
from sellerdesk.services import after_sales, returns
from sellerdesk.services.database import Database
from sellerdesk.services.orders import enrich_threads, poll_changes
from sellerdesk.services.reviews import request_reviews
from tests.spapi.conftest import NOW, make_client
from tests.spapi.test_client import shipped_order
from tests.spapi.test_services import STORE, buyer_mail


def test_an_undeliverable_parcel_opens_one_case_tied_to_the_buyers_thread(db: Database, server: EmulatorServer,
                                                                          state: EmulatorState) -> None:
    order = shipped_order("111-2223334-4445556")
    order.package_status = "IN_TRANSIT"
    state.put_order(order)
    buyer_mail(db, order_id=order.order_id, text="Where is my parcel?", number=1)
    with make_client(server) as client:
        enrich_threads(db, STORE, client=client, now=NOW)
        with db.transaction() as sql:
            assert after_sales.open_from_order_events(sql, store_name=STORE.name, now=NOW) == []
        state.put_order(replace(order, package_status="UNDELIVERABLE", last_updated=NOW - timedelta(hours=1)))
        poll_changes(db, STORE, client=client, now=NOW)
    with db.transaction() as sql:
        opened = after_sales.open_from_order_events(sql, store_name=STORE.name, now=NOW)
        again = after_sales.open_from_order_events(sql, store_name=STORE.name, now=NOW + timedelta(hours=1))
        listed = after_sales.list_cases(sql, store_name=STORE.name)
    assert [(c["order_id"], c["cause"], c["existing"]) for c in opened] == [(order.order_id, "undeliverable", False)]
    assert opened[0]["thread_id"] is not None
    assert (opened[0]["sku"], opened[0]["original_carrier"], opened[0]["marketplace"]) == ("TB-30", "UPS", "US")
    assert again == []
    assert len(listed) == 1


def test_review_requests_skip_orders_with_a_replacement_or_a_return_in_progress(db: Database, server: EmulatorServer,
                                                                               state: EmulatorState) -> None:
    now = datetime(2026, 11, 18, 18, 30, tzinfo=NOW.tzinfo)  # Wednesday 10:30 in Los Angeles
    state.now = lambda: now
    replaced, returned, happy = (shipped_order(f"111-000000{n}-000000{n}") for n in (1, 2, 3))
    for number, order in enumerate((replaced, returned, happy), start=1):
        state.put_order(order)
        buyer_mail(db, order_id=order.order_id, text="Does it fit a 15 inch laptop?", number=number)
    with make_client(server) as client:
        enrich_threads(db, STORE, client=client, now=now)
        with db.transaction() as sql:
            case = after_sales.open_case(sql, store_name=STORE.name, order_id=replaced.order_id,
                                         cause="missing_parts", now=now, actor="amy")
            returns.record_return(sql, store_name=STORE.name, order_id=returned.order_id, marketplace="US",
                                  reason="no longer needed", requested_at=now, now=now, actor="amy")
        before = {o["order_id"]: o["reason"] for o in request_reviews(db, STORE, client=client, now=now,
                                                                       dry_run=True).outcomes}
        with db.transaction() as sql:
            after_sales.advance_case(sql, case_id=case["id"], to="refused", now=now, actor="amy",
                                     reason="all parts were in the box")
        after = {o["order_id"]: o["reason"] for o in request_reviews(db, STORE, client=client, now=now,
                                                                      dry_run=True).outcomes}
    assert before == {replaced.order_id: "open_problem:replacement", returned.order_id: "open_problem:return",
                      happy.order_id: "eligible"}
    assert after[replaced.order_id] == "eligible"  # a refused case is finished: nothing in progress
    assert after[returned.order_id] == "open_problem:return"
