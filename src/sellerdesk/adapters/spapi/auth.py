"""Login with Amazon (LWA): a store's app credentials and refresh token, and the access tokens they buy.

Secrets never live in the configuration file or the database: the configuration names the
environment variables that hold them (``spapi_refresh_token_env``, ``spapi_client_id_env``,
``spapi_client_secret_env``), and when a variable is unset the OS keyring is asked for an entry
of service ``sellerdesk`` under that same name (with the optional ``keyring`` package).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from sellerdesk.adapters.spapi.errors import SpApiAuthError, SpApiUnavailableError
from sellerdesk.adapters.spapi.ratelimit import Clock, SystemClock
from sellerdesk.errors import ConfigError

LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"
NOTIFICATIONS_SCOPE = "sellingpartnerapi::notifications"
"""The scope of a grantless token for the Notifications API's destination operations."""
KEYRING_SERVICE = "sellerdesk"
# Refresh a little before Amazon's expiry, so a token never dies on the way to Amazon.
EXPIRY_MARGIN_SECONDS = 60.0


@dataclass(frozen=True)
class LwaCredentials:
    """The three LWA secrets of a store; ``repr`` never shows them."""

    client_id: str = field(repr=False)
    client_secret: str = field(repr=False)
    refresh_token: str = field(repr=False)


def _keyring_lookup(name: str) -> str | None:
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        return None
    try:
        value: str | None = keyring.get_password(KEYRING_SERVICE, name)
    except KeyringError:
        return None
    return value


def read_credentials(store: str, *, refresh_token_env: str | None, client_id_env: str | None,
                     client_secret_env: str | None, env: Mapping[str, str] | None = None,
                     use_keyring: bool = True) -> LwaCredentials:
    """Read a store's LWA credentials from the environment (or the OS keyring).

    Raises:
        ConfigError: a key naming a variable is missing, or neither the variable nor a keyring entry
            holds a value; the message names the store, the key and the variable, never a secret.
    """
    env = os.environ if env is None else env
    values: dict[str, str] = {}
    keys = (("spapi_refresh_token_env", refresh_token_env), ("spapi_client_id_env", client_id_env),
            ("spapi_client_secret_env", client_secret_env))
    for key, name in keys:  # every key named first: a configuration mistake before a missing secret
        if not name:
            raise ConfigError(f"store {store!r}: {key} is not set; name the environment variable that holds it")
    for key, name in keys:
        assert name is not None
        value = env.get(name) or (_keyring_lookup(name) if use_keyring else None)
        if not value:
            raise ConfigError(f"store {store!r}: environment variable {name} ({key}) is not set; export it, "
                              f"or store it in the OS keyring under service {KEYRING_SERVICE!r}, name {name!r}")
        values[key] = value
    return LwaCredentials(client_id=values["spapi_client_id_env"], client_secret=values["spapi_client_secret_env"],
                          refresh_token=values["spapi_refresh_token_env"])


class LwaTokens:
    """Exchanges the refresh token for access tokens and caches each until shortly before it expires.

    With a *scope*, the tokens are grantless instead (the ``client_credentials`` grant: the app's
    own ID and secret, no seller's refresh token), as operations such as createDestination need.
    """

    def __init__(self, credentials: LwaCredentials, *, http: httpx.Client, store: str,
                 token_url: str = LWA_TOKEN_URL, clock: Clock | None = None, scope: str | None = None) -> None:
        self.credentials = credentials
        self.scope = scope
        self.http = http
        self.store = store
        self.token_url = token_url
        self.clock: Clock = clock or SystemClock()
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()

    def access_token(self) -> str:
        """A valid access token (fetched from LWA when none is cached or it is about to expire).

        Raises:
            SpApiAuthError: LWA refused the credentials (the message says which key to fix).
            SpApiUnavailableError: LWA could not be reached or answered a server error.
        """
        with self._lock:
            if self._token is None or self.clock.now() >= self._expires_at:
                self._token, lifetime = self._fetch()
                self._expires_at = self.clock.now() + max(lifetime - EXPIRY_MARGIN_SECONDS, 1.0)
            return self._token

    def invalidate(self) -> None:
        """Forget the cached token (Amazon said it expired): the next call fetches a new one."""
        with self._lock:
            self._token = None

    def _fetch(self) -> tuple[str, float]:
        form = {"client_id": self.credentials.client_id, "client_secret": self.credentials.client_secret}
        if self.scope:
            form |= {"grant_type": "client_credentials", "scope": self.scope}
        else:
            form |= {"grant_type": "refresh_token", "refresh_token": self.credentials.refresh_token}
        try:
            response = self.http.post(self.token_url, data=form)
        except httpx.HTTPError as exc:
            raise SpApiUnavailableError(f"store {self.store!r}: Login with Amazon at {self.token_url} could not be "
                                        f"reached ({type(exc).__name__}); check the network and try again",
                                        operation="lwaToken") from exc
        body = _json(response)
        if response.status_code >= 500:
            raise SpApiUnavailableError(f"store {self.store!r}: Login with Amazon answered {response.status_code}; "
                                        "try again later", operation="lwaToken", status=response.status_code)
        if response.status_code != 200 or not isinstance(body.get("access_token"), str):
            error = str(body.get("error") or response.status_code)
            fix = {"invalid_grant": "the refresh token is wrong, expired or revoked: authorise the app again in "
                                    "Seller Central and put the new refresh token in spapi_refresh_token_env's "
                                    "variable",
                   "invalid_scope": f"the app may not ask for the scope {self.scope}: give it the Notifications "
                                    "API's role in its developer profile"}.get(
                error, "the app's client ID or secret is wrong: check the variables of spapi_client_id_env and "
                       "spapi_client_secret_env")
            raise SpApiAuthError(f"store {self.store!r}: Login with Amazon refused the credentials ({error}); {fix}",
                                 operation="lwaToken", status=response.status_code, code=error)
        lifetime = body.get("expires_in", 3600)
        return str(body["access_token"]), float(lifetime if isinstance(lifetime, int | float) else 3600)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
