"""`sellerdesk sla`: the JSON Lines contract of §3, bad lines, bad usage and the store's safe-by."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sellerdesk.cli import _register, cli

_register()

NOW = "2026-03-08T09:30:00Z"
STORE = """
[[stores]]
name = "acme-us"
marketplaces = ["US"]
timezone = "America/Los_Angeles"
working_hours = ["mon-fri 09:00-18:00"]
holidays = ["US"]
days_off = [2026-07-06]
"""


def run(lines: list[object], *args: str) -> tuple[int, list[dict[str, object]]]:
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n"
    result = CliRunner().invoke(cli, ["sla", *args, "-"], input=text)
    return result.exit_code, [json.loads(out) for out in result.output.splitlines()]


def test_each_state_per_the_contract() -> None:
    status, out = run([
        {"id": "open", "received_at": "2026-03-07T10:00:00Z"},
        {"id": "met", "received_at": "2026-03-07T10:00:00Z", "replied_at": "2026-03-07T12:00:00-08:00"},
        {"id": "late", "received_at": "2026-03-05T10:00:00Z", "replied_at": None},
        {"id": "excluded", "received_at": "2026-03-05T10:00:00Z", "no_response_needed": True},
    ], "--now", NOW)
    assert status == 0
    assert out == [
        {"id": "open", "due_at": "2026-03-08T10:00:00+00:00", "remaining_seconds": 1800, "state": "open"},
        {"id": "met", "due_at": "2026-03-08T10:00:00+00:00", "remaining_seconds": 50400, "state": "met"},
        {"id": "late", "due_at": "2026-03-06T10:00:00+00:00", "remaining_seconds": -171000, "state": "late"},
        {"id": "excluded", "due_at": "2026-03-06T10:00:00+00:00", "remaining_seconds": -171000,
         "state": "excluded"},
    ]


def test_bad_lines_get_an_error_and_the_batch_carries_on() -> None:
    status, out = run([
        {"id": 1, "received_at": "soon"},
        {"id": 2},
        "not json",
        {"id": 4, "received_at": "2026-03-08T09:00:00Z", "no_response_needed": "yes"},
        {"id": 5, "received_at": 1741420800},
        {"id": 6, "received_at": "2026-03-08T09:00:00Z"},
    ], "--now", NOW)
    assert status == 1
    assert [o["id"] for o in out] == [1, 2, None, 4, 5, 6]
    assert "'received_at'" in str(out[0]["error"])
    assert "ISO 8601" in str(out[0]["error"])
    assert "missing field 'received_at'" in str(out[1]["error"])
    assert "not valid JSON" in str(out[2]["error"])
    assert "true or false" in str(out[3]["error"])
    assert "ISO 8601 string" in str(out[4]["error"])
    assert out[5]["state"] == "open"


def test_arrival_time_clamps_a_date_from_the_future_and_stands_in_for_a_missing_one() -> None:
    status, out = run([
        {"id": 1, "received_at": "2026-03-08T12:00:00Z", "arrived_at": "2026-03-08T09:00:00Z"},
        {"id": 2, "arrived_at": "2026-03-08T09:00:00Z"},
    ], "--now", NOW)
    assert status == 0
    for line in out:
        assert line["due_at"] == "2026-03-09T09:00:00+00:00"
        assert line["received_at"] == "2026-03-08T09:00:00+00:00"
    assert [o["received_from"] for o in out] == ["arrival_date_in_future", "arrival_no_date"]


def test_a_bad_now_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["sla", "--now", "tomorrow", "-"], input="")
    assert result.exit_code == 2
    assert "--now" in result.output


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["sla", "--now", NOW, str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2
    assert "cannot open" in result.output


def test_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": 7, "received_at": "2026-03-08T09:00:00+01:00"}\n\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["sla", "--now", NOW, str(path)])
    assert result.exit_code == 0
    assert json.loads(result.output)["due_at"] == "2026-03-09T08:00:00+00:00"


@pytest.mark.parametrize(("received", "safe_by"), [
    ("2026-03-10T18:00:00Z", "2026-03-11T18:00:00+00:00"),  # Tue 11:00 PDT: due Wed 11:00 PDT, in a window
    ("2026-03-11T03:00:00Z", "2026-03-12T01:00:00+00:00"),  # Tue 20:00 PDT: safe by Wed 18:00 PDT
    ("2026-03-14T03:00:00Z", "2026-03-14T01:00:00+00:00"),  # Fri 20:00 PDT: safe by Fri 18:00, before arrival
    ("2026-07-03T03:00:00Z", "2026-07-03T01:00:00+00:00"),  # Thu 20:00 PDT: Fri 07-03 is the observed holiday
    ("2026-07-05T19:00:00Z", "2026-07-03T01:00:00+00:00"),  # Sun 12:00 PDT: Mon 07-06 is a day off, Fri a holiday
])
def test_safe_by_from_the_store_calendar(tmp_path: Path, received: str, safe_by: str) -> None:
    config = tmp_path / "sellerdesk.toml"
    config.write_text(STORE, encoding="utf-8")
    status, out = run([{"id": 1, "received_at": received}], "--now", NOW, "--store", "acme-us",
                      "--config", str(config))
    assert status == 0
    assert out[0]["safe_by"] == safe_by


def test_an_unknown_store_is_a_usage_error(tmp_path: Path) -> None:
    config = tmp_path / "sellerdesk.toml"
    config.write_text(STORE, encoding="utf-8")
    result = CliRunner().invoke(cli, ["sla", "--now", NOW, "--store", "nobody", "--config", str(config), "-"],
                                input="")
    assert result.exit_code == 2
    assert "no store named 'nobody'" in result.output
