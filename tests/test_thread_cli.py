"""`sellerdesk threads assign|state|no-response|view` against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from sellerdesk.cli import _register, cli
from sellerdesk.services.database import open_database
from sellerdesk.services.users import add_user
from tests.desk_rows import add_message, add_store, add_thread

_register()
T0 = datetime(2026, 3, 8, 9, 0, tzinfo=UTC)


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "sellerdesk.toml"
    path.write_text('[[stores]]\nname = "acme-us"\nmarketplaces = ["US"]\n', encoding="utf-8")
    return path


def test_threads_commands_act_and_print_json(tmp_path: Path, database_url: str) -> None:
    with open_database(database_url) as db, db.transaction() as store:
        thread = add_thread(store, add_store(store, now=T0), "t1", now=T0, state="new")
        message = add_message(store, thread, at=T0, text="Thanks!")
        add_user(store, name="amy", password="correct horse battery", role="agent", now=T0, stores=["acme-us"])
        thread_id, message_id = thread.id, message.id
    common = ["--config", str(_config(tmp_path)), "--database-url", database_url]
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(cli, ["threads", *args, *common])
        return result.exit_code, result.output

    code, out = run("assign", "--thread", str(thread_id), "--round-robin", "--as", "amy")
    assert code == 0, out
    assert json.loads(out)["assigned_to"] == "amy"
    code, out = run("state", "--thread", str(thread_id), "--to", "on_hold", "--reason", "suspicious")
    assert code == 0, out
    assert json.loads(out)["state"] == "on_hold"
    code, out = run("state", "--thread", str(thread_id), "--to", "new")
    assert code != 0
    assert "cannot become new" in out
    code, out = run("no-response", "--message", str(message_id), "--reason", "buyer only thanked us", "--as", "amy")
    assert code == 0, out
    assert json.loads(out)["excluded_by"] == "amy"
    code, out = run("view", "--thread", str(thread_id), "--as", "amy")
    assert code == 0, out
    assert json.loads(out) == {"thread": thread_id, "also_viewing": []}
