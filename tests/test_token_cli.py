"""`sellerdesk token create|list|revoke` against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from click.testing import CliRunner

from sellerdesk.cli import _register, cli
from sellerdesk.services import api_tokens
from sellerdesk.services.database import open_database
from sellerdesk.services.users import add_user

_register()
T0 = datetime(2026, 3, 8, 9, 0, tzinfo=UTC)


def test_token_commands_create_list_and_revoke(database_url: str) -> None:
    with open_database(database_url) as db, db.transaction() as store:
        add_user(store, name="erp", password="correct horse battery", role="agent", now=T0)
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(cli, ["token", *args, "--database-url", database_url])
        return result.exit_code, result.stdout

    code, out = run("create", "erp-sync", "--user", "erp", "--expires", "90d")
    assert code == 0, out
    created = json.loads(out)
    assert created["token"].startswith(created["prefix"] + "_")
    code, out = run("list")
    assert code == 0, out
    listed = json.loads(out)
    assert "token" not in listed
    assert (listed["name"], listed["user"], listed["state"]) == ("erp-sync", "erp", "active")
    code, out = run("revoke", created["prefix"])
    assert code == 0, out
    assert json.loads(out)["state"] == "revoked"
    with open_database(database_url) as db, db.transaction() as store:
        assert api_tokens.check_token(store, created["token"], now=datetime.now(UTC)).refusal == "revoked"


def test_token_commands_name_bad_input(database_url: str) -> None:
    runner = CliRunner()
    missing = runner.invoke(cli, ["token", "create", "x", "--user", "ghost", "--database-url", database_url])
    bad_expiry = runner.invoke(cli, ["token", "create", "x", "--user", "ghost", "--expires", "tomorrow",
                                     "--database-url", database_url])
    unknown = runner.invoke(cli, ["token", "revoke", "sd_000000000000", "--database-url", database_url])
    assert missing.exit_code == 1
    assert "no user named 'ghost'" in missing.stderr
    assert bad_expiry.exit_code == 2
    assert "--expires 'tomorrow'" in bad_expiry.stderr
    assert unknown.exit_code == 1
    assert "sellerdesk token list" in unknown.stderr
