"""Threads, messages and drafts: what the inbox and thread pages show, as JSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from sellerdesk.adapters.db.tables import Attachment, Message
from sellerdesk.services.compliance import rule_settings
from sellerdesk.services.drafts import draft_for_thread
from sellerdesk.services.inbox_view import InboxFilter, InboxRow, list_inbox, thread_view
from sellerdesk.services.message_lookup import visible_message, visible_store_of_thread
from sellerdesk.web.api.auth import Caller
from sellerdesk.web.api.errors import ApiError, responses
from sellerdesk.web.api.models import (
    NO_NUL,
    AttachmentOut,
    DraftOut,
    MessageOut,
    ThreadDetail,
    ThreadPage,
    ThreadSummary,
)
from sellerdesk.web.context import now, state

router = APIRouter(tags=["threads"])
Filter = Annotated[str | None, Query(max_length=200, pattern=NO_NUL)]
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


def not_visible(what: str, ident: int) -> ApiError:
    """The 404 for something that does not exist or that the caller may not see (the same answer)."""
    return ApiError(404, "not_found", f"no {what} {ident} among the stores this token may see")


def _summary(row: InboxRow) -> ThreadSummary:
    return ThreadSummary(id=row.thread_id, store=row.store, subject=row.subject, order_id=row.order_id,
                         asin=row.asin, marketplace=row.marketplace, buyer=row.buyer, state=row.state,
                         due_at=row.due_at, last_inbound_at=row.last_inbound_at, intent=row.intent,
                         language=row.language)


def _message(message: Message, *, store_name: str, attachments: list[Attachment]) -> MessageOut:
    return MessageOut(
        id=message.id, thread_id=message.thread_id, store=store_name, direction="out" if message.direction == "out"
        else "in", kind=message.kind, notice_type=message.notice_type, state=message.state, subject=message.subject,
        text=message.text, order_id=message.order_id, asin=message.asin, buyer_name=message.buyer_name,
        marketplace=message.marketplace, language=message.language, intent=message.intent,
        received_at=message.received_at, sent_at=message.sent_at,
        attachments=[AttachmentOut(filename=a.filename, content_type=a.content_type, size=a.size)
                     for a in attachments])


@router.get("/threads", response_model=ThreadPage, responses=responses(401, 422))
def list_threads(request: Request, caller: Caller, store: Filter = None, marketplace: Filter = None,
                 thread_state: Annotated[str | None, Query(alias="state", max_length=20, pattern=NO_NUL)] = None,
                 intent: Filter = None, language: Filter = None,
                 q: Annotated[str | None, Query(max_length=200, pattern=NO_NUL,
                                                description="an order ID, an ASIN, part of a buyer alias or words")
                              ] = None,
                 page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                 page_size: Annotated[int, Query(ge=1, le=200)] = 50) -> ThreadPage:
    """The threads of the stores the token may see, the soonest-due first, filtered like the inbox."""
    filters = InboxFilter(store=store or None, marketplace=marketplace or None, state=thread_state or None,
                          intent=intent or None, language=language or None, query=q or None, page=page)
    with state(request).db.reading() as repo:
        found = list_inbox(repo, store_ids=caller.user.store_ids, filters=filters, page_size=page_size)
    return ThreadPage(threads=[_summary(row) for row in found.rows], page=found.page, has_next=found.has_next)


@router.get("/threads/{thread_id}", response_model=ThreadDetail, responses=responses(401, 404, 422))
def get_thread(request: Request, caller: Caller, thread_id: Id) -> ThreadDetail:
    """One thread with every message, oldest first (the buyer's own words; attachments by name and size)."""
    with state(request).db.reading() as repo:
        view = thread_view(repo, thread_id, store_ids=caller.user.store_ids)
        if view is None:
            raise not_visible("thread", thread_id)
        thread, buyer = view.thread, view.buyer
        latest = next((m.message for m in reversed(view.messages)
                       if m.message.direction == "in" and m.message.kind == "buyer_message"), None)
        return ThreadDetail(
            id=thread.id, store=view.store, subject=thread.subject, order_id=thread.order_id, asin=thread.asin,
            marketplace=thread.marketplace, buyer=(buyer.name or buyer.alias) if buyer is not None else None,
            state=thread.state, due_at=view.due_at, last_inbound_at=thread.last_inbound_at,
            intent=latest.intent if latest else None, language=latest.language if latest else None,
            messages=[_message(m.message, store_name=view.store, attachments=m.attachments) for m in view.messages])


@router.get("/messages/{message_id}", response_model=MessageOut, responses=responses(401, 404, 422))
def get_message(request: Request, caller: Caller, message_id: Id) -> MessageOut:
    """One message (a reply queued through the API can be followed here until it is ``sent``)."""
    with state(request).db.reading() as repo:
        found = visible_message(repo, message_id, store_ids=caller.user.store_ids)
        if found is None:
            raise not_visible("message", message_id)
        return _message(found.message, store_name=found.store, attachments=found.attachments)


@router.get("/threads/{thread_id}/draft", response_model=DraftOut, responses=responses(401, 404, 409, 422))
def get_draft(request: Request, caller: Caller, thread_id: Id) -> DraftOut:
    """The suggested reply to the thread's newest buyer message, in the buyer's language, checked by the guard.

    Nothing is saved or sent: send the text (edited or not) with ``POST /threads/{id}/replies``.
    """
    app = state(request)
    with app.db.reading() as repo:
        store_name = visible_store_of_thread(repo, thread_id, store_ids=caller.user.store_ids)
        if store_name is None:
            raise not_visible("thread", thread_id)
        draft = draft_for_thread(repo, thread_id=thread_id, now=now(),
                                 settings=rule_settings(app.config, store=store_name))
    fields = draft.to_dict()
    return DraftOut(thread_id=thread_id, intent=fields["intent"], language=fields["language"],
                    buyer_language=fields["buyer_language"], template=fields["template"], draft=fields["draft"],
                    check=fields["check"], facts=fields["facts"], holding=fields["holding"],
                    reply_needed=fields["reply_needed"], suspicion=fields["suspicion"], note=fields.get("note"))
