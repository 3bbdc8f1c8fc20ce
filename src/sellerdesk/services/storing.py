"""Storing one received mail: keep its bytes, parse it, file it in its thread, never twice.

:func:`store_mail` is what ingest (IMAP) and import (mbox/Maildir) call for every mail,
inside the caller's transaction. The steps, each idempotent:

1. keep the raw bytes (compressed, once per SHA-256) - nothing is ever lost;
2. if this store already has a message from these bytes, or with the same message key
   (``tok:<commMgrTok>``, ``mid:<Message-ID>``, ``sha:<hash>``), it is a duplicate;
3. parse; a mail that is not an e-mail (or that the parser marks ``fatal:``) is stored as a
   quarantined message with the reason, to be re-parsed later (``sellerdesk reparse``);
4. a buyer message goes to its buyer (alias per store) and thread (alias + order ID, or
   alias + ASIN before a sale); a new buyer message reopens an answered or closed thread;
5. a notice joins the thread of its order when there is one; a bounce or an opt-out is
   handed to the outbox (``sellerdesk.services.outbox.match_bounce``) to mark the delivery.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from hashlib import sha256
from typing import Any, Literal

from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import Message, RawMail, Thread
from sellerdesk.core.amazon_mail import PARSER_VERSION, normalise_alias, parse_relay_mail, thread_key
from sellerdesk.core.mail import MailKind, NoticeType, ParsedMail
from sellerdesk.core.response_times import clock_start
from sellerdesk.core.workflow import REOPENED_BY_BUYER
from sellerdesk.errors import MessageParseError, SellerdeskError
from sellerdesk.services.suspicion import hold_if_suspicious

ACTOR = "system:store"
FATAL_PREFIX = "fatal:"
"""A parser problem starting with this marks the parse as unusable: the mail is quarantined."""

BOUNCE_NOTICES = frozenset({NoticeType.DELIVERY_FAILURE, NoticeType.BUYER_OPT_OUT})
_REOPENED_STATES = REOPENED_BY_BUYER  # waiting on the buyer, answered or closed

Outcome = Literal["stored", "duplicate", "quarantined"]
ParseResult = tuple[ParsedMail | None, str | None]
"""What :func:`parse_or_reason` returns: ``(parsed, None)``, or ``(parsed or None, reason to quarantine)``."""
Parses = Callable[[Sequence[int]], list[ParseResult]]
"""Given positions in a batch of mails, the :data:`ParseResult` of the mail at each, in order."""


@dataclass(frozen=True)
class StoreOutcome:
    """What :func:`store_mail` did with one mail.

    Attributes:
        outcome: ``stored``, ``duplicate`` (already there: nothing written but the raw bytes'
            reuse) or ``quarantined`` (kept raw with the reason, not parsed).
        message_id: row id of the message (the existing one for a duplicate).
        raw_mail_id: row id of the kept raw bytes.
        thread_id: row id of the message's thread, if it has one.
        reason: why the mail was quarantined (``None`` otherwise).
    """

    outcome: Outcome
    message_id: int
    raw_mail_id: int
    thread_id: int | None = None
    reason: str | None = None


def store_mail(store: SqlStore, *, store_name: str, raw: bytes, now: datetime, attachment_max_bytes: int,
               received_at: datetime | None = None) -> StoreOutcome:
    """Store one received mail for the store called *store_name* (created bare if unknown).

    Args:
        store: the repository of the caller's transaction (nothing is committed here).
        store_name: the ``[[stores]]`` name the mailbox belongs to.
        raw: the mail exactly as the server gave it.
        now: the current time (timezone-aware).
        attachment_max_bytes: attachments larger than this are recorded without content.
        received_at: when the mail reached the mailbox (e.g. IMAP INTERNALDATE); default *now*.

    Returns:
        The outcome; a mail seen before (same bytes or same message key) is a ``duplicate``.
    """
    shop = store.ensure_store_named(store_name, now=now)
    raw_row, new_bytes = store.keep_raw(raw, now=now)
    existing = None if new_bytes else store.message_for_raw(shop.id, raw_row.id)
    if existing is not None:
        return _duplicate(existing, raw_row)
    return _store_parsed(store, store_id=shop.id, raw_row=raw_row, parse=parse_or_reason(raw), now=now,
                         arrived=received_at or now, attachment_max_bytes=attachment_max_bytes)


def store_mails(store: SqlStore, *, store_name: str, raws: Sequence[bytes], now: datetime,
                attachment_max_bytes: int, received_at: Sequence[datetime | None] | None = None,
                parses: Parses | None = None) -> list[StoreOutcome]:
    """Store a batch of received mails: the same outcomes as :func:`store_mail` for each in turn.

    Faster for many mails: the raw bytes are looked up and inserted in one query each, and the
    messages, buyers and threads the batch needs are looked up together before it is filed mail
    by mail (in order, so threading is the same as one mail after another).

    Args:
        store: the repository of the caller's transaction (nothing is committed here).
        store_name: the ``[[stores]]`` name the mailbox belongs to.
        raws: the mails exactly as the server or the export gave them.
        now: the current time (timezone-aware).
        attachment_max_bytes: attachments larger than this are recorded without content.
        received_at: for each mail, when it reached the mailbox (``None``: *now*); default all *now*.
        parses: the parse results of the mails at given positions of *raws*, e.g. parsed ahead in
            worker processes (:mod:`sellerdesk.services.parse_workers`); by default each mail that is
            no duplicate of kept bytes is parsed here with :func:`parse_or_reason`.

    Returns:
        One outcome per mail, in order.
    """
    arrivals = list(received_at) if received_at is not None else [None] * len(raws)
    if len(arrivals) != len(raws):
        raise ValueError(f"store_mails: {len(raws)} mails but {len(arrivals)} arrival times; pass one per mail")
    shop = store.ensure_store_named(store_name, now=now)
    kept = store.keep_raws(raws, now=now)
    earlier = store.messages_for_raws(shop.id, [row.id for row, new in kept if not new])
    todo = [i for i, (row, new) in enumerate(kept) if new or row.id not in earlier]
    parsed = parses(todo) if parses is not None else parse_each([raws[i] for i in todo])
    store.prefetch_conversations(shop.id, **_batch_keys(parsed))
    outcomes: list[StoreOutcome | None] = [
        None if new or row.id not in earlier else _duplicate(earlier[row.id], row) for row, new in kept]
    try:
        for i, parse in zip(todo, parsed, strict=True):
            outcomes[i] = _store_parsed(store, store_id=shop.id, raw_row=kept[i][0], parse=parse, now=now,
                                        arrived=arrivals[i] or now, attachment_max_bytes=attachment_max_bytes)
    finally:
        store.forget_prefetched()
    return [outcome for outcome in outcomes if outcome is not None]


def parse_each(raws: Sequence[bytes]) -> list[ParseResult]:
    """:func:`parse_or_reason` for each of *raws*, in this process."""
    return [parse_or_reason(raw) for raw in raws]


def _batch_keys(parses: Sequence[ParseResult]) -> dict[str, set[str]]:
    # The keys store_mails will look up, to fetch them all at once; a key missed here is only slower.
    keys: dict[str, set[str]] = {"message_keys": set(), "aliases": set(), "thread_keys": set()}
    for parsed, reason in parses:
        if parsed is None or reason is not None:
            continue
        keys["message_keys"].add(fit_key(parsed.message_key))
        if parsed.kind == MailKind.BUYER_MESSAGE and parsed.buyer_alias:
            alias = fit_key(normalise_alias(parsed.buyer_alias), length=320)
            keys["aliases"].add(alias)
            key = thread_key(parsed)
            keys["thread_keys"].add(fit_key(key or f"{alias}|general"))
    return keys


def _store_parsed(store: SqlStore, *, store_id: int, raw_row: RawMail, parse: ParseResult, now: datetime,
                  arrived: datetime, attachment_max_bytes: int) -> StoreOutcome:
    # Everything store_mail does once the raw bytes are kept and known to be no duplicate.
    parsed, reason = parse
    if parsed is None or reason is not None:
        return _quarantine(store, store_id=store_id, raw_row=raw_row, parsed=parsed,
                           reason=reason or "unparsable", now=now, arrived=arrived)
    row = Message(store_id=store_id, raw_mail_id=raw_row.id, direction="in", message_key=fit_key(parsed.message_key),
                  received_at=arrived, created_at=now, state="stored")
    fill_message(row, parsed)
    message, created = store.add_message(row)
    if not created:  # the same message (same key) came before, in other bytes or from another process
        return _duplicate(message, raw_row)
    thread = place_in_thread(store, message, parsed, now=now)
    for attachment in parsed.attachments:
        store.add_attachment(message, filename=attachment.filename, content_type=attachment.content_type,
                             data=attachment.data, max_bytes=attachment_max_bytes)
    if parsed.notice_type in BOUNCE_NOTICES:
        hand_bounce_to_outbox(store, message)
    if thread is not None and parsed.kind == MailKind.BUYER_MESSAGE:
        # Phishing, payment outside Amazon, review blackmail, bursts: on hold before anyone answers.
        hold_if_suspicious(store, thread_id=thread.id, now=now)
    return StoreOutcome("stored", message.id, raw_row.id, thread.id if thread else None)


def parse_or_reason(raw: bytes) -> ParseResult:
    """Parse *raw*; return ``(parsed, None)``, or ``(parsed or None, reason)`` when it must be quarantined."""
    try:
        parsed = parse_relay_mail(raw)
    except MessageParseError as exc:
        return None, str(exc)
    fatal = [p for p in parsed.problems if p.startswith(FATAL_PREFIX)]
    if fatal:
        return parsed, "; ".join(p[len(FATAL_PREFIX):].strip() for p in fatal)
    return parsed, None


def fill_message(row: Message, parsed: ParsedMail) -> None:
    """Copy what the parser found into a received message row (fields only, no threading)."""
    row.kind = str(parsed.kind)
    row.notice_type = str(parsed.notice_type) if parsed.notice_type else None
    row.message_id = _cut(parsed.message_id, 400)
    row.in_reply_to = _cut(parsed.in_reply_to, 400)
    row.related_message_id = _cut(parsed.related_message_id, 400)
    row.subject = parsed.subject
    row.text = parsed.text
    row.from_address = _cut(parsed.from_address, 320)
    row.to_address = _cut(parsed.to_addresses[0], 320) if parsed.to_addresses else None
    row.order_id = parsed.order_id
    row.asin = parsed.asin
    row.buyer_alias = _cut(parsed.buyer_alias, 320)
    row.buyer_name = _cut(parsed.buyer_name, 255)
    row.marketplace = parsed.marketplace
    row.language = parsed.language
    row.intent = parsed.intent
    row.sent_at = parsed.date
    row.parser_version = PARSER_VERSION
    row.details = _details(parsed)


def place_in_thread(store: SqlStore, message: Message, parsed: ParsedMail, *, now: datetime) -> Thread | None:
    """File *message* in its thread (creating buyer and thread as needed) and return the thread.

    A buyer message threads by :func:`~sellerdesk.core.amazon_mail.thread_key`; without order
    or ASIN, by the mail it answers, else by ``<alias>|general``. Notices and other mail join
    the thread of their order, or of the mail they answer, and never change its state.
    """
    thread: Thread | None
    if parsed.kind == MailKind.BUYER_MESSAGE and parsed.buyer_alias:
        thread = _buyer_thread(store, message, parsed, now=now)
    else:
        thread = _related_thread(store, message, parsed)
    message.thread_id = thread.id if thread is not None else None
    if thread is not None and parsed.notice_type == NoticeType.SENT_COPY:
        _record_sent_copy(thread, message, now=now)
    store.session.flush()
    return thread


def _buyer_thread(store: SqlStore, message: Message, parsed: ParsedMail, *, now: datetime) -> Thread:
    assert parsed.buyer_alias is not None
    alias = fit_key(normalise_alias(parsed.buyer_alias), length=320)
    buyer = store.ensure_buyer(message.store_id, alias, name=message.buyer_name, marketplace=parsed.marketplace,
                               now=now)
    key = thread_key(parsed)
    if key is None:
        answered = _related_thread(store, message, parsed)
        if answered is not None and answered.buyer_id == buyer.id:
            key = answered.thread_key
    thread, created = store.ensure_thread(
        message.store_id, fit_key(key or f"{alias}|general"), buyer_id=buyer.id, order_id=parsed.order_id,
        asin=parsed.asin if not parsed.order_id else None, marketplace=parsed.marketplace,
        subject=parsed.subject, now=now)
    when = inbound_time(message)
    if not created and thread.state in _REOPENED_STATES and (
            thread.last_outbound_at is None or when > thread.last_outbound_at):
        store.audit(ACTOR, "thread.reopened", at=now, store_id=thread.store_id, thread_id=thread.id,
                    detail={"from_state": thread.state, "message_key": message.message_key})
        thread.state = "open"
    thread.last_inbound_at = max(thread.last_inbound_at or when, when)
    thread.updated_at = now
    if thread.subject is None:
        thread.subject = parsed.subject
    if thread.order_id is None and parsed.order_id:
        thread.order_id = parsed.order_id
    return thread


def _related_thread(store: SqlStore, message: Message, parsed: ParsedMail) -> Thread | None:
    if parsed.order_id:
        found = store.thread_for_order(message.store_id, parsed.order_id)
        if found is not None:
            return found
    for ref in (parsed.in_reply_to, parsed.related_message_id, *reversed(parsed.references)):
        if ref:
            earlier = store.find_message_by_rfc_id(ref, store_id=message.store_id)
            if earlier is not None and earlier.thread_id is not None and earlier.id != message.id:
                return store.get_thread(earlier.thread_id)
    return None


def _record_sent_copy(thread: Thread, message: Message, *, now: datetime) -> None:
    # Amazon's copy of a message the seller sent from Seller Central: the thread was answered there.
    when = inbound_time(message)
    thread.last_outbound_at = max(thread.last_outbound_at or when, when)
    if thread.state == "open" and (thread.last_inbound_at is None or when >= thread.last_inbound_at):
        thread.state = "answered"
    thread.updated_at = now


def inbound_time(message: Message) -> datetime:
    """When the buyer's message reached Amazon, as well as we know: its Date, unless later than arrival."""
    return clock_start(sent_at=message.sent_at, received_at=message.received_at)


