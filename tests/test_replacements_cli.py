"""`sellerdesk replacements ...` against a real database (SQLite and PostgreSQL): JSON Lines in and out."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from sellerdesk.cli import _register, cli

_register()

ORDER = "302-1234567-1234567"
REPORT = ("amazon-order-id\tpurchase-date\torder-status\tsales-channel\tproduct-name\n"
          + "".join(f"302-000000{n}-000000{n}\t2026-11-0{n}T10:00:00+00:00\tShipped\tAmazon.de\tデスクライト\n"
                    for n in range(1, 8))
          + f"{ORDER}\t2026-11-02T10:00:00+00:00\tShipped\tAmazon.de\tデスクライト\n")


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "sellerdesk.toml"
    path.write_text('ledger_currency = "USD"\n\n[[stores]]\nname = "acme-de"\nmarketplaces = ["DE"]\n'
                    'timezone = "Europe/Berlin"\n', encoding="utf-8")
    return path


def lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_replacement_commands_open_advance_cost_report_and_export(tmp_path: Path, database_url: str) -> None:
    common = ["--config", str(_config(tmp_path)), "--database-url", database_url]
    runner = CliRunner()

    def run(*args: str, data: list[dict[str, object]] | None = None) -> tuple[int, str]:
        given = None if data is None else "".join(json.dumps(d) + "\n" for d in data)
        result = runner.invoke(cli, ["replacements", *args, *common], input=given)
        return result.exit_code, result.output

    report = tmp_path / "orders.txt"
    report.write_bytes(REPORT.encode("shift_jis"))  # reports of the Japanese marketplace come in Shift_JIS
    code, out = run("import-orders", "--store", "acme-de", str(report))
    assert (code, lines(out)) == (0, [{"store": "acme-de", "orders": 8, "added": 8, "updated": 0}])

    code, out = run("open", "-", data=[
        {"id": "a", "store": "acme-de", "order_id": ORDER, "cause": "wrong_item", "sku": "LAMP-01",
         "original_carrier": "DHL"},
        {"id": "b", "store": "acme-de", "order_id": "123", "cause": "wrong_item"},
        {"id": "c", "store": "acme-de", "order_id": ORDER, "cause": "wrong_item"}])
    opened = lines(out)
    assert code == 1
    assert [o["id"] for o in opened] == ["a", "b", "c"]
    assert (opened[0]["marketplace"], opened[0]["existing"]) == ("DE", False)  # from the imported report
    assert "order ID '123' is not of the form" in str(opened[1]["error"])
    assert (opened[2]["existing"], opened[2]["order_id"]) == (True, ORDER)
    case = int(str(opened[0]["case"]))
    assert opened[2]["case"] == case
    assert [row["id"] for row in lines(run("list", "--open")[1])] == [case]

    code, out = run("message", str(case))
    assert code == 0, out
    draft = json.loads(out)
    assert (draft["step"], draft["language"], draft["check"]["verdict"]) == ("requested", "de", "pass")
    code, out = run("message", str(case), "--queue")
    assert code == 2
    assert "no buyer thread to answer" in out

    code, out = run("advance", "-", data=[
        {"id": 1, "case": case, "to": "approved", "ship_date": "2026-11-24T08:00:00Z"},
        {"id": 2, "case": case, "to": "shipped", "carrier": "DHL"},
        {"id": 3, "case": case, "to": "shipped", "carrier": "DHL", "tracking_number": "JJD000390007"}])
    moved = lines(out)
    assert code == 1
    assert [m.get("state") for m in moved] == ["approved", None, "shipped"]
    assert "carrier and tracking number" in str(moved[1]["error"])

    code, out = run("costs", "-", data=[
        {"id": 1, "case": case, "cost_item": "18.40", "cost_packing": "1.25", "cost_postage": "6.99",
         "currency": "EUR", "fx_rate": "1.0842"},
        {"id": 2, "case": case, "cost_item": "5", "currency": "EUR"}])
    assert code == 1
    assert "fx_rate: an amount in EUR needs the rate" in str(lines(out)[1]["error"])
    code, out = run("refund", "-", data=[{"id": 1, "store": "acme-de", "order_id": "302-0000001-0000001",
                                          "amount": "10.00", "currency": "USD", "reason": "late delivery"}])
    assert (code, lines(out)[0]["converted"]) == (0, "10.00")
    code, out = run("refunds")
    assert [(r["ref"], r["amount"], r["reason"]) for r in lines(out)] == [("F1", "10.00", "late delivery")]
    code, out = run("checklist", str(case), "--tracking-uploaded")
    assert (lines(out)[0]["tracking_uploaded"], lines(out)[0]["return_closed"]) == (True, False)
    code, out = run("return", "-", data=[{"id": 1, "store": "acme-de", "order_id": "302-0000002-0000002",
                                          "marketplace": "DE", "reason": "defective",
                                          "requested_at": "2026-11-20T10:00:00Z"},
                                         {"id": 2, "store": "acme-de", "order_id": "302-0000002-0000002",
                                          "marketplace": "DE", "reason": "changed my mind"}])
    returned = lines(out)
    assert code == 1
    assert returned[0]["review_due_at"] == "2026-11-25T23:00:00+00:00"  # end of Wednesday, three business days
    assert "unknown return reason" in str(returned[1]["error"])
    code, out = run("review-return", str(returned[0]["return"]), "--decision", "approved", "--note", "cracked")
    assert (code, lines(out)[0]["state"]) == (0, "approved")

    code, out = run("report", "--now", "2026-11-22T12:00:00Z", "--charts", str(tmp_path / "charts"))
    assert code == 0, out
    rows = lines(out)
    rate = next(r for r in rows if r["kind"] == "rate")
    assert (rate["marketplace"], rate["replacements"], rate["orders"], rate["level"]) == ("DE", 1, 8, "over_limit")
    assert {(r["dimension"], r["value"]) for r in rows if r["kind"] == "cause"} >= {("sku", "LAMP-01"),
                                                                                   ("carrier", "DHL")}
    assert [r["total"] for r in rows if r["kind"] == "month"] == ["38.88"]  # 28.88 replacement + 10.00 refund
    charts = next(r for r in rows if r["kind"] == "charts")
    assert all(Path(str(f)).is_file() for f in charts["files"])  # type: ignore[union-attr]

    code, out = run("export", "--out", str(tmp_path / "ledger.xlsx"))
    assert (code, lines(out)[0]["rows"]) == (0, 2)
    book = load_workbook(tmp_path / "ledger.xlsx", read_only=True)
    assert [row[:2] for row in book["ledger"].iter_rows(values_only=True)][1:] == [("replacement", f"R{case}"),
                                                                                  ("refund", "F1")]
    book.close()
    code, out = run("export", "--out", str(tmp_path / "ledger.pdf"))
    assert code == 2
    assert "unknown ledger format 'pdf'" in out
    code, out = run("show", str(case))
    assert [h["action"] for h in json.loads(out)["history"]] == [
        "after_sales.opened", "after_sales.advanced", "after_sales.advanced", "after_sales.costs",
        "after_sales.checklist"]
