"""Building a store's SP-API client from its configuration (credentials, region, endpoint)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

import httpx

from sellerdesk.adapters.spapi.auth import LwaCredentials, read_credentials
from sellerdesk.adapters.spapi.client import SpApiClient
from sellerdesk.adapters.spapi.emulator.state import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REFRESH_TOKEN
from sellerdesk.adapters.spapi.ratelimit import Clock
from sellerdesk.config import StoreConfig
from sellerdesk.core.marketplaces import MARKETPLACES
from sellerdesk.errors import ConfigError

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
EMULATOR_CREDENTIALS = LwaCredentials(client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET,
                                      refresh_token=DEMO_REFRESH_TOKEN)


def is_configured(store: StoreConfig, *, endpoint: str | None = None) -> bool:
    """True when the store can reach an SP-API: real credentials named, or an emulator endpoint."""
    return bool(store.spapi_refresh_token_env or _loopback(endpoint or store.spapi_endpoint))


def region_of(store: StoreConfig) -> str:
    """The store's SP-API region: ``spapi_region``, else the region of its first marketplace."""
    if store.spapi_region:
        return store.spapi_region.upper()
    first = MARKETPLACES.get(store.marketplaces[0]) if store.marketplaces else None
    return first.region if first else "NA"


def connect(store: StoreConfig, *, endpoint: str | None = None, env: Mapping[str, str] | None = None,
            transport: httpx.BaseTransport | None = None, clock: Clock | None = None) -> SpApiClient:
    """The store's SP-API client.

    Args:
        endpoint: overrides the store's ``spapi_endpoint`` (e.g. ``sellerdesk orders sync --spapi-endpoint``).
            A loopback endpoint with no credential keys uses the emulator's demo account.

    Raises:
        ConfigError: the store has no SP-API configuration, or a credential variable is unset.
    """
    url = endpoint or store.spapi_endpoint
    if store.spapi_refresh_token_env:
        credentials = read_credentials(store.name, refresh_token_env=store.spapi_refresh_token_env,
                                       client_id_env=store.spapi_client_id_env,
                                       client_secret_env=store.spapi_client_secret_env, env=env)
    elif _loopback(url):
        credentials = EMULATOR_CREDENTIALS
    else:
        raise ConfigError(f"store {store.name!r}: no SP-API credentials; set spapi_refresh_token_env, "
                          "spapi_client_id_env and spapi_client_secret_env in its [[stores]] table "
                          "(or point spapi_endpoint at the local emulator)")
    return SpApiClient(store=store.name, region=region_of(store), credentials=credentials, endpoint=url,
                       transport=transport, clock=clock)


def _loopback(url: str | None) -> bool:
    return bool(url) and (urlsplit(url).hostname or "") in LOOPBACK
