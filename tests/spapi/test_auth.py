"""Store credentials from the environment, and the client built from a store's configuration."""

from __future__ import annotations

import pytest

from sellerdesk.adapters.spapi.auth import read_credentials
from sellerdesk.adapters.spapi.connect import EMULATOR_CREDENTIALS, connect, is_configured, region_of
from sellerdesk.config import StoreConfig
from sellerdesk.errors import ConfigError

KEYS = {"refresh_token_env": "ACME_LWA_REFRESH", "client_id_env": "ACME_LWA_ID", "client_secret_env": "ACME_LWA_SECRET"}


def test_credentials_come_from_the_named_variables() -> None:
    env = {"ACME_LWA_REFRESH": "Atzr|r", "ACME_LWA_ID": "amzn1.id", "ACME_LWA_SECRET": "s3cret"}
    credentials = read_credentials("acme-us", env=env, use_keyring=False, **KEYS)
    assert (credentials.refresh_token, credentials.client_id, credentials.client_secret) == ("Atzr|r", "amzn1.id",
                                                                                             "s3cret")
    assert "s3cret" not in repr(credentials)


def test_an_unset_variable_names_the_store_key_and_variable_never_a_secret() -> None:
    env = {"ACME_LWA_REFRESH": "Atzr|r", "ACME_LWA_ID": "amzn1.id"}
    with pytest.raises(ConfigError, match=r"store 'acme-us': environment variable ACME_LWA_SECRET "
                                          r"\(spapi_client_secret_env\) is not set") as caught:
        read_credentials("acme-us", env=env, use_keyring=False, **KEYS)
    assert "Atzr|r" not in str(caught.value)


def test_a_missing_key_is_named() -> None:
    with pytest.raises(ConfigError, match="spapi_client_id_env is not set"):
        read_credentials("acme-us", refresh_token_env="R", client_id_env=None, client_secret_env="S", env={},
                         use_keyring=False)


def test_store_without_credentials_uses_the_emulator_account_only_on_loopback() -> None:
    store = StoreConfig("acme-us", ("US",))
    assert not is_configured(store)
    with connect(store, endpoint="http://127.0.0.1:8790") as client:
        assert client.tokens.credentials == EMULATOR_CREDENTIALS
    with pytest.raises(ConfigError, match="no SP-API credentials"):
        connect(store, endpoint="https://sellingpartnerapi-na.amazon.com")


def test_region_follows_the_first_marketplace_unless_set() -> None:
    assert region_of(StoreConfig("a", ("DE", "FR"))) == "EU"
    assert region_of(StoreConfig("b", ("JP",))) == "FE"
    assert region_of(StoreConfig("c", ("DE",), spapi_region="na")) == "NA"


def test_unknown_region_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="spapi_region 'XX'"):
        connect(StoreConfig("c", ("US",), spapi_region="XX"), endpoint="http://127.0.0.1:1")


def test_an_unset_variable_is_looked_up_in_the_os_keyring() -> None:
    keyring = pytest.importorskip("keyring", reason="keyring is not installed (pip install -e '.[dev]')")
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.entries = {("sellerdesk", "ACME_LWA_SECRET"): "from-keyring"}

        def get_password(self, service: str, username: str) -> str | None:
            return self.entries.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.entries[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.entries.pop((service, username), None)

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        env = {"ACME_LWA_REFRESH": "Atzr|r", "ACME_LWA_ID": "amzn1.id"}
        assert read_credentials("acme-us", env=env, **KEYS).client_secret == "from-keyring"
    finally:
        keyring.set_keyring(previous)
