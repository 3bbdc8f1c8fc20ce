"""Build the e-mail of a reply to a buyer, as Amazon's relay expects it.

The reply goes from the mailbox's approved address (Amazon rejects any other sender) to
the buyer's relay alias, answers the buyer's last message (``In-Reply-To`` and
``References``) and keeps the thread's subject behind ``Re:``. It carries no visible
thread code: Amazon threads by alias and order, and buyers see every character of the
subject. Plain text, UTF-8, quoted-printable so that it passes any relay unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

# Reply/forward prefixes of the marketplaces' languages, stacked as mail clients leave them.
_PREFIX = re.compile(r"^\s*(?:(?:re|aw|sv|antw|rif|r|réf|ref|fwd?|wg|tr|返信|答复|回复)\s*(?:\[\d+\])?\s*[:：]\s*)+",
                     re.IGNORECASE)
_IMPORTANT = re.compile(r"\[\s*important\s*\]", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
# RFC 5322 advises keeping the first reference and the latest ones when trimming a long chain.
MAX_REFERENCES = 10
FALLBACK_SUBJECT = "Your Amazon order"


@dataclass(frozen=True)
class ReplyHeaders:
    """Everything but the text that identifies a reply: who, to whom, about what, answering which mail."""

    from_address: str
    to_address: str
    subject: str  # the final subject, as :func:`reply_subject` makes it
    message_id: str  # without angle brackets
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()


def make_message_id(from_address: str, *, unique: str) -> str:
    """A Message-ID (without angle brackets) in the sender's own domain: ``<unique>@<domain>``.

    Args:
        from_address: the approved sender address; its domain names the Message-ID.
        unique: a value never used before (the caller draws it; this module has no randomness).

    Raises:
        ValueError: *from_address* has no domain or *unique* is empty or contains ``@``, ``<``, ``>`` or spaces.
    """
    local, _, domain = from_address.strip().rpartition("@")
    if not local or not domain or any(c in domain for c in "<> "):
        raise ValueError(f"from_address {from_address!r} is not an address like support@shop.example; "
                         "fix from_address in the mailbox's configuration")
    if not unique or any(c in unique for c in "@<> \t\r\n"):
        raise ValueError(f"unique part {unique!r} of a Message-ID must be non-empty, without @, <, > or spaces")
    return f"{unique}@{domain.lower()}"


def reply_subject(thread_subject: str | None) -> str:
    """``Re: <thread subject>``, with earlier reply prefixes and any ``[Important]`` taken out.

    Amazon forbids ``[Important]`` in subjects, so it is dropped even when the thread's
    subject carried it; line breaks are folded so the header cannot be split.
    """
    subject = _SPACES.sub(" ", thread_subject or "").strip()
    subject = _IMPORTANT.sub("", subject)
    subject = _PREFIX.sub("", subject)
    subject = _SPACES.sub(" ", subject).strip()
    return f"Re: {subject or FALLBACK_SUBJECT}"


def reply_references(parent_message_id: str | None, parent_references: Sequence[str] = ()) -> tuple[str, ...]:
    """The ``References`` of a reply: the parent's references then the parent itself, trimmed.

    Keeps the first and the latest entries when the chain is longer than
    :data:`MAX_REFERENCES`; duplicates are dropped; angle brackets are stripped.
    """
    chain: list[str] = []
    for ref in (*parent_references, *((parent_message_id,) if parent_message_id else ())):
        clean = ref.strip().strip("<>").strip()
        if clean and clean not in chain:
            chain.append(clean)
    if len(chain) > MAX_REFERENCES:
        chain = [chain[0], *chain[-(MAX_REFERENCES - 1):]]
    return tuple(chain)


def build_reply(headers: ReplyHeaders, text: str, *, date: datetime, from_name: str | None = None) -> EmailMessage:
    """The reply as an :class:`~email.message.EmailMessage`, ready for SMTP.

    Args:
        headers: sender, recipient, subject and threading headers.
        text: the reply text exactly as the buyer will read it.
        date: the ``Date`` header (timezone-aware).
        from_name: a display name for the sender (e.g. the store's name), or none.

    Raises:
        ValueError: *date* is naive, or a header value contains a line break.
    """
    if date.tzinfo is None:
        raise ValueError("date of a reply must be timezone-aware")
    for name, value in (("from_address", headers.from_address), ("to_address", headers.to_address),
                        ("message_id", headers.message_id)):
        if not value or "\n" in value or "\r" in value:
            raise ValueError(f"{name} {value!r} is empty or contains a line break")
    message = EmailMessage()
    message["From"] = f"{from_name} <{headers.from_address}>" if from_name else headers.from_address
    message["To"] = headers.to_address
    message["Subject"] = _SPACES.sub(" ", headers.subject).strip()
    message["Date"] = format_datetime(date)
    message["Message-ID"] = f"<{headers.message_id}>"
    if headers.in_reply_to:
        message["In-Reply-To"] = f"<{headers.in_reply_to.strip('<>')}>"
    if headers.references:
        message["References"] = " ".join(f"<{ref}>" for ref in headers.references)
    message.set_content(_normalise_newlines(text), charset="utf-8", cte="quoted-printable")
    return message


def _normalise_newlines(text: str) -> str:
    # Mail bodies are lines; a stray CR would be sent as an ambiguous bare CR.
    body = text.replace("\r\n", "\n").replace("\r", "\n")
    return body if body.endswith("\n") else body + "\n"
