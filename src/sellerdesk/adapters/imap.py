"""Reading a seller's mailbox over IMAP (imapclient), read-only.

:class:`ImapMailSource` connects with TLS, STARTTLS or in clear (loopback only), logs in,
selects the folder **read-only** and fetches ``BODY.PEEK[]``: the seller's mailbox is
theirs, so sellerdesk never sets ``\\Seen``, moves or deletes anything.

Errors of imapclient, imaplib, ``socket`` and ``ssl`` are translated here, at the boundary,
into :class:`~sellerdesk.errors.MailConnectError` (cannot reach the server),
:class:`~sellerdesk.errors.MailAuthError` (credentials refused) and
:class:`~sellerdesk.errors.MailError` (anything else the server said); each message names
the mailbox and what to do.
"""

from __future__ import annotations

import contextlib
import imaplib
import socket
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from imapclient import IMAPClient
from imapclient import exceptions as imap_errors

from sellerdesk.config import MailboxConfig
from sellerdesk.errors import MailAuthError, MailConnectError, MailError

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
DEFAULT_BATCH_SIZE = 200


@dataclass(frozen=True)
class FolderState:
    """What the server says about the selected folder."""

    uidvalidity: int
    uidnext: int | None
    exists: int


@dataclass(frozen=True)
class FetchedMail:
    """One message fetched from the folder: its UID, raw bytes and INTERNALDATE."""

    uid: int
    raw: bytes
    internal_date: datetime | None


