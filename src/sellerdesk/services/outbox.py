"""Replies out: deliver each queued reply exactly once or visibly not, and match Amazon's bounces.

::

    queue_reply ─▶ queued ─▶ deliver_due: claim ─▶ SMTP ─▶ sent
                                            │             ├─▶ queued again (4xx, no connection)
                                            │             ├─▶ failed (5xx, retries used up)
                                            │             └─▶ unknown (lost after DATA)
                                            └─ worker dies ─▶ recover_stuck ─▶ unknown
                                                                unknown ─▶ confirm_unknown ─▶ sent | failed

A delivery is claimed — moved to ``sending`` by a conditional update — in a transaction
committed *before* the SMTP server is contacted. When a worker dies mid-send, the row stays
in ``sending``; :func:`recover_stuck` turns it into ``unknown`` and nothing sends it again on
its own: a person decides with :func:`confirm_unknown` whether the buyer got it. Two workers
racing for one delivery cannot both claim it. Every send, retry, failure, confirmation and
bounce is written to the audit log (overrides are audited when the reply is queued).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any, Protocol

from sellerdesk.adapters.db.deliveries import DeliveryQueries, DeliveryRow
from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import Message, Store
from sellerdesk.adapters.filemail import FileMailSender
from sellerdesk.adapters.smtp import SendReceipt, SmtpMailSender
from sellerdesk.config import Config, MailboxConfig
from sellerdesk.core.amazon_mail import normalise_alias
from sellerdesk.core.outbox import Actor, AttemptOutcome, DeliveryState, RetryPolicy, after_attempt, confirm_state
from sellerdesk.core.reply_mail import ReplyHeaders, build_reply, reply_subject
from sellerdesk.errors import ConfigError, MailAuthError, MailConnectError, MailPermanentError, MailTemporaryError
from sellerdesk.services.database import Database
from sellerdesk.services.replies import queue_reply

SYSTEM = "system:outbox"
BATCH_SIZE = 50
STALE_AFTER = timedelta(minutes=15)
"""How long a delivery may sit in ``sending`` before it counts as abandoned: far above the
SMTP timeout, so only a worker that died leaves a delivery there this long."""
BOUNCE_WINDOW = timedelta(days=7)
BOUNCE_NOTICES = frozenset({"delivery_failure", "buyer_opt_out"})

__all__ = ["DeliveryResult", "MailSender", "confirm_unknown", "default_sender_factory", "deliver_due",
           "list_deliveries", "match_bounce", "outbox_job", "queue_reply", "recover_stuck", "send_outbox"]


class MailSender(Protocol):
    """What the outbox needs of an SMTP connection (:class:`SmtpMailSender` is the real one)."""

    def send(self, message: EmailMessage) -> SendReceipt:
        """Send *message*: a receipt (accepted | unknown), or MailTemporaryError / MailPermanentError."""

    def close(self) -> None:
        """Release the connection."""


SenderFactory = Callable[[MailboxConfig], MailSender]


def default_sender_factory(config: Config) -> SenderFactory:
    """SMTP through each mailbox's settings; with ``outbox_folder`` set, ``.eml`` files into that folder instead."""
    folder = config.outbox_folder
    if folder:
        return lambda _mailbox: FileMailSender(folder)
    return SmtpMailSender.for_mailbox


