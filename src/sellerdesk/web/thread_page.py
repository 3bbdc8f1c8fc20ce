"""The thread page: the conversation, the order panel, the buyer's history, risk flags and the composer.

The composer's routes are in :mod:`sellerdesk.web.composer`, the workflow actions in
:mod:`sellerdesk.web.thread_actions`; both show the page again through :func:`render_thread`
when something needs the agent's attention.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from starlette.responses import Response

from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.core.workflow import HOLD_REASONS
from sellerdesk.services.inbox_view import thread_view
from sellerdesk.services.thread_details import thread_details
from sellerdesk.web.context import SignedIn, render, signed_in, state
from sellerdesk.web.i18n import _
from sellerdesk.web.inbox import clock_for

router = APIRouter()
User = Annotated[SignedIn, Depends(signed_in)]
Done = Annotated[str | None, Query(max_length=40, pattern=r"^[a-z_]+$")]

COMPOSER_DEFAULTS: dict[str, Any] = {
    "draft": "", "error": None, "result": None, "segments": [], "resemblance": None, "queued": None,
    "suggestion": None, "template": "", "template_language": "", "seen": None, "collision": (),
}
"""What the composer shows when nothing happened yet; routes override parts of it."""

PAGE_MESSAGES = (
    _("new"), _("waiting_on_buyer"), _("on_hold"),
    _("pending"), _("unshipped"), _("partially_shipped"), _("shipped"), _("cancelled"), _("unfulfillable"),
    _("in_transit"), _("delivered"), _("undeliverable"),
    _("suspicious"), _("waiting_for_information"), _("escalated"),
    _("a_to_z_claim"), _("chargeback"), _("negative_feedback"), _("legal"), _("repeat_contact"),
    _("repeated_messages"), _("personal_data"), _("payment_outside_amazon"), _("buyer_link"),
    _("buyer_attachment"), _("threat"), _("message_burst"), _("claims_history"),
)
"""Values the thread page shows translated: states, order and parcel states, risk and signal names."""


@router.get("/threads/{thread_id}")
def thread_page(request: Request, user: User, thread_id: int, queued: Annotated[int | None, Query(ge=1)] = None,
                done: Done = None) -> Response:
    """A conversation with everything an agent needs beside it; *done* names the action just taken."""
    with state(request).db.reading() as repo:
        return render_thread(request, repo, user, thread_id, composer={"queued": queued}, done=done)


def render_thread(request: Request, repo: SqlStore, user: SignedIn, thread_id: int, *, composer: dict[str, Any],
                  status_code: int = 200, done: str | None = None, problem: str | None = None) -> Response:
    """The thread page, with the composer's state (draft, error, findings) and an action's outcome.

    Args:
        composer: what differs from :data:`COMPOSER_DEFAULTS`.
        done: the action just taken (a notice says so).
        problem: why an action was refused (shown beside the actions).
    """
    view = thread_view(repo, thread_id, store_ids=user.store_ids)
    if view is None:
        raise HTTPException(status_code=404)
    details = thread_details(repo, thread_id=thread_id)
    merged = {**COMPOSER_DEFAULTS, **composer}
    if merged["seen"] is None:
        merged["seen"] = details.last_message_id or 0
    return render(request, "thread.html", {
        "view": view, "details": details, "clock": clock_for(request, user), "composer": merged, "done": done,
        "problem": problem, "hold_reasons": HOLD_REASONS}, user=user, status_code=status_code)
