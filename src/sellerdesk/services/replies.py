"""Queueing a reply: check it against Amazon's rules, address it, put it in the outbox.

A reply answers the newest buyer message of its thread: it goes to that message's relay
alias, from the store's approved address, with ``In-Reply-To``/``References`` pointing at
it and the thread's subject behind ``Re:``. Before it is queued, the compliance guard
checks it (with the store's recent replies as history, for the near-duplicate and
repeat-review rules); a ``block`` verdict stops it unless an admin overrides it with a
written reason, which goes to the audit log. Sending is :mod:`sellerdesk.services.outbox`'s job.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sellerdesk.adapters.db.deliveries import DeliveryQueries
from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import Message, Store, Thread
from sellerdesk.config import Config
from sellerdesk.core import compliance
from sellerdesk.core.amazon_mail import normalise_alias
from sellerdesk.core.compliance import CheckContext, CheckResult, HistoryMessage, RuleSettings
from sellerdesk.core.outbox import Actor, answer_refusal, override_refusal
from sellerdesk.core.reply_mail import make_message_id, reply_references, reply_subject
from sellerdesk.errors import ConfigError, InputError, SendBlockedError
from sellerdesk.services import users
from sellerdesk.services.compliance import rule_settings

Checker = Callable[..., CheckResult]


def queue_reply(store: SqlStore, *, thread_id: int, text: str, actor: Actor, now: datetime,
                override_reason: str | None = None, checker: Checker | None = None,
                settings: RuleSettings | None = None) -> int:
    """Check a reply against Amazon's rules and queue it for sending; return the message's row id.

    Args:
        store: the repository of the caller's transaction.
        thread_id: the thread answered; the reply goes to its buyer's relay alias.
        text: the reply exactly as the buyer will read it.
        actor: who sends it; viewers may not, and only an admin may override a block.
        now: the current time (timezone-aware).
        override_reason: the written reason to send a reply the guard blocked (kept in the audit log).
        checker: the compliance check (default :func:`sellerdesk.core.compliance.check`).
        settings: the store's rule tuning (see :func:`sellerdesk.services.compliance.rule_settings`);
            its near-duplicate window also bounds the reply history the check sees.

    Raises:
        InputError: empty text, a viewer, or a thread without a buyer alias to answer.
        ConfigError: the store has no mailbox with a ``from_address``.
        SendBlockedError: the verdict is ``block`` and no valid override was given.
        NotFoundError: no thread has that id.
    """
    refusal = answer_refusal(actor)
    if refusal:
        raise InputError(refusal)
    if not text.strip():
        raise InputError(f"thread {thread_id}: the reply text is empty; write the answer to the buyer")
    queries = DeliveryQueries(store)
    thread = store.get_thread(thread_id)
    parent = queries.last_buyer_message(thread.id)
    to_address = (parent.buyer_alias or parent.from_address) if parent is not None else None
    if not to_address:
        raise InputError(f"thread {thread_id} has no buyer message with a relay alias to answer")
    mailbox = queries.sending_mailbox(thread.store_id)
    if mailbox is None or not mailbox.from_address:
        raise ConfigError(f"store {thread.store_id} has no mailbox with from_address; add from_address (the "
                          "address approved in Seller Central) to its [[mailboxes]] table and run ingest once")
    assert parent is not None
    tuning = settings or RuleSettings()
    context = reply_check_context(store, thread, parent=parent, settings=tuning, now=now)
    result = (checker or compliance.check)(text, kind="reply", settings=tuning, context=context)
    overridden = result.blocked and _require_override(result, actor, override_reason, thread_id=thread_id)
    message_id = make_message_id(mailbox.from_address, unique=f"sd.{uuid.uuid4().hex}")
    row = Message(
        store_id=thread.store_id, thread_id=thread.id, direction="out", kind="reply", message_key=f"out:{message_id}",
        message_id=message_id, in_reply_to=parent.message_id, subject=context.subject, text=text,
        from_address=mailbox.from_address, to_address=to_address, order_id=thread.order_id, asin=thread.asin,
        buyer_alias=normalise_alias(to_address), buyer_name=parent.buyer_name, marketplace=thread.marketplace,
        language=parent.language, received_at=now, created_at=now, state="queued", parser_version=0,
        details={"references": list(reply_references(parent.message_id, parent.details.get("references", []))),
                 "check": result.to_dict(), "queued_by": actor.name})
    store.add_message(row)
    delivery = queries.add(row, mailbox_id=mailbox.id, now=now)
    audit = {"delivery": delivery.id, "verdict": result.verdict, "rules": sorted(result.rules()), "role": actor.role}
    if overridden:
        store.audit(actor.name, "reply.override", at=now, store_id=thread.store_id, thread_id=thread.id,
                    message_id=row.id, detail={**audit, "reason": override_reason})
    store.audit(actor.name, "reply.queued", at=now, store_id=thread.store_id, thread_id=thread.id,
                message_id=row.id, detail=audit)
    return row.id


def recent_replies(store: SqlStore, store_id: int, *, settings: RuleSettings, now: datetime) -> list[Message]:
    """The store's replies inside the near-duplicate window of *settings*, oldest first.

    These are the replies a new reply is compared with (the near-duplicate and repeat-review rules).
    """
    since = now - timedelta(days=settings.near_duplicate_window_days)
    limit = max(settings.near_duplicate_window_count, 1)
    return DeliveryQueries(store).recent_replies(store_id, since=since, limit=limit)


def reply_history(store: SqlStore, store_id: int, *, settings: RuleSettings, now: datetime) -> list[HistoryMessage]:
    """:func:`recent_replies` as the compliance guard's history (what drafts and checks compare with)."""
    return [HistoryMessage(m.text, kind=m.kind, order_id=m.order_id, sent_at=m.sent_at or m.received_at)
            for m in recent_replies(store, store_id, settings=settings, now=now)]


