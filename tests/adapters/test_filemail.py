"""The folder sender writes each reply once, as a readable .eml file."""

from __future__ import annotations

import email
from email.message import EmailMessage
from pathlib import Path

import pytest

from sellerdesk.adapters.filemail import FileMailSender
from sellerdesk.core.outbox import AttemptOutcome
from sellerdesk.errors import MailPermanentError


def reply(message_id: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "cs@store.example"
    message["To"] = "abc@marketplace.amazon.de"
    message["Message-ID"] = message_id
    message["Subject"] = "Re: Anfrage"
    message.set_content("Grüße")
    return message


def test_each_message_is_one_file_named_by_its_message_id(tmp_path: Path) -> None:
    sender = FileMailSender(tmp_path / "out")
    receipt = sender.send(reply("<sd.1@store.example>"))
    sender.send(reply("<sd.1@store.example>"))
    sender.send(reply("<sd.2@store.example>"))
    assert receipt.outcome == AttemptOutcome.ACCEPTED
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == ["sd.1@store.example.eml", "sd.2@store.example.eml"]
    parsed = email.message_from_bytes((tmp_path / "out" / files[0]).read_bytes())
    assert parsed["To"] == "abc@marketplace.amazon.de"


def test_an_unwritable_folder_fails_permanently_naming_it(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(MailPermanentError, match="outbox_folder"):
        FileMailSender(blocker / "out").send(reply("<x@y>"))
