"""After-sales in the web app: opening a replacement from a thread, the cases list, a case's steps and the ledger.

On SQLite and PostgreSQL: what each action changes, its audit entry, who may do it (viewers get 403,
users of other stores 404) and how a refused step reads.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sellerdesk.config import Config, MailboxConfig, StoreConfig
from sellerdesk.core.after_sales.order_report import ReportOrder
from sellerdesk.services import after_sales, after_sales_ledger, refunds, returns
from sellerdesk.services.database import Database
from tests.web.conftest import T0, add_mail, csrf_of, make_client, relay_mail, sign_in

MAILBOX = MailboxConfig(store="acme-de", imap_host="127.0.0.1", imap_username="support@acme.example",
                        imap_password_env="UNUSED", from_address="support@acme-de.example")
CONFIG = Config(stores=(StoreConfig("acme-de", ("DE",)),), mailboxes=(MAILBOX,), source="test.toml")
BROKEN = "Der Wasserkocher kam kaputt an, der Deckel ist zerbrochen. Bitte schicken Sie Ersatz."


def damaged_thread(db: Database, number: int = 70, at: datetime = T0) -> int:
    """A German buyer's message about a broken kettle for acme-de; its thread id."""
    with db.transaction() as store:
        store.ensure_mailbox(MAILBOX, now=T0)
    return add_mail(db, "acme-de", relay_mail(number, text=BROKEN, domain="de", date=at), at=at)


def signed(db: Database, name: str):  # type: ignore[no-untyped-def]
    client = make_client(db, config=CONFIG)
    sign_in(client, name)
    return client, csrf_of(client, "/inbox")


def audit_actions(db: Database) -> list[tuple[str, str]]:
    with db.reading() as store:
        return [(e.actor, e.action) for e in sorted(store.audit_entries(), key=lambda e: e.id)
                if e.action.startswith("after_sales.")]


def test_an_agent_opens_a_replacement_from_a_thread_once_and_ships_it(seeded: Database) -> None:
    thread_id = damaged_thread(seeded)
    client, token = signed(seeded, "bob")
    with client:
        page = client.get(f"/threads/{thread_id}")
        assert 'data-testid="replacement-action"' in page.text
        opened = client.post(f"/threads/{thread_id}/replacement", data={"csrf_token": token}, follow_redirects=False)
        assert opened.status_code == 303
        case_url = opened.headers["location"].split("?")[0]
        assert "Replacement case opened" in client.get(opened.headers["location"]).text
        again = client.post(f"/threads/{thread_id}/replacement", data={"csrf_token": token})
        assert "already has a replacement case in progress" in again.text
        assert again.url.path == case_url
        case_id = int(case_url.rsplit("/", 1)[1])
        no_tracking = client.post(f"{case_url}/advance", data={"to": "shipped", "csrf_token": token})
        assert no_tracking.status_code == 422
        assert "cannot move to shipped" in no_tracking.text
        assert client.post(f"{case_url}/advance", data={"to": "approved", "csrf_token": token}).status_code == 200
        missing = client.post(f"{case_url}/advance", data={"to": "shipped", "carrier": "DHL", "csrf_token": token})
        assert missing.status_code == 422
        assert "carrier and tracking number" in missing.text
        shipped = client.post(f"{case_url}/advance", data={
            "to": "shipped", "carrier": "DHL", "tracking_number": "JD0001", "csrf_token": token})
        assert shipped.status_code == 200
        assert 'data-testid="replacement-state">shipped' in shipped.text
        queued = client.post(f"{case_url}/message", data={"csrf_token": token})
        assert queued.status_code == 200
        assert "The buyer message was queued" in queued.text
    with seeded.reading() as store:
        row = after_sales.get_case(store, case_id)
        assert (row.state, row.carrier, row.tracking_number, row.due_at) == ("shipped", "DHL", "JD0001", None)
    assert audit_actions(seeded) == [("bob", "after_sales.opened"), ("bob", "after_sales.advanced"),
                                     ("bob", "after_sales.advanced"), ("bob", "after_sales.message")]


