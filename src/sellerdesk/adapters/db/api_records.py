"""Queries of the JSON API's tables: API tokens and the idempotency keys of replies sent through it.

Works inside a :class:`~sellerdesk.adapters.db.store.SqlStore`'s session; the service owns the
transaction. Every public method raises :class:`sellerdesk.errors.StoreError`, never a
SQLAlchemy error.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from sellerdesk.adapters.db.engine import translated
from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import ApiIdempotencyKey, ApiToken, User


class ApiRecords:
    """Reads and writes of ``api_tokens`` and ``api_idempotency_keys`` over a store's session."""

    def __init__(self, store: SqlStore) -> None:
        self.session = store.session

    def add_token(self, token: ApiToken) -> ApiToken:
        """Insert *token* (its id is set on return)."""
        with translated("API token write"):
            self.session.add(token)
            self.session.flush()
            return token

    def token_by_prefix(self, prefix: str) -> ApiToken | None:
        """The token whose lookup prefix is *prefix*, or ``None``."""
        with translated("API token lookup"):
            return self.session.scalars(select(ApiToken).where(ApiToken.prefix == prefix)).one_or_none()

    def token_by_id(self, token_id: int) -> ApiToken | None:
        """The token with id *token_id*, or ``None``."""
        with translated("API token lookup"):
            return self.session.get(ApiToken, token_id)

    def tokens(self) -> list[tuple[ApiToken, str]]:
        """Every token with its user's name, oldest first."""
        with translated("API token listing"):
            rows = self.session.execute(select(ApiToken, User.name).join(User, User.id == ApiToken.user_id)
                                        .order_by(ApiToken.id))
            return [(token, name) for token, name in rows]

    def idempotency_key(self, user_id: int, key: str) -> ApiIdempotencyKey | None:
        """The record of *user_id*'s *key*, or ``None`` when the key is new."""
        with translated("idempotency key lookup"):
            return self.session.scalars(select(ApiIdempotencyKey).where(
                ApiIdempotencyKey.user_id == user_id, ApiIdempotencyKey.key == key)).one_or_none()

    def claim_idempotency_key(self, row: ApiIdempotencyKey) -> bool:
        """Insert *row*; ``False`` when another transaction holds the same user and key.

        On PostgreSQL the insert waits for a concurrent transaction that inserted the same key;
        when that one commits, the unique key refuses this one (inside a savepoint, so the
        caller's transaction stays usable and can read the other's record).
        """
        with translated("idempotency key write"):
            try:
                with self.session.begin_nested():
                    self.session.add(row)
                    self.session.flush()
            except IntegrityError:
                return False
            return True

    def flush(self) -> None:
        """Write pending changes of the session (e.g. a token's last use)."""
        with translated("API record write"):
            self.session.flush()
