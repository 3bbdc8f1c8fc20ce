"""The database adapter: SQLAlchemy tables, the store, Alembic migrations."""
