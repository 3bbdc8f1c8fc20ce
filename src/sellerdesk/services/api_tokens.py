"""API tokens: an ERP calls the JSON API as a sellerdesk user with a bearer token.

A token reads ``sd_<prefix>_<secret>``: the 12-character prefix finds its row, the secret
(32 random bytes) makes it unguessable. Only the SHA-256 of the whole token is stored, and the
token is shown once, when it is created; a lost token is revoked and replaced. A fast hash is
enough because the secret is random and long (nothing to guess with a dictionary), unlike a
password. The token acts with its user's role and store access as they are at each request,
so changing the user changes every token of theirs; a deactivated user's tokens stop working.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sellerdesk.adapters.db.api_records import ApiRecords
from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import ApiToken, User
from sellerdesk.core.compliance.records import parse_time
from sellerdesk.errors import InputError, NotFoundError
from sellerdesk.services import users

TOKEN_START = "sd_"
PREFIX_LENGTH = 12
_TOKEN = re.compile(r"^sd_([0-9a-f]{12})_[A-Za-z0-9_-]{20,200}$")
_NAME = re.compile(r"^[^\x00-\x1f\x7f]{1,100}$")
_DURATION = re.compile(r"^(\d{1,5})([dh])$")
LAST_USED_RESOLUTION = timedelta(minutes=1)
"""The last-use time is written at most this often per token (not on every request)."""


@dataclass(frozen=True)
class TokenCheck:
    """The outcome of checking a bearer token: the token and its user, or why it was refused.

    ``refusal`` is one of ``malformed``, ``unknown``, ``revoked``, ``expired`` and
    ``user_inactive``, with ``message`` saying what to do.
    """

    token: ApiToken | None = None
    user: User | None = None
    refusal: str | None = None
    message: str = ""


def token_hash(token: str) -> str:
    """The hex SHA-256 of *token* as stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def expiry_from(text: str, *, now: datetime) -> datetime:
    """When a token given ``--expires TEXT`` at *now* expires: ``90d``, ``12h`` or an ISO 8601 time.

    Raises:
        InputError: *text* is none of those, or not in the future.
    """
    found = _DURATION.match(text.strip())
    if found:
        amount, unit = int(found.group(1)), found.group(2)
        at = now + (timedelta(days=amount) if unit == "d" else timedelta(hours=amount))
    else:
        try:
            parsed = parse_time(text.strip(), "expires")
        except InputError as exc:
            raise InputError(f"--expires {text!r}: give a duration such as 90d or 12h, or an ISO 8601 time "
                             "with a zone such as 2027-01-31T00:00:00Z") from exc
        assert parsed is not None
        at = parsed
    if at <= now:
        raise InputError(f"--expires {text!r} is not in the future; give a later time")
    return at