def reply_check_context(store: SqlStore, thread: Thread, *, parent: Message | None, settings: RuleSettings,
                        now: datetime) -> CheckContext:
    """What the compliance guard knows around a reply in *thread* sent at *now*.

    The same context serves the check while the reply is typed and the check when it is queued,
    so the agent sees what the send will decide.

    Args:
        store: the repository of the caller's transaction.
        thread: the thread answered.
        parent: its newest buyer message (the one answered), if any.
        settings: the store's rule tuning; its near-duplicate window bounds the history.
        now: when the reply is sent.
    """
    history = reply_history(store, thread.store_id, settings=settings, now=now)
    return CheckContext(
        subject=reply_subject(thread.subject),
        marketplace=thread.marketplace or (parent.marketplace if parent is not None else None),
        order_id=thread.order_id, buyer_language=parent.language if parent is not None else None,
        received_at=parent.received_at if parent is not None else None, replied_at=now, history=history)


def thread_rule_settings(store: SqlStore, config: Config, thread: Thread) -> RuleSettings:
    """The ``[compliance]`` tuning of the store *thread* belongs to.

    Raises:
        ConfigError: the ``[compliance]`` section is wrong.
    """
    shop = store.session.get(Store, thread.store_id)
    return rule_settings(config, store=shop.name if shop is not None else None)


def _require_override(result: CheckResult, actor: Actor, reason: str | None, *, thread_id: int) -> bool:
    refusal = override_refusal(actor, reason)
    if refusal is None:
        return True
    found = "; ".join(f"{f.rule} ({f.excerpt!r}): {f.suggestion}" for f in result.findings if f.severity == "block")
    raise SendBlockedError(f"reply to thread {thread_id} blocked by the compliance guard: {found}. "
                           f"Rewrite it, or: {refusal}")


def actor_named(store: SqlStore, user_name: str | None, *, local_name: str, store_id: int | None = None) -> Actor:
    """Who acts: the sellerdesk user *user_name* with their role, or the local operator as an agent.

    Args:
        store: the repository of the caller's transaction.
        user_name: a user of the users table (``sellerdesk user add``), or ``None``.
        local_name: the name recorded for an operator acting without a user (e.g. ``cli:alice``).
        store_id: when given, the user must be allowed to see this store.

    Raises:
        NotFoundError: no user has that name.
        InputError: the user is inactive or may not see the store.
    """
    if user_name is None:
        return Actor(local_name, "agent")
    user = users.require_user(store, user_name)
    if not user.active:
        raise InputError(f"user {user_name!r} is deactivated; ask an admin to reactivate the account")
    if store_id is not None and store_id not in users.visible_store_ids(store, user):
        raise InputError(f"user {user_name!r} may not see store {store_id}; an admin can add it to their stores")
    return Actor(user.name, user.role)


def reply_as(store: SqlStore, *, user_name: str | None, local_name: str, thread_id: int, text: str, now: datetime,
             override_reason: str | None = None, config: Config | None = None) -> dict[str, Any]:
    """Queue a reply on behalf of a user (see :func:`actor_named` and :func:`queue_reply`).

    With *config*, the store's ``[compliance]`` tuning applies to the check.

    Returns:
        ``{"message", "thread", "delivery", "state", "verdict", "rules"}`` of the queued reply.
    """
    thread = store.get_thread(thread_id)
    actor = actor_named(store, user_name, local_name=local_name, store_id=thread.store_id)
    settings = thread_rule_settings(store, config, thread) if config is not None else None
    message_id = queue_reply(store, thread_id=thread_id, text=text, actor=actor, now=now,
                             override_reason=override_reason, settings=settings)
    message = store.get_message(message_id)
    delivery = DeliveryQueries(store).for_message(message_id)
    check = message.details.get("check", {})
    return {"message": message_id, "thread": thread_id, "delivery": delivery.id if delivery else None,
            "state": message.state, "message_id": message.message_id, "verdict": check.get("verdict"),
            "rules": sorted({f["rule"] for f in check.get("findings", [])})}
