"""Alembic environment of sellerdesk's shipped migrations.

Normally run through :func:`sellerdesk.adapters.db.engine.migrate`, which hands over an open
connection. From the command line (to write a new revision) it connects to
``sqlalchemy.url`` of ``alembic.ini`` or, when set, ``SELLERDESK_DATABASE_URL``.
"""

from __future__ import annotations

import os
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection

from sellerdesk.adapters.db.tables import Base, UtcDateTime

config = context.config
target_metadata = Base.metadata


def _render_item(kind: str, obj: Any, _context: AutogenContext) -> str | Literal[False]:
    # Migrations are frozen history: they must not import our column types, which may change.
    if kind == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime()"
    return False


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_item=_render_item,
        # SQLite cannot ALTER most things in place; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def _run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    from sellerdesk.adapters.db.engine import create_engine_for

    url = os.environ.get("SELLERDESK_DATABASE_URL") or config.get_main_option("sqlalchemy.url")
    engine = create_engine_for(url or "sqlite:///sellerdesk.db")
    with engine.begin() as connection:
        _configure(connection)
    engine.dispose()


_run()