def create_token(store: SqlStore, *, name: str, user_name: str, now: datetime, created_by: str,
                 expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Create a token for *user_name*; returns the row and the token itself (shown once, never stored).

    Args:
        store: the repository of the caller's transaction.
        name: what the token is for (e.g. ``erp-sync``), up to 100 characters.
        user_name: the user the token acts as (role and store access).
        now: the current time.
        created_by: who made it (for the audit log).
        expires_at: when it stops working (default: never; revoke it instead).

    Raises:
        InputError: bad name, an inactive user, or an expiry in the past.
        NotFoundError: no such user.
    """
    if not _NAME.match(name) or not name.strip():
        raise InputError(f"token name {name!r} is not valid: use 1 to 100 printable characters, e.g. erp-sync")
    user = users.require_user(store, user_name)
    if not user.active:
        raise InputError(f"user {user_name!r} is deactivated; a token of theirs would not work")
    if expires_at is not None and expires_at <= now:
        raise InputError("the expiry time is not in the future; give a later time")
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    token = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiRecords(store).add_token(ApiToken(
        name=name, user_id=user.id, prefix=prefix, secret_hash=token_hash(token), created_by=created_by,
        created_at=now, expires_at=expires_at))
    store.audit(created_by, "api_token.create", at=now,
                detail={"token": row.id, "name": name, "user": user.name, "prefix": prefix,
                        "expires_at": expires_at.isoformat() if expires_at else None})
    return row, token


def token_state(token: ApiToken, *, now: datetime) -> str:
    """``active``, ``revoked`` or ``expired``."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "active"


def token_line(token: ApiToken, *, user_name: str, now: datetime) -> dict[str, Any]:
    """A token as ``sellerdesk token list`` prints it (never the token or its hash)."""
    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {"id": token.id, "name": token.name, "user": user_name, "prefix": f"{TOKEN_START}{token.prefix}",
            "state": token_state(token, now=now), "created_at": iso(token.created_at),
            "created_by": token.created_by, "expires_at": iso(token.expires_at),
            "last_used_at": iso(token.last_used_at), "revoked_at": iso(token.revoked_at)}


def list_tokens(store: SqlStore, *, now: datetime) -> list[dict[str, Any]]:
    """Every token, oldest first, as :func:`token_line` gives them."""
    return [token_line(token, user_name=name, now=now) for token, name in ApiRecords(store).tokens()]


def find_token(store: SqlStore, ident: str) -> ApiToken:
    """The token named by its id, its prefix (``sd_1a2b...``) or the whole token.

    Raises:
        NotFoundError: no token matches.
    """
    records = ApiRecords(store)
    text = ident.strip()
    found = records.token_by_id(int(text)) if text.isdigit() and len(text) < 10 else None
    if found is None:
        prefix = text.removeprefix(TOKEN_START)[:PREFIX_LENGTH]
        found = records.token_by_prefix(prefix) if len(prefix) == PREFIX_LENGTH else None
    if found is None:
        raise NotFoundError(f"no API token {ident!r}; `sellerdesk token list` shows the ids and prefixes")
    return found


def revoke_token(store: SqlStore, *, ident: str, now: datetime, actor: str) -> dict[str, Any]:
    """Revoke a token (see :func:`find_token`); it answers 401 from then on. Revoking twice changes nothing.

    Returns:
        The token as :func:`token_line` gives it.

    Raises:
        NotFoundError: no token matches *ident*.
    """
    token = find_token(store, ident)
    if token.revoked_at is None:
        token.revoked_at = now
        store.audit(actor, "api_token.revoke", at=now, detail={"token": token.id, "name": token.name,
                                                                "prefix": token.prefix})
        ApiRecords(store).flush()
    owner = store.session.get(User, token.user_id)
    return token_line(token, user_name=owner.name if owner is not None else "", now=now)


def check_token(store: SqlStore, token: str, *, now: datetime) -> TokenCheck:
    """Check a bearer token (reads only: see :func:`record_use` for the last-use time).

    Args:
        store: the repository of a reading (or write) transaction.
        token: the token as sent (``sd_...``).
        now: the current time.
    """
    found = _TOKEN.match(token)
    if not found:
        return TokenCheck(refusal="malformed", message="the bearer token is not a sellerdesk API token "
                          "(sd_...); send 'Authorization: Bearer sd_...' with the token `sellerdesk token create` "
                          "printed")
    row = ApiRecords(store).token_by_prefix(found.group(1))
    if row is None or not hmac.compare_digest(row.secret_hash, token_hash(token)):
        return TokenCheck(refusal="unknown", message="the API token is not known; ask an admin for a new one "
                          "(`sellerdesk token create`)")
    state = token_state(row, now=now)
    if state != "active":
        return TokenCheck(refusal=state, message=f"the API token {row.name!r} was {state}; ask an admin for a new "
                          "one (`sellerdesk token create`)")
    user = users.get_user(store, row.user_id)
    if user is None:
        return TokenCheck(refusal="user_inactive", message=f"the user of API token {row.name!r} is deactivated; "
                          "an admin can reactivate the account or give the ERP another user's token")
    return TokenCheck(token=row, user=user)


def use_is_news(token: ApiToken, *, now: datetime) -> bool:
    """True when the token's recorded last use is older than :data:`LAST_USED_RESOLUTION` (or missing)."""
    return token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION


def record_use(store: SqlStore, token_id: int, *, now: datetime) -> None:
    """Record that token *token_id* was used at *now* (at most once per :data:`LAST_USED_RESOLUTION`).

    A write, kept apart from :func:`check_token` so that most requests only read.
    """
    row = ApiRecords(store).token_by_id(token_id)
    if row is not None and use_is_news(row, now=now):
        row.last_used_at = now
        ApiRecords(store).flush()
