"""The database engine: URLs, SQLite settings, migrations on both databases, sessions."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from sellerdesk.adapters.db.engine import alembic_config, create_engine_for, migrate
from sellerdesk.adapters.db.tables import Base, Store
from sellerdesk.config import StoreConfig
from sellerdesk.errors import ConfigError, StoreError
from sellerdesk.services.database import Database, open_database


@pytest.mark.parametrize("url", ["not a url", "mysql://u@h/db", "sqlite+aiosqlite:///x.db",
                                 "postgresql+asyncpg://u@h/db"])
def test_a_wrong_url_names_database_url(url: str) -> None:
    with pytest.raises(ConfigError, match="database_url"):
        create_engine_for(url)


def test_sqlite_creates_its_folder_and_turns_on_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "sd.db"
    engine = create_engine_for(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert path.parent.is_dir()
    finally:
        engine.dispose()


def test_a_bare_postgresql_url_means_psycopg_3() -> None:
    engine = create_engine_for("postgresql://someone@127.0.0.1:1/none")
    try:
        assert engine.dialect.driver == "psycopg"
    finally:
        engine.dispose()


def test_without_psycopg_the_message_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # what Python does for a module that is absent
    with pytest.raises(ConfigError, match=r"pip install 'sellerdesk\[postgres\]'"):
        create_engine_for("postgresql+psycopg://someone@127.0.0.1/db")


def test_an_unreachable_database_is_a_store_error_naming_it() -> None:
    with pytest.raises(StoreError, match=r"127\.0\.0\.1:1"):
        open_database("postgresql+psycopg://someone@127.0.0.1:1/none")


def test_migrations_match_the_tables_and_run_twice(empty_database_url: str) -> None:
    engine = create_engine_for(empty_database_url)
    try:
        migrate(engine)
        migrate(engine)  # a second run is a no-op
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                           Base.metadata)
            tables = set(sa.inspect(connection).get_table_names())
        assert differences == []
        assert {t.name for t in Base.metadata.sorted_tables} <= tables
    finally:
        engine.dispose()


def test_migrations_go_down_and_up_again(empty_database_url: str) -> None:
    engine = create_engine_for(empty_database_url)
    try:
        migrate(engine)
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "base")
        with engine.connect() as connection:
            assert set(sa.inspect(connection).get_table_names()) <= {"alembic_version"}
        migrate(engine)
        with engine.connect() as connection:
            assert "messages" in sa.inspect(connection).get_table_names()
    finally:
        engine.dispose()


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(StoreError, match="database"), db.transaction() as store:
        store.session.execute(sa.text(
            "INSERT INTO buyers (store_id, alias, first_seen_at) VALUES (999, 'x', '2026-01-01 00:00:00')"))


def test_times_come_back_in_utc(db: Database) -> None:
    tokyo = timezone(timedelta(hours=9))
    created = datetime(2026, 3, 29, 9, 30, tzinfo=tokyo)
    with db.transaction() as store:
        store.ensure_store(StoreConfig("acme-jp", ("JP",)), now=created)
    with db.reading() as store:
        row = store.get_store("acme-jp")
    assert row.created_at == created
    assert row.created_at.tzinfo == UTC
    assert row.created_at.hour == 0


def test_naive_times_are_refused(db: Database) -> None:
    with pytest.raises(StoreError, match="naive datetime"), db.transaction() as store:
        store.ensure_store(StoreConfig("acme-us", ("US",)), now=datetime(2026, 1, 1))


def _store_then_fail(db: Database) -> None:
    with db.transaction() as store:
        store.ensure_store(StoreConfig("acme-us", ("US",)))
        raise RuntimeError("boom")


def test_a_failed_transaction_leaves_nothing(db: Database) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        _store_then_fail(db)
    with db.reading() as store:
        assert store.session.scalars(sa.select(Store)).all() == []
