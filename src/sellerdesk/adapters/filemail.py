"""A mail sender that writes each message as an ``.eml`` file into a folder (``outbox_folder``).

For the demo and for dry runs: the outbox works end to end (claim, send, ``sent``, audit)
while no mail leaves the machine. The file name is the message's Message-ID, so a message
written twice would overwrite itself rather than appear twice.
"""

from __future__ import annotations

import os
import re
from email.message import EmailMessage
from pathlib import Path

from sellerdesk.adapters.smtp import SendReceipt
from sellerdesk.core.outbox import AttemptOutcome
from sellerdesk.errors import MailPermanentError

_UNSAFE = re.compile(r"[^A-Za-z0-9._@-]+")


class FileMailSender:
    """Writes messages into *folder* (created when missing) instead of sending them."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)

    def send(self, message: EmailMessage) -> SendReceipt:
        """Write *message* to ``<folder>/<Message-ID>.eml`` atomically; return an accepted receipt.

        Raises:
            MailPermanentError: the folder cannot be written (the path is named in the message).
        """
        name = _UNSAFE.sub("_", str(message.get("Message-ID", "")).strip("<> ")) or "message"
        target = self.folder / f"{name}.eml"
        partial = target.with_suffix(".eml.part")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(message.as_bytes())
            os.replace(partial, target)
        except OSError as exc:
            raise MailPermanentError(f"outbox_folder {self.folder}: cannot write {target.name} ({exc.strerror}); "
                                     "check the folder exists and is writable") from exc
        return SendReceipt(outcome=AttemptOutcome.ACCEPTED, response=f"written to {target}")

    def close(self) -> None:
        """Nothing to release."""
