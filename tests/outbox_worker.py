"""An outbox worker that hangs right after claiming a delivery, to be killed there (crash tests).

Run as ``python -m tests.outbox_worker DATABASE_URL NOW_ISO8601 STORE``: it runs
:func:`~sellerdesk.services.outbox.deliver_due` for one delivery with a sender that prints
``claimed`` and then waits forever, so the parent can SIGKILL it between the claim (already
committed) and any answer from an SMTP server — the worst moment for a crash.
"""

from __future__ import annotations

import random
import subprocess
import sys
import threading
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

from sellerdesk.adapters.smtp import SendReceipt
from sellerdesk.config import Config, MailboxConfig, StoreConfig
from sellerdesk.services.database import open_database
from sellerdesk.services.outbox import deliver_due

IMAP_USER = "support@acme.example"
ROOT = Path(__file__).resolve().parents[1]


class HangingSender:
    """Announces the claim on standard output, then never returns."""

    def send(self, message: EmailMessage) -> SendReceipt:
        """Print ``claimed`` and wait to be killed."""
        print("claimed", flush=True)
        threading.Event().wait()
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Nothing to release."""


def crash_after_claim(database_url: str, now: datetime, store: str) -> None:
    """Start the worker in a child process and SIGKILL it once it has claimed a delivery.

    Raises:
        AssertionError: the child ended without claiming anything (its standard error is in the message).
    """
    command = [sys.executable, "-m", "tests.outbox_worker", database_url, now.isoformat(), store]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT) as child:
        try:
            assert child.stdout is not None
            line = child.stdout.readline()
        finally:
            child.kill()  # SIGKILL: none of the worker's clean-up code runs
        assert line.strip() == "claimed", child.stderr.read() if child.stderr else "no output"


def main(database_url: str, now: datetime, store: str) -> None:
    """Claim one due delivery of *store*'s mailbox and hang (see the module documentation)."""
    mailbox = MailboxConfig(store=store, imap_host="127.0.0.1", imap_username=IMAP_USER, imap_password_env="UNUSED")
    config = Config(stores=(StoreConfig(store, ("US",)),), mailboxes=(mailbox,))
    with open_database(database_url, upgrade=False) as db:
        deliver_due(db, config, sender_factory=lambda _m: HangingSender(), now=now, rng=random.Random(1), limit=1)


if __name__ == "__main__":
    main(sys.argv[1], datetime.fromisoformat(sys.argv[2]), sys.argv[3])