@dataclass(frozen=True)
class DeliveryResult:
    """What happened to one delivery (after :func:`deliver_due`, :func:`recover_stuck` or a confirmation)."""

    delivery_id: int
    message_id: int
    state: str
    attempts: int
    detail: str | None = None
    next_attempt_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping (times in ISO 8601)."""
        return {"delivery": self.delivery_id, "message": self.message_id, "state": self.state,
                "attempts": self.attempts, "detail": self.detail,
                "next_attempt_at": self.next_attempt_at.isoformat() if self.next_attempt_at else None}


@dataclass(frozen=True)
class _Claimed:
    delivery_id: int
    message_id: int
    attempts: int
    mailbox_id: int
    email: EmailMessage
    mailbox: MailboxConfig


def deliver_due(db: Database, config: Config, *, sender_factory: SenderFactory | None = None, now: datetime,
                rng: random.Random, policy: RetryPolicy | None = None,
                limit: int = BATCH_SIZE) -> list[DeliveryResult]:
    """Send the deliveries that are due; each is claimed in its own committed transaction first.

    Args:
        db: the database.
        config: the configuration; a delivery's mailbox must be one of its ``[[mailboxes]]``.
        sender_factory: makes a mailbox's sender (default :func:`default_sender_factory`).
        now: the current time (timezone-aware): due times, the ``Date`` header, the audit log.
        rng: the source of the retry jitter.
        policy: the retry schedule.
        limit: the most deliveries handled in this call.

    Returns:
        One result per delivery looked at; deliveries another worker claimed first are left out.
    """
    factory = sender_factory or default_sender_factory(config)
    with db.reading() as store:
        due = DeliveryQueries(store).due(now=now, limit=limit)
    senders: dict[int, MailSender] = {}
    down: dict[int, str] = {}  # mailbox id -> why it cannot be reached in this round
    results: list[DeliveryResult] = []
    try:
        for delivery_id in due:
            claimed = _claim(db, config, delivery_id, now=now, down=down)
            if claimed is None or isinstance(claimed, DeliveryResult):
                results.extend([claimed] if claimed is not None else [])
                continue
            outcome, detail, unreachable = _attempt(senders, factory, claimed)
            if unreachable:
                down[claimed.mailbox_id] = detail
            step = after_attempt(outcome, attempts=claimed.attempts, now=now, rng=rng, reason=detail, policy=policy)
            with db.transaction() as store:
                results.append(_settle(store, claimed, step.state, now=now, detail=step.reason,
                                       next_attempt_at=step.next_attempt_at))
    finally:
        for sender in senders.values():
            sender.close()
    return results


def send_outbox(db: Database, config: Config, *, now: datetime, rng: random.Random,
                sender_factory: SenderFactory | None = None) -> list[DeliveryResult]:
    """One round of the outbox: abandoned sends become ``unknown``, then due deliveries are sent."""
    return [*recover_stuck(db, now=now), *deliver_due(db, config, sender_factory=sender_factory, now=now, rng=rng)]


def outbox_job(db: Database, config: Config, *, report: Callable[[DeliveryResult], None],
               clock: Callable[[], datetime] | None = None, rng: random.Random | None = None,
               sender_factory: SenderFactory | None = None) -> Callable[[], None]:
    """The background job that sends the outbox, for a :class:`~sellerdesk.services.jobs.JobRunner`.

    Each run is one :func:`send_outbox` round at the clock's time; *report* gets every result.
    """
    now_of = clock or (lambda: datetime.now(UTC))
    jitter = rng or random.Random()

    def job() -> None:
        for result in send_outbox(db, config, now=now_of(), rng=jitter, sender_factory=sender_factory):
            report(result)

    return job


def _claim(db: Database, config: Config, delivery_id: int, *, now: datetime,
           down: dict[int, str]) -> _Claimed | DeliveryResult | None:
    with db.transaction() as store:
        queries = DeliveryQueries(store)
        delivery = queries.get(delivery_id)
        if delivery.mailbox_id in down:
            # One failed connection per mailbox and round is enough; the others wait, no attempt counted.
            return DeliveryResult(delivery_id, delivery.message_id, delivery.state, delivery.attempts,
                                  f"not tried this round: {down[delivery.mailbox_id]}", delivery.next_attempt_at)
        mailbox = _mailbox_config(config, store, queries, delivery.mailbox_id)
        if isinstance(mailbox, str):
            # Not claimed, no attempt counted: the reply waits until its mailbox is configured.
            queries.move(delivery_id, expected=("queued",), state="queued", now=now, last_error=mailbox)
            return DeliveryResult(delivery_id, delivery.message_id, "queued", delivery.attempts, mailbox)
        if not queries.claim(delivery_id, now=now):
            return None  # another worker was faster
        delivery = queries.get(delivery_id)
        message = store.get_message(delivery.message_id)
        return _Claimed(delivery.id, message.id, delivery.attempts, delivery.mailbox_id,
                        _email_of(message, now=now), mailbox)


def _mailbox_config(config: Config, store: SqlStore, queries: DeliveryQueries, mailbox_id: int) -> MailboxConfig | str:
    row = queries.mailbox(mailbox_id)
    shop = store.session.get(Store, row.store_id)
    name = shop.name if shop is not None else f"#{row.store_id}"
    for mailbox in config.mailboxes:
        if (mailbox.store, mailbox.imap_host, mailbox.imap_username, mailbox.imap_folder) == \
                (name, row.imap_host, row.imap_username, row.imap_folder):
            return mailbox
    return (f"{config.source}: no [[mailboxes]] entry for store {name!r} with imap_host {row.imap_host!r} and "
            f"imap_username {row.imap_username!r}; the reply waits until that mailbox is configured")


def _email_of(message: Message, *, now: datetime) -> EmailMessage:
    headers = ReplyHeaders(from_address=message.from_address or "", to_address=message.to_address or "",
                           subject=message.subject or reply_subject(None), message_id=message.message_id or "",
                           in_reply_to=message.in_reply_to, references=tuple(message.details.get("references", ())))
    return build_reply(headers, message.text, date=now)


def _attempt(senders: dict[int, MailSender], factory: SenderFactory,
             claimed: _Claimed) -> tuple[AttemptOutcome, str, bool]:
    """The outcome, its detail, and whether the mailbox's server cannot be used at all right now."""
    try:
        sender = senders.get(claimed.mailbox_id)
        if sender is None:
            sender = senders[claimed.mailbox_id] = factory(claimed.mailbox)
        receipt = sender.send(claimed.email)
    except MailPermanentError as exc:
        return AttemptOutcome.PERMANENT, str(exc), False
    except MailTemporaryError as exc:
        return AttemptOutcome.TEMPORARY, str(exc), False
    except (MailConnectError, MailAuthError, ConfigError) as exc:
        # Nothing was handed over, so a retry is safe; meanwhile the error shows on the outbox line.
        return AttemptOutcome.TEMPORARY, str(exc), True
    return receipt.outcome, receipt.response, False


