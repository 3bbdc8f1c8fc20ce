"""The reply composer: check a draft as the agent types, with the context the send will use.

The check here is the one :func:`sellerdesk.services.replies.queue_reply` runs when the
reply is queued (same kind, thread context and recent replies as history), plus the store's
``[compliance]`` settings, so what the agent sees while typing is what the send decides.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sellerdesk.adapters.db.deliveries import DeliveryQueries
from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import Store
from sellerdesk.config import Config
from sellerdesk.core import compliance
from sellerdesk.core.compliance import CheckContext, CheckResult, HistoryMessage
from sellerdesk.core.reply_mail import reply_subject
from sellerdesk.services.compliance import rule_settings

MAX_DRAFT_CHARACTERS = 20_000
"""Longer drafts are checked up to here: a reply that long is a mistake, and the check stays quick."""


def check_draft(store: SqlStore, *, config: Config, thread_id: int, text: str, now: datetime) -> CheckResult:
    """Check *text* as a reply in thread *thread_id* would be checked when queued.

    Raises:
        NotFoundError: no thread has that id.
        ConfigError: the ``[compliance]`` section is wrong.
    """
    thread = store.get_thread(thread_id)
    queries = DeliveryQueries(store)
    parent = queries.last_buyer_message(thread.id)
    shop = store.session.get(Store, thread.store_id)
    store_name = shop.name if shop is not None else None
    settings = rule_settings(config, store=store_name)
    # The near-duplicate window bounds the history, as when the reply is queued.
    history = [HistoryMessage(m.text, kind=m.kind, order_id=m.order_id, sent_at=m.sent_at or m.received_at)
               for m in queries.recent_replies(thread.store_id,
                                               since=now - timedelta(days=settings.near_duplicate_window_days),
                                               limit=max(settings.near_duplicate_window_count, 1))]
    context = CheckContext(
        subject=reply_subject(thread.subject),
        marketplace=thread.marketplace or (parent.marketplace if parent else None),
        order_id=thread.order_id, buyer_language=parent.language if parent else None,
        received_at=parent.received_at if parent else None, replied_at=now, history=history)
    return compliance.check(text[:MAX_DRAFT_CHARACTERS], kind="reply", context=context,
                            settings=settings)

