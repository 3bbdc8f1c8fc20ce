"""What a check takes in and gives back: the context of a draft, its findings and the verdict.

These shapes are the fixed contract of contracts.md §2: a finding carries ``rule``, ``severity``,
``start``/``end`` (character offsets into the checked text, or None for whole-message findings),
``excerpt``, ``explanation`` and ``suggestion``; the verdict is ``block`` if any finding blocks,
else ``warn`` if any warns, else ``pass``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

BLOCK = "block"
WARN = "warn"
INFO = "info"
SEVERITIES = (BLOCK, WARN, INFO)

BUYER_KINDS = ("reply", "proactive", "review_request")
"""Kinds of message a buyer reads (``api:*`` kinds are buyer-facing too)."""

KINDS = (*BUYER_KINDS, "case")
"""Every plain message kind; ``api:<messageType>`` is accepted besides these."""

EXCERPT_CHARS = 80


@dataclass(frozen=True)
class HistoryMessage:
    """An earlier outgoing message of the same store (the context of repeat and near-duplicate rules)."""

    text: str
    kind: str = "reply"
    order_id: str | None = None
    sent_at: datetime | None = None


@dataclass(frozen=True)
class Attachment:
    """A file sent with the message: its name, size in bytes and MIME type."""

    filename: str
    size: int = 0
    content_type: str = ""


@dataclass(frozen=True)
class CheckContext:
    """Everything around a draft that some rules need; every field is optional.

    Attributes:
        subject: the subject line the message will carry.
        marketplace: two-letter marketplace code (``US``, ``DE``, ``JP``...), used for phone regions
            and the expected language.
        order_id: the order the message is about (repeat review requests are counted per order).
        buyer_language: ISO 639-1 code of the buyer's language, when known.
        received_at: when the buyer's message arrived (timezone-aware).
        replied_at: when this text is (or was) sent; the caller passes "now" since core reads no clock.
        history: the store's earlier outgoing messages, oldest first.
        attachments: files sent with the message.
        automatic: True when no person pressed "send" (an auto-responder or a rule-based send).
        near_duplicates: a prepared :class:`~sellerdesk.core.compliance.similarity.NearDuplicateIndex`
            of a large history; when given it is used instead of comparing with ``history`` one by one.
    """

    subject: str | None = None
    marketplace: str | None = None
    order_id: str | None = None
    buyer_language: str | None = None
    received_at: datetime | None = None
    replied_at: datetime | None = None
    history: Sequence[HistoryMessage] = ()
    attachments: Sequence[Attachment] = ()
    automatic: bool = False
    near_duplicates: Any = None


@dataclass(frozen=True)
class Finding:
    """One thing a rule found: where it is, why it matters and what to do instead."""

    rule: str
    severity: str
    start: int | None
    end: int | None
    excerpt: str
    explanation: str
    suggestion: str

    def to_dict(self) -> dict[str, Any]:
        """The finding as the JSON object of contracts §2."""
        return {
            "rule": self.rule, "severity": self.severity, "start": self.start, "end": self.end,
            "excerpt": self.excerpt, "explanation": self.explanation, "suggestion": self.suggestion,
        }


def verdict_of(findings: Sequence[Finding]) -> str:
    """``block`` if any finding blocks, else ``warn`` if any warns, else ``pass``."""
    severities = {f.severity for f in findings}
    if BLOCK in severities:
        return BLOCK
    if WARN in severities:
        return WARN
    return "pass"


@dataclass(frozen=True)
class CheckResult:
    """The outcome of a check: the verdict and the findings, in text order."""

    verdict: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        """True when the message must not be sent as written."""
        return self.verdict == BLOCK

    def rules(self) -> set[str]:
        """The names of the rules that found something."""
        return {f.rule for f in self.findings}

    def to_dict(self) -> dict[str, Any]:
        """``{"verdict": ..., "findings": [...]}`` as ``sellerdesk check`` prints it."""
        return {"verdict": self.verdict, "findings": [f.to_dict() for f in self.findings]}


def excerpt_of(text: str, start: int, end: int) -> str:
    """The matched part of *text*, shortened to a readable length."""
    piece = text[start:end]
    if len(piece) > EXCERPT_CHARS:
        piece = piece[: EXCERPT_CHARS - 1] + "…"
    return " ".join(piece.split())


def whole_message(rule: str, severity: str, text: str, *, explanation: str, suggestion: str) -> Finding:
    """A finding about the whole message (no offsets); the excerpt is the message's opening."""
    return Finding(rule, severity, None, None, excerpt_of(text, 0, min(len(text), 60)), explanation, suggestion)


@dataclass(frozen=True)
class Rule:
    """A rule as data: its name, default severity, the kinds it checks, and the function that finds.

    ``find`` takes the :class:`~sellerdesk.core.compliance.draft.Draft` and returns findings;
    ``kinds`` is a predicate on the message kind.
    """

    name: str
    severity: str
    kinds: Any
    find: Any
    summary: str


def buyer_facing(kind: str) -> bool:
    """True for the kinds a buyer reads: reply, proactive, review_request and ``api:*``."""
    return kind in BUYER_KINDS or kind.startswith("api:")


def any_kind(kind: str) -> bool:
    """True for every kind (rules that also apply to messages to Seller Support)."""
    return True
