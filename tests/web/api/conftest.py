"""JSON API fixtures: API tokens of the seeded users, and threads in both stores."""

from __future__ import annotations

from datetime import UTC, datetime

from sellerdesk.services import api_tokens
from sellerdesk.services.database import Database
from tests.web.conftest import T0, add_mail, relay_mail


def token_for(db: Database, user: str, *, name: str = "erp", created: datetime | None = None,
              expires_at: datetime | None = None) -> str:
    """A new API token of *user* (created now unless *created* says otherwise)."""
    with db.transaction() as store:
        _, token = api_tokens.create_token(store, name=name, user_name=user, now=created or datetime.now(UTC),
                                           created_by="test", expires_at=expires_at)
    return token


def bearer(token: str) -> dict[str, str]:
    """The Authorization header carrying *token*."""
    return {"Authorization": f"Bearer {token}"}


def add_threads(db: Database) -> dict[str, int]:
    """Two buyer threads in acme-us (one asks for tracking) and one in acme-de; their ids by name."""
    return {
        "us_tracking": add_mail(db, "acme-us", relay_mail(1, text="Can you send me the tracking number?"), at=T0),
        "us_broken": add_mail(db, "acme-us", relay_mail(2, text="The kettle arrived broken.", buyer_name="Sam"),
                              at=T0),
        "de": add_mail(db, "acme-de", relay_mail(3, text="Wo ist meine Bestellung?", domain="de",
                                                 buyer_name="Lena"), at=T0),
    }