def test_the_list_filters_and_the_ledger_downloads(seeded: Database) -> None:
    thread_id = damaged_thread(seeded)
    with seeded.transaction() as store:
        case = after_sales.open_from_thread(store, thread_id=thread_id, now=T0, actor="alice")
    client, _token = signed(seeded, "alice")
    with client:
        listed = client.get("/replacements?store=acme-de&state=requested&marketplace=de")
        overdue = client.get("/replacements?due=overdue")
        shipped_only = client.get("/replacements?state=shipped")
        other_market = client.get("/replacements?marketplace=US")
        ledger = client.get("/replacements/ledger.csv?store=acme-de")
        xlsx = client.get("/replacements/ledger.xlsx")
        unknown = client.get("/replacements/ledger.pdf")
    assert f'href="/replacements/{case["id"]}"' in listed.text
    assert f'href="/replacements/{case["id"]}"' in overdue.text  # requested at T0, long past its 24 hours
    assert "No replacement case matches" in shipped_only.text
    assert "No replacement case matches" in other_market.text
    assert ledger.status_code == 200
    assert "attachment" in ledger.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(ledger.text)))
    assert [r["order_id"] for r in rows] == [case["order_id"]]
    assert xlsx.content[:2] == b"PK"  # a zip container, as XLSX files are
    assert unknown.status_code == 404


def test_viewers_read_and_other_stores_users_see_nothing(seeded: Database) -> None:
    thread_id = add_mail(seeded, "acme-us", relay_mail(71, text="The kettle arrived broken, the lid is cracked."),
                         at=T0)
    with seeded.transaction() as store:
        case = after_sales.open_case(store, store_name="acme-us", order_id="114-1000071-2000071",
                                     cause="damaged_defective", now=T0, actor="alice", thread_id=thread_id)
    viewer, viewer_token = signed(seeded, "vera")
    agent, agent_token = signed(seeded, "bob")  # an agent of acme-de only
    with viewer, agent:
        page = viewer.get(f"/replacements/{case['id']}")
        refused = viewer.post(f"/replacements/{case['id']}/advance", data={"to": "approved",
                                                                           "csrf_token": viewer_token})
        not_opened = viewer.post(f"/threads/{thread_id}/replacement", data={"csrf_token": viewer_token})
        hidden = agent.get(f"/replacements/{case['id']}")
        hidden_step = agent.post(f"/replacements/{case['id']}/advance", data={"to": "approved",
                                                                             "csrf_token": agent_token})
        agent_list = agent.get("/replacements")
        agent_ledger = agent.get("/replacements/ledger.csv?store=acme-us")
        no_csrf = agent.post(f"/replacements/{case['id']}/advance", data={"to": "approved"})
    assert page.status_code == 200
    assert 'data-testid="next-steps"' not in page.text
    assert refused.status_code == 403
    assert not_opened.status_code == 403
    assert hidden.status_code == 404
    assert hidden_step.status_code == 404
    assert f'href="/replacements/{case["id"]}"' not in agent_list.text
    assert agent_ledger.status_code == 404
    assert no_csrf.status_code == 403
    with seeded.reading() as store:
        assert after_sales.get_case(store, case["id"]).state == "requested"


def test_a_thread_without_a_replacement_intent_says_why(seeded: Database) -> None:
    thread_id = add_mail(seeded, "acme-de", relay_mail(72, text="Passt der Deckel auch auf das alte Modell?",
                                                       domain="de"), at=T0)
    client, token = signed(seeded, "alice")
    with client:
        page = client.get(f"/threads/{thread_id}")
        refused = client.post(f"/threads/{thread_id}/replacement", data={"csrf_token": token})
    assert 'data-testid="replacement-action"' not in page.text
    assert refused.status_code == 422
    assert "give the cause" in refused.text


def test_the_dashboard_shows_the_rate_its_level_the_work_due_and_the_charts(seeded: Database) -> None:
    moment = datetime.now(UTC)
    thread_id = damaged_thread(seeded, at=moment - timedelta(hours=1))
    with seeded.transaction() as store:
        after_sales_ledger.import_orders(store, store_name="acme-de", now=moment, orders=[
            ReportOrder(f"302-{n:07d}-0000001", moment - timedelta(days=10), "DE", "shipped") for n in range(20)])
        case = after_sales.open_from_thread(store, thread_id=thread_id, now=moment, actor="bob")
        after_sales.advance_case(store, case_id=case["id"], to="approved", now=moment, actor="bob")
        after_sales.advance_case(store, case_id=case["id"], to="shipped", now=moment, actor="bob", carrier="DHL",
                                 tracking_number="JD0002")
    admin, _admin_token = signed(seeded, "alice")
    agent, _agent_token = signed(seeded, "bob")
    with admin, agent:
        page = admin.get("/dashboard")
        chart = admin.get("/dashboard/after-sales/replacements-by-carrier.svg")
        unknown = admin.get("/dashboard/after-sales/nothing.svg")
        agent_page = agent.get("/dashboard")
        other_store = agent.get("/dashboard/after-sales/after-sales-cost.svg?store=acme-us")
        all_stores = agent.get("/dashboard/after-sales/after-sales-cost.svg")
    section = re.sub(r"\s+", " ", page.text[page.text.index('id="replacement-rate"'):])
    assert re.search(r"<td>acme-de</td><td>DE</td><td class=\"num\">1</td><td class=\"num\">20</td> "
                     r"<td class=\"num\">5.00 %</td>", section)
    assert 'data-testid="rate-level">over_limit' in section
    assert f'href="/replacements/{case["id"]}"' in section  # shipped, tracking not uploaded yet
    assert "upload the tracking number" in section
    assert chart.status_code == 200
    assert chart.headers["content-type"] == "image/svg+xml"
    assert unknown.status_code == 404
    assert "acme-us" not in agent_page.text.split('id="replacement-rate"')[1].split("</section>")[0]
    assert other_store.status_code == 404
    assert all_stores.status_code == 404  # an agent of some stores picks one


