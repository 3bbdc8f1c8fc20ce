"""Contact Response Time, as ``sellerdesk report`` computes it, for the stores a token may see."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import AwareDatetime, BeforeValidator

from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.core.metrics import GOAL_AVERAGE_RESPONSE, GOAL_WITHIN_24H_SHARE
from sellerdesk.services.response_metrics import Scope, metrics_line, response_metrics, response_metrics_by
from sellerdesk.web.api.auth import Caller
from sellerdesk.web.api.errors import ApiError, responses
from sellerdesk.web.api.models import NO_NUL, MetricsLine, MetricsReport
from sellerdesk.web.context import now, state

router = APIRouter(tags=["metrics"])
_ISO = re.compile(r"^\d{4}-\d\d-\d\d[Tt ]")


def _iso_text(value: object) -> object:
    # Without this, pydantic would read "0.5" or "1700000000" as seconds since 1970.
    if isinstance(value, str) and not _ISO.match(value):
        raise ValueError("give an ISO 8601 time with a zone, e.g. 2026-03-01T00:00:00Z")
    return value


IsoTime = Annotated[AwareDatetime, BeforeValidator(_iso_text)]
MAX_DAYS = 3660  # ten years


def _window(days: int, end: datetime | None, *, at: datetime) -> tuple[datetime, datetime]:
    """``days`` days ending at *end* (at most now: nothing was received later), whatever the dates given."""
    try:
        end_at = at if end is None else min(end.astimezone(UTC), at)
    except OverflowError:  # a time zone pushing year 9999 (or year 1) over the edge
        end_at = at if end is not None and end.year > 1 else datetime.min.replace(tzinfo=UTC)
    try:
        return end_at - timedelta(days=days), end_at
    except OverflowError:
        return datetime.min.replace(tzinfo=UTC), end_at


def _lines(repo: SqlStore, *, store: str | None, group_by: str | None, start: datetime, end: datetime,
           as_of: datetime) -> list[MetricsLine]:
    scope = Scope(store=store)
    total = response_metrics(repo, start=start, end=end, as_of=as_of, scope=scope)
    lines = [MetricsLine.model_validate(metrics_line(total, store=store, group_by="all", group=store))]
    if group_by is not None:
        for name, figures in response_metrics_by(repo, by=group_by, start=start, end=end,  # type: ignore[arg-type]
                                                 as_of=as_of, scope=scope).items():
            lines.append(MetricsLine.model_validate(metrics_line(figures, store=store, group_by=group_by,
                                                                 group=name)))
    return lines


@router.get("/metrics", response_model=MetricsReport, responses=responses(401, 404, 422))
def get_metrics(request: Request, caller: Caller,
                days: Annotated[int, Query(ge=1, le=MAX_DAYS, description="the window's length in days")] = 30,
                end: Annotated[IsoTime | None, Query(
                    description="end of the window (excluded), ISO 8601 with a zone; default and at most: now")] = None,
                store: Annotated[str | None, Query(max_length=100, pattern=NO_NUL)] = None,
                group_by: Literal["store", "marketplace", "agent"] | None = None) -> MetricsReport:
    """Contact Response Time of the buyer messages received in the ``days`` days before ``end``.

    The figures: share answered within 24 hours, late and no-response rates, average and median.

    A token that sees every store gets the figures over all of them (``store`` null); one limited
    to some stores gets a set of lines per store it sees. ``group_by`` adds a line per store,
    marketplace or agent after each total.
    """
    at = now()
    window_start, window_end = _window(days, end, at=at)
    as_of = window_end
    app = state(request)
    with app.db.reading() as repo:
        visible = {s.id: s.name for s in repo.list_stores() if s.id in caller.user.store_ids}
        every = len(visible) == len(repo.list_stores())
        if store is not None and store not in visible.values():
            raise ApiError(404, "not_found", f"no store {store!r} among the stores this token may see")
        names: list[str | None] = [store] if store is not None else [None] if every else [*sorted(visible.values())]
        lines = [line for name in names for line in _lines(repo, store=name, group_by=group_by, start=window_start,
                                                           end=window_end, as_of=as_of)]
    return MetricsReport(start=window_start, end=window_end, as_of=as_of, goal_within_24h_share=GOAL_WITHIN_24H_SHARE,
                         goal_average_hours=GOAL_AVERAGE_RESPONSE.total_seconds() / 3600, lines=lines)
