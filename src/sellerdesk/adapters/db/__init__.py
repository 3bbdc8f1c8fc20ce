"""The database adapter: SQLAlchemy tables, the store, Alembic migrations."""

# Every table module, so that Base.metadata (Alembic, create_all) holds every table however the package is entered.
from sellerdesk.adapters.db import after_sales_tables, tables

__all__ = ["after_sales_tables", "tables"]
