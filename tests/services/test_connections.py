"""Connection tests that fail before any server is asked: each says what to fix and never shows a secret."""

from __future__ import annotations

import pytest

from sellerdesk.config import MailboxConfig, StoreConfig
from sellerdesk.services.connections import probe_mailbox, probe_spapi
from tests.servers import free_port


def test_a_send_only_mailbox_has_no_login_to_test() -> None:
    result = probe_mailbox(MailboxConfig(store="acme-us", imap_enabled=False, smtp_host="127.0.0.1"))
    assert not result.ok
    assert "imap_enabled is false" in result.message


def test_an_unset_password_variable_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SD_TEST_UNSET_IMAP", raising=False)
    box = MailboxConfig(store="acme-us", imap_host="127.0.0.1", imap_username="u",
                        imap_password_env="SD_TEST_UNSET_IMAP")
    result = probe_mailbox(box)
    assert not result.ok
    assert "SD_TEST_UNSET_IMAP is not set" in result.message


def test_a_server_that_does_not_answer_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SD_TEST_IMAP", "secret-value-123")
    box = MailboxConfig(store="acme-us", imap_host="127.0.0.1", imap_port=free_port(), imap_security="none",
                        imap_username="u", imap_password_env="SD_TEST_IMAP")
    result = probe_mailbox(box)
    assert not result.ok
    assert "acme-us:u@127.0.0.1/INBOX" in result.message
    assert "secret-value-123" not in result.message


def test_a_store_without_sp_api_settings_is_told_which_keys_to_set() -> None:
    result = probe_spapi(StoreConfig("acme-us", ("US",)))
    assert not result.ok
    assert "spapi_refresh_token_env" in result.message
