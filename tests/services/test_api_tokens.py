"""API tokens: stored only as a hash, checked with the user's current standing, revoked, expired (both databases)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from sellerdesk.adapters.db.tables import ApiToken, AuditEntry
from sellerdesk.errors import InputError, NotFoundError
from sellerdesk.services import api_tokens, users
from sellerdesk.services.database import Database

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def add_agent(db: Database, name: str = "erp") -> None:
    with db.transaction() as store:
        users.add_user(store, name=name, password="correct horse battery", role="agent", now=T0)


def test_the_token_is_shown_once_and_only_its_hash_is_kept(db: Database) -> None:
    add_agent(db)
    with db.transaction() as store:
        row, token = api_tokens.create_token(store, name="erp-sync", user_name="erp", now=T0, created_by="cli:root")
        assert token.startswith(f"sd_{row.prefix}_")
    with db.reading() as store:
        kept = store.session.get(ApiToken, row.id)
        assert kept is not None
        stored = json.dumps([getattr(kept, c.name) for c in ApiToken.__table__.columns], default=str)
        audit = json.dumps([e.detail for e in store.session.scalars(select(AuditEntry))], default=str)
    secret = token.split("_", 2)[2]
    assert secret not in stored
    assert secret not in audit
    assert kept.secret_hash == api_tokens.token_hash(token)


def test_a_good_token_gives_its_user_and_records_the_last_use_to_the_minute(db: Database) -> None:
    add_agent(db)
    with db.transaction() as store:
        _, token = api_tokens.create_token(store, name="erp", user_name="erp", now=T0, created_by="t")
    for seconds, expected in ((0, T0), (30, T0), (90, T0 + timedelta(seconds=90))):
        with db.transaction() as store:
            found = api_tokens.check_token(store, token, now=T0 + timedelta(seconds=seconds))
            assert found.user is not None
            assert found.token is not None
            assert found.user.name == "erp"
            api_tokens.record_use(store, found.token.id, now=T0 + timedelta(seconds=seconds))
        with db.reading() as store:
            assert api_tokens.list_tokens(store, now=T0)[0]["last_used_at"] == expected.isoformat()


def test_refusals_say_why(db: Database) -> None:
    add_agent(db)
    with db.transaction() as store:
        _, token = api_tokens.create_token(store, name="erp", user_name="erp", now=T0, created_by="t",
                                           expires_at=T0 + timedelta(days=1))
        assert api_tokens.check_token(store, "sd_nope", now=T0).refusal == "malformed"
        assert api_tokens.check_token(store, token[:-1] + ("x" if token[-1] != "x" else "y"),
                                      now=T0).refusal == "unknown"
        assert api_tokens.check_token(store, token, now=T0 + timedelta(days=1)).refusal == "expired"
        assert api_tokens.revoke_token(store, ident=token, now=T0, actor="t")["state"] == "revoked"
        assert api_tokens.check_token(store, token, now=T0).refusal == "revoked"


def test_revoking_by_id_or_prefix_and_unknown_tokens(db: Database) -> None:
    add_agent(db)
    with db.transaction() as store:
        row, _ = api_tokens.create_token(store, name="erp", user_name="erp", now=T0, created_by="t")
        assert api_tokens.revoke_token(store, ident=str(row.id), now=T0, actor="t")["revoked_at"] == T0.isoformat()
        later = T0 + timedelta(hours=1)
        assert api_tokens.revoke_token(store, ident=f"sd_{row.prefix}", now=later, actor="t")["revoked_at"] == \
            T0.isoformat()
        with pytest.raises(NotFoundError, match="token list"):
            api_tokens.find_token(store, "sd_000000000000")
        assert [e.action for e in store.audit_entries()] == ["api_token.revoke", "api_token.create"]


def test_bad_names_missing_users_and_past_expiry_are_refused(db: Database) -> None:
    add_agent(db)
    with db.transaction() as store:
        with pytest.raises(InputError, match="token name"):
            api_tokens.create_token(store, name="", user_name="erp", now=T0, created_by="t")
        with pytest.raises(NotFoundError, match="no user named 'ghost'"):
            api_tokens.create_token(store, name="x", user_name="ghost", now=T0, created_by="t")
        with pytest.raises(InputError, match="not in the future"):
            api_tokens.create_token(store, name="x", user_name="erp", now=T0, created_by="t", expires_at=T0)


def test_expiry_from_durations_and_times() -> None:
    assert api_tokens.expiry_from("90d", now=T0) == T0 + timedelta(days=90)
    assert api_tokens.expiry_from("12h", now=T0) == T0 + timedelta(hours=12)
    assert api_tokens.expiry_from("2027-01-31T00:00:00Z", now=T0) == datetime(2027, 1, 31, tzinfo=UTC)
    for bad in ("soon", "2027-01-31", "2020-01-01T00:00:00Z"):
        with pytest.raises(InputError, match="--expires"):
            api_tokens.expiry_from(bad, now=T0)
