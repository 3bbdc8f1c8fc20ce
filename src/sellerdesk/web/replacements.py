"""After-sales in the web app: the replacement cases list, one case with its next steps, the ledger download,
and the thread's "Open a replacement" action.

Every route is one call of :mod:`sellerdesk.services.after_sales` (or its messages and ledger
modules), which write the audit log. Admins and agents act on the cases of their stores; viewers
read; a case of a store the user does not see is not found. A refused step shows the case again with
the reason.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from starlette.responses import RedirectResponse, Response

from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.core.after_sales.money import costs_from
from sellerdesk.core.after_sales.states import STATES, TRANSITIONS, closing_gaps
from sellerdesk.core.outbox import Actor
from sellerdesk.errors import ConfigError, InputError, NotFoundError, SendBlockedError
from sellerdesk.services import after_sales, after_sales_ledger, after_sales_messages, refunds, returns
from sellerdesk.web.context import SignedIn, csrf_checked, now, render, signed_in, state
from sellerdesk.web.dashboard import visible_stores
from sellerdesk.web.i18n import _
from sellerdesk.web.thread_page import render_thread

router = APIRouter()
User = Annotated[SignedIn, Depends(signed_in)]
Short = Annotated[str, Form(max_length=200)]
Long = Annotated[str, Form(max_length=5000)]
Filter = Annotated[str, Query(max_length=40)]
DUE = ("today", "overdue")
PAGE_MESSAGES = (
    _("approved"), _("refused"), _("unavailable"),
    _("not_received"), _("damaged_defective"), _("missing_parts"), _("wrong_item"),
    _("damaged"), _("defective"), _("not_as_described"), _("no_longer_needed"), _("arrived_late"), _("other"),
)
"""Case states, causes and return reasons the pages show translated (the others are the thread page's)."""
_MEDIA = {"csv": "text/csv; charset=utf-8",
          "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _acting(user: SignedIn) -> None:
    if not user.can_answer:
        raise HTTPException(status_code=403)


def _visible(repo: SqlStore, user: SignedIn, case_id: int) -> int:
    """*case_id* if the user sees its store (else not found)."""
    if after_sales.get_case(repo, case_id).store_id not in user.store_ids:
        raise NotFoundError(f"no replacement case {case_id} for this user")
    return case_id


def _due_before(due: str, moment: datetime) -> datetime | None:
    if due == "overdue":
        return moment
    if due == "today":
        return datetime.combine(moment.date() + timedelta(days=1), time(0, 0), tzinfo=moment.tzinfo)
    return None


@router.get("/replacements")
def replacements_page(request: Request, user: User, store: Filter = "", marketplace: Filter = "",
                      case_state: Annotated[str, Query(alias="state", max_length=20)] = "",
                      due: Filter = "") -> Response:
    """The replacement cases of the user's stores, newest first, filtered by store, marketplace, state and due."""
    moment = now()
    with state(request).db.reading() as repo:
        visible, can_see_all = visible_stores(repo, user)
        ids = [visible[store]] if store in visible else list(visible.values())
        rows = after_sales.list_cases(repo, store_ids=ids, state=case_state if case_state in STATES else None,
                                      marketplace=marketplace.upper() or None,
                                      due_before=_due_before(due, moment))
    return render(request, "replacements.html", {
        "rows": rows, "stores": list(visible), "any_store": can_see_all, "states": STATES,
        "filters": {"store": store, "marketplace": marketplace.upper(), "state": case_state, "due": due},
        "due_choices": DUE, "now": moment}, user=user)


@router.get("/replacements/ledger.{fmt}")
def ledger_download(request: Request, user: User, fmt: str, store: Filter = "") -> Response:
    """The ledger of one visible store (or of all, for a user who sees every store) as CSV or XLSX."""
    if fmt not in _MEDIA:
        raise HTTPException(status_code=404)
    with state(request).db.reading() as repo:
        visible, can_see_all = visible_stores(repo, user)
        if (store and store not in visible) or (not store and not can_see_all):
            raise HTTPException(status_code=404)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"ledger.{fmt}"
            after_sales_ledger.export_ledger(repo, path=path, fmt=fmt, store_name=store or None)
            content = path.read_bytes()
    name = f"after-sales-ledger{'-' + store if store else ''}.{fmt}"
    return Response(content, media_type=_MEDIA[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/replacements/{case_id}")
def replacement_page(request: Request, user: User, case_id: int, done: Filter = "") -> Response:
    """One case: its state, dates, costs, checklist, the next allowed steps, the buyer message owed and history."""
    with state(request).db.reading() as repo:
        return _case(request, user, repo, _visible(repo, user, case_id), done=done)


def _case(request: Request, user: SignedIn, repo: SqlStore, case_id: int, *, done: str = "",
          error: str | None = None) -> Response:
    case = after_sales.show_case(repo, case_id)
    draft: dict[str, Any] | None
    try:
        draft = after_sales_messages.draft_step(repo, case_id=case_id, now=now(), config=state(request).config)
    except InputError:
        draft = None  # this state owes the buyer no message
    gaps = closing_gaps(after_sales.state_of(after_sales.get_case(repo, case_id)))
    return render(request, "replacement.html", {
        "case": case, "draft": draft, "next_steps": TRANSITIONS[case["state"]], "gaps": gaps, "done": done,
        "returns": _of_order(repo, user, case_id, returns.list_returns),
        "refunds": _of_order(repo, user, case_id, refunds.list_refunds),
        "decisions": returns.DECISIONS, "error": error, "now": now()}, user=user, status_code=422 if error else 200)


def _of_order(repo: SqlStore, user: SignedIn, case_id: int,
              listing: Callable[..., list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The return requests or refunds (*listing*) of the case's store about the case's order."""
    row = after_sales.get_case(repo, case_id)
    names = {number: name for name, number in visible_stores(repo, user)[0].items()}
    return [item for item in listing(repo, store_name=names[row.store_id]) if item["order_id"] == row.order_id]


def _redo(request: Request, user: SignedIn, case_id: int, exc: Exception) -> Response:
    with state(request).db.reading() as repo:
        return _case(request, user, repo, _visible(repo, user, case_id), error=str(exc))


@router.post("/replacements/{case_id}/advance", dependencies=[Depends(csrf_checked)])
def advance(request: Request, user: User, case_id: int, to: Short, carrier: Short = "", tracking_number: Short = "",
            reason: Long = "", tracking_uploaded: Short = "", return_closed: Short = "") -> Response:
    """Move the case to state *to* with what that state needs (carrier and tracking, a reason, the checklist)."""
    _acting(user)
    try:
        with state(request).db.transaction() as repo:
            after_sales.advance_case(
                repo, case_id=_visible(repo, user, case_id), to=to, now=now(), actor=user.name,
                carrier=carrier.strip() or None, tracking_number=tracking_number.strip() or None,
                reason=reason.strip() or None, tracking_uploaded=True if tracking_uploaded else None,
                return_closed=True if return_closed else None)
    except InputError as exc:
        return _redo(request, user, case_id, exc)
    return RedirectResponse(f"/replacements/{case_id}?done=advanced", status_code=303)


@router.post("/replacements/{case_id}/message", dependencies=[Depends(csrf_checked)])
def queue_message(request: Request, user: User, case_id: int, text: Long = "") -> Response:
    """Queue the buyer message the case's state owes (as drafted, or as the agent edited it); the guard checks it."""
    _acting(user)
    app = state(request)
    try:
        with app.db.transaction() as repo:
            after_sales_messages.queue_step(repo, case_id=_visible(repo, user, case_id), now=now(),
                                            actor=Actor(user.name, user.role), config=app.config,
                                            text=text.strip() or None)
    except (InputError, SendBlockedError, ConfigError) as exc:
        return _redo(request, user, case_id, exc)
    return RedirectResponse(f"/replacements/{case_id}?done=queued", status_code=303)


@router.post("/replacements/{case_id}/costs", dependencies=[Depends(csrf_checked)])
def record_costs(request: Request, user: User, case_id: int, cost_item: Short = "0", cost_packing: Short = "0",
                 cost_postage: Short = "0", currency: Short = "", fx_rate: Short = "") -> Response:
    """Record what the replacement cost (item, packing, postage, currency and the rate to the ledger currency)."""
    _acting(user)
    app = state(request)
    try:
        costs = costs_from({"cost_item": cost_item or "0", "cost_packing": cost_packing or "0",
                            "cost_postage": cost_postage or "0", "currency": currency.strip().upper(),
                            "fx_rate": fx_rate.strip() or None},
                           ledger_currency=after_sales_ledger.ledger_currency(app.config))
        with app.db.transaction() as repo:
            after_sales.record_costs(repo, case_id=_visible(repo, user, case_id), costs=costs, now=now(),
                                     actor=user.name)
    except (InputError, ConfigError) as exc:
        return _redo(request, user, case_id, exc)
    return RedirectResponse(f"/replacements/{case_id}?done=costs", status_code=303)


@router.post("/replacements/{case_id}/returns/{return_id}", dependencies=[Depends(csrf_checked)])
def review_return(request: Request, user: User, case_id: int, return_id: int, decision: Short = "",
                  note: Long = "") -> Response:
    """Record the review of a return request of the case's order (approved or refused, with a note)."""
    _acting(user)
    try:
        with state(request).db.transaction() as repo:
            of_order = _of_order(repo, user, _visible(repo, user, case_id), returns.list_returns)
            if return_id not in {r["id"] for r in of_order}:
                raise HTTPException(status_code=404)
            returns.review_return(repo, return_id=return_id, decision=decision, now=now(), actor=user.name,
                                  note=note.strip() or None)
    except InputError as exc:
        return _redo(request, user, case_id, exc)
    return RedirectResponse(f"/replacements/{case_id}?done=reviewed", status_code=303)


@router.post("/threads/{thread_id}/replacement", dependencies=[Depends(csrf_checked)])
def open_from_thread(request: Request, user: User, thread_id: int) -> Response:
    """Open a replacement case from the thread's buyer message (or show the one already in progress)."""
    _acting(user)
    try:
        with state(request).db.transaction() as repo:
            if repo.get_thread(thread_id).store_id not in user.store_ids:
                raise HTTPException(status_code=404)
            case = after_sales.open_from_thread(repo, thread_id=thread_id, now=now(), actor=user.name)
    except InputError as exc:
        with state(request).db.reading() as repo:
            return render_thread(request, repo, user, thread_id, composer={}, problem=str(exc), status_code=422)
    done = "existing" if case["existing"] else "opened"
    return RedirectResponse(f"/replacements/{case['id']}?done={done}", status_code=303)
