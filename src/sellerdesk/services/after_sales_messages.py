"""The buyer message of a replacement case's step: drafted from the case, checked, queued as a reply.

The text comes from :func:`sellerdesk.core.after_sales.messages.compose_step` with what the database
knows: the buyer's name and language (the thread's latest buyer message), the item's title (the
order cache), the store's signature and rule tuning (configuration) and the store's recent replies
(so the variant chosen does not trip the near-duplicate rule). Queueing goes through
:func:`sellerdesk.services.replies.queue_reply`, so the compliance guard checks the text once more
with the reply's full context and a ``block`` stops it unless an admin overrides it. Once queued,
nothing is due on the case until its next step.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

from sellerdesk.adapters.db.after_sales_tables import ReplacementCase
from sellerdesk.adapters.db.deliveries import DeliveryQueries
from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import Store
from sellerdesk.config import Config
from sellerdesk.core.after_sales.messages import CaseFacts, StepLibrary, StepMessage, compose_step, parse_step_library
from sellerdesk.core.compliance import HistoryMessage, RuleSettings
from sellerdesk.core.outbox import Actor
from sellerdesk.errors import InputError
from sellerdesk.services.after_sales import cached_snapshot, get_case, mark_answered
from sellerdesk.services.compliance import rule_settings
from sellerdesk.services.replies import queue_reply
from sellerdesk.services.templates import STARTER_LANGUAGES, store_library

HISTORY_DAYS = 30
HISTORY_COUNT = 50


@lru_cache(maxsize=1)
def step_library() -> dict[str, StepLibrary]:
    """The after-sales texts shipped with sellerdesk (``templates/after_sales/<language>.toml``), by language.

    Raises:
        TemplateError: a file is invalid (a packaging mistake; the message names the file).
    """
    folder = resources.files("sellerdesk") / "templates" / "after_sales"
    return {code: parse_step_library((folder / f"{code}.toml").read_text(encoding="utf-8"), language=code,
                                     source=f"sellerdesk/templates/after_sales/{code}.toml")
            for code in STARTER_LANGUAGES if (folder / f"{code}.toml").is_file()}


def draft_step(store: SqlStore, *, case_id: int, now: datetime, config: Config | None = None) -> dict[str, Any]:
    """The message the case's current state owes the buyer, with the compliance guard's verdict; nothing is written.

    Returns:
        ``{"case", "state", "step", "text", "language", "template", "check"}``.

    Raises:
        NotFoundError: no such case.
        InputError: the case's state sends no message (delivered, closed).
    """
    row = get_case(store, case_id)
    message = _compose(store, row, now=now, config=config)
    return {"case": row.id, "state": row.state, **message.to_dict()}


def queue_step(store: SqlStore, *, case_id: int, now: datetime, actor: Actor, config: Config | None = None,
               text: str | None = None, override_reason: str | None = None) -> dict[str, Any]:
    """Queue the step's message as a reply in the case's thread (the draft, or *text* as edited by a person).

    Returns:
        ``{"case", "step", "message", "verdict"}``: the queued reply's row id and the guard's verdict.

    Raises:
        InputError: the case has no buyer thread to answer (it came from an order event without messages),
            or its state sends no message.
        SendBlockedError: the guard blocked the text and no admin override was given.
        ConfigError: the store has no mailbox to send from.
    """
    row = get_case(store, case_id)
    if row.thread_id is None:
        raise InputError(f"case {case_id} has no buyer thread to answer (it was opened from an order event); send "
                         "the message through Seller Central's Buyer-Seller Messaging, then advance the case")
    draft = _compose(store, row, now=now, config=config)
    body = text if text is not None else draft.text
    message_id = queue_reply(store, thread_id=row.thread_id, text=body, actor=actor, now=now,
                             override_reason=override_reason, settings=_settings(store, row, config))
    mark_answered(store, row, now=now)
    verdict = store.get_message(message_id).details.get("check", {}).get("verdict")
    store.audit(actor.name, "after_sales.message", at=now, store_id=row.store_id, thread_id=row.thread_id,
                message_id=message_id, detail={"case": row.id, "step": draft.step, "template": draft.template,
                                               "edited": text is not None})
    return {"case": row.id, "step": draft.step, "message": message_id, "verdict": verdict}


def _compose(store: SqlStore, row: ReplacementCase, *, now: datetime, config: Config | None) -> StepMessage:
    owner = store.session.get(Store, row.store_id)
    assert owner is not None  # a foreign key
    buyer = DeliveryQueries(store).last_buyer_message(row.thread_id) if row.thread_id is not None else None
    signature = None
    if config is not None:
        signature = next((s.signature for s in config.stores if s.name == owner.name and s.signature), None)
    facts = CaseFacts(order_id=row.order_id, cause=row.cause, requested_at=row.requested_at,
                      marketplace=row.marketplace, buyer_language=(buyer.language if buyer else None) or row.language,
                      buyer_name=buyer.buyer_name if buyer else None, asin=row.asin, sku=row.sku,
                      title=_title(store, row), quantity=row.quantity, carrier=row.carrier,
                      tracking_number=row.tracking_number, ship_date=row.ship_date, reason=row.refusal_reason,
                      store_name=owner.name, signature=signature)
    since = now - timedelta(days=HISTORY_DAYS)
    history = [HistoryMessage(m.text, kind=m.kind, order_id=m.order_id, sent_at=m.sent_at or m.received_at)
               for m in DeliveryQueries(store).recent_replies(row.store_id, since=since, limit=HISTORY_COUNT)]
    return compose_step(row.state, facts, library=store_library(store, store_name=owner.name), steps=step_library(),
                        history=history, replied_at=now, settings=_settings(store, row, config))


def _settings(store: SqlStore, row: ReplacementCase, config: Config | None) -> RuleSettings | None:
    if config is None:
        return None
    owner = store.session.get(Store, row.store_id)
    return rule_settings(config, store=owner.name if owner is not None else None)


def _title(store: SqlStore, row: ReplacementCase) -> str | None:
    order = cached_snapshot(store, row.store_id, row.order_id)
    if order is None:
        return None
    item = next((i for i in order.items if i.asin == row.asin), order.items[0] if order.items else None)
    return item.title if item else None
