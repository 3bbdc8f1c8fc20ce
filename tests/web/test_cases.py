"""Cases in the web app on SQLite and PostgreSQL: composing with checks, the duplicate warning, recording,
status, links, store access and roles."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sellerdesk.services.database import Database
from tests.web.conftest import csrf_of, make_client, sign_in

REIMBURSEMENT = {"topic": "fba_reimbursement", "store": "acme-us",
                 "request": "Please reimburse the 12 units of ASIN B0C1234567 lost at the fulfillment center.",
                 "shipment_ids": "FBA15ABCDE12", "asins": "B0C1234567", "units": "12", "date": "2026-11-10",
                 "estimated_loss_amount": "412.80", "estimated_loss_currency": "USD",
                 "evidence": "ledger.csv | 2026-11-18T09:30:00-08:00"}


@pytest.fixture
def client(seeded: Database) -> Iterator[TestClient]:
    with make_client(seeded) as test_client:
        yield test_client


def _post(client: TestClient, **fields: str) -> Any:
    token = csrf_of(client, "/cases")
    return client.post("/cases/new", data={"csrf_token": token, **fields}, follow_redirects=False)


def test_the_composer_asks_for_the_topic_facts_and_shows_the_checks(client: TestClient) -> None:
    sign_in(client, "alice")
    form = client.get("/cases/new?topic=fba_reimbursement").text
    for field in ("shipment_ids", "units", "estimated_loss_amount", "evidence"):
        assert f'name="{field}"' in form
    checked = _post(client, **{**REIMBURSEMENT, "units": "", "action": "check"})
    text = checked.text
    assert "[Action Required] Lost or damaged FBA inventory reimbursement - Shipment ID FBA15ABCDE12" in text
    assert "estimated loss USD 412.80" in text
    assert re.search(r'data-testid="missing">\s*<li class="sev-warn"><strong>Units</strong>', text)
    assert "- ledger.csv (2026-11-18 09:30" in text
    assert 'data-testid="timing"' in text


def test_recording_a_case_then_a_duplicate_is_warned_about_before_opening(client: TestClient) -> None:
    sign_in(client, "alice")
    first = _post(client, **REIMBURSEMENT, case_id="17011", action="open")
    assert first.status_code == 303
    page = client.get(first.headers["location"]).text
    assert "Case 17011" in page
    assert 'data-testid="case-status">Open<' in page
    again = _post(client, **REIMBURSEMENT, action="open")
    assert again.status_code == 200
    assert 'data-testid="duplicate-warning"' in again.text
    assert client.get("/cases").text.count("/cases/") == 2  # the list and the "new case" link: one case only
    confirmed = _post(client, **REIMBURSEMENT, action="open", confirm_duplicate="yes")
    assert confirmed.status_code == 303


def test_status_changes_and_links_build_the_history(client: TestClient) -> None:
    sign_in(client, "alice")
    _post(client, **REIMBURSEMENT, case_id="17011", action="open")
    _post(client, **REIMBURSEMENT, case_id="17022", action="open", confirm_duplicate="yes")
    token = csrf_of(client, "/cases/17011")
    client.post("/cases/17011/status", data={"csrf_token": token, "status": "waiting_on_amazon",
                                             "note": "Sent the ledger again."})
    moved = client.post("/cases/17011/link", data={"csrf_token": token, "to_case": "17022",
                                                   "reason": "sent to the reimbursements team"})
    assert moved.status_code == 200
    assert re.search(r'data-testid="chain">\s*<li>17011</li><li aria-current="true">17022</li>', moved.text)
    assert "Moved to case 17022: sent to the reimbursements team" in moved.text
    assert "Sent the ledger again." in moved.text
    again = client.post("/cases/17011/link", data={"csrf_token": token, "to_case": "17022", "reason": "x"})
    assert again.status_code == 422
    assert "already in the chain" in again.text


def test_a_malformed_fact_is_named(client: TestClient) -> None:
    sign_in(client, "alice")
    response = _post(client, **{**REIMBURSEMENT, "units": "twelve", "action": "check"})
    assert response.status_code == 422
    assert "form field &#39;units&#39; must be a whole number" in response.text


def test_viewers_read_but_cannot_open_or_change(client: TestClient) -> None:
    sign_in(client, "alice")
    _post(client, **REIMBURSEMENT, case_id="17011", action="open")
    sign_in(client, "vera")
    assert client.get("/cases").status_code == 200
    page = client.get("/cases/17011")
    assert page.status_code == 200
    assert "/cases/17011/status" not in page.text
    assert client.get("/cases/new").status_code == 403
    assert _post(client, **REIMBURSEMENT, action="open").status_code == 403
    token = csrf_of(client, "/cases")
    assert client.post("/cases/17011/status", data={"csrf_token": token, "status": "closed"}).status_code == 403


def test_an_agent_sees_only_the_cases_of_its_stores(client: TestClient) -> None:
    sign_in(client, "alice")
    _post(client, **REIMBURSEMENT, case_id="17011", action="open")
    sign_in(client, "bob")  # agent of acme-de only
    assert "17011" not in client.get("/cases").text
    assert client.get("/cases/17011").status_code == 404
    assert 'value="acme-us"' not in client.get("/cases/new").text
    assert _post(client, **{**REIMBURSEMENT, "store": "acme-us"}, action="check").status_code == 404
    assert _post(client, **{**REIMBURSEMENT, "store": ""}, action="check").status_code == 404  # seen by all
    assert _post(client, **{**REIMBURSEMENT, "store": "acme-de"}, case_id="17099", action="open").status_code == 303
    assert "17099" in client.get("/cases").text
