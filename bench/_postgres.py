"""A throw-away PostgreSQL database for a benchmark run, or a printed reason why there is none."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import make_url


@contextmanager
def scratch_database(server_url: str) -> Iterator[str | None]:
    """Yield the URL of a new database on *server_url* (dropped afterwards), or ``None`` after printing why not."""
    try:
        import psycopg
    except ImportError:
        print("postgresql skipped: psycopg is not installed (pip install 'sellerdesk[postgres]')")
        yield None
        return
    server = make_url(server_url)
    name = f"sdbench_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(host=server.host, port=server.port, user=server.username,
                                password=server.password, dbname="test", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        print(f"postgresql skipped: {server_url} not reachable ({exc})")
        yield None
        return
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"'.encode())
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())