def hand_bounce_to_outbox(store: SqlStore, message: Message) -> None:
    """Let the outbox mark the delivery a bounce or opt-out concerns (when the outbox is installed).

    A failure there must not lose the notice: it is noted on the message instead.
    """
    if importlib.util.find_spec("sellerdesk.services.outbox") is None:
        return
    match_bounce: Any = getattr(importlib.import_module("sellerdesk.services.outbox"), "match_bounce", None)
    if match_bounce is None:
        return
    try:
        with store.session.begin_nested():
            match_bounce(store, message)
    except SellerdeskError as exc:
        message.details = {**message.details, "bounce_match_error": str(exc)}
        store.session.flush()


def _quarantine(store: SqlStore, *, store_id: int, raw_row: RawMail, parsed: ParsedMail | None, reason: str,
                now: datetime, arrived: datetime) -> StoreOutcome:
    key = f"sha:{raw_row.sha256}"
    row = Message(store_id=store_id, raw_mail_id=raw_row.id, direction="in", message_key=key, kind="other",
                  received_at=arrived, created_at=now, state="quarantined", state_reason=reason, text="",
                  parser_version=PARSER_VERSION, details={})
    if parsed is not None:
        fill_message(row, parsed)
    message, created = store.add_message(row)
    if not created:
        return _duplicate(message, raw_row)
    store.audit(ACTOR, "mail.quarantined", at=now, store_id=store_id, message_id=message.id,
                detail={"reason": reason, "sha256": raw_row.sha256})
    return StoreOutcome("quarantined", message.id, raw_row.id, None, reason)


