"""Order enrichment, change polling, typed messages and review requests: database + emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from sellerdesk.adapters.db.spapi_records import SpApiRecords
from sellerdesk.adapters.spapi import LwaCredentials, SpApiClient
from sellerdesk.adapters.spapi.emulator import EmulatedOrder, EmulatorServer, EmulatorState
from sellerdesk.config import StoreConfig
from sellerdesk.samples.relay import render_buyer_message
from sellerdesk.services.database import Database
from sellerdesk.services.messaging import OutgoingFile, send_typed_message
from sellerdesk.services.orders import enrich_threads, poll_changes, show_order, sync_stores
from sellerdesk.services.reviews import request_reviews, review_ledger
from sellerdesk.services.storing import store_mail
from tests.spapi.conftest import NOW, make_client
from tests.spapi.test_client import shipped_order

STORE = StoreConfig("acme-us", ("US", "CA"), timezone="America/Los_Angeles")


def buyer_mail(db: Database, *, order_id: str, text: str, number: int, marketplace: str = "US") -> None:
    raw = render_buyer_message(marketplace=marketplace, buyer_name="Jane Miller",
                               alias=f"b{number}xyz@marketplace.amazon.com", order_id=order_id,
                               asins=("B0C7K2M4Q1",), titles=("Trail Backpack 30L",), text=text,
                               date=NOW - timedelta(hours=3), message_id=f"m{number}@amazon.com",
                               comm_mgr_tok=f"tok-{number}")
    with db.transaction() as sql:
        store_mail(sql, store_name=STORE.name, raw=raw, now=NOW - timedelta(hours=3), attachment_max_bytes=10**6)


def factory(server: EmulatorServer) -> Callable[[StoreConfig], SpApiClient]:
    return lambda store: make_client(server, store=store.name)


def test_threads_are_enriched_once_then_served_fresh_from_the_cache(db: Database, server: EmulatorServer,
                                                                   state: EmulatorState) -> None:
    state.put_order(shipped_order("111-2223334-4445556"))
    buyer_mail(db, order_id="111-2223334-4445556", text="Where is my backpack?", number=1)
    with make_client(server) as client:
        first = enrich_threads(db, STORE, client=client, now=NOW)
        again = enrich_threads(db, STORE, client=client, now=NOW + timedelta(minutes=5))
    assert (first.enriched, again.enriched, again.fresh) == (1, 0, 1)
    view = show_order(db, STORE, client_factory=factory(server), order_id="111-2223334-4445556",
                      now=NOW + timedelta(minutes=6))
    assert view.from_cache
    assert view.snapshot is not None
    assert view.snapshot.tracking_number == "1Z999AA10123456784"
    assert [op for op, _ in state.requests].count("getOrder") == 1


def test_unknown_order_and_other_marketplace_are_explained_not_retried(db: Database, server: EmulatorServer,
                                                                      state: EmulatorState) -> None:
    state.derive_unknown = False
    state.put_order(shipped_order("111-2223334-4445556", marketplace="DE"))
    buyer_mail(db, order_id="111-2223334-4445556", text="Where is it?", number=1)
    buyer_mail(db, order_id="111-0000000-0000009", text="Where is it?", number=2)
    with make_client(server) as client:
        result = enrich_threads(db, STORE, client=client, now=NOW)
        enrich_threads(db, STORE, client=client, now=NOW + timedelta(hours=2))
    assert any("was placed in DE, but the thread came from US" in p for p in result.problems)
    assert any("111-0000000-0000009" in p and "check the order ID" in p for p in result.problems)
    assert [r for r in state.requests if r[1] == "111-0000000-0000009"] == [("getOrder", "111-0000000-0000009")]


def test_poll_records_a_buyer_cancellation_and_an_undeliverable_parcel(db: Database, server: EmulatorServer,
                                                                       state: EmulatorState) -> None:
    order = shipped_order("111-2223334-4445556")
    order.package_status = "IN_TRANSIT"
    state.put_order(order)
    buyer_mail(db, order_id="111-2223334-4445556", text="Where is my parcel?", number=1)
    with make_client(server) as client:
        enrich_threads(db, STORE, client=client, now=NOW)
        state.put_order(replace(order, package_status="UNDELIVERABLE", last_updated=NOW - timedelta(hours=1)))
        cancel = EmulatedOrder(**{**shipped_order("112-9998887-7776665").__dict__, "status": "UNSHIPPED",
                                  "buyer_requested_cancel": True, "last_updated": NOW - timedelta(minutes=30),
                                  "tracking_number": None, "package_status": None})
        state.put_order(cancel)
        result = poll_changes(db, STORE, client=client, now=NOW)
        quiet = poll_changes(db, STORE, client=client, now=NOW + timedelta(minutes=10))
    assert sorted(result.events) == ["111-2223334-4445556:undeliverable", "112-9998887-7776665:buyer_requested_cancel"]
    assert quiet.events == []
    with db.reading() as sql:
        store_id = sql.get_store("acme-us").id
        assert [e.trigger for e in SpApiRecords(sql).events(store_id)] == ["undeliverable", "buyer_requested_cancel"]


def test_a_store_with_revoked_credentials_is_reported_and_the_others_go_on(db: Database, server: EmulatorServer,
                                                                          state: EmulatorState) -> None:
    bad = StoreConfig("nordlicht-eu", ("DE",))
    revoked = LwaCredentials("amzn1.application-oa2-client.sellerdesk-demo", "sellerdesk-demo-secret", "Atzr|gone")

    def clients(store: StoreConfig) -> SpApiClient:
        if store.name == "nordlicht-eu":
            return make_client(server, store=store.name, credentials=revoked)
        return make_client(server, store=store.name)

    results = sync_stores(db, [bad, STORE], client_factory=clients, now=NOW)
    assert results[0].error is not None
    assert "nordlicht-eu" in results[0].error
    assert "invalid_grant" in results[0].error
    assert results[1].error is None


def test_typed_message_passes_amazons_list_and_the_guard(db: Database, server: EmulatorServer,
                                                        state: EmulatorState) -> None:
    state.put_order(shipped_order())
    with make_client(server) as client:
        sent = send_typed_message(db, STORE, client=client, order_id="111-2223334-4445556", marketplace="US",
                                  message_type="confirmDeliveryDetails", actor="ana", now=NOW,
                                  text="Your parcel is with UPS and arrives on Friday.")
        blocked = send_typed_message(db, STORE, client=client, order_id="111-2223334-4445556", marketplace="US",
                                     message_type="unexpectedProblem", actor="ana", now=NOW,
                                     text="Write to me at jane.doe@example.com about the delay.")
        refused = send_typed_message(db, STORE, client=client, order_id="111-2223334-4445556", marketplace="US",
                                     message_type="confirmOrderDetails", actor="ana", now=NOW,
                                     text="Please confirm the colour.")
        invoice = send_typed_message(db, STORE, client=client, order_id="111-2223334-4445556", marketplace="US",
                                     message_type="invoice", actor="ana", now=NOW, text=None,
                                     files=[OutgoingFile("invoice.pdf", b"%PDF-1.4", "application/pdf")])
    assert (sent.state, sent.buyer_language) == ("sent", "en")
    assert blocked.state == "blocked"
    assert "email_address" in {f["rule"] for f in blocked.findings}
    assert refused.state == "not_allowed"
    assert "it offers" in refused.explanation
    assert invoice.state == "sent"
    assert [m.message_type for m in state.messages] == ["confirmDeliveryDetails", "invoice"]
    with db.reading() as sql:
        logged = SpApiRecords(sql).messages_of(sql.get_store("acme-us").id, "111-2223334-4445556")
    assert [m.state for m in logged] == ["sent", "blocked", "not_allowed", "sent"]


@pytest.mark.parametrize("dry_run", [True, False])
def test_bulk_review_requests_follow_window_problems_and_ledger(db: Database, server: EmulatorServer,
                                                               state: EmulatorState, dry_run: bool) -> None:
    now = datetime(2026, 11, 18, 18, 30, tzinfo=NOW.tzinfo)  # Wednesday 10:30 in Los Angeles
    state.now = lambda: now
    happy, unhappy = shipped_order("111-0000001-0000001"), shipped_order("111-0000002-0000002")
    early = replace(shipped_order("111-0000003-0000003"), delivery_start=now - timedelta(days=1),
                    delivery_end=now + timedelta(days=1))
    for order in (happy, unhappy, early):
        state.put_order(order)
    buyer_mail(db, order_id=happy.order_id, text="Does it fit a 15 inch laptop?", number=1)
    buyer_mail(db, order_id=unhappy.order_id, text="The zip is broken, this is terrible.", number=2)
    buyer_mail(db, order_id=early.order_id, text="Where is it?", number=3)
    seen: list[tuple[int, int]] = []
    with make_client(server) as client:
        enrich_threads(db, STORE, client=client, now=now)
        run = request_reviews(db, STORE, client=client, now=now, dry_run=dry_run,
                              progress=lambda d, t: seen.append((d, t)))
        second = request_reviews(db, STORE, client=client, now=now + timedelta(minutes=1), dry_run=dry_run)
    states = {o["order_id"]: (o["state"], o["reason"]) for o in run.outcomes}
    assert states[unhappy.order_id][0] == "skipped"
    assert states[unhappy.order_id][1].startswith("open_problem:")  # the intent (a defect) or the negative words
    assert states[early.order_id] == ("scheduled", "too_early")
    assert seen[-1] == (3, 3)
    if dry_run:
        assert states[happy.order_id][0] == "would_request"
        assert state.solicitations == []
        assert review_ledger(db, STORE) == []
    else:
        assert states[happy.order_id] == ("requested", "requested")
        assert [s.order_id for s in state.solicitations] == [happy.order_id]
        again = {o["order_id"]: o["state"] for o in second.outcomes}
        assert again[happy.order_id] == "requested"  # from the ledger: Amazon is not asked twice
        assert len(state.solicitations) == 1
        ledger = {r["order_id"]: r["state"] for r in review_ledger(db, STORE)}
        assert ledger == {happy.order_id: "requested", unhappy.order_id: "skipped", early.order_id: "scheduled"}


def test_an_outage_stops_the_stores_run_without_marking_orders(db: Database, server: EmulatorServer,
                                                              state: EmulatorState) -> None:
    from sellerdesk.adapters.spapi.emulator import Fault

    state.put_order(shipped_order())
    buyer_mail(db, order_id="111-2223334-4445556", text="Where is my backpack?", number=1)
    state.inject(Fault("503", count=100))
    results = sync_stores(db, [STORE], now=NOW,
                          client_factory=lambda store: make_client(server, store=store.name, max_retries=2))
    assert "try again later" in str(results[0].error)
    with db.reading() as sql:
        assert SpApiRecords(sql).cached_orders(sql.get_store("acme-us").id) == []
    state.faults.clear()
    again = sync_stores(db, [STORE], client_factory=factory(server), now=NOW + timedelta(minutes=1))
    assert again[0].error is None
    assert again[0].changed + again[0].enriched == 1


def test_cached_order_for_display_needs_no_call_to_amazon(db: Database, server: EmulatorServer,
                                                          state: EmulatorState) -> None:
    from sellerdesk.services.orders import cached_order

    state.put_order(shipped_order())
    assert cached_order(db, store_name="acme-us", order_id="111-2223334-4445556") is None
    show_order(db, STORE, client_factory=factory(server), order_id="111-2223334-4445556", now=NOW)
    calls = len(state.requests)
    view = cached_order(db, store_name="acme-us", order_id="111-2223334-4445556")
    assert view is not None
    assert view.snapshot is not None
    assert view.snapshot.carrier == "UPS"
    assert len(state.requests) == calls


def test_auto_falls_back_to_v0_while_2026_is_unavailable_until_retirement(server: EmulatorServer,
                                                                          state: EmulatorState) -> None:
    from sellerdesk.adapters.spapi.emulator import Fault
    from sellerdesk.adapters.spapi.errors import SpApiUnavailableError
    from sellerdesk.services.orders import fetch_order

    state.put_order(shipped_order())
    state.inject(Fault("503", operation="getOrder", count=100))
    with make_client(server, max_retries=1) as client:
        order = fetch_order(client, "111-2223334-4445556", api="auto", today=NOW)
        assert (order.source, order.status, order.items[0].asin) == ("v0", "shipped", "B0C7K2M4Q1")
        with pytest.raises(SpApiUnavailableError):
            fetch_order(client, "111-2223334-4445556", api="auto", today=datetime(2027, 3, 27, tzinfo=NOW.tzinfo))
