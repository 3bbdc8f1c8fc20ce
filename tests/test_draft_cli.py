"""`sellerdesk draft`: the JSON Lines contract of §3, order facts, suspicious contacts, bad lines."""

from __future__ import annotations

import json
from pathlib import Path
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
    assert first["intent"] == "tracking_request"
    assert first["language"] == "de"
    assert "00340434161094042557" in first["draft"]
    assert "DHL" in first["draft"]
    assert first["draft"].startswith(("Hallo Jonas,", "Guten Tag Jonas,", "Liebe/r Jonas,"))
    assert first["draft"].endswith("Mia, Lumo")
    assert first["template"].startswith("de/tracking_request/")
    assert out[1]["language"] == "en"
    assert out[1]["intent"] == "order_status"


def test_consecutive_drafts_of_a_run_use_different_wording() -> None:
    line = {"text": "Where is my order?", "marketplace": "US", "order": {**ORDER, "marketplace": "US"}}
    _, out = run([{**line, "id": n} for n in range(3)])
    assert len({o["template"] for o in out}) == 3


def test_a_suspicious_contact_gets_a_holding_reply_and_the_checklist() -> None:
    _, out = run([{"id": 1, "text": "Pay me back via PayPal or I leave a 1-star review unless you refund today. "
                               "Details: http://refund-help.xyz/form", "marketplace": "US", "order": ORDER}])
    line = out[0]
    assert line["holding"] is True
    assert line["suspicion"]["hold"] is True
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
    assert out[4]["intent"] == "thanks_closing"
    assert out[4]["reply_needed"] is False
    assert out[4]["check"]["verdict"] == "pass"


def test_a_missing_file_is_bad_usage() -> None:
    result = CliRunner().invoke(cli, ["draft", "/nonexistent/in.jsonl"])
    assert result.exit_code == 2
    assert "cannot open" in result.output


def invoke(*args: str, input: str | None = None) -> tuple[int, list[dict[str, Any]]]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, [json.loads(out) for out in result.output.splitlines() if out.startswith("{")]


def test_knowledge_and_templates_of_a_store_shape_its_drafts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    kb = tmp_path / "kb.csv"
    kb.write_text("asin,setup\nB0LAMP0001,Hold the touch ring for 3 seconds to pair it.\n", encoding="utf-8")
    assert invoke("kb", "import", "--database-url", url, "--store", "lumo-us", str(kb)) == (
        0, [{"store": "lumo-us", "added": 1, "updated": 0}])
    body = "Thanks for asking about {product_name}. Our setup guide covers it step by step."
    status, out = invoke("templates", "add", "--database-url", url, "--store", "lumo-us", "--name", "setup",
                         "--language", "en", "--intent", "usage_help", "-", input=body)
    assert status == 0
    assert out[0]["saved"] is True
    assert out[0]["version"] == 1
    status, out = invoke("templates", "add", "--database-url", url, "--store", "lumo-us", "--name", "promo",
                         "--language", "en", "--intent", "other", "-", input="Use code SAVE20 for 20% off!")
    assert status == 1
    assert out[0]["saved"] is False
    status, out = invoke("templates", "edit", "--database-url", url, "--store", "lumo-us", "--name", "setup",
                         "--language", "en", "-", input=body + " Write back with what you see.")
    assert status == 0
    assert out[0]["version"] == 2
    status, listed = invoke("templates", "list", "--database-url", url, "--store", "lumo-us")
    assert [(t["name"], t["version"], t["intent"], t["stale"]) for t in listed] == [("setup", 2, "usage_help", False)]
    assert invoke("templates", "stale", "--database-url", url, "--store", "lumo-us") == (0, [])
    line = {"id": 1, "text": "How do I pair the lamp with my phone?", "marketplace": "US",
            "order": {**ORDER, "marketplace": "US"}, "store": {"name": "lumo-us"}}
    status, out = invoke("draft", "--database-url", url, "-", input=json.dumps(line) + "\n")
    assert status == 0
    assert out[0]["intent"] == "usage_help"
    assert out[0]["template"] == "lumo-us:setup@2"
    assert "Hold the touch ring for 3 seconds" in out[0]["draft"]
    assert out[0]["check"]["verdict"] == "pass"


def test_template_commands_refuse_the_wrong_verb(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    result = CliRunner().invoke(cli, ["templates", "edit", "--database-url", url, "--store", "s", "--name", "n",
                                      "--language", "en", "-"], input="Hello")
    assert result.exit_code == 2
    assert "use sellerdesk templates add" in result.output
