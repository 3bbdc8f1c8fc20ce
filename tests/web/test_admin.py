"""Admin pages: who may open them, the configuration without secrets, and connection tests against
a real Dovecot and the SP-API emulator."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sellerdesk.adapters.spapi.emulator import EmulatorServer, EmulatorState
from sellerdesk.config import Config, MailboxConfig, StoreConfig
from sellerdesk.services.database import Database
from tests.dovecot import PASSWORD as IMAP_PASSWORD
from tests.dovecot import USER as IMAP_USER
from tests.dovecot import Dovecot, running_dovecot
from tests.web.conftest import csrf_of, make_client, sign_in

SECRET_VALUE = "do-not-show-this-secret-0123"


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    with running_dovecot() as server:
        yield server


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(EmulatorState(marketplaces=("US",), throttle=False)) as server:
        yield server


def _config(*, imap_port: int = 1, endpoint: str | None = None) -> Config:
    stores = (StoreConfig("acme-us", ("US",), timezone="America/Los_Angeles", spapi_endpoint=endpoint),
              StoreConfig("acme-de", ("DE",), spapi_endpoint=endpoint, spapi_refresh_token_env="SD_TEST_LWA_TOKEN",
                          spapi_client_id_env="SD_TEST_LWA_ID", spapi_client_secret_env="SD_TEST_LWA_SECRET"))
    good = MailboxConfig(store="acme-us", imap_host="127.0.0.1", imap_port=imap_port, imap_security="none",
                         imap_username=IMAP_USER, imap_password_env="SD_TEST_IMAP_GOOD")
    bad = MailboxConfig(store="acme-de", imap_host="127.0.0.1", imap_port=imap_port, imap_security="none",
                        imap_username=IMAP_USER, imap_password_env="SD_TEST_IMAP_BAD")
    compliance = {"allowed_domains": ["acme-brand.example"],
                  "stores": {"acme-de": {"allowed_phone_numbers": ["+49 800 555 0199"]}}}
    return Config(stores=stores, mailboxes=(good, bad), source="test.toml", extra={"compliance": compliance})


@pytest.fixture
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SD_TEST_IMAP_GOOD", IMAP_PASSWORD)
    monkeypatch.setenv("SD_TEST_IMAP_BAD", SECRET_VALUE)
    monkeypatch.setenv("SD_TEST_LWA_TOKEN", SECRET_VALUE)
    monkeypatch.setenv("SD_TEST_LWA_ID", "wrong-client")
    monkeypatch.setenv("SD_TEST_LWA_SECRET", SECRET_VALUE)


@pytest.mark.parametrize("path", ["/admin", "/admin/users", "/admin/templates"])
def test_only_admins_open_the_admin_pages(seeded: Database, path: str) -> None:
    with make_client(seeded, config=_config()) as client:
        for name in ("bob", "vera"):
            sign_in(client, name)
            assert client.get(path).status_code == 403
            assert 'href="/admin"' not in client.get("/inbox").text
        sign_in(client, "alice")
        assert client.get(path).status_code == 200
        assert 'href="/admin"' in client.get("/inbox").text


def test_an_agent_cannot_post_to_admin_routes(sqlite_db: Database) -> None:
    with make_client(sqlite_db, config=_config()) as client:
        sign_in(client, "bob")
        token = csrf_of(client, "/inbox")
        assert client.post("/admin/mailboxes/0/test", data={"csrf_token": token}).status_code == 403
        assert client.post("/admin/users", data={"csrf_token": token, "name": "eve", "password": "x" * 12,
                                                 "role": "admin"}).status_code == 403


def test_the_configuration_is_shown_without_secrets(sqlite_db: Database, secrets: None) -> None:
    with make_client(sqlite_db, config=_config()) as client:
        sign_in(client, "alice")
        page = client.get("/admin").text
    assert "America/Los_Angeles" in page
    assert "SD_TEST_IMAP_GOOD: set" in page
    assert SECRET_VALUE not in page
    assert IMAP_PASSWORD not in page
    # the effective tuning per store: [compliance] with [compliance.stores.acme-de] on top
    assert page.count('<dd class="mono">acme-brand.example</dd>') == 2
    assert page.count('<dd class="mono">498005550199</dd>') == 1


def _tests(db: Database, config: Config, *paths: str) -> list[Any]:
    """An admin presses the "test connection" buttons posting to *paths*; the answers."""
    with make_client(db, config=config) as client:
        sign_in(client, "alice")
        token = csrf_of(client, "/admin")
        return [client.post(path, data={"csrf_token": token}) for path in paths]


@pytest.mark.dovecot
def test_mailbox_connection_test_with_good_and_bad_password(sqlite_db: Database, dovecot: Dovecot,
                                                            secrets: None) -> None:
    good, bad = _tests(sqlite_db, _config(imap_port=dovecot.port), "/admin/mailboxes/0/test",
                       "/admin/mailboxes/1/test")
    assert good.status_code == 200
    assert "Connection works" in good.text
    assert "opened &#39;INBOX&#39; read-only" in good.text
    assert "Connection failed" in bad.text
    assert "refused the login" in bad.text
    assert "SD_TEST_IMAP_BAD" in bad.text
    assert SECRET_VALUE not in bad.text
    with sqlite_db.reading() as store:
        audited = [(e.action, e.detail["ok"]) for e in store.audit_entries() if e.action == "test_mailbox"]
    assert sorted(audited) == [("test_mailbox", False), ("test_mailbox", True)]


def test_spapi_connection_test_against_the_emulator(sqlite_db: Database, emulator: EmulatorServer,
                                                    secrets: None) -> None:
    good, refused, missing = _tests(sqlite_db, _config(endpoint=emulator.url), "/admin/stores/acme-us/test",
                                    "/admin/stores/acme-de/test", "/admin/stores/nowhere/test")
    assert "Connection works" in good.text
    assert "issued an access token" in good.text
    assert "Connection failed" in refused.text
    assert "refused the credentials" in refused.text
    assert SECRET_VALUE not in refused.text
    assert missing.status_code == 404
