"""Buyer messages on Amazon's clock as the metrics keep them: first answers, outcome buckets, months.

The Contact Response Time metrics (:mod:`sellerdesk.core.metrics`) need, per buyer message,
when its clock started, when it was first answered, whether it was marked "no response
needed" and who handled it. :func:`thread_facts` works that out for one thread (with
:func:`sellerdesk.core.sla.first_replies`), so it can be stored when messages and replies are
written and summed later without matching replies again.

Stored figures are also counted per UTC month in *outcome buckets*: :data:`EXCLUDED`,
:data:`UNANSWERED`, or the answer's response time in steps of :data:`BUCKET` (bucket ``b``
holds times in ``((b - 1) * BUCKET, b * BUCKET]``, bucket 0 exactly zero, the last one every
time over :data:`OVERFLOW_AFTER`). Buckets end exactly on the 24-hour mark, so a count of
buckets tells how many answers came on time, and the median's bucket tells which few stored
times to look at.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sellerdesk.core.sla import RESPONSE_WINDOW, BuyerMessage, Reply, as_utc, first_replies

BUCKET = timedelta(minutes=15)
BUCKET_US = BUCKET // timedelta(microseconds=1)
OVERFLOW_AFTER = timedelta(days=7)
OVERFLOW_BUCKET = OVERFLOW_AFTER // BUCKET + 1
ON_TIME_BUCKETS = RESPONSE_WINDOW // BUCKET
"""Buckets ``0..ON_TIME_BUCKETS`` hold the answers given within 24 hours."""

EXCLUDED = -2
UNANSWERED = -1
PENDING = -3
"""Unanswered with time left, as seen at an instant (never stored: it changes with time)."""


def clock_start(*, sent_at: datetime | None, received_at: datetime) -> datetime:
    """When a stored buyer message's clock starts: its ``Date`` unless later than its arrival."""
    if sent_at is not None and as_utc(sent_at) <= as_utc(received_at):
        return as_utc(sent_at)
    return as_utc(received_at)


def response_microseconds(received_at: datetime, answered_at: datetime) -> int:
    """The response time in whole microseconds (an answer stamped before the message counts as zero)."""
    return max(0, (as_utc(answered_at) - as_utc(received_at)) // timedelta(microseconds=1))


def answer_bucket(microseconds: int) -> int:
    """The outcome bucket of an answer that took *microseconds*."""
    if microseconds <= 0:
        return 0
    return min(-(-microseconds // BUCKET_US), OVERFLOW_BUCKET)


def bucket_bounds(bucket: int) -> tuple[int | None, int | None]:
    """The response times of an answer bucket in microseconds: ``(above, up_to)``; ``None`` is unbounded."""
    if bucket <= 0:
        return None, 0
    if bucket >= OVERFLOW_BUCKET:
        return (OVERFLOW_BUCKET - 1) * BUCKET_US, None
    return (bucket - 1) * BUCKET_US, bucket * BUCKET_US


def month_of(moment: datetime) -> datetime:
    """The first instant of *moment*'s UTC month."""
    moment = as_utc(moment)
    return datetime(moment.year, moment.month, 1, tzinfo=UTC)


def next_month(month: datetime) -> datetime:
    """The first instant of the UTC month after *month* (itself a month start)."""
    return datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=UTC)


def whole_months(start: datetime, end: datetime) -> tuple[datetime, datetime] | None:
    """The longest run of whole UTC months inside ``[start, end)``, as ``(first, after_last)``; ``None`` if none."""
    first = month_of(start)
    if first < as_utc(start):
        first = next_month(first)
    after_last = month_of(end)
    return (first, after_last) if first < after_last else None


@dataclass(frozen=True)
class ClockedMessage:
    """A buyer message of a thread: its row id, clock start, marketplace and exclusion mark (who made it)."""

    message_id: int
    received_at: datetime
    marketplace: str | None = None
    excluded_by: str | None = None  # None: not marked "no response needed"


@dataclass(frozen=True)
class ResponseFact:
    """What the metrics keep of one buyer message (one row of ``response_times``)."""

    message_id: int
    thread_id: int
    store_id: int
    marketplace: str | None
    agent: str | None
    received_at: datetime
    answered_at: datetime | None
    response_us: int | None
    excluded: bool

    @property
    def bucket(self) -> int:
        """The outcome bucket as known now (:data:`EXCLUDED`, :data:`UNANSWERED` or the answer's)."""
        if self.excluded:
            return EXCLUDED
        return UNANSWERED if self.response_us is None else answer_bucket(self.response_us)

    @property
    def month_key(self) -> tuple[int, datetime, str, str, int]:
        """Where it counts in the monthly totals: store, month, marketplace, agent (``""``: unknown), bucket."""
        return (self.store_id, month_of(self.received_at), self.marketplace or "", self.agent or "", self.bucket)


def thread_facts(messages: Sequence[ClockedMessage], replies: Iterable[datetime], *, thread_id: int, store_id: int,
                 assigned_to: str | None, marketplace: str | None) -> list[ResponseFact]:
    """The facts of a thread's buyer messages, given every reply's time (sent replies, Seller Central copies).

    A message's first answer is the earliest reply at or after its clock start
    (:func:`~sellerdesk.core.sla.first_replies`); its agent is whoever marked it "no response
    needed", else the thread's assignee; its marketplace its own, else the thread's.
    """
    answered = first_replies([BuyerMessage(str(m.message_id), m.received_at) for m in messages],
                             [Reply(at) for at in replies])
    facts = []
    for message in messages:
        answer = answered.get(str(message.message_id))
        facts.append(ResponseFact(
            message_id=message.message_id, thread_id=thread_id, store_id=store_id,
            marketplace=message.marketplace or marketplace,
            agent=assigned_to if message.excluded_by is None else message.excluded_by,
            received_at=as_utc(message.received_at), answered_at=answer,
            response_us=None if answer is None else response_microseconds(message.received_at, answer),
            excluded=message.excluded_by is not None))
    return facts


def waiting_since(facts: Iterable[ResponseFact]) -> datetime | None:
    """The clock start of the oldest message neither answered nor excluded (what the inbox counts down)."""
    waiting = [f.received_at for f in facts if not f.excluded and f.answered_at is None]
    return min(waiting) if waiting else None
