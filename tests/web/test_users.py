"""Accounts: the users service and the `sellerdesk user add` / `serve` commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sellerdesk.cli import _register, cli
from sellerdesk.errors import InputError, NotFoundError
from sellerdesk.services import users
from sellerdesk.services.database import Database, open_database
from tests.web.conftest import PASSWORD, T0

_register()


def test_passwords_are_stored_as_argon2id_hashes(sqlite_db: Database) -> None:
    with sqlite_db.reading() as store:
        alice = users.require_user(store, "alice")
        assert alice.password_hash.startswith("$argon2id$")
        assert PASSWORD not in alice.password_hash


def test_authenticate(sqlite_db: Database) -> None:
    with sqlite_db.transaction() as store:
        assert users.authenticate(store, name="alice", password=PASSWORD, now=T0) is not None
        assert users.authenticate(store, name="alice", password=PASSWORD + "x", now=T0) is None
        assert users.authenticate(store, name="ghost", password=PASSWORD, now=T0) is None
        users.require_user(store, "vera").active = False
        assert users.authenticate(store, name="vera", password=PASSWORD, now=T0) is None
    with sqlite_db.reading() as store:
        assert users.require_user(store, "alice").last_login_at == T0


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"name": "alice"}, "exists already"),
    ({"name": "bad name!"}, "not valid"),
    ({"role": "owner"}, "not one of admin, agent, viewer"),
    ({"password": "short"}, "at least 10"),
    ({"ui_language": "fr"}, "not one of en, zh_Hans"),
])
def test_bad_users_are_refused_with_the_fix(sqlite_db: Database, kwargs: dict[str, str], message: str) -> None:
    values = {"name": "newbie", "password": PASSWORD, "role": "agent", **kwargs}
    with sqlite_db.transaction() as store, pytest.raises(InputError, match=message):
        users.add_user(store, now=T0, **values)  # type: ignore[arg-type]


def test_an_unknown_store_is_refused(sqlite_db: Database) -> None:
    with sqlite_db.transaction() as store, pytest.raises(NotFoundError, match="acme-fr"):
        users.add_user(store, name="newbie", password=PASSWORD, role="agent", stores=["acme-fr"], now=T0)


def test_who_sees_which_store(sqlite_db: Database) -> None:
    with sqlite_db.reading() as store:
        us, de = store.get_store("acme-us").id, store.get_store("acme-de").id
        assert sorted(users.visible_store_ids(store, users.require_user(store, "alice"))) == sorted([us, de])
        assert users.visible_store_ids(store, users.require_user(store, "bob")) == [de]
        assert sorted(users.visible_store_ids(store, users.require_user(store, "vera"))) == sorted([us, de])
        assert not users.can_answer(users.require_user(store, "vera"))


def test_user_add_takes_the_password_from_the_environment(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    result = runner.invoke(cli, ["user", "add", "carol", "--role", "viewer", "--database-url", url],
                           env={"SELLERDESK_NEW_PASSWORD": PASSWORD, "SELLERDESK_CONFIG": str(tmp_path / "none.toml")})
    assert result.exit_code == 0, result.output
    assert "added viewer 'carol' (every store)" in result.output
    again = runner.invoke(cli, ["user", "add", "carol", "--database-url", url],
                          env={"SELLERDESK_NEW_PASSWORD": PASSWORD, "SELLERDESK_CONFIG": str(tmp_path / "none.toml")})
    assert again.exit_code == 2
    assert "exists already" in again.output
    with open_database(url) as db, db.reading() as store:
        assert users.require_user(store, "carol").role == "viewer"


def test_user_add_prompts_when_no_password_is_in_the_environment(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = CliRunner().invoke(cli, ["user", "add", "dora", "--database-url", url], input=f"{PASSWORD}\n{PASSWORD}\n",
                                env={"SELLERDESK_NEW_PASSWORD": "", "SELLERDESK_CONFIG": str(tmp_path / "no.toml")})
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output


def test_serve_refuses_the_demo_login_off_loopback(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--allow-demo-login",
                                      "--database-url", f"sqlite:///{tmp_path / 'x.db'}"],
                                env={"SELLERDESK_CONFIG": str(tmp_path / "no.toml")})
    assert result.exit_code == 2
    assert "never be reachable from other machines" in result.output
