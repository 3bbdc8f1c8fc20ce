"""The inbox and original-mail pages (the thread page is :mod:`sellerdesk.web.thread_page`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from starlette.responses import RedirectResponse, Response

from sellerdesk.services.inbox_view import InboxFilter, filter_choices, list_inbox, original_text
from sellerdesk.web.context import SignedIn, language_of, now, render, signed_in, state

router = APIRouter()
User = Annotated[SignedIn, Depends(signed_in)]
Text = Annotated[str | None, Query(max_length=200)]

HOUR = 3600
URGENT_SECONDS = 2 * HOUR
SOON_SECONDS = 6 * HOUR


class Clock:
    """Time left until a deadline, as the inbox shows it (the browser's script keeps it live)."""

    def __init__(self, moment: datetime, units: tuple[str, str, str]) -> None:
        self.now = moment
        self.units = units

    def seconds(self, due: datetime | None) -> int | None:
        """Whole seconds until *due* (negative when past), or ``None`` without a deadline."""
        return None if due is None else int((due - self.now).total_seconds())

    def level(self, due: datetime | None) -> str:
        """``none``, ``ok``, ``soon`` (under 6 h), ``urgent`` (under 2 h) or ``late``."""
        left = self.seconds(due)
        if left is None:
            return "none"
        if left <= 0:
            return "late"
        if left < URGENT_SECONDS:
            return "urgent"
        return "soon" if left < SOON_SECONDS else "ok"

    def left(self, due: datetime | None) -> str:
        """``5h 12m`` (or ``12m 05s`` under an hour); the absolute value when past."""
        left = self.seconds(due)
        if left is None:
            return ""
        left = abs(left)
        hours, rest = divmod(left, HOUR)
        minutes, seconds = divmod(rest, 60)
        h, m, s = self.units
        if hours:
            return f"{hours}{h} {minutes:02d}{m}"
        return f"{minutes}{m} {seconds:02d}{s}"


def clock_for(request: Request, user: SignedIn) -> Clock:
    """The clock in the user's language, read now."""
    units = ("小时", "分", "秒") if language_of(request, user) == "zh_Hans" else ("h", "m", "s")
    return Clock(now(), units)


@router.get("/")
def home() -> Response:
    """The inbox is the home page."""
    return RedirectResponse("/inbox", status_code=303)


@router.get("/inbox")
def inbox_page(request: Request, user: User, store: Text = None, marketplace: Text = None,
               thread_state: Annotated[str | None, Query(alias="state", max_length=40)] = None,
               intent: Text = None, language: Text = None, q: Text = None,
               page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    """Every thread the user may see, soonest-due first, filtered and searched; htmx gets the rows only."""
    filters = InboxFilter(store=store or None, marketplace=marketplace or None, state=thread_state or None,
                          intent=intent or None, language=language or None, query=q or None, page=page)
    app = state(request)
    partial = bool(request.headers.get("hx-request")) and request.headers.get("hx-target") == "inbox-rows"
    with app.db.reading() as repo:
        result = list_inbox(repo, store_ids=user.store_ids, filters=filters, page_size=app.settings.page_size)
        choices = {} if partial else filter_choices(repo, store_ids=user.store_ids)
    context = {"page": result, "filters": filters, "choices": choices, "clock": clock_for(request, user),
               "query_string": _without_page(request)}
    return render(request, "_inbox_rows.html" if partial else "inbox.html", context, user=user)


def _without_page(request: Request) -> str:
    return urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "page" and v])


@router.get("/messages/{message_id}/original")
def original_page(request: Request, user: User, message_id: int) -> Response:
    """The mail exactly as received, shown as escaped text (never rendered as HTML)."""
    with state(request).db.reading() as repo:
        found = original_text(repo, message_id, store_ids=user.store_ids)
        if found is None:
            raise HTTPException(status_code=404)
        message, text = found
        return render(request, "original.html", {"message": message, "text": text}, user=user)
