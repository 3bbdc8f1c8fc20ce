"""Sending replies by SMTP (``smtplib``), with every failure sorted by what it means for a re-send.

The one distinction that matters to the outbox is whether the server may already have
the message:

- refused or unreachable before the body was handed over: nothing was delivered, a retry
  is safe → :class:`~sellerdesk.errors.MailTemporaryError` (4xx, lost connection,
  :class:`~sellerdesk.errors.MailConnectError` for no connection at all) or
  :class:`~sellerdesk.errors.MailPermanentError` (5xx);
- the body was sent and the connection died (or timed out) before the server's final
  answer: the server may have accepted it → a receipt with outcome ``unknown``. A retry
  could write to the buyer twice, so the outbox leaves it to a person.

The DATA phase is therefore driven step by step instead of through ``sendmail``, which
would hide where a connection broke.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import getaddresses
from types import TracebackType

from sellerdesk.config import MailboxConfig, resolve_secret
from sellerdesk.core.outbox import AttemptOutcome
from sellerdesk.errors import (
    ConfigError,
    MailAuthError,
    MailConnectError,
    MailPermanentError,
    MailSendError,
    MailTemporaryError,
)

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
_LEADING_DOT = re.compile(rb"(?m)^\.")


@dataclass(frozen=True)
class SendReceipt:
    """How a send ended when it did not fail: ``accepted`` (2xx after DATA) or ``unknown`` (lost after DATA)."""

    outcome: AttemptOutcome
    response: str


class SmtpMailSender:
    """Sends messages through one SMTP server, keeping the connection open between messages.

    Use it as a context manager (the connection is opened on the first send and closed on
    exit). After any failure the connection is dropped and the next send opens a new one.
    """

    def __init__(self, *, host: str, port: int, security: str = "tls", username: str | None = None,
                 password: str | None = None, timeout: float = 60.0,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        if security not in ("tls", "starttls", "none"):
            raise ConfigError(f"smtp_security {security!r} is not one of tls, starttls, none")
        if security == "none" and host not in LOOPBACK_HOSTS:
            raise ConfigError(f"smtp_security = \"none\" for {host}: a password would cross the network in "
                              "clear; use \"tls\" or \"starttls\" (none is for loopback testing only)")
        self.host, self.port, self.security = host, port, security
        self.username, self.password, self.timeout = username, password, timeout
        self._context = ssl_context
        self._conn: smtplib.SMTP | None = None

    @classmethod
    def for_mailbox(cls, mailbox: MailboxConfig, *, timeout: float = 60.0,
                    ssl_context: ssl.SSLContext | None = None) -> SmtpMailSender:
        """The sender of *mailbox*'s SMTP settings; logs in only when ``smtp_password_env`` is set.

        Raises:
            ConfigError: the mailbox has no ``smtp_host``, or the password variable is unset.
        """
        if not mailbox.smtp_host:
            raise ConfigError(f"mailbox {mailbox.label}: no smtp_host; add smtp_host (and smtp_port, "
                              "smtp_security) to its [[mailboxes]] table to send replies")
        password = None
        if mailbox.smtp_password_env:
            password = resolve_secret(mailbox.smtp_password_env, what=f"mailbox {mailbox.label} SMTP")
        return cls(host=mailbox.smtp_host, port=mailbox.smtp_port, security=mailbox.smtp_security,
                   username=mailbox.smtp_username or mailbox.imap_username, password=password,
                   timeout=timeout, ssl_context=ssl_context)

    def __enter__(self) -> SmtpMailSender:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @property
    def where(self) -> str:
        """``host:port`` for messages."""
        return f"{self.host}:{self.port}"

    def close(self) -> None:
        """Say QUIT when possible and drop the connection."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.quit()
        except (smtplib.SMTPException, OSError):
            conn.close()  # the server is gone already; nothing to say goodbye to

    def send(self, message: EmailMessage) -> SendReceipt:
        """Send *message* to the addresses of its ``To`` header, from the address of its ``From``.

        Returns:
            a receipt with outcome ``accepted`` and the server's answer, or ``unknown`` when
            the connection was lost after the body was handed over.

        Raises:
            MailConnectError: the server could not be reached or TLS failed (nothing was sent).
            MailAuthError: the server refused the login.
            MailTemporaryError: a 4xx answer or a dropped connection before the body (retry later).
            MailPermanentError: a 5xx answer (do not retry).
        """
        sender = _single_address(message, "From")
        recipients = [addr for _, addr in getaddresses(message.get_all("To", []))]
        if not recipients:
            raise MailPermanentError("the reply has no To address; it cannot be sent")
        payload = message.as_bytes(policy=SMTP_POLICY)
        conn = self._connection()
        try:
            self._expect(conn.mail(sender), "MAIL FROM")
            for rcpt in recipients:
                self._expect(conn.rcpt(rcpt), f"RCPT TO:<{rcpt}>")
            self._expect(conn.docmd("DATA"), "DATA", wanted=354)
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise MailTemporaryError(f"{self.where}: connection lost before the message was sent ({exc}); "
                                     "it will be retried") from exc
        except MailSendError:
            self._drop()
            raise
        try:
            conn.send(_data_block(payload))
            code, answer = conn.getreply()
        except (smtplib.SMTPException, OSError) as exc:
            # The body left us; the server may have stored it before the line dropped.
            self._drop()
            return SendReceipt(AttemptOutcome.UNKNOWN, f"connection lost after DATA: {exc}")
        text = f"{code} {answer.decode('utf-8', 'replace')}"
        if 200 <= code < 300:
            return SendReceipt(AttemptOutcome.ACCEPTED, text)
        self._drop()
        raise _classified(code, text, step="end of DATA", where=self.where)

    def _connection(self) -> smtplib.SMTP:
        if self._conn is not None:
            return self._conn
        try:
            if self.security == "tls":
                conn: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                                      context=self._ssl_context())
            else:
                conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            conn.ehlo()
            if self.security == "starttls":
                conn.starttls(context=self._ssl_context())
                conn.ehlo()
        except smtplib.SMTPResponseException as exc:
            raise _classified(exc.smtp_code, f"{exc.smtp_code} {exc.smtp_error!r}", step="greeting",
                              where=self.where) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise MailConnectError(f"{self.where}: cannot connect ({exc}); check smtp_host, smtp_port and "
                                   f"smtp_security ({self.security})") from exc
        if self.password is not None:
            try:
                conn.login(self.username or "", self.password)
            except smtplib.SMTPAuthenticationError as exc:
                conn.close()
                raise MailAuthError(f"{self.where}: login refused for {self.username!r} "
                                    f"({exc.smtp_code}); check smtp_username and the password variable") from exc
            except (smtplib.SMTPException, OSError) as exc:
                conn.close()
                raise MailConnectError(f"{self.where}: login failed ({exc}); does the server offer AUTH "
                                       "over this smtp_security?") from exc
        self._conn = conn
        return conn

    def _ssl_context(self) -> ssl.SSLContext:
        return self._context or ssl.create_default_context()

    def _expect(self, reply: tuple[int, bytes], step: str, *, wanted: int | None = None) -> None:
        code, answer = reply
        ok = code == wanted if wanted is not None else 200 <= code < 300
        if not ok:
            raise _classified(code, f"{code} {answer.decode('utf-8', 'replace')}", step=step, where=self.where)

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()


def _classified(code: int, answer: str, *, step: str, where: str) -> MailSendError:
    if 500 <= code < 600:
        return MailPermanentError(f"{where} refused the reply at {step}: {answer}")
    # 4xx, and anything a server should not say here, is worth another try later.
    return MailTemporaryError(f"{where} deferred the reply at {step}: {answer}; it will be retried")


def _single_address(message: EmailMessage, header: str) -> str:
    addresses = [addr for _, addr in getaddresses(message.get_all(header, [])) if addr]
    if len(addresses) != 1:
        raise MailPermanentError(f"the reply needs exactly one {header} address, found {len(addresses)}")
    return addresses[0]


def _data_block(payload: bytes) -> bytes:
    # RFC 5321 4.5.2: a line starting with "." gets a second one; the block ends with CRLF "." CRLF.
    block = _LEADING_DOT.sub(b"..", payload)
    if not block.endswith(b"\r\n"):
        block += b"\r\n"
    return block + b".\r\n"
