"""The JSON API's request and response bodies (pydantic), which the OpenAPI document describes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from sellerdesk.core.compliance.findings import KINDS
from sellerdesk.core.marketplaces import MARKETPLACES


def _storable(value: str) -> str:
    # Lone surrogates (possible in JSON's \ud800 escapes) cannot be written as UTF-8 by any database.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("the text is not valid Unicode (a lone surrogate); send UTF-8 text") from exc
    return value


NO_NUL = r"^[^\x00]*$"
"""Text fields refuse NUL characters: PostgreSQL cannot store them, and no buyer-facing text needs one."""


_SPACE = r"\t-\r\x1c- \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK = rf"^[^\x00]*[^\x00{_SPACE}][^\x00]*$"
"""At least one character that is not white space (as Python's ``str.strip`` sees it), and no NUL."""
if TYPE_CHECKING:
    MarketplaceCode = str
else:  # the codes as an enum in the OpenAPI document (a literal built from data, which mypy cannot follow)
    MarketplaceCode = Literal[tuple(MARKETPLACES)]
Clean = Annotated[str, Field(pattern=NO_NUL), AfterValidator(_storable)]
"""A text without NUL characters that can be stored as UTF-8."""
Body = Annotated[Clean, Field(max_length=50_000)]
Reason = Annotated[Clean, Field(max_length=2000)]
Subject = Annotated[Clean, Field(max_length=1000)]
Label = Annotated[Clean, Field(max_length=400)]
Name = Annotated[Clean, Field(max_length=100)]
Reference = Annotated[Clean, Field(max_length=40)]
ReplyText = Annotated[str, Field(max_length=50_000, pattern=NOT_BLANK), AfterValidator(_storable)]


class Strict(BaseModel):
    """Request bodies refuse unknown fields, so a misspelt field is an error rather than ignored."""

    model_config = ConfigDict(extra="forbid")


class ErrorDetail(BaseModel):
    """What went wrong: a stable ``code`` to branch on and a ``message`` for people."""

    code: str = Field(description="unauthorized, forbidden, not_found, invalid, blocked, idempotency_key_reused, "
                                  "not_configured, method_not_allowed or unavailable")
    message: str
    details: list[dict[str, Any]] | None = Field(
        default=None, description="the invalid fields (invalid) or the compliance findings (blocked)")


class ErrorBody(BaseModel):
    """Every error answer of the API has this shape."""

    error: ErrorDetail


class ThreadSummary(BaseModel):
    """A thread as the inbox lists it."""

    id: int
    store: str
    subject: str | None
    order_id: str | None
    asin: str | None
    marketplace: str | None
    buyer: str | None
    state: str
    due_at: datetime | None = Field(description="24 hours after the oldest unanswered buyer message; null when "
                                                "nothing is waiting")
    last_inbound_at: datetime | None
    intent: str | None
    language: str | None


class ThreadPage(BaseModel):
    """One page of threads, the soonest-due first."""

    threads: list[ThreadSummary]
    page: int
    has_next: bool


class AttachmentOut(BaseModel):
    """An attachment's name, type and size (its content is not served by the API)."""

    filename: str | None
    content_type: str
    size: int


class MessageOut(BaseModel):
    """A message in (from the buyer or Amazon) or out (a reply), with the buyer's clean text."""

    id: int
    thread_id: int | None
    store: str
    direction: Literal["in", "out"]
    kind: str
    notice_type: str | None
    state: str
    subject: str | None
    text: str
    order_id: str | None
    asin: str | None
    buyer_name: str | None
    marketplace: str | None
    language: str | None
    intent: str | None
    received_at: datetime
    sent_at: datetime | None
    attachments: list[AttachmentOut]


class ThreadDetail(ThreadSummary):
    """A thread with its messages, oldest first."""

    messages: list[MessageOut]


class FindingOut(BaseModel):
    """One finding of the compliance guard (contracts §2)."""

    rule: str
    severity: Literal["block", "warn", "info"]
    start: int | None
    end: int | None
    excerpt: str
    explanation: str
    suggestion: str


class CheckOut(BaseModel):
    """The guard's verdict: ``block`` if any finding blocks, else ``warn`` if any warns, else ``pass``."""

    verdict: Literal["pass", "warn", "block"]
    findings: list[FindingOut]


class HistoryIn(Strict):
    """An earlier outgoing message of the store, for the near-duplicate and repeat-review rules."""

    text: Body
    kind: Literal["reply", "proactive", "review_request", "case"] = "reply"
    order_id: Reference | None = None
    sent_at: AwareDatetime | None = None


class AttachmentIn(Strict):
    """An attachment the message would carry."""

    filename: Label
    size: int = Field(ge=0, le=1 << 40, description="bytes")
    content_type: Label = ""


class CheckIn(Strict):
    """A text to check, as ``sellerdesk check`` reads it (contracts §3), plus a store or thread for context."""

    text: Body = Field(description="the message exactly as it would be sent")
    kind: str = Field(default="reply", max_length=80, pattern=r"^(" + "|".join(KINDS) + r"|api:[A-Za-z]{1,60})$",
                      description="reply, proactive, review_request, case or api:<messageType>")
    subject: Subject | None = None
    marketplace: MarketplaceCode | None = Field(default=None, description="two-letter code, e.g. US")
    order_id: Reference | None = None
    buyer_language: str | None = Field(default=None, pattern=r"^[a-z]{2}$", description="ISO 639-1, e.g. de")
    received_at: AwareDatetime | None = None
    replied_at: AwareDatetime | None = None
    history: list[HistoryIn] | None = Field(default=None, max_length=200)
    attachments: list[AttachmentIn] | None = Field(default=None, max_length=50)
    store: Name | None = Field(default=None, description="the store whose [compliance] settings apply")


class ThreadCheckIn(Strict):
    """A reply to check in its thread's context."""

    text: Body = Field(description="the reply exactly as it would be sent")


class DraftOut(BaseModel):
    """The suggested reply to a thread's newest buyer message, checked by the guard."""

    thread_id: int
    intent: str
    language: str | None = Field(description="of the draft")
    buyer_language: str | None
    template: str | None
    draft: str
    check: CheckOut
    facts: list[str]
    holding: bool = Field(description="a holding reply (the thread is on hold or the contact looks suspicious)")
    reply_needed: bool
    suspicion: dict[str, Any]
    note: str | None = None


class ReplyIn(Strict):
    """A reply to queue for sending."""

    text: ReplyText = Field(description="the reply exactly as the buyer will read it")
    override_reason: Reason | None = Field(
        default=None, description="admins only: the written reason to send a reply the guard blocked (audited)")


class ReplyQueued(BaseModel):
    """A queued reply; the outbox sends it (``state`` follows the message as it goes out)."""

    message: int = Field(description="the reply's message id (GET /messages/{id} follows it)")
    thread: int
    delivery: int | None
    state: str
    mail_message_id: str | None = Field(description="the reply's Message-ID header (RFC 5322), without <>")
    verdict: Literal["pass", "warn", "block"]
    rules: list[str]


class MetricsLine(BaseModel):
    """Contact Response Time of one group (see docs/sla.md for the definitions)."""

    store: str | None = Field(description="the store this line is limited to; null: every store")
    group_by: Literal["all", "store", "marketplace", "agent"]
    group: str | None
    received: int
    excluded: int
    pending: int
    measured: int
    on_time: int
    late: int
    no_response: int
    within_24h_share: float | None
    late_response_rate: float | None
    no_response_rate: float | None
    average_response_hours: float | None
    median_response_hours: float | None
    within_24h_gap: float | None
    average_gap_hours: float | None
    meets_goals: bool | None


class MetricsReport(BaseModel):
    """Contact Response Time over ``[start, end)`` as seen at ``as_of``, with Amazon's goals."""

    start: datetime
    end: datetime
    as_of: datetime
    goal_within_24h_share: float
    goal_average_hours: float
    lines: list[MetricsLine]
