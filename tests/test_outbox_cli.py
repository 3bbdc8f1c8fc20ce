"""`sellerdesk reply` and `sellerdesk outbox list|send|confirm` against a real database and SMTP server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sellerdesk.cli import _register, cli
from sellerdesk.config import load_config
from sellerdesk.samples.relay import render_buyer_message
from sellerdesk.services.database import open_database
from sellerdesk.services.storing import store_mail
from sellerdesk.services.users import add_user
from tests.smtp_server import Fault, SmtpSink, running_sink

_register()

TEXT = "Hello Ann, your parcel left our warehouse today with UPS and should arrive on Thursday. Best, Acme"


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with running_sink() as server:
        yield server


@pytest.fixture
def config_file(tmp_path: Path, sink: SmtpSink) -> Path:
    path = tmp_path / "sellerdesk.toml"
    path.write_text(f"""
database_url = "sqlite:///{tmp_path / 'desk.db'}"

[[stores]]
name = "acme-us"
marketplaces = ["US"]

[[mailboxes]]
store = "acme-us"
imap_host = "127.0.0.1"
imap_username = "support@acme.example"
imap_password_env = "UNUSED"
smtp_host = "{sink.host}"
smtp_port = {sink.port}
smtp_security = "none"
from_address = "support@acme.example"
""", encoding="utf-8")
    return path


@pytest.fixture
def thread_id(config_file: Path) -> int:
    config = load_config(config_file)
    now = datetime.now(UTC)
    raw = render_buyer_message(marketplace="US", buyer_name="Ann", alias="k3j4h5g6+z@marketplace.amazon.com",
                               order_id="114-7654321-1234567", asins=["B0C1234567"], titles=["Trail shoe"],
                               text="Where is my parcel?", date=now - timedelta(hours=3),
                               message_id="buyer-9@amazon.com", comm_mgr_tok="tok999999")
    with open_database(config.database_url) as db, db.transaction() as store:
        store.ensure_mailbox(config.mailboxes[0], now=now)
        outcome = store_mail(store, store_name="acme-us", raw=raw, now=now - timedelta(hours=2),
                             attachment_max_bytes=1 << 20)
    assert outcome.thread_id is not None
    return outcome.thread_id


def run(config_file: Path, *args: str) -> tuple[int, list[dict[str, Any]], str]:
    result = CliRunner().invoke(cli, [*args, "--config", str(config_file)])
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result.exit_code, lines, result.stderr


def test_reply_then_send_then_list(config_file: Path, thread_id: int, sink: SmtpSink) -> None:
    status, [queued], _ = run(config_file, "reply", "--thread", str(thread_id), "--text", TEXT)
    assert status == 0
    assert (queued["state"], queued["thread"], queued["verdict"]) == ("queued", thread_id, "pass")
    status, [sent], _ = run(config_file, "outbox", "send")
    assert (status, sent["state"], sent["delivery"]) == (0, "sent", queued["delivery"])
    assert sink.accepted_ids() == [queued["message_id"]]
    status, [line], _ = run(config_file, "outbox", "list", "--state", "sent")
    assert (line["to"], line["state"], line["attempts"]) == ("k3j4h5g6+z@marketplace.amazon.com", "sent", 1)
    assert run(config_file, "outbox", "list", "--state", "queued")[1] == []


def test_a_blocked_reply_exits_1_and_says_why(config_file: Path, thread_id: int) -> None:
    status, out, err = run(config_file, "reply", "--thread", str(thread_id), "--text",
                           "Add me on WhatsApp or mail ann.shop@gmail.com")
    assert (status, out) == (1, [])
    assert "blocked by the compliance guard" in err
    assert "email_address" in err


def test_an_admin_overrides_with_a_reason(config_file: Path, thread_id: int) -> None:
    with open_database(load_config(config_file).database_url) as db, db.transaction() as store:
        add_user(store, name="li", password="long-enough-secret", role="admin", now=datetime.now(UTC))
    status, [queued], _ = run(config_file, "reply", "--thread", str(thread_id), "--text",
                              "The warranty desk is warranty@maker.example.", "--as", "li",
                              "--override-reason", "The buyer asked for the manufacturer's warranty address.")
    assert (status, queued["state"], queued["verdict"]) == (0, "queued", "block")


def test_an_unknown_delivery_is_confirmed_by_hand(config_file: Path, thread_id: int, sink: SmtpSink) -> None:
    run(config_file, "reply", "--thread", str(thread_id), "--text", TEXT)
    sink.fail_next(Fault.DROP_AFTER_ACCEPT)
    _, [unknown], _ = run(config_file, "outbox", "send")
    assert unknown["state"] == "unknown"
    status, [confirmed], _ = run(config_file, "outbox", "confirm", str(unknown["delivery"]), "--sent")
    assert (status, confirmed["state"]) == (0, "sent")
    status, _, err = run(config_file, "outbox", "confirm", str(unknown["delivery"]), "--not-sent")
    assert status == 2
    assert "not 'unknown'" in err


def test_bad_usage(config_file: Path, thread_id: int) -> None:
    assert run(config_file, "reply", "--thread", str(thread_id))[0] == 2
    status, _, err = run(config_file, "reply", "--thread", "999", "--text", TEXT)
    assert status == 1
    assert "thread 999 does not exist" in err
    assert run(config_file, "outbox", "confirm", "1")[0] == 2  # --sent or --not-sent is required


def test_send_watch_runs_until_terminated(config_file: Path, thread_id: int, sink: SmtpSink) -> None:
    run(config_file, "reply", "--thread", str(thread_id), "--text", TEXT)
    command = [sys.executable, "-m", "sellerdesk", "outbox", "send", "--config", str(config_file), "--watch",
               "--every", "1"]
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) as child:
        assert child.stdout is not None
        line = json.loads(child.stdout.readline())
        child.send_signal(signal.SIGTERM)
        _, err = child.communicate(timeout=60)
    assert (line["state"], child.returncode) == ("sent", 0), err
    assert len(sink.accepted) == 1


def test_the_stores_compliance_tuning_applies(config_file: Path, thread_id: int) -> None:
    text = "The setup guide is at https://acme-brand.com/guide if you need it."
    status, _, err = run(config_file, "reply", "--thread", str(thread_id), "--text", text)
    assert status == 1
    assert "external_link" in err
    with config_file.open("a", encoding="utf-8") as toml:
        toml.write('\n[compliance.stores.acme-us]\nallowed_domains = ["acme-brand.com"]\n')
    status, [queued], _ = run(config_file, "reply", "--thread", str(thread_id), "--text", text)
    assert (status, queued["state"]) == (0, "queued")
    assert "external_link" not in queued["rules"]