def _settle(store: SqlStore, claimed: _Claimed, state: DeliveryState, *, now: datetime, detail: str | None,
            next_attempt_at: datetime | None) -> DeliveryResult:
    queries = DeliveryQueries(store)
    values: dict[str, Any] = {"next_attempt_at": next_attempt_at}
    values.update({"smtp_response": detail, "last_error": None} if state is DeliveryState.SENT
                  else {"last_error": detail})
    moved = queries.move(claimed.delivery_id, expected=("sending",), state=state, now=now, **values)
    if not moved and state is DeliveryState.SENT:
        # recover_stuck gave up on a very slow send meanwhile; the server's "250" settles it.
        moved = queries.move(claimed.delivery_id, expected=("unknown",), state=state, now=now, **values)
    message = store.get_message(claimed.message_id)
    action = {DeliveryState.SENT: "reply.sent", DeliveryState.QUEUED: "reply.retry",
              DeliveryState.FAILED: "reply.failed", DeliveryState.UNKNOWN: "reply.unknown"}[state]
    if not moved:
        action, detail = "reply.late_result", f"{state}: {detail} (the delivery had left 'sending' meanwhile)"
    elif state is DeliveryState.SENT:
        _mark_sent(store, message, now=now)
    store.audit(SYSTEM, action, at=now, store_id=message.store_id, thread_id=message.thread_id,
                message_id=message.id, detail={"delivery": claimed.delivery_id, "attempts": claimed.attempts,
                                               "detail": detail})
    current = queries.get(claimed.delivery_id)
    return DeliveryResult(current.id, message.id, current.state, current.attempts, detail, current.next_attempt_at)


def _mark_sent(store: SqlStore, message: Message, *, now: datetime) -> None:
    message.sent_at = now
    thread = DeliveryQueries(store).thread(message.thread_id)
    if thread is not None:
        thread.last_outbound_at = max(thread.last_outbound_at or now, now)
        thread.updated_at = now
        # A buyer message that came in after the reply was written still waits for an answer.
        if thread.state == "open" and (thread.last_inbound_at is None or thread.last_inbound_at <= message.received_at):
            thread.state = "answered"
    store.session.flush()


def recover_stuck(db: Database, *, now: datetime, stale_after: timedelta = STALE_AFTER) -> list[DeliveryResult]:
    """Turn deliveries abandoned in ``sending`` (their worker died) into ``unknown``, for a person to confirm.

    Never re-sends: the server may have accepted the message before the worker died.
    """
    results = []
    with db.transaction() as store:
        queries = DeliveryQueries(store)
        for delivery_id in queries.stuck(updated_before=now - stale_after):
            reason = "the worker stopped during the send; check whether the buyer got it, then confirm"
            if not queries.move(delivery_id, expected=("sending",), state="unknown", now=now, last_error=reason):
                continue
            delivery = queries.get(delivery_id)
            message = store.get_message(delivery.message_id)
            store.audit(SYSTEM, "reply.unknown", at=now, store_id=message.store_id, thread_id=message.thread_id,
                        message_id=message.id, detail={"delivery": delivery_id, "detail": reason})
            results.append(DeliveryResult(delivery_id, message.id, "unknown", delivery.attempts, reason))
    return results


