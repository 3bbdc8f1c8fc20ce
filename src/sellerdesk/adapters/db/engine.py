"""The database engine: one SQLAlchemy engine per URL, Alembic migrations, sessions.

SQLite is the embedded default; PostgreSQL (through psycopg) serves larger teams. Both get
the same schema from the Alembic migrations shipped inside the package
(``sellerdesk/adapters/db/migrations``), so an installed wheel can create or upgrade its
database without any files outside the package.

SQLite is opened in WAL mode with foreign keys on and a busy timeout, and write
transactions start with ``BEGIN IMMEDIATE``: a deferred transaction that later wants to
write can fail at once with "database is locked" when another process wrote in between,
whereas an immediate one waits for the lock (up to the busy timeout).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from sellerdesk.adapters.db.response_times import track_response_times
from sellerdesk.errors import ConfigError, StoreError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 30_000
SQLITE_BEGIN_OPTION = "sellerdesk_sqlite_begin"
"""Execution option naming how a SQLite transaction begins: ``IMMEDIATE`` (default) or ``DEFERRED``."""

_URL_HINT = 'use "sqlite:///path/to/sellerdesk.db" or "postgresql+psycopg://user@host/dbname"'
# Any 64-bit constant works: it only has to be the same for every sellerdesk process.
_MIGRATION_LOCK_ID = 0x5E11E5D35C


def create_engine_for(url: str) -> Engine:
    """Create the engine for *url* (the configuration's ``database_url``).

    SQLite: creates the parent folder, turns on WAL, foreign keys and a busy timeout.
    PostgreSQL: uses psycopg 3 (``postgresql://`` is read as ``postgresql+psycopg://``).

    Raises:
        ConfigError: the URL is not a database URL, names an unsupported database, or
            needs psycopg which is not installed.
    """
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise ConfigError(f"database_url {url!r} is not a database URL; {_URL_HINT}") from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed)
    if backend == "postgresql":
        return _postgresql_engine(parsed)
    raise ConfigError(f"database_url {parsed.render_as_string(hide_password=True)!r}: "
                      f"unsupported database {backend!r}; {_URL_HINT}")


def _sqlite_engine(url: URL) -> Engine:
    if url.drivername != "sqlite" and url.drivername != "sqlite+pysqlite":
        raise ConfigError(f"database_url: SQLite driver {url.drivername!r} is not supported; use sqlite:///PATH")
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        folder = Path(database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"database_url: cannot create the folder {folder} for the SQLite file "
                              f"({exc.strerror}); pick a writable path") from exc
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin (savepoints
    # and BEGIN IMMEDIATE need it).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # With WAL, NORMAL survives a process crash intact; a power cut may undo the newest
        # transactions but never corrupts, and a mail and its ingest checkpoint go back together.
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _sqlite_on_begin(connection: Connection) -> None:
    mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "IMMEDIATE")
    connection.exec_driver_sql(f"BEGIN {'DEFERRED' if mode == 'DEFERRED' else 'IMMEDIATE'}")


def _postgresql_engine(url: URL) -> Engine:
    driver = url.get_driver_name()
    if driver in ("psycopg2", "psycopg"):
        # Bare "postgresql://" means psycopg2 to SQLAlchemy; sellerdesk ships with psycopg 3.
        url = url.set(drivername="postgresql+psycopg")
    else:
        raise ConfigError(f"database_url: PostgreSQL driver {driver!r} is not supported; "
                          'use "postgresql+psycopg://..."')
    try:
        import psycopg  # noqa: F401 - only to say clearly that the extra is missing
    except ImportError as exc:
        raise ConfigError("database_url names PostgreSQL but psycopg is not installed; "
                          "run: pip install 'sellerdesk[postgres]'") from exc
    return sa.create_engine(url, pool_pre_ping=True)


def alembic_config(connection: Connection | None = None) -> AlembicConfig:
    """The Alembic configuration of the shipped migrations, optionally bound to *connection*."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def migrate(engine: Engine) -> None:
    """Bring the database schema to the newest migration (Alembic ``upgrade head``).

    Safe to call from several processes at once: PostgreSQL takes an advisory lock and SQLite
    serialises the writers.

    Raises:
        StoreError: the database cannot be reached or refused a migration step.
    """
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID})
            command.upgrade(alembic_config(connection), "head")
    except SQLAlchemyError as exc:
        raise StoreError(f"database {describe(engine)}: migration failed ({_first_line(exc)}); "
                         "check that the server is running and database_url is right") from exc


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """A session factory for *engine*; objects stay readable after commit.

    Before every flush, text is made storable: NUL characters (also in JSON values) become
    U+FFFD, and strings longer than their column are cut to fit. PostgreSQL refuses both, and a
    mail must never become unstorable because of an odd header; SQLite gets the same treatment
    so that both databases hold the same data. (Keys that must stay unique are shortened by
    the services before they get here.) Before every commit, the response times of the threads
    the transaction touched are brought up to date (:mod:`sellerdesk.adapters.db.response_times`).
    """
    factory = sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
    event.listen(factory, "before_flush", _make_storable)
    track_response_times(factory)
    return factory


def _make_storable(session: Session, _context: Any, _instances: Any) -> None:
    for obj in (*session.new, *session.dirty):
        for key, limit in _text_columns(type(obj)):
            value = getattr(obj, key)
            if _has_nul(value):
                value = _without_nul(value)
                setattr(obj, key, value)
            if isinstance(value, str) and limit is not None and len(value) > limit:
                setattr(obj, key, value[:limit])


_NOT_TEXT = (sa.Integer, sa.DateTime, sa.Date, sa.Boolean, sa.Float, sa.Numeric, sa.LargeBinary)
_TEXT_COLUMNS: dict[type, tuple[tuple[str, int | None], ...]] = {}


def _text_columns(cls: type) -> tuple[tuple[str, int | None], ...]:
    # The attributes of a mapped class that can hold text, with their length limits. Worked out
    # once per class: this runs before every flush, for every new or changed row.
    found = _TEXT_COLUMNS.get(cls)
    if found is None:
        columns: list[tuple[str, int | None]] = []
        attributes: Any = sa.inspect(cls).column_attrs
        for attribute in attributes:
            kind = attribute.columns[0].type
            if not isinstance(kind, _NOT_TEXT):
                limit = getattr(kind, "length", None)
                columns.append((attribute.key, limit if isinstance(limit, int) else None))
        found = tuple(columns)
        _TEXT_COLUMNS[cls] = found
    return found


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_without_nul(v) for v in value]
    return value


def describe(engine: Engine) -> str:
    """The engine's URL without its password, for messages."""
    return engine.url.render_as_string(hide_password=True)


def translate(exc: SQLAlchemyError, *, engine: Engine, action: str) -> StoreError:
    """Turn a SQLAlchemy error into a :class:`StoreError` naming the database and the action."""
    return StoreError(f"database {describe(engine)}: {action} failed ({_first_line(exc)})")


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@contextmanager
def translated(what: str) -> Iterator[None]:
    """Turn a SQLAlchemy error inside the block into ``StoreError("database: <what> failed (...)")``."""
    try:
        yield
    except SQLAlchemyError as exc:
        text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        raise StoreError(f"database: {what} failed ({text[0] if text else type(exc).__name__})") from exc
