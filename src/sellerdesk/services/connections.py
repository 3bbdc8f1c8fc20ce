"""Testing a mailbox's IMAP login and a store's SP-API credentials from the configuration.

Each test runs the real thing once: IMAP connect, login and a read-only select of the folder;
Login with Amazon's token exchange (against the store's endpoint, which may be the local
emulator). The outcome is a :class:`ConnectionResult` whose message says what happened and what
to fix; a secret never appears in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sellerdesk.adapters.imap import ImapMailSource
from sellerdesk.adapters.spapi.connect import connect
from sellerdesk.config import MailboxConfig, StoreConfig, resolve_secret
from sellerdesk.errors import ConfigError, MailError, SpApiError

IMAP_TIMEOUT = 15.0
"""Seconds to wait for the IMAP server: a test should answer while the admin waits."""


@dataclass(frozen=True)
class ConnectionResult:
    """The outcome of a connection test: whether it worked and a sentence for the admin."""

    ok: bool
    message: str


def probe_mailbox(mailbox: MailboxConfig) -> ConnectionResult:
    """Log in to *mailbox*'s IMAP server and select its folder read-only; nothing is read or changed."""
    if not mailbox.imap_enabled:
        return ConnectionResult(False, f"{mailbox.label}: imap_enabled is false, so this mailbox is only used "
                                       "for sending; there is no IMAP login to test")
    try:
        password = resolve_secret(mailbox.imap_password_env, what=f"{mailbox.label} IMAP password")
        with ImapMailSource(mailbox, password=password, timeout=IMAP_TIMEOUT) as source:
            folder = source.state
    except (ConfigError, MailError) as exc:
        return ConnectionResult(False, str(exc))
    return ConnectionResult(True, f"{mailbox.label}: logged in and opened {mailbox.imap_folder!r} read-only "
                                  f"({folder.exists} messages, UIDVALIDITY {folder.uidvalidity})")


def probe_spapi(store: StoreConfig, *, env: Mapping[str, str] | None = None) -> ConnectionResult:
    """Exchange *store*'s refresh token for an access token with Login with Amazon (or the emulator)."""
    try:
        with connect(store, env=env) as client:
            client.tokens.access_token()
            endpoint = client.endpoint
    except (ConfigError, SpApiError) as exc:
        return ConnectionResult(False, str(exc))
    return ConnectionResult(True, f"store {store.name!r}: Login with Amazon issued an access token; the SP-API "
                                  f"endpoint is {endpoint}")
