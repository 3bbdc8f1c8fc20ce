"""`sellerdesk classify`: the JSON Lines contract of §3, bad lines, bad usage, the marketplace hint."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from sellerdesk.cli import _register, cli
from sellerdesk.core.intents import INTENTS

_register()


def run(lines: list[object], *args: str) -> tuple[int, list[dict[str, Any]]]:
    text = "\n".join(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines)
    result = CliRunner().invoke(cli, ["classify", *args, "-"], input=text + "\n")
    return result.exit_code, [json.loads(out) for out in result.output.splitlines()]


def test_one_result_per_line_in_order_with_the_contracts_fields() -> None:
    status, out = run([
        {"id": "a", "text": "Hi, where is my order? I ordered 10 days ago and it still has not shipped."},
        {"id": 2, "text": "Das Display ist gesprungen, ich möchte mein Geld zurück.", "subject": "Beschädigt"},
        {"id": None, "text": "追跡番号を教えていただけますか？"},
    ])
    assert status == 0
    assert [line["id"] for line in out] == ["a", 2, None]
    assert [line["intent"] for line in out] == ["order_status", "damaged_defective", "tracking_request"]
    assert [line["language"] for line in out] == ["en", "de", "ja"]
    for line in out:
        assert set(line) <= {"id", "intent", "confidence", "language", "intents", "low_confidence"}
        assert 0 <= line["confidence"] <= 1
        assert set(line.get("intents", [])) <= set(INTENTS)
    assert "return_refund" in out[1]["intents"]


def test_bad_lines_get_an_error_and_the_batch_carries_on() -> None:
    status, out = run([
        "not json",
        {"id": 2},
        {"id": 3, "text": 42},
        {"id": 4, "text": "hello", "subject": ["x"]},
        {"id": 5, "text": "Danke", "marketplace": "XX"},
        {"id": 6, "text": "Please cancel my order."},
    ])
    assert status == 1
    assert [line["id"] for line in out] == [None, 2, 3, 4, 5, 6]
    assert "not valid JSON" in out[0]["error"]
    assert "missing field 'text'" in out[1]["error"]
    assert "must be a str" in out[2]["error"]
    assert "'subject' must be a string" in out[3]["error"]
    assert "unknown marketplace 'XX'" in out[4]["error"]
    assert out[5]["intent"] == "cancel_order"


def test_the_marketplace_language_decides_for_a_short_text() -> None:
    _, per_line = run([{"id": 1, "text": "OK!", "marketplace": "fr"}])
    _, whole_batch = run([{"id": 1, "text": "OK!"}], "--marketplace", "IT")
    assert per_line[0]["language"] == "fr"
    assert whole_batch[0]["language"] == "it"


def test_a_text_without_words_has_no_language_and_says_it_is_unsure() -> None:
    status, out = run([{"id": 1, "text": "114-1234567-1234567"}])
    assert status == 0
    assert out == [{"id": 1, "intent": "other", "confidence": 0.0, "language": None, "low_confidence": True}]


def test_reads_a_file_argument(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "text": "I need a VAT invoice for my company."}\n\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["classify", str(source)])
    assert result.exit_code == 0
    assert json.loads(result.output)["intent"] == "invoice_request"


def test_bad_usage_exits_2() -> None:
    assert CliRunner().invoke(cli, ["classify", "--marketplace", "ZZ", "-"], input="").exit_code == 2
    missing = CliRunner().invoke(cli, ["classify", "/nonexistent/in.jsonl"])
    assert missing.exit_code == 2
    assert "cannot open" in missing.output
    assert CliRunner().invoke(cli, ["classify"]).exit_code == 2
