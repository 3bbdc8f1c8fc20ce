"""Migration 0007 fills the response times of stored messages; one transaction recomputes thousands of threads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import command

from sellerdesk.adapters.db.engine import alembic_config, create_engine_for, migrate
from sellerdesk.adapters.db.response_times import rebuild
from sellerdesk.adapters.db.tables import Message, Thread, ThreadClock
from sellerdesk.config import StoreConfig
from sellerdesk.services.database import Database, open_database
from sellerdesk.services.response_metrics import response_metrics

T0 = datetime(2026, 1, 5, 9, 0)  # naive UTC, as the tables store it


def _message(row_id: int, thread_id: int, direction: str, at: datetime, **extra: Any) -> dict[str, Any]:
    return {"id": row_id, "store_id": 1, "thread_id": thread_id, "direction": direction,
            "kind": "buyer_message" if direction == "in" else "reply", "message_key": f"k{row_id}", "text": "",
            "sent_at": at, "received_at": at, "created_at": at, "state": "stored" if direction == "in" else "sent",
            "details": "{}", "parser_version": 0, **extra}


def test_the_migration_fills_response_times_from_stored_messages(empty_database_url: str) -> None:
    engine = create_engine_for(empty_database_url)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "0006")
            tables = sa.MetaData()
            tables.reflect(connection, only=["stores", "threads", "messages", "message_exclusions"])
            connection.execute(tables.tables["stores"].insert(), [
                {"id": 1, "name": "acme-us", "marketplaces": "[]", "timezone": "UTC", "created_at": T0}])
            connection.execute(tables.tables["threads"].insert(), [
                {"id": t, "store_id": 1, "thread_key": f"t{t}", "state": "open", "marketplace": "US",
                 "created_at": T0, "updated_at": T0, "assigned_to": "amy"} for t in (1, 2, 3)])
            connection.execute(tables.tables["messages"].insert(), [
                _message(1, 1, "in", T0), _message(2, 1, "out", T0 + timedelta(hours=3)),  # on time
                _message(3, 2, "in", T0), _message(4, 2, "out", T0 + timedelta(hours=30)),  # late
                _message(5, 3, "in", T0 + timedelta(days=40)),  # never answered
                _message(6, 3, "in", T0 + timedelta(days=41)),  # marked below
            ])
            connection.execute(tables.tables["message_exclusions"].insert(), [
                {"message_id": 6, "actor": "bo", "reason": "thanks only", "at": T0}])
        migrate(engine)
    finally:
        engine.dispose()
    db = open_database(empty_database_url)
    try:
        with db.reading() as store:
            figures = response_metrics(store, start=T0.replace(tzinfo=UTC), end=datetime(2026, 6, 1, tzinfo=UTC))
    finally:
        db.close()
    assert (figures.received, figures.on_time, figures.late, figures.no_response, figures.excluded) == (4, 1, 1, 1, 1)
    assert figures.average_response == timedelta(hours=16.5)


def test_one_transaction_can_recompute_thousands_of_threads(db: Database) -> None:
    # PostgreSQL's lock table holds a few thousand locks: one advisory lock per thread would run out.
    with db.transaction() as store:
        shop = store.ensure_store(StoreConfig("acme-us", ("US",))).id
        at = T0.replace(tzinfo=UTC)
        store.session.execute(sa.insert(Thread), [
            {"id": t, "store_id": shop, "thread_key": f"t{t}", "state": "open", "marketplace": "US",
             "created_at": at, "updated_at": at} for t in range(1, 7001)])
        store.session.execute(sa.insert(Message), [
            {**_message(t, t, "in", at), "store_id": shop, "details": {}} for t in range(1, 7001)])
        rebuild(store.session.connection())
        waiting = store.session.scalar(sa.select(sa.func.count()).select_from(ThreadClock))
    assert waiting == 7000
