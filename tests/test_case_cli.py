"""`sellerdesk cases new|list|show|summary|link|status|topics` against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sellerdesk.cli import _register, cli

_register()

FORM = {"request": "Please reimburse the 12 units of ASIN B0C1234567 lost at the fulfillment center.",
        "shipment_ids": ["FBA15ABCDE12"], "asins": ["B0C1234567"], "units": 12, "date": "2026-11-10",
        "estimated_loss": {"amount": "412.80", "currency": "USD"}, "policy": "G200213130",
        "evidence": [{"file": "ledger.csv", "taken_at": "2026-11-18T09:30:00-08:00"}]}


def _config(tmp_path: Path) -> Path:
    policies = tmp_path / "policies.toml"
    policies.write_text('[[policies]]\nid = "G200213130"\ntitle = "FBA Lost and Damaged Inventory Reimbursement '
                        'Policy"\nlink = "https://sellercentral.amazon.com/help/hub/reference/external/G200213130"\n',
                        encoding="utf-8")
    path = tmp_path / "sellerdesk.toml"
    path.write_text(f'case_policies = "{policies.as_posix()}"\n', encoding="utf-8")
    return path


def test_cases_commands_compose_record_link_and_summarise(tmp_path: Path, database_url: str) -> None:
    common = ["--config", str(_config(tmp_path)), "--database-url", database_url]
    runner = CliRunner()

    def run(*args: str, form: object = None) -> tuple[int, str]:
        data = None if form is None else json.dumps(form)
        result = runner.invoke(cli, ["cases", *args, *common], input=data)
        return result.exit_code, result.output

    code, out = run("new", "--topic", "fba_reimbursement", "--form", "-", form=FORM)
    assert code == 0, out
    assert out.startswith("Subject: [Action Required] Lost or damaged FBA inventory reimbursement - Shipment ID "
                          "FBA15ABCDE12 - estimated loss USD 412.80 - FBA Lost and Damaged Inventory Reimbursement")
    assert "Check: pass" in out
    assert "Timing: " in out
    assert "Recorded" not in out

    code, out = run("new", "--topic", "fba_reimbursement", "--form", "-", "--case-id", "17011", "--json", form=FORM)
    assert code == 0, out
    assert json.loads(out)["case_id"] == "17011"
    code, out = run("new", "--topic", "fba_reimbursement", "--form", "-", "--case-id", "17022", form=FORM)
    assert code == 0, out
    assert "Duplicate warning: An open case on the same topic and reference exists (17011)" in out

    code, out = run("link", "17011", "17022", "--reason", "sent to the FBA reimbursements team")
    assert code == 0, out
    code, out = run("status", "17022", "--to", "waiting_on_amazon", "--note", "Asked for the ledger export.")
    assert code == 0, out
    assert json.loads(out)["status"] == "waiting_on_amazon"
    code, out = run("list")
    assert [json.loads(line)["case_id"] for line in out.splitlines()] == ["17022", "17011"]
    code, out = run("show", "17011")
    assert json.loads(out)["chain"] == ["17011", "17022"]
    code, out = run("summary", "17022")
    assert code == 0, out
    assert out.startswith("This request has been handled under case ID(s) 17011, 17022")
    assert "Asked for the ledger export." in out


def test_cases_new_reports_missing_facts_and_bad_input(tmp_path: Path, database_url: str) -> None:
    common = ["--config", str(_config(tmp_path)), "--database-url", database_url]
    runner = CliRunner()
    result = runner.invoke(cli, ["cases", "new", "--topic", "lost_buy_box", "--form", "-", *common],
                           input=json.dumps({"request": "My account has a problem!!!"}))
    assert result.exit_code == 0, result.output
    assert "Check: warn" in result.output
    assert "lost buy box case needs the asin(s)" in result.output
    assert "shouting" in result.output
    bad = runner.invoke(cli, ["cases", "new", "--topic", "lost_buy_box", "--form", "-", *common], input="[1]")
    assert bad.exit_code == 2
    assert "--form: write one JSON object of facts" in bad.output
    unknown = runner.invoke(cli, ["cases", "show", "99", *common])
    assert unknown.exit_code == 1
    assert "no case '99' in the tracker" in unknown.output


def test_cases_topics_lists_every_topic_and_its_required_facts() -> None:
    result = CliRunner().invoke(cli, ["cases", "topics"])
    assert result.exit_code == 0
    assert "fba_reimbursement: Lost or damaged FBA inventory reimbursement" in result.output
    assert "shipment_ids*" in result.output
