"""`sellerdesk check`: the JSON Lines contract of §3, bad lines, usage errors and the stored history."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from sellerdesk.adapters.db.tables import Message
from sellerdesk.cli import _register, cli
from sellerdesk.config import StoreConfig
from sellerdesk.services.database import Database

_register()

TEMPLATE = ("Dear {name}, thank you for your message about your order. We are sorry the kettle arrived damaged; "
            "a replacement ships today and the tracking number follows tomorrow. Best regards, Acme")


def run(lines: Sequence[object] | bytes, *args: str) -> tuple[int, list[dict[str, Any]], str]:
    if isinstance(lines, bytes):
        data = lines
    else:
        data = ("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n").encode()
    result = CliRunner().invoke(cli, ["check", *args, "-"], input=data)
    return result.exit_code, [json.loads(out) for out in result.stdout.splitlines()], result.stderr


def test_verdicts_and_findings_per_the_contract() -> None:
    status, out, _ = run([
        {"id": 1, "text": "Your replacement ships today."},
        {"id": "b", "text": "Mail me at shop@example.com", "subject": "Re: your order"},
        {"id": 3, "text": "<b>Hello</b>", "kind": "api:confirmDeliveryDetails"},
        {"id": 4, "text": "Wir senden heute einen Ersatz, vielen Dank für Ihre Geduld und Ihr Verständnis.",
         "buyer_language": "fr"},
    ])
    assert status == 0
    assert [o["id"] for o in out] == [1, "b", 3, 4]
    assert [o["verdict"] for o in out] == ["pass", "block", "block", "warn"]
    finding = out[1]["findings"][0]
    assert set(finding) == {"rule", "severity", "start", "end", "excerpt", "explanation", "suggestion"}
    assert (finding["rule"], finding["start"], finding["end"], finding["excerpt"]) == \
        ("email_address", 11, 27, "shop@example.com")


def test_kind_and_marketplace_options_are_defaults_a_line_overrides() -> None:
    lines = [{"id": 1, "text": "Thank you for your order! It has shipped."},
             {"id": 2, "text": "Thank you for your order! It has shipped.", "kind": "reply"},
             {"id": 3, "text": "Ruf an: 030 12345678", "marketplace": "DE"}]
    status, out, _ = run(lines, "--kind", "proactive", "--marketplace", "us")
    assert status == 0
    assert [o["verdict"] for o in out] == ["block", "pass", "block"]


def test_bad_lines_get_an_error_and_the_batch_carries_on() -> None:
    data = b"\n".join([
        b'{"id": 1, "text": "fine"}',
        b"not json",
        b'\xff\xfe{"id": 2}',
        b'{"id": 3}',
        b'{"id": 4, "text": 5}',
        b'{"id": 5, "text": "x", "kind": "letter"}',
        b'{"id": 6, "text": "x", "received_at": "yesterday"}',
        b'{"id": 7, "text": "x", "history": [{"kind": "reply"}]}',
        b'{"id": 8, "text": "x", "attachments": [{"filename": "a.pdf", "size": -1}]}',
        b'[1, 2]',
        b'{"id": 9, "text": "' + b"a\\u0000b " * 10 + b'"}',
        b'{"id": 10, "text": ""}',
    ]) + b"\n"
    status, out, _ = run(data)
    assert status == 1
    assert len(out) == 12
    errors = [o.get("error", "") for o in out]
    assert "not valid JSON" in errors[1]
    assert "not UTF-8" in errors[2]
    assert "missing field 'text'" in errors[3]
    assert "must be a string" in errors[4]
    assert "unknown kind 'letter'" in errors[5]
    assert "'received_at'" in errors[6]
    assert "history[0]" in errors[7]
    assert "attachments[0]" in errors[8]
    assert "expected a JSON object" in errors[9]
    assert out[0]["verdict"] == "pass"
    assert out[10]["verdict"] == "pass"
    assert out[11]["verdict"] == "pass"


def test_bad_usage_exits_2() -> None:
    assert run([], "--kind", "letter")[0] == 2
    assert run([], "--marketplace", "XX")[0] == 2
    result = CliRunner().invoke(cli, ["check", "/no/such/file.jsonl"])
    assert result.exit_code == 2


def test_the_stored_replies_are_the_history_when_the_config_names_a_database(db: Database,
                                                                          tmp_path: Path) -> None:
    now = datetime.now(UTC)
    with db.transaction() as store:
        row = store.ensure_store(StoreConfig("acme-us", ("US",)))
        for number, name in enumerate(("Anna", "Ben"), start=1):
            sent = now - timedelta(hours=3 - number)
            store.add_message(Message(
                store_id=row.id, direction="out", kind="reply", message_key=f"out:{number}",
                text=TEMPLATE.format(name=name), received_at=sent, sent_at=sent, created_at=sent, state="sent"))
    config = tmp_path / "sellerdesk.toml"
    config.write_text(f'database_url = "{db.engine.url.render_as_string(hide_password=False)}"\n'
                      '[[stores]]\nname = "acme-us"\nmarketplaces = ["US"]\n'
                      '[compliance.stores.acme-us]\nnear_duplicate_window_count = 10\n', encoding="utf-8")
    draft = {"id": 1, "text": TEMPLATE.format(name="Carla")}
    status, out, _ = run([draft, {**draft, "id": 2, "history": []}], "--config", str(config))
    assert status == 0
    assert [(f["rule"], f["severity"]) for f in out[0]["findings"]] == [("near_duplicate", "block")]
    assert out[1]["verdict"] == "pass"
    # Without the configuration there is no stored history.
    assert run([draft])[1][0]["verdict"] == "pass"


def test_a_bad_compliance_section_is_a_usage_error(tmp_path: Path) -> None:
    config = tmp_path / "sellerdesk.toml"
    config.write_text("[compliance]\nallowed_domain = [\"x.com\"]\n", encoding="utf-8")
    status, _, err = run([{"id": 1, "text": "hi"}], "--config", str(config))
    assert status == 2
    assert "unknown key 'allowed_domain'" in err