def confirm_unknown(store: SqlStore, delivery_id: int, *, sent: bool, actor: Actor,
                    now: datetime | None = None) -> DeliveryResult:
    """Record a person's decision on an ``unknown`` delivery: the buyer got it (*sent*) or not.

    Raises:
        NotFoundError: no delivery has that id.
        InputError: the delivery is not ``unknown``.
    """
    when = now or datetime.now(UTC)
    queries = DeliveryQueries(store)
    delivery = queries.get(delivery_id)
    target = confirm_state(delivery.state, sent=sent, delivery_id=delivery_id)
    last_try = delivery.updated_at  # when it was last attempted (or found abandoned)
    reason = f"confirmed by {actor.name}: {'the buyer got it' if sent else 'not delivered'}"
    if not queries.move(delivery_id, expected=("unknown",), state=target, now=when, last_error=reason):
        confirm_state(queries.get(delivery_id).state, sent=sent, delivery_id=delivery_id)  # raises: it moved
    message = store.get_message(delivery.message_id)
    if sent:
        _mark_sent(store, message, now=last_try)
    store.audit(actor.name, "reply.confirmed", at=when, store_id=message.store_id, thread_id=message.thread_id,
                message_id=message.id, detail={"delivery": delivery_id, "sent": sent, "role": actor.role})
    return DeliveryResult(delivery_id, message.id, str(target), delivery.attempts, reason)


def list_deliveries(store: SqlStore, *, states: Iterable[str] | None = None, store_name: str | None = None,
                    limit: int = 100) -> list[dict[str, Any]]:
    """The outbox, newest first, as JSON-ready mappings (one per delivery)."""
    return [_row_dict(row) for row in DeliveryQueries(store).listing(states=states, store_name=store_name,
                                                                     limit=limit)]


def _row_dict(row: DeliveryRow) -> dict[str, Any]:
    d, m = row.delivery, row.message
    return {"delivery": d.id, "message": m.id, "store": row.store_name, "thread_id": m.thread_id,
            "message_id": m.message_id, "to": m.to_address, "subject": m.subject, "state": d.state,
            "attempts": d.attempts, "next_attempt_at": _iso(d.next_attempt_at), "last_error": d.last_error,
            "smtp_response": d.smtp_response, "bounced": d.bounced, "bounce_reason": d.bounce_reason,
            "queued_at": _iso(m.received_at), "sent_at": _iso(m.sent_at)}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def match_bounce(store: SqlStore, message_row: Message) -> int | None:
    """Mark the delivery an Amazon bounce or opt-out notice concerns; return its id (``None``: no match).

    Matches by the Message-ID the notice names (``related_message_id``), else by the buyer's
    alias and the order, taking the newest reply queued in the week before the notice. The
    delivery is marked ``bounced`` with the reason, the reply's thread reopens (the buyer did
    not get the answer) and the audit log records it. Called by the store after storing a notice.
    """
    if message_row.notice_type not in BOUNCE_NOTICES:
        return None
    queries = DeliveryQueries(store)
    reply, matched_by = None, "message_id"
    if message_row.related_message_id:
        reply = queries.outgoing_by_rfc_id(message_row.store_id, message_row.related_message_id.strip("<>"))
    if reply is None and (message_row.buyer_alias or message_row.order_id):
        matched_by = "alias+order" if message_row.buyer_alias and message_row.order_id else \
            ("alias" if message_row.buyer_alias else "order")
        alias = normalise_alias(message_row.buyer_alias) if message_row.buyer_alias else None
        reply = queries.latest_outgoing(message_row.store_id, alias=alias, order_id=message_row.order_id,
                                        after=message_row.received_at - BOUNCE_WINDOW, before=message_row.received_at)
    delivery = queries.for_message(reply.id) if reply is not None else None
    if reply is None or delivery is None:
        return None
    reason = f"{message_row.notice_type}: {message_row.subject or message_row.text[:200]}".strip()
    delivery.bounced, delivery.bounce_reason = True, reason
    reply.state_reason = f"bounced ({message_row.notice_type})"
    message_row.details = {**message_row.details, "bounce_of": reply.id}
    thread = queries.thread(reply.thread_id)
    if thread is not None and thread.state == "answered":
        thread.state = "open"
    store.audit(SYSTEM, "reply.bounced", at=message_row.created_at, store_id=reply.store_id,
                thread_id=reply.thread_id, message_id=reply.id,
                detail={"delivery": delivery.id, "notice": message_row.id, "notice_type": message_row.notice_type,
                        "matched_by": matched_by, "reason": reason})
    store.session.flush()
    return delivery.id
