"""The inbox workflow in the database: states, assignment, "no response needed", holding replies, views.

Every action here is written to the audit log with who did it and when, inside the caller's
transaction (services own transactions; these functions take the transaction's
:class:`~sellerdesk.adapters.db.store.SqlStore`). Refusals (a move the workflow does not allow, a
mark on a message that is not the buyer's) raise :class:`~sellerdesk.errors.InputError` with the
reason, because the caller asked for something that cannot be done.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import AuditEntry, MessageExclusion, ThreadView, User
from sellerdesk.config import Config
from sellerdesk.core.workflow import (
    COLLISION_WINDOW,
    View,
    next_in_rotation,
    no_response_refusal,
    other_viewers,
    transition_refusal,
)
from sellerdesk.errors import InputError
from sellerdesk.services import replies, users

ROUND_ROBIN_ACTION = "thread.assigned_round_robin"


def set_state(store: SqlStore, *, thread_id: int, state: str, actor: str, now: datetime,
              reason: str | None = None, note: str | None = None) -> dict[str, Any]:
    """Move a thread to *state* (see :mod:`sellerdesk.core.workflow`); return ``{"thread", "from", "state"}``.

    *reason* is one of the hold reasons when the thread goes on hold; *note*, the person's own
    words on why, goes to the audit log with it.

    Raises:
        NotFoundError: no thread has that id.
        InputError: the workflow does not allow the move (the message says which moves it allows).
    """
    thread = store.get_thread(thread_id)
    refusal = transition_refusal(thread.state, state, reason=reason)
    if refusal:
        raise InputError(f"thread {thread_id}: {refusal}")
    before = thread.state
    thread.state = state
    thread.updated_at = now
    store.audit(actor, "thread.state", at=now, store_id=thread.store_id, thread_id=thread.id,
                detail={"from_state": before, "to_state": state, "reason": reason,
                        **({"note": note} if note else {})})
    return {"thread": thread_id, "from": before, "state": state}


def store_agents(store: SqlStore, store_id: int) -> list[str]:
    """Names of the active users who may answer in store *store_id*, sorted (the round-robin order)."""
    names = []
    for user in store.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name)):
        if users.can_answer(user) and store_id in users.visible_store_ids(store, user):
            names.append(user.name)
    return names


def assign(store: SqlStore, *, thread_id: int, actor: str, now: datetime, agent: str | None = None,
           round_robin: bool = False) -> dict[str, Any]:
    """Assign a thread to *agent*, or (``round_robin=True``) to the store's next agent in turn.

    The round robin runs per store: the next agent after the one the store's last round-robin
    assignment chose, among :func:`store_agents`. Returns ``{"thread", "assigned_to", "previous"}``.

    Raises:
        InputError: neither or both of *agent* and *round_robin*, an unknown or inactive agent, an agent
            who may not see the store, or a round robin in a store without agents.
    """
    if (agent is None) == (not round_robin):
        raise InputError("name an agent to assign, or ask for the round robin (not both)")
    thread = store.get_thread(thread_id)
    if round_robin:
        agent = next_in_rotation(store_agents(store, thread.store_id), last=_last_rotation(store, thread.store_id))
        if agent is None:
            raise InputError(f"store {thread.store_id} has no active agent for the round robin; add users with "
                             "'sellerdesk user add' and give them the store")
    else:
        assert agent is not None
        replies.actor_named(store, agent, local_name=agent, store_id=thread.store_id)
    previous = thread.assigned_to
    thread.assigned_to = agent
    thread.updated_at = now
    store.audit(actor, ROUND_ROBIN_ACTION if round_robin else "thread.assigned", at=now, store_id=thread.store_id,
                thread_id=thread.id, detail={"agent": agent, "previous": previous})
    return {"thread": thread_id, "assigned_to": agent, "previous": previous}


def _last_rotation(store: SqlStore, store_id: int) -> str | None:
    entry = store.session.scalars(
        select(AuditEntry).where(AuditEntry.store_id == store_id, AuditEntry.action == ROUND_ROBIN_ACTION)
        .order_by(AuditEntry.id.desc()).limit(1)).first()
    return None if entry is None else entry.detail.get("agent")


def mark_no_response_needed(store: SqlStore, *, message_id: int, actor: str, reason: str,
                            now: datetime) -> dict[str, Any]:
    """Mark a buyer message "no response needed": it leaves Contact Response Time from now on.

    The user, reason and time go to the audit log and to the mark itself; marking a message twice
    keeps the first mark. Returns ``{"message", "excluded_by", "reason", "at", "already"}``.

    Raises:
        NotFoundError: no message has that id.
        InputError: not a buyer message, or no reason given.
    """
    message = store.get_message(message_id)
    refusal = no_response_refusal(direction=message.direction, kind=message.kind, reason=reason)
    if refusal:
        raise InputError(f"message {message_id}: {refusal}")
    mark = store.session.scalars(select(MessageExclusion).where(MessageExclusion.message_id == message_id)).first()
    already = mark is not None
    if mark is None:
        mark = MessageExclusion(message_id=message_id, actor=actor, reason=reason.strip(), at=now)
        store.session.add(mark)
        store.session.flush()
        store.audit(actor, "message.no_response_needed", at=now, store_id=message.store_id,
                    thread_id=message.thread_id, message_id=message_id, detail={"reason": mark.reason})
    return {"message": message_id, "excluded_by": mark.actor, "reason": mark.reason,
            "at": mark.at.isoformat(), "already": already}


def record_view(store: SqlStore, *, thread_id: int, user: str, now: datetime,
                window: timedelta = COLLISION_WINDOW) -> list[str]:
    """Note that *user* opened a thread; return the other users who opened it within *window* (collisions)."""
    store.get_thread(thread_id)
    rows = list(store.session.scalars(select(ThreadView).where(ThreadView.thread_id == thread_id)))
    others = other_viewers([View(r.user_name, r.at) for r in rows], user=user, now=now, window=window)
    mine = next((r for r in rows if r.user_name == user), None)
    if mine is None:
        store.session.add(ThreadView(thread_id=thread_id, user_name=user, at=now))
    else:
        mine.at = now
    store.session.flush()
    return others


def send_holding_reply(store: SqlStore, *, user_name: str | None, local_name: str, thread_id: int, text: str,
                       now: datetime, config: Config | None = None) -> dict[str, Any]:
    """Queue a holding reply ("we are checking with the carrier and will write by ...") a person wrote.

    It is an ordinary reply (checked by the compliance guard, queued in the outbox, counted as a
    response by Amazon because a human sends it) flagged ``holding`` in the message's details, and
    the thread goes on hold waiting for information.
    """
    result = replies.reply_as(store, user_name=user_name, local_name=local_name, thread_id=thread_id, text=text,
                              now=now, config=config)
    message = store.get_message(result["message"])
    message.details = {**message.details, "holding": True}
    thread = store.get_thread(thread_id)
    if transition_refusal(thread.state, "on_hold", reason="waiting_for_information") is None:
        set_state(store, thread_id=thread_id, state="on_hold", actor=user_name or local_name, now=now,
                  reason="waiting_for_information")
    store.audit(user_name or local_name, "reply.holding", at=now, store_id=thread.store_id, thread_id=thread_id,
                message_id=message.id, detail={})
    store.session.flush()
    return {**result, "holding": True}
