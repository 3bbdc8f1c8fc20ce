"""A real SMTP server for tests (aiosmtpd) on a free loopback port, with faults on demand.

``with running_sink() as sink:`` starts it; ``sink.fail_next(Fault.DEFER, ...)`` makes the
next mail transactions fail in the named ways, one fault per transaction (MAIL FROM), in
order; ``sink.accepted`` records every message the server took, so tests can count what a
buyer would really have received. Faults act on the server side only: the client under
test sees exactly what a misbehaving real server would show it.
"""

from __future__ import annotations

import ssl
import subprocess
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import default as default_policy
from enum import StrEnum
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.servers import free_port


class Fault(StrEnum):
    """Ways the server misbehaves in one mail transaction."""

    REJECT = "reject"  # 554 at the end of DATA: permanent
    REJECT_RCPT = "reject_rcpt"  # 550 at RCPT TO: permanent
    DEFER = "defer"  # 451 at the end of DATA: temporary
    DEFER_MAIL = "defer_mail"  # 421 at MAIL FROM: temporary
    DROP_BEFORE_DATA = "drop_before_data"  # connection closed at MAIL FROM, nothing sent yet
    DROP_IN_DATA = "drop_in_data"  # connection closed once the body arrived; the mail is NOT kept
    DROP_AFTER_ACCEPT = "drop_after_accept"  # the mail IS kept, then the connection closes before "250"


@dataclass(frozen=True)
class Accepted:
    """One message the server took: the envelope and the bytes as received."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes

    @property
    def message_id(self) -> str | None:
        """The Message-ID header without angle brackets."""
        value = message_from_bytes(self.data, policy=default_policy)["Message-ID"]
        return str(value).strip().strip("<>") if value else None


@dataclass
class SmtpSink:
    """The running server: where it listens, what it accepted, which faults are still to come."""

    host: str
    port: int
    accepted: list[Accepted] = field(default_factory=list)
    faults: deque[Fault | None] = field(default_factory=deque)
    transactions: int = 0
    logins: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, *faults: Fault | None) -> None:
        """Apply *faults* to the next transactions, one each, in order (``None``: behave)."""
        with self._lock:
            self.faults.extend(faults)

    def accepted_ids(self) -> list[str | None]:
        """The Message-IDs of the accepted messages, in order of arrival."""
        return [mail.message_id for mail in self.accepted]

    # aiosmtpd handler hooks (run in the server's thread) ------------------------------

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str,
                          mail_options: list[str]) -> str:
        with self._lock:
            self.transactions += 1
            fault = self.faults.popleft() if self.faults else None
        envelope.fault = fault
        if fault is Fault.DROP_BEFORE_DATA:
            server.transport.abort()
            return "421 4.3.0 closing"
        if fault is Fault.DEFER_MAIL:
            return "421 4.3.2 System not accepting network messages"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if getattr(envelope, "fault", None) is Fault.REJECT_RCPT:
            return "550 5.1.1 Recipient address rejected: no such alias"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        fault = getattr(envelope, "fault", None)
        if fault is Fault.DROP_IN_DATA:
            server.transport.abort()
            return "451 4.3.0 lost"
        if fault is Fault.REJECT:
            return "554 5.7.1 Message rejected: sender not approved"
        if fault is Fault.DEFER:
            return "451 4.7.1 Greylisted, please try again later"
        self.accepted.append(Accepted(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(envelope.content)))
        if fault is Fault.DROP_AFTER_ACCEPT:
            server.transport.abort()
        return "250 2.0.0 Ok: queued"


class _Authenticator:
    def __init__(self, sink: SmtpSink, credentials: dict[str, str]) -> None:
        self.sink, self.credentials = sink, credentials

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            user, password = auth_data.login.decode(), auth_data.password.decode()
            if self.credentials.get(user) == password:
                self.sink.logins.append(user)
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


@contextmanager
def running_sink(*, credentials: dict[str, str] | None = None, tls: ssl.SSLContext | None = None,
                 starttls: ssl.SSLContext | None = None) -> Iterator[SmtpSink]:
    """Run an SMTP server on a free loopback port for the duration of the block.

    Args:
        credentials: user → password accepted by AUTH (AUTH is offered only when given).
        tls: a server context for implicit TLS (like port 465).
        starttls: a server context offered through STARTTLS (like port 587).
    """
    sink = SmtpSink("127.0.0.1", free_port())
    kwargs: dict[str, Any] = {}
    if credentials is not None:
        kwargs.update(authenticator=_Authenticator(sink, credentials), auth_require_tls=False)
    if starttls is not None:
        kwargs.update(tls_context=starttls)
    controller = Controller(sink, hostname=sink.host, port=sink.port, ssl_context=tls, server_hostname="localhost",
                            ready_timeout=10.0, **kwargs)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


def self_signed(folder: Path, openssl: str) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server context with a fresh self-signed certificate for localhost, and a client context trusting it."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=str(cert))
    return server, client
