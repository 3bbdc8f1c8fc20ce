"""`sellerdesk draft`: the JSON Lines contract of §3, order facts, suspicious contacts, bad lines."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner

from sellerdesk.cli import _register, cli

_register()

ORDER = {
    "order_id": "305-1234567-1234567", "marketplace": "DE", "status": "shipped", "fulfillment": "MFN",
    "purchase_date": "2026-11-16T09:00:00+00:00",
    "items": [{"asin": "B0LAMP0001", "title": "Lumo Desk Lamp, LED, dimmable", "sku": "LU-1", "quantity": 1}],
    "carrier": "DHL", "tracking_number": "00340434161094042557", "ship_date": "2026-11-17T09:00:00+00:00",
    "delivery_window": {"start": "2026-11-19T09:00:00+00:00", "end": "2026-11-21T09:00:00+00:00"},
}


def run(lines: list[object]) -> tuple[int, list[dict[str, Any]]]:
    text = "\n".join(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines)
    result = CliRunner().invoke(cli, ["draft", "-"], input=text + "\n")
    return result.exit_code, [json.loads(out) for out in result.output.splitlines()]


def test_drafts_follow_the_contract_and_state_the_order_facts() -> None:
    status, out = run([
        {"id": "a", "text": "Können Sie mir bitte die Sendungsnummer schicken?", "marketplace": "DE",
         "buyer_name": "Jonas", "order": ORDER, "store": {"name": "lumo-eu", "signature": "Mia, Lumo"}},
        {"id": 2, "text": "Where is my order? It still has not arrived.", "marketplace": "US"},
    ])
    assert status == 0
    assert [line["id"] for line in out] == ["a", 2]
    for line in out:
        assert {"id", "intent", "language", "template", "draft", "check"} <= set(line)
        assert line["check"]["verdict"] == "pass"
    first = out[0]
    assert first["intent"] == "tracking_request" and first["language"] == "de"
    assert "00340434161094042557" in first["draft"] and "DHL" in first["draft"]
    assert first["draft"].startswith(("Hallo Jonas,", "Guten Tag Jonas,", "Liebe/r Jonas,"))
    assert first["draft"].endswith("Mia, Lumo")
    assert first["template"].startswith("de/tracking_request/")
    assert out[1]["language"] == "en" and out[1]["intent"] == "order_status"


def test_consecutive_drafts_of_a_run_use_different_wording() -> None:
    line = {"text": "Where is my order?", "marketplace": "US", "order": {**ORDER, "marketplace": "US"}}
    _, out = run([{**line, "id": n} for n in range(3)])
    assert len({o["template"] for o in out}) == 3


def test_a_suspicious_contact_gets_a_holding_reply_and_the_checklist() -> None:
    _, out = run([{"id": 1, "text": "Pay me back via PayPal or I leave a 1-star review unless you refund today. "
                               "Details: http://refund-help.xyz/form", "marketplace": "US", "order": ORDER}])
    line = out[0]
    assert line["holding"] is True and line["suspicion"]["hold"] is True
    assert {s["name"] for s in line["suspicion"]["signals"]} == {"payment_outside_amazon", "threat", "buyer_link"}
    assert any("Report the contact to Amazon" in item for item in line["suspicion"]["checklist"])
    assert "00340434161094042557" not in line["draft"]


def test_bad_lines_get_an_error_and_the_batch_carries_on() -> None:
    status, out = run([
        "{not json",
        {"id": 2, "text": 5},
        {"id": 3, "text": "Hi", "order": {"order_id": "305-1234567-1234567"}},
        {"id": 4, "text": "Hi", "marketplace": "XX"},
        {"id": 5, "text": "Danke, alles angekommen!", "marketplace": "DE"},
    ])
    assert status == 1
    assert [line["id"] for line in out] == [None, 2, 3, 4, 5]
    assert "not valid JSON" in out[0]["error"]
    assert "'text' must be a str" in out[1]["error"]
    assert "order lacks status, fulfillment, purchase_date" in out[2]["error"]
    assert "unknown marketplace 'XX'" in out[3]["error"]
    assert out[4]["intent"] == "thanks_closing" and out[4]["check"]["verdict"] == "pass"


def test_a_missing_file_is_bad_usage() -> None:
    result = CliRunner().invoke(cli, ["draft", "/nonexistent/in.jsonl"])
    assert result.exit_code == 2 and "cannot open" in result.output