class ImapMailSource:
    """One IMAP connection to one mailbox folder (a context manager).

    Args:
        mailbox: the ``[[mailboxes]]`` configuration.
        password: the IMAP password (resolved from ``imap_password_env`` by the caller).
        timeout: socket timeout in seconds for connecting and every command.
        ssl_context: TLS settings; the default verifies the server's certificate.
    """

    def __init__(self, mailbox: MailboxConfig, *, password: str, timeout: float = 30.0,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        self.mailbox = mailbox
        self._password = password
        self._timeout = timeout
        self._ssl_context = ssl_context
        self._client: IMAPClient | None = None
        self._state: FolderState | None = None

    # -- connection -------------------------------------------------------------------------

    def open(self) -> FolderState:
        """Connect, log in and select the folder read-only.

        Raises:
            MailConnectError: the server cannot be reached or TLS failed.
            MailAuthError: the server refused the user name or password.
            MailError: the folder does not exist or the server answered an error.
        """
        box = self.mailbox
        security = box.imap_security
        if security == "none" and box.imap_host not in LOOPBACK_HOSTS:
            raise MailConnectError(f"{box.label}: imap_security = \"none\" would send the password in clear "
                                   "to a remote host; use \"tls\" or \"starttls\"")
        try:
            client = IMAPClient(box.imap_host, port=box.imap_port, ssl=security == "tls",
                                ssl_context=self._ssl_context, timeout=self._timeout)
        except (OSError, imaplib.IMAP4.error) as exc:
            raise self._connect_error(exc) from exc
        # Keep INTERNALDATE's own offset (imapclient would turn it into naive local time).
        client.normalise_times = False
        self._client = client
        try:
            if security == "starttls":
                client.starttls(self._ssl_context)
            client.login(box.imap_username, self._password)
        except imap_errors.LoginError as exc:
            self.close()
            raise MailAuthError(f"{box.label}: the server refused the login for {box.imap_username!r} "
                                f"({_text(exc)}); check imap_username and the password in "
                                f"${box.imap_password_env}") from exc
        except (OSError, imaplib.IMAP4.error) as exc:
            self.close()
            raise self._connect_error(exc) from exc
        try:
            self._state = self._select()
        except MailError:
            self.close()
            raise
        return self._state

    def _select(self) -> FolderState:
        box = self.mailbox
        client = self._require()
        try:
            info = client.select_folder(box.imap_folder, readonly=True)
        except imap_errors.IMAPClientAbortError as exc:
            raise self._connect_error(exc) from exc
        except imaplib.IMAP4.error as exc:
            raise MailError(f"{box.label}: cannot open folder {box.imap_folder!r} ({_text(exc)}); "
                            "check imap_folder (names are case-sensitive except INBOX)") from exc
        except OSError as exc:
            raise self._connect_error(exc) from exc
        uidvalidity = info.get(b"UIDVALIDITY")
        if not isinstance(uidvalidity, int):
            raise MailError(f"{box.label}: the server announced no UIDVALIDITY for {box.imap_folder!r}; "
                            "sellerdesk needs an IMAP4rev1 server that keeps UIDs")
        uidnext = info.get(b"UIDNEXT")
        return FolderState(uidvalidity=uidvalidity, uidnext=uidnext if isinstance(uidnext, int) else None,
                           exists=int(info.get(b"EXISTS", 0)))

    def close(self) -> None:
        """Log out (best effort: the connection may already be gone)."""
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.logout()
        except (OSError, imaplib.IMAP4.error):
            # Logging out of a dead connection fails; the socket is closed either way.
            with contextlib.suppress(OSError):
                client.shutdown()

    def __enter__(self) -> ImapMailSource:
        self.open()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # -- reading ----------------------------------------------------------------------------

    @property
    def state(self) -> FolderState:
        """The folder state read by :meth:`open`."""
        if self._state is None:
            raise MailError(f"{self.mailbox.label}: not connected; call open() first")
        return self._state

    def refresh(self) -> FolderState:
        """Select the folder again, so that mail that arrived since is seen."""
        self._state = self._select()
        return self._state

    def new_uids(self, after_uid: int) -> list[int]:
        """UIDs in the folder greater than *after_uid*, ascending."""
        # "N:*" always matches the last message even when its UID is below N, so filter.
        found = self._call(lambda c: c.search(["UID", f"{after_uid + 1}:*"]), "search for new mail")
        return sorted(uid for uid in found if uid > after_uid)

    def fetch(self, uids: list[int]) -> list[FetchedMail]:
        """Fetch the raw bytes and INTERNALDATE of *uids* without marking them read."""
        if not uids:
            return []
        data = self._call(lambda c: c.fetch(uids, ["BODY.PEEK[]", "INTERNALDATE"]), "fetch mail")
        mails = []
        for uid in sorted(data):
            item = data[uid]
            raw = item.get(b"BODY[]")
            if raw is None:
                continue  # expunged between SEARCH and FETCH: nothing to store
            mails.append(FetchedMail(uid=uid, raw=bytes(raw), internal_date=_utc(item.get(b"INTERNALDATE"))))
        return mails

    def fetch_new(self, after_uid: int, *, batch_size: int = DEFAULT_BATCH_SIZE) -> Iterator[list[FetchedMail]]:
        """Yield the mails with UID > *after_uid* in ascending batches of at most *batch_size*."""
        uids = self.new_uids(after_uid)
        for start in range(0, len(uids), batch_size):
            batch = self.fetch(uids[start:start + batch_size])
            if batch:
                yield batch

    @property
    def supports_idle(self) -> bool:
        """True when the server offers IDLE (RFC 2177)."""
        return bool(self._call(lambda c: c.has_capability("IDLE"), "read capabilities"))

    def wait_for_mail(self, *, timeout: float, should_stop: Callable[[], bool]) -> bool:
        """Wait up to *timeout* seconds for new mail; IDLE (RFC 2177) where the server has it.

        Returns True when the server announced new mail, False on timeout or when
        *should_stop* became true (it is checked about once a second). Without IDLE it just
        waits, and the caller polls afterwards.
        """
        if not self.supports_idle:
            deadline = time.monotonic() + timeout
            while not should_stop() and time.monotonic() < deadline:
                time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
            return False
        deadline = time.monotonic() + timeout

        def idle(c: IMAPClient) -> bool:
            c.idle()
            try:
                # Short checks so that a stop request is seen within about a second.
                while not should_stop() and time.monotonic() < deadline:
                    responses = c.idle_check(timeout=min(1.0, max(0.0, deadline - time.monotonic())))
                    if any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses):
                        return True
                return False
            finally:
                c.idle_done()

        return bool(self._call(idle, "wait for new mail (IDLE)"))

    # -- helpers ----------------------------------------------------------------------------

    def _require(self) -> IMAPClient:
        if self._client is None:
            raise MailError(f"{self.mailbox.label}: not connected; call open() first")
        return self._client

    def _call(self, action: Callable[[IMAPClient], Any], what: str) -> Any:
        client = self._require()
        try:
            return action(client)
        except (imap_errors.IMAPClientAbortError, OSError) as exc:
            raise self._connect_error(exc) from exc
        except (imaplib.IMAP4.error, imap_errors.ProtocolError) as exc:
            raise MailError(f"{self.mailbox.label}: the server failed to {what} ({_text(exc)}); "
                            "it will be retried, check the server if this repeats") from exc

    def _connect_error(self, exc: BaseException) -> MailConnectError:
        box = self.mailbox
        where = f"{box.imap_host}:{box.imap_port}"
        if isinstance(exc, ssl.SSLError | ssl.CertificateError):
            return MailConnectError(f"{box.label}: TLS with {where} failed ({_text(exc)}); check imap_security "
                                    "(\"tls\" for port 993, \"starttls\" for 143) and the server's certificate")
        if isinstance(exc, socket.gaierror):
            return MailConnectError(f"{box.label}: cannot resolve {box.imap_host!r} ({_text(exc)}); "
                                    "check imap_host")
        if isinstance(exc, TimeoutError | socket.timeout):
            return MailConnectError(f"{box.label}: {where} did not answer within {self._timeout:g} s; "
                                    "check imap_host, imap_port and the firewall")
        if isinstance(exc, imap_errors.IMAPClientError) and "STARTTLS" in str(exc).upper():
            return MailConnectError(f"{box.label}: {where} does not offer STARTTLS ({_text(exc)}); "
                                    "use imap_security = \"tls\" or a server that supports it")
        return MailConnectError(f"{box.label}: cannot talk to {where} ({_text(exc)}); check imap_host, "
                                "imap_port and imap_security; sellerdesk retries with backoff")


def _text(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1]
    return text


def _utc(value: object) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
