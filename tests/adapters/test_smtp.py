"""SmtpMailSender against a real SMTP server (aiosmtpd): answers, faults, TLS, login."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import pytest

from sellerdesk.adapters.smtp import SmtpMailSender
from sellerdesk.config import MailboxConfig
from sellerdesk.core.outbox import AttemptOutcome
from sellerdesk.core.reply_mail import ReplyHeaders, build_reply
from sellerdesk.errors import ConfigError, MailAuthError, MailConnectError, MailPermanentError, MailTemporaryError
from tests.servers import free_port, require_program
from tests.smtp_server import Fault, SmtpSink, running_sink, self_signed

ALIAS = "q8w7e6r5t4+b2@marketplace.amazon.com"


def reply(number: int = 1, text: str = "Hello Ann,\nyour parcel left today.\n") -> EmailMessage:
    headers = ReplyHeaders(from_address="support@acme.example", to_address=ALIAS,
                           subject="Re: Inquiry from Amazon customer Ann", message_id=f"r{number}@acme.example")
    return build_reply(headers, text, date=datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


def plain_sender(sink: SmtpSink, **kwargs: object) -> SmtpMailSender:
    return SmtpMailSender(host=sink.host, port=sink.port, security="none", timeout=10.0, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with running_sink() as server:
        yield server


def test_an_accepted_reply_arrives_once_with_its_envelope(sink: SmtpSink) -> None:
    with plain_sender(sink) as sender:
        receipt = sender.send(reply())
    assert receipt.outcome is AttemptOutcome.ACCEPTED
    assert receipt.response.startswith("250")
    [mail] = sink.accepted
    assert (mail.mail_from, mail.rcpt_tos, mail.message_id) == ("support@acme.example", (ALIAS,), "r1@acme.example")


def test_lines_starting_with_a_dot_arrive_intact(sink: SmtpSink) -> None:
    text = ".\n..two dots\n. one dot and a space\n"
    with plain_sender(sink) as sender:
        sender.send(reply(text=text))
    got = message_from_bytes(sink.accepted[0].data, policy=default_policy)
    assert isinstance(got, EmailMessage)
    assert got.get_content().replace("\r\n", "\n") == text


def test_one_connection_serves_several_replies(sink: SmtpSink) -> None:
    with plain_sender(sink) as sender:
        for number in range(3):
            sender.send(reply(number))
    assert sink.accepted_ids() == ["r0@acme.example", "r1@acme.example", "r2@acme.example"]


@pytest.mark.parametrize(("fault", "error", "answer"), [
    (Fault.REJECT, MailPermanentError, "554 5.7.1"),
    (Fault.REJECT_RCPT, MailPermanentError, "550 5.1.1"),
    (Fault.DEFER, MailTemporaryError, "451 4.7.1"),
    (Fault.DEFER_MAIL, MailTemporaryError, "421 4.3.2"),
    (Fault.DROP_BEFORE_DATA, MailTemporaryError, "connection lost before"),
])
def test_refusals_are_sorted_by_whether_a_retry_can_help(sink: SmtpSink, fault: Fault,
                                                          error: type[Exception], answer: str) -> None:
    sink.fail_next(fault)
    with plain_sender(sink) as sender:
        with pytest.raises(error, match=answer):
            sender.send(reply(1))
        # the sender recovers on a fresh connection
        assert sender.send(reply(2)).outcome is AttemptOutcome.ACCEPTED
    assert sink.accepted_ids() == ["r2@acme.example"]


@pytest.mark.parametrize(("fault", "kept"), [(Fault.DROP_IN_DATA, 0), (Fault.DROP_AFTER_ACCEPT, 1)])
def test_a_connection_lost_after_the_body_is_unknown_not_an_error(sink: SmtpSink, fault: Fault, kept: int) -> None:
    sink.fail_next(fault)
    with plain_sender(sink) as sender:
        receipt = sender.send(reply())
    # Whether the server kept it or not, the client cannot tell: both are "unknown".
    assert receipt.outcome is AttemptOutcome.UNKNOWN
    assert "after DATA" in receipt.response
    assert len(sink.accepted) == kept


def test_nothing_listening_is_a_connect_error_naming_the_server() -> None:
    port = free_port()
    with pytest.raises(MailConnectError, match=f"127.0.0.1:{port}: cannot connect"):
        SmtpMailSender(host="127.0.0.1", port=port, security="none", timeout=5.0).send(reply())


def test_login_with_the_password_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACME_SMTP_PASSWORD", "s3cret")
    with running_sink(credentials={"support@acme.example": "s3cret"}) as server:
        mailbox = MailboxConfig(store="acme-us", imap_host="127.0.0.1", imap_username="support@acme.example",
                                imap_password_env="UNUSED", smtp_host=server.host, smtp_port=server.port,
                                smtp_security="none", smtp_password_env="ACME_SMTP_PASSWORD")
        with SmtpMailSender.for_mailbox(mailbox, timeout=10.0) as sender:
            assert sender.send(reply()).outcome is AttemptOutcome.ACCEPTED
        assert server.logins == ["support@acme.example"]


def test_a_wrong_password_is_an_auth_error_without_the_password() -> None:
    with running_sink(credentials={"support@acme.example": "s3cret"}) as server:
        sender = plain_sender(server, username="support@acme.example", password="wrong-one")
        with pytest.raises(MailAuthError, match="login refused") as caught:
            sender.send(reply())
    assert "wrong-one" not in str(caught.value)


def test_mailbox_settings_are_checked_before_connecting(monkeypatch: pytest.MonkeyPatch) -> None:
    base = MailboxConfig(store="s", imap_host="imap.example.com", imap_username="u@x", imap_password_env="P")
    with pytest.raises(ConfigError, match="no smtp_host"):
        SmtpMailSender.for_mailbox(base)
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    with pytest.raises(ConfigError, match="NOT_SET_ANYWHERE is not set"):
        SmtpMailSender.for_mailbox(MailboxConfig(store="s", imap_host="i", imap_username="u@x", imap_password_env="P",
                                                 smtp_host="smtp.example.com",
                                                 smtp_password_env="NOT_SET_ANYWHERE"))
    with pytest.raises(ConfigError, match=r"in\s+clear"):
        SmtpMailSender(host="smtp.example.com", port=25, security="none")


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_tls_and_starttls_check_the_certificate(tmp_path: Path, security: str) -> None:
    server_ctx, client_ctx = self_signed(tmp_path, require_program("openssl", "openssl"))
    options = {"tls": server_ctx} if security == "tls" else {"starttls": server_ctx}
    with running_sink(**options) as server:  # type: ignore[arg-type]
        with SmtpMailSender(host="localhost", port=server.port, security=security, ssl_context=client_ctx,
                            timeout=10.0) as sender:
            assert sender.send(reply()).outcome is AttemptOutcome.ACCEPTED
        # without trusting the self-signed certificate, nothing is sent
        with pytest.raises(MailConnectError, match=r"CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
            SmtpMailSender(host="localhost", port=server.port, security=security, timeout=10.0).send(reply(2))
    assert server.accepted_ids() == ["r1@acme.example"]
