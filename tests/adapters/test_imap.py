"""ImapMailSource against a real Dovecot: reading, read-only behaviour, errors translated."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from dataclasses import replace

import pytest

from sellerdesk.adapters.imap import ImapMailSource
from sellerdesk.config import MailboxConfig
from sellerdesk.errors import MailAuthError, MailConnectError, MailError
from tests.dovecot import PASSWORD, USER, Dovecot, running_dovecot
from tests.mails import buyer_mail
from tests.servers import free_port

pytestmark = pytest.mark.dovecot


def mailbox_for(server: Dovecot, **changes: object) -> MailboxConfig:
    box = MailboxConfig(store="acme-us", imap_host="127.0.0.1", imap_port=server.port, imap_security="none",
                        imap_username=USER, imap_password_env="TEST_IMAP_PASSWORD")
    return replace(box, **changes)  # type: ignore[arg-type]


def test_fetches_new_mail_in_uid_order_and_batches(dovecot: Dovecot) -> None:
    raws = [buyer_mail(n) for n in range(7)]
    dovecot.deliver_many(raws)
    with ImapMailSource(mailbox_for(dovecot), password=PASSWORD) as source:
        assert source.state.uidvalidity > 0
        assert source.state.exists == 7
        batches = list(source.fetch_new(0, batch_size=3))
    assert [len(b) for b in batches] == [3, 3, 1]
    mails = [m for b in batches for m in b]
    assert [m.uid for m in mails] == sorted(m.uid for m in mails)
    assert sorted(m.raw for m in mails) == sorted(raws)
    assert all(m.internal_date is not None and m.internal_date.utcoffset() is not None for m in mails)


def test_only_uids_after_the_checkpoint_are_fetched(dovecot: Dovecot) -> None:
    dovecot.deliver_many(buyer_mail(n) for n in range(3))
    with ImapMailSource(mailbox_for(dovecot), password=PASSWORD) as source:
        uids = source.new_uids(0)
        assert len(uids) == 3
        assert source.new_uids(uids[-1]) == []  # "N:*" would match the last mail: it must be filtered
        assert source.new_uids(uids[0]) == uids[1:]


def test_reading_leaves_mails_unread(dovecot: Dovecot) -> None:
    dovecot.deliver(buyer_mail(1))
    with ImapMailSource(mailbox_for(dovecot), password=PASSWORD) as source:
        list(source.fetch_new(0))
    assert list((dovecot.maildir / "cur").iterdir()) or list((dovecot.maildir / "new").iterdir())
    for path in (dovecot.maildir / "cur").iterdir():
        flags = path.name.partition(":2,")[2]
        assert "S" not in flags, path.name


def test_refresh_sees_mail_that_arrived_after_open(dovecot: Dovecot) -> None:
    with ImapMailSource(mailbox_for(dovecot), password=PASSWORD) as source:
        assert source.new_uids(0) == []
        dovecot.deliver(buyer_mail(1))
        source.refresh()
        assert len(source.new_uids(0)) == 1


def test_idle_reports_new_mail(dovecot: Dovecot) -> None:
    delivered: list[bool] = []

    def deliver_once_idling() -> bool:
        # Called first right after IDLE started: a mail that lands now must end the wait.
        if not delivered:
            dovecot.deliver(buyer_mail(1))
            delivered.append(True)
        return False

    with ImapMailSource(mailbox_for(dovecot), password=PASSWORD) as source:
        assert source.supports_idle
        assert source.wait_for_mail(timeout=20, should_stop=deliver_once_idling) is True
        source.refresh()
        assert len(source.new_uids(0)) == 1


def test_idle_returns_false_when_asked_to_stop(dovecot: Dovecot) -> None:
    with ImapMailSource(mailbox_for(dovecot), password=PASSWORD) as source:
        assert source.wait_for_mail(timeout=10, should_stop=lambda: True) is False
        assert source.new_uids(0) == []  # the connection is still usable after IDLE


def test_wrong_password_is_an_auth_error_naming_the_variable(dovecot: Dovecot) -> None:
    source = ImapMailSource(mailbox_for(dovecot), password="wrong")
    with pytest.raises(MailAuthError, match="TEST_IMAP_PASSWORD") as info:
        source.open()
    assert "acme-us:seller@127.0.0.1/INBOX" in str(info.value)
    assert "wrong" not in str(info.value)


def test_unreachable_server_is_a_connect_error() -> None:
    box = MailboxConfig(store="acme-us", imap_host="127.0.0.1", imap_port=free_port(), imap_security="none",
                        imap_username="x", imap_password_env="X")
    with pytest.raises(MailConnectError, match="check imap_host, imap_port"):
        ImapMailSource(box, password="p", timeout=2).open()


def test_missing_folder_names_the_folder(dovecot: Dovecot) -> None:
    with pytest.raises(MailError, match=r"'Amazon'.*check imap_folder"):
        ImapMailSource(mailbox_for(dovecot, imap_folder="Amazon"), password=PASSWORD).open()


def test_tls_against_a_plain_server_is_a_connect_error(dovecot: Dovecot) -> None:
    with pytest.raises(MailConnectError, match=r"TLS|cannot talk"):
        ImapMailSource(mailbox_for(dovecot, imap_security="tls"), password=PASSWORD, timeout=3).open()


def test_starttls_not_offered_is_a_connect_error(dovecot: Dovecot) -> None:
    with pytest.raises(MailConnectError, match="STARTTLS"):
        ImapMailSource(mailbox_for(dovecot, imap_security="starttls"), password=PASSWORD, timeout=3).open()


def test_clear_text_to_a_remote_host_is_refused_before_connecting() -> None:
    box = MailboxConfig(store="s", imap_host="imap.example.com", imap_username="u", imap_password_env="P",
                        imap_security="none")
    with pytest.raises(MailConnectError, match="in clear"):
        ImapMailSource(box, password="p").open()


@pytest.fixture(scope="module")
def tls_dovecot() -> Iterator[Dovecot]:
    """A Dovecot with a self-signed certificate: implicit TLS on tls_port, STARTTLS on port."""
    with running_dovecot(tls=True) as server:
        server.deliver(buyer_mail(1))
        yield server


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_tls_and_starttls_read_mail_when_the_certificate_is_trusted(tls_dovecot: Dovecot, security: str) -> None:
    port = tls_dovecot.tls_port if security == "tls" else tls_dovecot.port
    trusting = ssl.create_default_context(cafile=str(tls_dovecot.certificate))
    box = mailbox_for(tls_dovecot, imap_security=security, imap_port=port)
    with ImapMailSource(box, password=PASSWORD, ssl_context=trusting) as source:
        assert [m.raw for batch in source.fetch_new(0) for m in batch] == [buyer_mail(1)]


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_an_untrusted_certificate_is_refused(tls_dovecot: Dovecot, security: str) -> None:
    port = tls_dovecot.tls_port if security == "tls" else tls_dovecot.port
    box = mailbox_for(tls_dovecot, imap_security=security, imap_port=port)
    with pytest.raises(MailConnectError, match=r"TLS with 127\.0\.0\.1.*certificate"):
        ImapMailSource(box, password=PASSWORD, timeout=5).open()
