"""The reply composer on the thread page: live compliance check while typing, and sending."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from sellerdesk.core.compliance import Finding
from sellerdesk.errors import ConfigError, InputError, SendBlockedError
from sellerdesk.services.composer import check_draft
from sellerdesk.services.replies import reply_as
from sellerdesk.web.context import SignedIn, csrf_checked, now, render, signed_in, state
from sellerdesk.web.inbox import render_thread

router = APIRouter()
User = Annotated[SignedIn, Depends(signed_in)]
Draft = Annotated[str, Form(max_length=50_000)]


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


def _visible(user: SignedIn, store_id: int) -> None:
    if store_id not in user.store_ids:
        raise HTTPException(status_code=404)


@router.post("/threads/{thread_id}/check", dependencies=[Depends(csrf_checked)])
def check_reply(request: Request, user: User, thread_id: int, text: Draft = "") -> Response:
    """The compliance findings of a draft, highlighted in place (an htmx fragment)."""
    app = state(request)
    with app.db.reading() as store:
        _visible(user, store.get_thread(thread_id).store_id)
        result = check_draft(store, config=app.config, thread_id=thread_id, text=text, now=now()) \
            if text.strip() else None
    segments = marked_segments(text, result.findings) if result is not None else []
    return render(request, "_findings.html", {"result": result, "segments": segments}, user=user)


@router.post("/threads/{thread_id}/reply", dependencies=[Depends(csrf_checked)])
def send_reply(request: Request, user: User, thread_id: int, text: Draft = "",
               override_reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """Queue the reply through the compliance guard; the outbox sends it. A block shows the findings."""
    if not user.can_answer:
        raise HTTPException(status_code=403)
    app = state(request)
    try:
        with app.db.transaction() as store:
            _visible(user, store.get_thread(thread_id).store_id)
            queued = reply_as(store, user_name=user.name, local_name=f"web:{user.name}", thread_id=thread_id,
                              text=text, now=now(), override_reason=override_reason.strip() or None,
                              config=app.config)
    except (SendBlockedError, InputError, ConfigError) as exc:
        with app.db.reading() as store:
            result = check_draft(store, config=app.config, thread_id=thread_id, text=text, now=now()) \
                if text.strip() else None
            segments = marked_segments(text, result.findings) if result is not None else []
            return render_thread(request, store, user, thread_id, status_code=422, composer={
                "draft": text, "error": str(exc), "result": result, "segments": segments})
    return RedirectResponse(f"/threads/{thread_id}?queued={queued['message']}#m{queued['message']}", status_code=303)
