"""The reply composer: check a draft as the agent types, with the context the send will use.

The check here is the one :func:`sellerdesk.services.replies.queue_reply` runs when the
reply is queued: both build their context with
:func:`~sellerdesk.services.replies.reply_check_context` (same kind, thread context and recent
replies as history) and the store's ``[compliance]`` settings, so what the agent sees while
typing is what the send decides. When the guard finds the draft too much like a recent reply,
:func:`closest_reply` names that reply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sellerdesk.adapters.db.deliveries import DeliveryQueries
from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.config import Config
from sellerdesk.core import compliance
from sellerdesk.core.compliance import CheckResult
from sellerdesk.core.compliance.similarity import similarity
from sellerdesk.services.replies import recent_replies, reply_check_context, thread_rule_settings

MAX_DRAFT_CHARACTERS = 20_000
"""Longer drafts are checked up to here: a reply that long is a mistake, and the check stays quick."""


def check_draft(store: SqlStore, *, config: Config, thread_id: int, text: str, now: datetime) -> CheckResult:
    """Check *text* as a reply in thread *thread_id* would be checked when queued.

    Raises:
        NotFoundError: no thread has that id.
        ConfigError: the ``[compliance]`` section is wrong.
    """
    thread = store.get_thread(thread_id)
    settings = thread_rule_settings(store, config, thread)
    context = reply_check_context(store, thread, parent=DeliveryQueries(store).last_buyer_message(thread.id),
                                  settings=settings, now=now)
    return compliance.check(text[:MAX_DRAFT_CHARACTERS], kind="reply", context=context, settings=settings)


@dataclass(frozen=True)
class Resemblance:
    """The recent reply a draft is most like, and how much (0-1, the near-duplicate rule's measure)."""

    share: float
    message_id: int
    thread_id: int | None
    sent_at: datetime
    text: str


def closest_reply(store: SqlStore, *, config: Config, thread_id: int, text: str, now: datetime) -> Resemblance | None:
    """The store's recent reply that *text* is most like, among those the near-duplicate rule compares with.

    ``None`` when the store has sent nothing inside the window.

    Raises:
        NotFoundError: no thread has that id.
        ConfigError: the ``[compliance]`` section is wrong.
    """
    thread = store.get_thread(thread_id)
    settings = thread_rule_settings(store, config, thread)
    best: Resemblance | None = None
    draft = text[:MAX_DRAFT_CHARACTERS]
    for reply in recent_replies(store, thread.store_id, settings=settings, now=now):
        share = similarity(draft, reply.text)
        if best is None or share > best.share:
            best = Resemblance(share=share, message_id=reply.id, thread_id=reply.thread_id,
                               sent_at=reply.sent_at or reply.received_at, text=reply.text)
    return best
