"""Drafting a reply to one buyer message: language, intent, suspicion, then the checked draft.

This is the use case behind ``sellerdesk draft`` (contracts §3) and the reply box: it detects the
buyer's language, classifies the intent, looks for signs of a suspicious contact, and builds the
draft from the template library, the order's facts and the product knowledge base. A contact
with suspicious signals gets a holding reply, never an answer with order details.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import CachedOrder, Message, Store
from sellerdesk.adapters.llm import LlmError
from sellerdesk.core.compliance import HistoryMessage, RuleSettings
from sellerdesk.core.drafting import ComposedDraft, DraftRequest, compose, grounding, written_draft
from sellerdesk.core.intents import IntentResult, classify
from sellerdesk.core.knowledge import KnowledgeEntry
from sellerdesk.core.language import detect_language
from sellerdesk.core.marketplaces import MARKETPLACES
from sellerdesk.core.orders import OrderSnapshot
from sellerdesk.core.suspicion import Suspicion, assess
from sellerdesk.core.templates import Library
from sellerdesk.errors import InputError, NotFoundError
from sellerdesk.services import knowledge, templates
from sellerdesk.services.replies import reply_history
from sellerdesk.services.suspicion import assess_thread
from sellerdesk.services.templates import starter_library

Writer = Callable[[list[dict[str, str]]], str]
"""Something that turns grounding chat messages into a reply text (a language model)."""


@dataclass(frozen=True)
class MessageDraft:
    """The draft for one buyer message and what it was based on."""

    language: str | None  # the buyer's language
    intent: IntentResult
    suspicion: Suspicion
    draft: ComposedDraft
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The ``sellerdesk draft`` output fields (contracts §3) plus sellerdesk's extras."""
        return {"intent": self.intent.intent, "language": self.draft.language, "buyer_language": self.language,
                "template": self.draft.template, "variant": self.draft.variant, "draft": self.draft.text,
                "check": self.draft.check.to_dict(), "facts": list(self.draft.facts), "holding": self.draft.holding,
                # A plain thank-you needs no reply: the draft is there in case the seller wants one.
                "reply_needed": self.intent.intent != "thanks_closing",
                "suspicion": self.suspicion.to_dict(), **({"note": self.note} if self.note else {})}


def order_from_mapping(data: Mapping[str, Any]) -> OrderSnapshot:
    """The contracts §3 ``order`` object as an :class:`OrderSnapshot`.

    Raises:
        InputError: a required field is missing or a time is not ISO 8601 with a zone.
    """
    if not isinstance(data, Mapping):
        raise InputError("field 'order' must be an object such as {\"order_id\": ..., \"status\": ...}")
    missing = [k for k in ("order_id", "status", "fulfillment", "purchase_date") if not data.get(k)]
    if missing:
        raise InputError(f"order lacks {', '.join(missing)}; see contracts §3 for the order shape")
    try:
        return OrderSnapshot.from_dict(data)
    except (KeyError, ValueError, TypeError) as exc:
        raise InputError(f"order: {exc}; times must be ISO 8601 such as 2026-11-20T10:00:00+00:00") from exc


