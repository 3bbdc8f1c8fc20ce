"""Opening the database: engine, migrations and transactions in one object.

Every part of sellerdesk that needs the database gets it here::

    db = open_database(config.database_url)
    with db.transaction() as store:       # commits at the end, rolls back on an error
        store.ensure_store(store_config)
    with db.reading() as store:           # read-only: never takes SQLite's write lock
        threads = store.threads(store_id)
    db.close()
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from sellerdesk.adapters.db.engine import (
    SQLITE_BEGIN_OPTION,
    create_engine_for,
    describe,
    make_sessionmaker,
    migrate,
    translate,
)
from sellerdesk.adapters.db.store import SqlStore


class Database:
    """An opened database: hands out transactions, each with its own :class:`SqlStore`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions: sessionmaker[Session] = make_sessionmaker(engine)
        self._read_sessions: sessionmaker[Session] = make_sessionmaker(
            engine.execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"}))

    @property
    def url(self) -> str:
        """The database URL without its password."""
        return describe(self.engine)

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[SqlStore]:
        """A write transaction: yields a :class:`SqlStore`, commits when the block ends.

        An exception in the block rolls everything back and propagates; database errors
        (including at commit) come out as :class:`sellerdesk.errors.StoreError`.
        """
        with self._scope(self._sessions, commit=True) as store:
            yield store

    @contextmanager
    def reading(self) -> Iterator[SqlStore]:
        """A read-only transaction (rolled back at the end); on SQLite it does not block writers."""
        with self._scope(self._read_sessions, commit=False) as store:
            yield store

    @contextmanager
    def _scope(self, factory: sessionmaker[Session], *, commit: bool) -> Iterator[SqlStore]:
        session = factory()
        try:
            yield SqlStore(session)
            if commit:
                session.commit()
        except SQLAlchemyError as exc:
            session.rollback()
            raise translate(exc, engine=self.engine, action="a transaction") from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def close(self) -> None:
        """Close every pooled connection (the object must not be used afterwards)."""
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_database(url: str, *, upgrade: bool = True) -> Database:
    """Open the database at *url* and, unless *upgrade* is false, migrate it to the newest schema.

    Raises:
        ConfigError: *url* is not a usable database URL (or psycopg is missing for PostgreSQL).
        StoreError: the database cannot be reached or migrated.
    """
    engine = create_engine_for(url)
    try:
        if upgrade:
            migrate(engine)
    except BaseException:
        engine.dispose()
        raise
    return Database(engine)