def _duplicate(message: Message, raw_row: RawMail) -> StoreOutcome:
    return StoreOutcome("duplicate", message.id, raw_row.id, message.thread_id, message.state_reason)


PARSED_DETAILS = frozenset({"asins", "item_titles", "problems", "references", "to_addresses", "subject_kind",
                            "quoted_text", "comm_mgr_tok", "from_name"})
"""The ``Message.details`` keys that come from the parser; other keys (e.g. ``bounce_of``) are added later."""


def _details(parsed: ParsedMail) -> dict[str, Any]:
    details: dict[str, Any] = {
        "asins": list(parsed.asins), "item_titles": list(parsed.item_titles), "problems": list(parsed.problems),
        "references": list(parsed.references), "to_addresses": list(parsed.to_addresses),
    }
    optional = {"subject_kind": parsed.subject_kind, "quoted_text": parsed.quoted_text,
                "comm_mgr_tok": parsed.comm_mgr_tok, "from_name": parsed.from_name}
    details.update({k: v for k, v in optional.items() if v})
    return details


def fit_key(key: str, *, length: int = 400) -> str:
    """*key* as it is, or - when longer than its column - its prefix and a hash of the rest.

    Unlike a plain cut, two long keys that differ only at the end stay different.
    """
    if len(key) <= length:
        return key
    return f"{key[:length - 72]}~sha256:{sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()}"


def _cut(value: str | None, length: int) -> str | None:
    # Column limits: an absurd header must not make the mail unstorable.
    return value[:length] if value is not None else None
