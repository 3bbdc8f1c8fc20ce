"""The workflow actions on the thread page: state, assignment, "no response needed", who else is on it.

Each action is one call of :mod:`sellerdesk.services.workflow` (audited there) by an admin or an
agent of the thread's store; viewers get 403, other stores' threads 404. A refused action shows
the page again with the reason.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.errors import InputError, NotFoundError
from sellerdesk.services import workflow
from sellerdesk.services.collisions import presence
from sellerdesk.web.context import SignedIn, csrf_checked, now, render, signed_in, state
from sellerdesk.web.thread_page import render_thread

router = APIRouter(dependencies=[Depends(csrf_checked)])
User = Annotated[SignedIn, Depends(signed_in)]
Note = Annotated[str, Form(max_length=2000)]
MIN_NOTE = 3


def _acting(user: SignedIn, store: SqlStore, store_id: int) -> None:
    if not user.can_answer:
        raise HTTPException(status_code=403)
    if store_id not in user.store_ids:
        raise HTTPException(status_code=404)


def _done(thread_id: int, what: str, anchor: str = "actions") -> Response:
    return RedirectResponse(f"/threads/{thread_id}?done={what}#{anchor}", status_code=303)


def _refused(request: Request, user: SignedIn, thread_id: int, exc: InputError) -> Response:
    with state(request).db.reading() as store:
        return render_thread(request, store, user, thread_id, composer={}, problem=str(exc), status_code=422)


@router.post("/threads/{thread_id}/state")
def change_state(request: Request, user: User, thread_id: int, to: Annotated[str, Form(max_length=60)],
                 note: Note = "") -> Response:
    """Move the thread (*to* is a state, or ``on_hold:<reason>``), with the agent's reason for the audit log."""
    target, _, reason = to.partition(":")
    try:
        with state(request).db.transaction() as store:
            _acting(user, store, store.get_thread(thread_id).store_id)
            if len(note.strip()) < MIN_NOTE:
                raise InputError("say why (at least three characters); the reason goes to the audit log")
            workflow.set_state(store, thread_id=thread_id, state=target, actor=user.name, now=now(),
                               reason=reason or None, note=note.strip())
    except InputError as exc:
        return _refused(request, user, thread_id, exc)
    return _done(thread_id, "state")


@router.post("/threads/{thread_id}/assign")
def assign_thread(request: Request, user: User, thread_id: int, to: Annotated[str, Form(max_length=200)]) -> Response:
    """Assign the thread: *to* is ``me``, ``round_robin`` or an agent's name."""
    try:
        with state(request).db.transaction() as store:
            _acting(user, store, store.get_thread(thread_id).store_id)
            if to == "round_robin":
                workflow.assign(store, thread_id=thread_id, actor=user.name, now=now(), round_robin=True)
            else:
                _assign_to(store, thread_id=thread_id, actor=user.name, agent=user.name if to == "me" else to)
    except InputError as exc:
        return _refused(request, user, thread_id, exc)
    return _done(thread_id, "assigned")


def _assign_to(store: SqlStore, *, thread_id: int, actor: str, agent: str) -> None:
    try:
        workflow.assign(store, thread_id=thread_id, actor=actor, now=now(), agent=agent)
    except NotFoundError as exc:  # the form named a user who does not exist: bad input, not a missing page
        raise InputError(str(exc)) from exc


@router.post("/messages/{message_id}/no-response")
def no_response_needed(request: Request, user: User, message_id: int, reason: Note = "") -> Response:
    """Mark a buyer message "no response needed" with the agent's reason (audited; out of the metrics)."""
    with state(request).db.reading() as store:
        message = store.get_message(message_id)
        _acting(user, store, message.store_id)
        thread_id = message.thread_id
    if thread_id is None:
        raise HTTPException(status_code=404)
    try:
        with state(request).db.transaction() as store:
            workflow.mark_no_response_needed(store, message_id=message_id, actor=user.name, reason=reason,
                                             now=now())
    except InputError as exc:
        return _refused(request, user, thread_id, exc)
    return _done(thread_id, "no_response", f"m{message_id}")


@router.post("/threads/{thread_id}/presence")
def still_here(request: Request, user: User, thread_id: int, seen: Annotated[int, Form(ge=0)] = 0) -> Response:
    """The agent still has the thread open: who else has, and what others replied since (htmx, polled)."""
    with state(request).db.transaction() as store:
        _acting(user, store, store.get_thread(thread_id).store_id)
        found = presence(store, thread_id=thread_id, user=user.name, seen_message_id=seen, now=now())
    return render(request, "_presence.html", {"presence": found, "thread_id": thread_id}, user=user)
