"""Shared fixtures: a fresh database per test, on SQLite and on PostgreSQL.

``database_url``
    The URL of a fresh database with the schema at the newest migration and no rows, once per
    backend: ``sqlite`` (a new file in ``tmp_path``) and ``postgresql`` (a new database on
    127.0.0.1:5432, dropped after the test; trust authentication as ``postgres`` or ``root``).
    Any test that takes it runs twice. Each copy comes from a template migrated once per test
    session, because migrating costs most of a second on PostgreSQL.
``empty_database_url``
    The same, but without any table (for tests of the migrations themselves).
``db``
    :class:`sellerdesk.services.database.Database` opened on ``database_url``::

        def test_something(db):
            with db.transaction() as store:
                store.ensure_store(StoreConfig("acme-us", ("US",)))

When PostgreSQL is unreachable the ``postgresql`` runs skip with the reason, or fail when
``CI=true``. Safe under ``pytest -n 2``: every database has a unique name.
``SELLERDESK_TEST_POSTGRES`` (e.g. ``postgresql+psycopg://me@db.local:5433``) points the
fixtures at another server.
"""

from __future__ import annotations

import os
import shutil
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
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


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


def _unique(prefix: str) -> str:
    return f"{prefix}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def _postgres_template() -> Iterator[tuple[URL, str]]:
    """A PostgreSQL database migrated to the newest schema, copied by every test that needs one."""
    server = _postgres_server()
    name = _unique("sdtemplate")
    with _admin_connection(server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"'.encode())
    try:
        open_database(server.set(database=name).render_as_string(hide_password=False)).close()
        yield server, name
    finally:
        with _admin_connection(server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to the newest schema (closed, so its WAL is folded in)."""
    path = tmp_path_factory.mktemp("template") / "sellerdesk.db"
    open_database(f"sqlite:///{path}").close()
    return path


def _postgres_database(server: URL, *, template: str | None) -> Iterator[str]:
    name = _unique("sdtest")
    with _admin_connection(server) as admin:
        suffix = f' TEMPLATE "{template}"' if template else ""
        admin.execute(f'CREATE DATABASE "{name}"{suffix}'.encode())
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with _admin_connection(server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh database with the newest schema and no rows (SQLite file or PostgreSQL database)."""
    if request.param == "sqlite":
        path = tmp_path / "sellerdesk.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    server, template = request.getfixturevalue("_postgres_template")
    yield from _postgres_database(server, template=template)


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh database without any table."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    yield from _postgres_database(_postgres_server(), template=None)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """The database at ``database_url``, opened (already at the newest schema); closed after the test."""
    database = open_database(database_url)
    try:
        yield database
    finally:
        database.close()
