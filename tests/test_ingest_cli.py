"""`sellerdesk ingest` and `sellerdesk import`: JSON output, exit statuses, watching until stopped."""

from __future__ import annotations

import json
import mailbox
import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sellerdesk.cli import _register, cli
from tests.dovecot import PASSWORD, running_dovecot
from tests.mails import buyer_mail

_register()
SUMMARY_KEYS = {"mailbox", "store", "fetched", "stored", "duplicates", "quarantined", "error"}
STORES = '[[stores]]\nname = "acme-us"\nmarketplaces = ["US"]\n\n[[stores]]\nname = "acme-de"\nmarketplaces = ["DE"]\n'


def lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


@pytest.mark.dovecot
def test_ingest_once_prints_a_line_per_mailbox_and_fails_when_one_failed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOD_PASSWORD", PASSWORD)
    monkeypatch.setenv("BAD_PASSWORD", "nope")
    with running_dovecot() as server:
        server.deliver_many(buyer_mail(n) for n in range(4))
        config = tmp_path / "sellerdesk.toml"
        config.write_text(f'database_url = "sqlite:///{tmp_path / "desk.db"}"\n' + STORES
                          + server.mailbox_toml(store="acme-us", password_env="GOOD_PASSWORD")
                          + server.mailbox_toml(store="acme-de", password_env="BAD_PASSWORD"))
        first = CliRunner().invoke(cli, ["ingest", "--once", "--config", str(config)])
        good, bad = lines(first.output)
        assert first.exit_code == 1
        assert set(good) == SUMMARY_KEYS
        assert (good["store"], good["fetched"], good["stored"], good["error"]) == ("acme-us", 4, 4, None)
        assert bad["store"] == "acme-de"
        assert "BAD_PASSWORD" in str(bad["error"])
        monkeypatch.setenv("BAD_PASSWORD", PASSWORD)
        second = CliRunner().invoke(cli, ["ingest", "--once", "--config", str(config)])
    assert second.exit_code == 0, second.output
    again, now_good = lines(second.output)
    assert (again["fetched"], again["stored"]) == (0, 0)
    assert (now_good["stored"], now_good["error"]) == (4, None)  # the same mails, filed for the other store


def test_ingest_without_mailboxes_is_a_usage_error(tmp_path: Path) -> None:
    config = tmp_path / "sellerdesk.toml"
    config.write_text(STORES)
    result = CliRunner().invoke(cli, ["ingest", "--once", "--config", str(config)])
    assert result.exit_code == 2
    assert "no [[mailboxes]] table" in result.output


def test_import_prints_a_json_summary(tmp_path: Path) -> None:
    box = mailbox.mbox(tmp_path / "old.mbox")
    for n in range(5):
        box.add(buyer_mail(n))
    box.close()
    args = ["import", "--database-url", f"sqlite:///{tmp_path / 'desk.db'}", "--store", "acme-us",
            str(tmp_path / "old.mbox")]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert lines(first.output) == [{"path": str(tmp_path / "old.mbox"), "kind": "mbox", "store": "acme-us",
                                    "read": 5, "stored": 5, "duplicates": 0, "quarantined": 0}]
    again = CliRunner().invoke(cli, args)
    assert lines(again.output)[0]["duplicates"] == 5


def test_import_of_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["import", "--database-url", f"sqlite:///{tmp_path / 'desk.db'}",
                                      "--store", "acme-us", str(tmp_path / "nothing")])
    assert result.exit_code == 2
    assert "no such file or folder" in result.output


@pytest.mark.dovecot
def test_ingest_keeps_watching_until_terminated(tmp_path: Path) -> None:
    with running_dovecot() as server:
        config = tmp_path / "sellerdesk.toml"
        config.write_text(f'database_url = "sqlite:///{tmp_path / "desk.db"}"\npoll_seconds = 30\n' + STORES
                          + server.mailbox_toml(store="acme-us", password_env="GOOD_PASSWORD"))
        env = {**os.environ, "GOOD_PASSWORD": PASSWORD}
        child = subprocess.Popen([sys.executable, "-m", "sellerdesk", "ingest", "--config", str(config)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        try:
            server.deliver_many(buyer_mail(n) for n in range(2))
            assert child.stdout is not None
            ready, _, _ = select.select([child.stdout], [], [], 120)  # a bound on waiting, not on speed
            assert ready, "the watcher reported nothing within 120 s"
            first = json.loads(child.stdout.readline())
        finally:
            child.send_signal(signal.SIGTERM)
            _, errors = child.communicate(timeout=60)
    assert child.returncode == 0, errors
    assert (first["store"], first["stored"], first["error"]) == ("acme-us", 2, None)
