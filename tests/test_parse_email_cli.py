"""`sellerdesk parse-email PATH...`: one JSON line per file with the fields of contracts §3."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from sellerdesk.cli import _register, cli

CORPUS = Path(__file__).resolve().parent / "data" / "eml"
FIELDS = {"file", "kind", "order_id", "asin", "buyer_name", "buyer_alias", "marketplace", "subject", "text",
          "language", "intent", "message_key"}


def run(*args: str) -> tuple[int, list[dict[str, object]]]:
    _register()
    result = CliRunner().invoke(cli, ["parse-email", *args])
    return result.exit_code, [json.loads(line) for line in result.output.splitlines() if line.strip()]


def test_a_good_file_gives_exactly_the_contract_fields(tmp_path: Path) -> None:
    status, lines = run(str(CORPUS / "de_damaged_attachment_latin1_8bit.eml"))
    assert status == 0
    assert len(lines) == 1
    assert set(lines[0]) == FIELDS
    assert lines[0] == lines[0] | {
        "kind": "buyer_message", "order_id": "303-1112223-3334445", "asin": "B0DE12345X", "marketplace": "DE",
        "buyer_name": "Jürgen Weiß", "buyer_alias": "d3e4u5t6s7c8@marketplace.amazon.de", "language": "de",
        "message_key": "tok:A6DEFOTO88",
    }


def test_a_folder_gives_one_line_per_eml_file_and_errors_for_non_mail(tmp_path: Path) -> None:
    for name in ("us_inquiry_plain.eml", "notice_seller_support_jp.eml", "not_an_email.eml"):
        shutil.copy(CORPUS / name, tmp_path / name)
    (tmp_path / "notes.txt").write_text("not an .eml file")
    status, lines = run(str(tmp_path))
    assert status == 1
    assert [Path(str(line["file"])).name for line in lines] == [
        "not_an_email.eml", "notice_seller_support_jp.eml", "us_inquiry_plain.eml",
    ]
    assert set(lines[0]) == {"file", "error"}
    assert "not an e-mail" in str(lines[0]["error"])
    assert lines[1]["kind"] == "amazon_notice"
    assert lines[2]["kind"] == "buyer_message"


def test_a_missing_path_gives_an_error_line_and_status_1(tmp_path: Path) -> None:
    status, lines = run(str(tmp_path / "nowhere.eml"), str(CORPUS / "other_newsletter.eml"))
    assert status == 1
    assert "no such file" in str(lines[0]["error"])
    assert lines[1]["kind"] == "other"


def test_all_fields_adds_the_parsers_details() -> None:
    status, lines = run("--all-fields", str(CORPUS / "notice_delivery_failure_de.eml"))
    assert status == 0
    assert set(lines[0]) > FIELDS
    assert lines[0]["notice_type"] == "delivery_failure"
    assert lines[0]["related_message_id"] == "reply-20260302-0001@seller.example"


def test_no_path_is_a_usage_error() -> None:
    _register()
    assert CliRunner().invoke(cli, ["parse-email"]).exit_code == 2