def test_the_case_shows_the_orders_refunds_and_returns_and_an_agent_reviews_a_return(seeded: Database) -> None:
    thread_id = damaged_thread(seeded)
    with seeded.transaction() as store:
        case = after_sales.open_from_thread(store, thread_id=thread_id, now=T0, actor="bob")
        asked = returns.record_return(store, store_name="acme-de", order_id=case["order_id"], marketplace="DE",
                                      reason="damaged", requested_at=T0, now=T0, actor="bob")
        refunds.record_refund(store, store_name="acme-de", order_id=case["order_id"], amount=Decimal("12.50"),
                              currency="EUR", fx_rate=Decimal(1), ledger_currency="EUR", reason="lid broken",
                              now=T0, actor="bob", case_id=case["id"])
    viewer, viewer_token = signed(seeded, "vera")
    agent, agent_token = signed(seeded, "bob")
    url = f"/replacements/{case['id']}"
    with viewer, agent:
        seen = viewer.get(url)
        refused = viewer.post(f"{url}/returns/{asked['id']}", data={"decision": "approved", "csrf_token": viewer_token})
        unknown = agent.post(f"{url}/returns/{asked['id'] + 99}", data={"decision": "approved",
                                                                        "csrf_token": agent_token})
        wrong = agent.post(f"{url}/returns/{asked['id']}", data={"decision": "maybe", "csrf_token": agent_token})
        reviewed = agent.post(f"{url}/returns/{asked['id']}", data={
            "decision": "approved", "note": "photo shows the broken lid", "csrf_token": agent_token})
    assert "12.50 EUR · lid broken" in seen.text
    assert f'data-testid="return-{asked["id"]}"' in seen.text
    assert f'action="{url}/returns/' not in seen.text  # viewers read only
    assert refused.status_code == 403
    assert unknown.status_code == 404
    assert wrong.status_code == 422
    assert "unknown decision" in wrong.text
    assert "The return request was reviewed" in reviewed.text
    with seeded.reading() as store:
        assert [(r["state"], r["reviewed_by"]) for r in returns.list_returns(store)] == [("approved", "bob")]
    assert audit_actions(seeded)[-1] == ("bob", "after_sales.return_reviewed")


def test_an_agent_records_the_costs_with_the_rate_to_the_ledger_currency(seeded: Database) -> None:
    thread_id = damaged_thread(seeded)
    with seeded.transaction() as store:
        case = after_sales.open_from_thread(store, thread_id=thread_id, now=T0, actor="bob")
    agent, token = signed(seeded, "bob")
    url = f"/replacements/{case['id']}/costs"
    costs = {"cost_item": "19.90", "cost_packing": "1.10", "cost_postage": "4.99", "currency": "eur",
             "csrf_token": token}
    with agent:
        no_rate = agent.post(url, data=costs)
        bad_amount = agent.post(url, data={**costs, "cost_item": "lots", "fx_rate": "1.08"})
        recorded = agent.post(url, data={**costs, "fx_rate": "1.08"})
    assert no_rate.status_code == 422
    assert "fx_rate" in no_rate.text
    assert bad_amount.status_code == 422
    assert "cost_item" in bad_amount.text
    assert "The costs were recorded" in recorded.text
    with seeded.reading() as store:
        row = after_sales.get_case(store, case["id"])
        assert (row.cost_item, row.cost_packing, row.cost_postage, row.cost_currency, row.fx_rate) == (
            Decimal("19.90"), Decimal("1.10"), Decimal("4.99"), "EUR", Decimal("1.08"))
    assert audit_actions(seeded)[-1] == ("bob", "after_sales.costs")
