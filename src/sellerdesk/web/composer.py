"""The reply composer on the thread page: the suggested draft, the live check while typing, sending.

A send (an ordinary reply or a holding reply) carries the id of the newest message the page
showed (``seen``): when someone else replied since, the composer keeps the draft and asks
first. A send made from a store template's draft counts as a use of that template.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import RedirectResponse, Response

from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.config import Config
from sellerdesk.core.compliance import Finding
from sellerdesk.errors import ConfigError, InputError, SendBlockedError
from sellerdesk.services.collisions import replies_since
from sellerdesk.services.composer import check_draft, closest_reply, composer_draft, count_template_use
from sellerdesk.services.replies import reply_as
from sellerdesk.services.workflow import send_holding_reply
from sellerdesk.web.context import SignedIn, csrf_checked, now, render, signed_in, state
from sellerdesk.web.thread_page import COMPOSER_DEFAULTS, render_thread

router = APIRouter()
User = Annotated[SignedIn, Depends(signed_in)]
Draft = Annotated[str, Form(max_length=50_000)]


class Outgoing(BaseModel):
    """The composer form as sent."""

    text: str = Field("", max_length=50_000)
    override_reason: str = Field("", max_length=2000)
    template: str = Field("", max_length=300)  # the template id of the draft the text started from
    template_language: str = Field("", max_length=10)
    seen: int = Field(0, ge=0)  # the newest message the page showed
    confirm_collision: bool = False  # "send anyway" after being told someone else replied


@dataclass(frozen=True)
class Segment:
    """A run of the draft, with the finding that covers it (``None``: nothing found there)."""

    text: str
    finding: Finding | None = None


def marked_segments(text: str, findings: list[Finding]) -> list[Segment]:
    """Cut *text* into runs so each finding's span can be highlighted (overlaps: the first one wins)."""
    segments: list[Segment] = []
    at = 0
    spans = sorted((f for f in findings if f.start is not None and f.end is not None and f.end > f.start),
                   key=lambda f: (f.start or 0, -(f.end or 0)))
    for finding in spans:
        start, end = finding.start or 0, min(finding.end or 0, len(text))
        if start < at or start >= len(text):
            continue
        if start > at:
            segments.append(Segment(text[at:start]))
        segments.append(Segment(text[start:end], finding))
        at = end
    if at < len(text):
        segments.append(Segment(text[at:]))
    return segments


def checked(store: SqlStore, *, config: Config, thread_id: int, text: str) -> dict[str, Any]:
    """The composer's view of *text*: the check result, the marked text, the recent reply it resembles."""
    if not text.strip():
        return {"result": None, "segments": [], "resemblance": None}
    moment = now()
    result = check_draft(store, config=config, thread_id=thread_id, text=text, now=moment)
    resemblance = closest_reply(store, config=config, thread_id=thread_id, text=text, now=moment) \
        if "near_duplicate" in result.rules() else None
    return {"result": result, "segments": marked_segments(text, result.findings), "resemblance": resemblance}


def _answering(user: SignedIn, store: SqlStore, thread_id: int) -> None:
    if not user.can_answer:
        raise HTTPException(status_code=403)
    if store.get_thread(thread_id).store_id not in user.store_ids:
        raise HTTPException(status_code=404)


@router.post("/threads/{thread_id}/check", dependencies=[Depends(csrf_checked)])
def check_reply(request: Request, user: User, thread_id: int, text: Draft = "") -> Response:
    """The compliance findings of a draft, highlighted in place (an htmx fragment)."""
    app = state(request)
    with app.db.reading() as store:
        if store.get_thread(thread_id).store_id not in user.store_ids:
            raise HTTPException(status_code=404)
        context = checked(store, config=app.config, thread_id=thread_id, text=text)
    return render(request, "_findings.html", context, user=user)


@router.post("/threads/{thread_id}/draft", dependencies=[Depends(csrf_checked)])
def suggest_draft(request: Request, user: User, thread_id: int,
                  holding: Annotated[bool, Query()] = False) -> Response:
    """The suggested draft (or holding reply) in the composer, with its variables and its check (htmx)."""
    app = state(request)
    with app.db.reading() as store:
        _answering(user, store, thread_id)
        suggestion = composer_draft(store, config=app.config, thread_id=thread_id, now=now(), holding=holding)
        context = checked(store, config=app.config, thread_id=thread_id, text=suggestion.text)
    composer = {**COMPOSER_DEFAULTS, **context, "draft": suggestion.text, "suggestion": suggestion,
                "template": suggestion.template or "", "template_language": suggestion.language or ""}
    return render(request, "_draft.html", {"thread_id": thread_id, "composer": composer, "oob": True, **context},
                  user=user)


@router.post("/threads/{thread_id}/reply", dependencies=[Depends(csrf_checked)])
def send_reply(request: Request, user: User, thread_id: int, form: Annotated[Outgoing, Form()]) -> Response:
    """Queue the reply through the compliance guard; the outbox sends it. A block shows the findings."""
    return _send(request, user, thread_id, form, holding=False)


@router.post("/threads/{thread_id}/holding", dependencies=[Depends(csrf_checked)])
def send_holding(request: Request, user: User, thread_id: int, form: Annotated[Outgoing, Form()]) -> Response:
    """Queue a holding reply ("we are checking and will write by ..."); the thread goes on hold."""
    return _send(request, user, thread_id, form, holding=True)


def _send(request: Request, user: SignedIn, thread_id: int, form: Outgoing, *, holding: bool) -> Response:
    app = state(request)
    with app.db.reading() as store:
        _answering(user, store, thread_id)
        later = () if form.confirm_collision else replies_since(store, thread_id=thread_id,
                                                                after_message_id=form.seen, user=user.name)
        if later:
            return _again(request, store, user, thread_id, form, status_code=409, collision=later)
    try:
        with app.db.transaction() as store:
            if holding:
                queued = send_holding_reply(store, user_name=user.name, local_name=f"web:{user.name}",
                                            thread_id=thread_id, text=form.text, now=now(), config=app.config)
            else:
                queued = reply_as(store, user_name=user.name, local_name=f"web:{user.name}", thread_id=thread_id,
                                  text=form.text, now=now(), override_reason=form.override_reason.strip() or None,
                                  config=app.config)
            if form.template:
                count_template_use(store, thread_id=thread_id, template=form.template,
                                   language=form.template_language, now=now())
    except (SendBlockedError, InputError, ConfigError) as exc:
        with app.db.reading() as store:
            return _again(request, store, user, thread_id, form, status_code=422, error=str(exc))
    done = "&done=holding" if holding else ""
    return RedirectResponse(f"/threads/{thread_id}?queued={queued['message']}{done}#m{queued['message']}",
                            status_code=303)


def _again(request: Request, store: SqlStore, user: SignedIn, thread_id: int, form: Outgoing, *, status_code: int,
           **composer: Any) -> Response:
    """The thread page again with the agent's draft kept, its findings, and why it was not sent."""
    context = checked(store, config=state(request).config, thread_id=thread_id, text=form.text)
    return render_thread(request, store, user, thread_id, status_code=status_code, composer={
        **context, **composer, "draft": form.text, "template": form.template,
        "template_language": form.template_language, "seen": form.seen})
