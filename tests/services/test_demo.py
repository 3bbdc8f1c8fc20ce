"""`sellerdesk demo` fills a real database with the demo inbox through the real storing path."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from sellerdesk.adapters.db.tables import Message, Store, Thread
from sellerdesk.cli import _register, cli
from sellerdesk.config import load_config
from sellerdesk.errors import ConfigError
from sellerdesk.services.database import open_database
from sellerdesk.services.demo import write_demo

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def test_the_demo_inbox_has_stores_marketplaces_languages_and_quarantined_mail(database_url: str,
                                                                                tmp_path: Path) -> None:
    summary = write_demo(database_url=database_url, config_path=tmp_path / "demo.toml", now=NOW, threads=60)
    assert summary.outcomes["quarantined"] == 4
    assert summary.outcomes["duplicate"] == 0
    assert summary.threads == 60
    with open_database(database_url) as db, db.reading() as store:
        session = store.session
        assert session.scalar(select(func.count()).select_from(Store)) == 3
        marketplaces = set(session.scalars(select(Thread.marketplace).distinct()))
        languages = set(session.scalars(select(Message.language).where(Message.kind == "buyer_message").distinct()))
        states = set(session.scalars(select(Thread.state).distinct()))
        quarantined = session.scalar(select(func.count()).select_from(Message).where(Message.state == "quarantined"))
        inbound = session.scalars(select(Message.received_at).where(Message.direction == "in")).all()
    assert len(marketplaces) >= 5
    assert {"en", "de", "fr", "es", "it", "ja"} <= languages
    assert {"open", "answered"} <= states
    assert quarantined == 4
    assert all(NOW.timestamp() - 73 * 3600 <= t.timestamp() <= NOW.timestamp() + 31 * 3600 for t in inbound)


def test_the_demo_configuration_loads_and_sends_to_a_folder(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    write_demo(database_url=url, config_path=tmp_path / "demo.toml", now=NOW, threads=19)
    config = load_config(tmp_path / "demo.toml", env={})
    assert config.outbox_folder == str((tmp_path / "demo-outbox").resolve())
    assert [m.imap_enabled for m in config.mailboxes] == [False, False, False]
    assert all(m.from_address for m in config.mailboxes)


def test_a_second_demo_into_the_same_database_is_refused_unless_reset(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    write_demo(database_url=url, config_path=tmp_path / "demo.toml", now=NOW, threads=19)
    with pytest.raises(ConfigError, match="--reset"):
        write_demo(database_url=url, config_path=tmp_path / "demo.toml", now=NOW, threads=19)
    again = write_demo(database_url=url, config_path=tmp_path / "demo.toml", now=NOW, threads=19, reset=True)
    assert again.outcomes["duplicate"] == 0


def test_reset_refuses_a_server_database(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not one"):
        write_demo(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none", config_path=tmp_path / "d.toml",
                   now=NOW, reset=True)


def test_demo_and_inbox_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _register()
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    made = runner.invoke(cli, ["demo", "--database-url", "sqlite:///d.db", "--threads", "19",
                               "--now", "2026-11-22T12:00:00Z"])
    assert made.exit_code == 0, made.output
    assert '"threads": 19' in made.output
    shown = runner.invoke(cli, ["inbox", "--config", "sellerdesk-demo.toml", "--limit", "5"])
    assert shown.exit_code == 0, shown.output
    assert "sellerdesk inbox" in shown.output
    assert shown.output.count("\n") > 5
