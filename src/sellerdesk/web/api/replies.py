"""Checking texts against Amazon's rules, and sending replies (once per ``Idempotency-Key``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request, Response

from sellerdesk.core import compliance
from sellerdesk.core.compliance.records import context_from_record
from sellerdesk.errors import SendBlockedError
from sellerdesk.services.api_replies import reply_once
from sellerdesk.services.compliance import rule_settings
from sellerdesk.services.composer import check_draft
from sellerdesk.services.message_lookup import visible_store_of_thread
from sellerdesk.web.api.auth import ApiCaller, Caller
from sellerdesk.web.api.errors import ApiError, responses
from sellerdesk.web.api.models import CheckIn, CheckOut, ReplyIn, ReplyQueued, ThreadCheckIn
from sellerdesk.web.api.threads import Id, not_visible
from sellerdesk.web.context import AppState, now, state

router = APIRouter(tags=["replies"])
IdempotencyKey = Annotated[str, Header(
    alias="Idempotency-Key", min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$",
    description="A key you choose per reply (e.g. a UUID). Sending the same request again with it returns the "
                "first answer and queues nothing; reusing it for another request answers 409.")]


def _visible_store(app: AppState, caller: ApiCaller, name: str) -> None:
    with app.db.reading() as repo:
        found = repo.find_store(name)
    if found is None or found.id not in caller.user.store_ids:
        raise ApiError(404, "not_found", f"no store {name!r} among the stores this token may see")


@router.post("/checks", response_model=CheckOut, responses=responses(400, 401, 404, 409, 422))
def check_text(request: Request, caller: Caller, body: CheckIn) -> CheckOut:
    """Check a text against Amazon's messaging rules (contracts §2): the verdict and every finding.

    The context is what the body gives (as ``sellerdesk check`` reads it), with the ``store``'s
    ``[compliance]`` settings when one is named. Nothing is stored.
    """
    app = state(request)
    if body.store is not None:
        _visible_store(app, caller, body.store)
    context = context_from_record(body.model_dump(mode="json", exclude_none=True,
                                                  exclude={"text", "kind", "store"}))
    result = compliance.check(body.text, kind=body.kind, context=context,
                              settings=rule_settings(app.config, store=body.store))
    return CheckOut.model_validate(result.to_dict())


@router.post("/threads/{thread_id}/checks", response_model=CheckOut, responses=responses(400, 401, 404, 409, 422))
def check_reply(request: Request, caller: Caller, thread_id: Id, body: ThreadCheckIn) -> CheckOut:
    """Check a reply in its thread exactly as the composer and the send do.

    The thread gives the buyer's language, the marketplace, the order and the times, and the
    store's recent replies feed the near-duplicate rule. Nothing is stored.
    """
    app = state(request)
    with app.db.reading() as repo:
        if visible_store_of_thread(repo, thread_id, store_ids=caller.user.store_ids) is None:
            raise not_visible("thread", thread_id)
        result = check_draft(repo, config=app.config, thread_id=thread_id, text=body.text, now=now())
    return CheckOut.model_validate(result.to_dict())


@router.post("/threads/{thread_id}/replies", status_code=201, response_model=ReplyQueued,
             responses=responses(400, 401, 403, 404, 409, 422))
def send_reply(request: Request, response: Response, caller: Caller, thread_id: Id, body: ReplyIn,
               idempotency_key: IdempotencyKey) -> ReplyQueued:
    """Queue a reply to the thread's buyer; the outbox sends it exactly once.

    The compliance guard checks it as the web composer does: a ``block`` verdict answers 422
    (code ``blocked``, the findings in ``details``) unless an admin gives ``override_reason``.
    Viewers may not send (403). A retry with the same ``Idempotency-Key`` and body answers the
    first reply again (header ``Idempotent-Replayed: true``) and queues nothing.
    """
    if not caller.user.can_answer:
        raise ApiError(403, "forbidden", f"user {caller.user.name!r} is a viewer and may not send replies; "
                                         "use a token of an agent or admin")
    app = state(request)
    reason = (body.override_reason or "").strip() or None
    try:
        with app.db.transaction() as repo:
            if visible_store_of_thread(repo, thread_id, store_ids=caller.user.store_ids) is None:
                raise not_visible("thread", thread_id)
            sent = reply_once(repo, user_id=caller.user.id, user_name=caller.user.name, token_name=caller.token_name,
                              key=idempotency_key, thread_id=thread_id, text=body.text, now=now(),
                              config=app.config, override_reason=reason)
    except SendBlockedError as exc:
        with app.db.reading() as repo:
            findings = check_draft(repo, config=app.config, thread_id=thread_id, text=body.text, now=now()).findings
        raise ApiError(422, "blocked", str(exc), details=[f.to_dict() for f in findings]) from exc
    if sent.status == "key_reused":
        raise ApiError(409, "idempotency_key_reused", f"Idempotency-Key {idempotency_key!r} was used for another "
                       "request (another thread or text); use a new key for a new reply")
    if sent.status == "replayed":
        response.headers["Idempotent-Replayed"] = "true"
    result = sent.result
    return ReplyQueued(message=result["message"], thread=result["thread"], delivery=result["delivery"],
                       state=result["state"], mail_message_id=result["message_id"], verdict=result["verdict"],
                       rules=result["rules"])