def draft_message(text: str, *, subject: str | None = None, marketplace: str | None = None,
                  buyer_name: str | None = None, order: OrderSnapshot | None = None, store_name: str | None = None,
                  signature: str | None = None, knowledge: Mapping[str, KnowledgeEntry] | None = None,
                  avoid: tuple[str, ...] = (), history: Sequence[HistoryMessage] = (),
                  replied_at: datetime | None = None, holding: bool = False, suspicion: Suspicion | None = None,
                  library: Library | None = None, settings: RuleSettings | None = None,
                  writer: Writer | None = None) -> MessageDraft:
    """Draft the reply to one buyer message.

    Args:
        text: the buyer's words; subject: the mail's subject.
        marketplace: two-letter code (decides the reply language on the US marketplace).
        order: the order the message is about, when known.
        knowledge: the store's knowledge base by ASIN.
        avoid: ``variant`` keys of the previous drafts, so consecutive drafts differ.
        history: the store's recent replies (near-duplicate rule).
        holding: ask for a holding reply instead of an answer.
        suspicion: signals already assessed with the buyer's history; else the text alone is assessed.
        library: the template library (default: the starter library).
        writer: a language model (:class:`sellerdesk.adapters.llm.OpenAiChatLlm`) that rewrites the
            template draft from the same facts; its text is checked, and a blocked or failed one
            falls back to the template draft (``note`` says why).

    Raises:
        InputError: unknown marketplace.
    """
    market = MARKETPLACES.get(marketplace.upper()) if marketplace else None
    if marketplace and market is None:
        raise InputError(f"unknown marketplace {marketplace!r}; use a two-letter code such as US, DE, JP")
    if market is None and order is not None and order.marketplace:
        market = MARKETPLACES.get(order.marketplace)
    language = detect_language(text, hint=market.language if market else None)
    intent = classify(text, subject, language=language or "en")
    suspicion = suspicion or assess(f"{subject or ''}\n{text}")
    asin = order.items[0].asin if order is not None and order.items else None
    entry = knowledge.get(asin) if knowledge and asin else None
    request = DraftRequest(intent=intent.intent, language=language, marketplace=market.code if market else None,
                           order=order, asin=asin, buyer_name=buyer_name, store_name=store_name, signature=signature,
                           knowledge=entry, avoid=avoid, holding=holding or suspicion.hold, history=history,
                           replied_at=replied_at)
    library = library or starter_library()
    draft = compose(request, library, settings=settings)
    note = None
    if writer is not None and not request.holding:
        try:
            written = written_draft(writer(grounding(request, library, message=text)), request=request,
                                    example=draft, settings=settings)
        except LlmError as exc:
            note = f"the language model gave no draft ({exc}); this is the template draft"
        else:
            if written.check.blocked:
                note = ("the language model's draft broke Amazon's rules ("
                        + ", ".join(sorted(written.check.rules())) + "); this is the template draft")
            else:
                draft = written
    return MessageDraft(language=language, intent=intent, suspicion=suspicion, draft=draft, note=note)


def draft_for_thread(store: SqlStore, *, thread_id: int, now: datetime, signature: str | None = None,
                     writer: Writer | None = None, settings: RuleSettings | None = None,
                     holding: bool = False) -> MessageDraft:
    """The draft for a stored thread's latest buyer message, with everything the database knows.

    The order comes from the SP-API order cache, the knowledge base and templates from the store,
    the store's recent replies (the same as when the reply is queued) feed the near-duplicate rule,
    and the buyer's history feeds the suspicion signals; a thread on hold, or *holding*, gets a
    holding reply.

    Raises:
        NotFoundError: no such thread, or it has no buyer message to answer.
    """
    thread = store.get_thread(thread_id)
    latest = store.session.scalars(select(Message).where(
        Message.thread_id == thread.id, Message.direction == "in", Message.kind == "buyer_message")
        .order_by(Message.received_at.desc()).limit(1)).one_or_none()
    if latest is None:
        raise NotFoundError(f"thread {thread_id} has no buyer message to answer")
    owner = store.session.get(Store, thread.store_id)
    assert owner is not None  # a foreign key
    store_name = owner.name
    order_id = latest.order_id or thread.order_id
    cached = store.session.scalars(select(CachedOrder).where(
        CachedOrder.store_id == thread.store_id, CachedOrder.order_id == order_id)).one_or_none() if order_id else None
    history = reply_history(store, thread.store_id, settings=settings or RuleSettings(), now=now)
    return draft_message(
        latest.text, subject=latest.subject, marketplace=latest.marketplace or thread.marketplace,
        buyer_name=latest.buyer_name, order=OrderSnapshot.from_dict(cached.data) if cached else None,
        store_name=store_name, signature=signature, knowledge=knowledge.knowledge_of(store, store_name=store_name),
        history=history, replied_at=now, holding=holding or thread.state == "on_hold",
        suspicion=assess_thread(store, thread_id=thread.id),
        library=templates.store_library(store, store_name=store_name), settings=settings, writer=writer)
