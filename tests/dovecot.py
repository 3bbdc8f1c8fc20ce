"""A real Dovecot IMAP server for tests and benchmarks, on a free loopback port.

Debian's ``dovecot-imapd`` runs as root here with a temporary configuration: one
passwd-file user, a Maildir under a temporary folder, ``ssl = no`` (or a fresh self-signed
certificate for the TLS tests), and base_dir and state_dir inside that folder, so nothing
outside it is touched. Dovecot refuses to
open mail as UID 0, so the mail files belong to ``nobody``; the folder is made by
:func:`tempfile.mkdtemp` (not pytest's private ``tmp_path``) because ``nobody`` must be
able to reach it.

Mails are delivered by writing them into the Maildir (``new/``), the way a local
delivery agent does; Dovecot gives them UIDs when a client next looks.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.servers import free_port, require_program

MAIL_UID = 65534  # nobody: Dovecot will not serve mail as root
MAIL_GID = 65534
USER = "seller"
PASSWORD = "test-password"

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
{ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_login_user = nobody
default_internal_user = root
default_internal_group = root
mail_location = maildir:{root}/home/%u/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service anvil {{
  chroot =
}}
"""


@dataclass
class Dovecot:
    """A running Dovecot with one user (:data:`USER` / :data:`PASSWORD`) and its INBOX Maildir."""

    program: str
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="sellerdesk-dovecot-")))
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    delivered: int = 0
    tls: bool = False
    tls_port: int = 0
    extra_config: str = ""  # more dovecot.conf lines, e.g. "imap_capability = IMAP4rev1" (no IDLE)

    @property
    def certificate(self) -> Path:
        """The self-signed certificate (for 127.0.0.1 and localhost) of a TLS server."""
        return self.root / "cert.pem"

    @property
    def config_file(self) -> Path:
        """The dovecot.conf this server runs with."""
        return self.root / "dovecot.conf"

    @property
    def maildir(self) -> Path:
        """The user's INBOX Maildir."""
        return self.root / "home" / USER / "Maildir"

    def start(self) -> None:
        """Write the configuration and start Dovecot in the foreground; wait until it accepts connections."""
        self.root.chmod(0o755)
        for sub in ("run", "state"):
            (self.root / sub).mkdir(exist_ok=True)
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        ssl = "ssl = no"
        if self.tls:
            self.tls_port = free_port()
            self._make_certificate()
            ssl = f"ssl = yes\nssl_cert = <{self.certificate}\nssl_key = <{self.root / 'key.pem'}"
        self.config_file.write_text(CONFIG.format(root=self.root, port=self.port, uid=MAIL_UID, gid=MAIL_GID,
                                                  ssl=ssl, tls_port=self.tls_port)
                                    + self.extra_config + "\n")
        for sub in ("cur", "new", "tmp"):
            (self.maildir / sub).mkdir(parents=True, exist_ok=True)
        for path in (self.root / "home", self.root / "home" / USER, self.maildir, *self.maildir.iterdir()):
            os.chown(path, MAIL_UID, MAIL_GID)
        self.process = subprocess.Popen([self.program, "-F", "-c", str(self.config_file)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self.process.stderr and self.process.stderr.read()!r}"
                                   f" log: {self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    if sock.recv(64).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"dovecot did not start on port {self.port}: {self.log()}")

    def _make_certificate(self) -> None:
        openssl = require_program("openssl", "openssl")
        subprocess.run(
            [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-keyout", str(self.root / "key.pem"), "-out", str(self.certificate)],
            check=True, capture_output=True,
        )

    def stop(self) -> None:
        """Stop Dovecot (its children go with it)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stderr is not None:
            self.process.stderr.close()
        self.process = None

    def remove(self) -> None:
        """Stop the server and delete its folder."""
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        """The server's log so far (for failure messages)."""
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def deliver(self, raw: bytes) -> None:
        """Deliver one mail into INBOX the way a local delivery agent does (tmp/, then new/)."""
        self.deliver_many([raw])

    def deliver_many(self, raws: Iterable[bytes]) -> int:
        """Deliver several mails into INBOX; returns how many."""
        count = 0
        stamp = int(time.time())
        for raw in raws:
            self.delivered += 1
            name = f"{stamp}.M{self.delivered}P{os.getpid()}Q{uuid.uuid4().hex[:8]}.sellerdesk-test"
            tmp = self.maildir / "tmp" / name
            tmp.write_bytes(raw)
            os.chown(tmp, MAIL_UID, MAIL_GID)
            tmp.rename(self.maildir / "new" / name)
            count += 1
        return count

    def reset_uidvalidity(self) -> None:
        """Make the server announce a new UIDVALIDITY for INBOX (as after a mailbox rebuild)."""
        subprocess.run(
            [self.doveadm(), "-c", str(self.config_file), "mailbox", "update", "-u", USER,
             "--uid-validity", str(int(time.time()) + 7), "INBOX"],
            check=True, capture_output=True,
        )

    def doveadm(self) -> str:
        """Path of doveadm, installed beside dovecot."""
        return shutil.which("doveadm") or str(Path(self.program).parent.parent / "bin" / "doveadm")

    def mailbox_toml(self, *, store: str, password_env: str, folder: str = "INBOX") -> str:
        """A ``[[mailboxes]]`` table that points at this server."""
        return (
            "[[mailboxes]]\n"
            f'store = "{store}"\nimap_host = "127.0.0.1"\nimap_port = {self.port}\n'
            f'imap_security = "none"\nimap_username = "{USER}"\nimap_password_env = "{password_env}"\n'
            f'imap_folder = "{folder}"\n'
        )


@contextmanager
def running_dovecot(*, tls: bool = False, extra_config: str = "") -> Iterator[Dovecot]:
    """Start a Dovecot for the duration of the block (fails under CI=true, skips elsewhere, when absent).

    With *tls*, it also listens for implicit TLS on :attr:`Dovecot.tls_port` and offers STARTTLS
    on :attr:`Dovecot.port`, with a fresh self-signed :attr:`Dovecot.certificate`.
    """
    server = Dovecot(program=require_program("dovecot", "dovecot-imapd"), tls=tls, extra_config=extra_config)
    try:
        server.start()
        yield server
    finally:
        server.remove()
