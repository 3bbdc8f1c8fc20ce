"""Shared fixtures: a fresh database per test, on SQLite and on PostgreSQL.

``database_url``
    A URL of an empty database, once per backend: ``sqlite`` (a new file in ``tmp_path``) and
    ``postgresql`` (a new database on 127.0.0.1:5432, created before and dropped after the
    test; trust authentication as ``postgres`` or ``root``). Any test that takes it runs
    twice. When PostgreSQL is unreachable the ``postgresql`` run is skipped with the reason,
    or fails when ``CI=true``. Safe under ``pytest -n 2``: every database has a unique name.
    ``SELLERDESK_TEST_POSTGRES`` (e.g. ``postgresql+psycopg://me@db.local:5433``) points the
    fixture at another server.

``db``
    :class:`sellerdesk.services.database.Database` opened (and migrated) on ``database_url``::

        def test_something(db):
            with db.transaction() as store:
                store.ensure_store(StoreConfig("acme-us", ("US",)))
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import URL, make_url

from sellerdesk.services.database import Database, open_database
from tests.servers import missing, tcp_reachable

try:
    import psycopg
except ImportError:  # without the postgres extra, the PostgreSQL runs skip (fail under CI=true)
    psycopg = None  # type: ignore[assignment]

DEFAULT_POSTGRES = "postgresql+psycopg://127.0.0.1:5432"


def _admin_connection(server: URL) -> Any:
    """An autocommit connection to the existing database ``test`` of *server*."""
    return psycopg.connect(host=server.host, port=server.port, user=server.username, password=server.password,
                           dbname="test", autocommit=True, connect_timeout=3)


def _postgres_server() -> URL:
    """The server's URL (no database) with a user that can log in, or fail/skip when there is none."""
    if psycopg is None:
        missing("psycopg is not installed (pip install -e '.[dev]')")
    base = make_url(os.environ.get("SELLERDESK_TEST_POSTGRES", DEFAULT_POSTGRES))
    host, port = base.host or "127.0.0.1", base.port or 5432
    if not tcp_reachable(host, port):
        missing(f"PostgreSQL is not reachable at {host}:{port} (start it, or set SELLERDESK_TEST_POSTGRES)")
    users = [base.username] if base.username else ["postgres", "root"]
    for user in users:
        server = base.set(host=host, port=port, username=user, database=None)
        try:
            with _admin_connection(server):
                return server
        except psycopg.OperationalError:
            continue
    missing(f"PostgreSQL at {host}:{port} refused users {users} on database 'test'")
    raise AssertionError("unreachable")  # missing() always raises


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh, empty database (SQLite file, or a new PostgreSQL database)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'sellerdesk.db'}"
        return
    server = _postgres_server()
    name = f"sdtest_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:12]}"
    with _admin_connection(server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"'.encode())
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with _admin_connection(server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """The database at ``database_url``, opened and migrated; closed after the test."""
    database = open_database(database_url)
    try:
        yield database
    finally:
        database.close()
