"""Contact Response Time, as ``sellerdesk report`` computes it, for the stores a token may see."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import AwareDatetime

from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.core.metrics import GOAL_AVERAGE_RESPONSE, GOAL_WITHIN_24H_SHARE, trailing_window
from sellerdesk.services.response_metrics import Scope, metrics_line, response_metrics, response_metrics_by
from sellerdesk.web.api.auth import Caller
from sellerdesk.web.api.errors import ApiError, responses
from sellerdesk.web.api.models import NO_NUL, MetricsLine, MetricsReport
from sellerdesk.web.context import now, state

router = APIRouter(tags=["metrics"])
MAX_DAYS = 3660


def _window(days: int, start: datetime | None, end: datetime | None, *, at: datetime) -> tuple[datetime, datetime]:
    if (start is None) != (end is None):
        raise ApiError(422, "invalid", "give both start and end (ISO 8601 with a zone), or neither and days")
    if start is None or end is None:
        return trailing_window(days, end=at)
    if not start < end <= start + timedelta(days=MAX_DAYS):
        raise ApiError(422, "invalid", f"start must be before end, at most {MAX_DAYS} days apart")
    return start, end


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
                days: Annotated[int, Query(ge=1, le=MAX_DAYS, description="the last N days (without start/end)")] = 30,
                start: Annotated[AwareDatetime | None, Query(description="first instant, ISO 8601 with a zone")] = None,
                end: Annotated[AwareDatetime | None, Query(description="end (excluded), ISO 8601 with a zone")] = None,
                store: Annotated[str | None, Query(max_length=100, pattern=NO_NUL)] = None,
                group_by: Literal["store", "marketplace", "agent"] | None = None) -> MetricsReport:
    """Contact Response Time: share within 24 hours, late and no-response rates, average and median.

    A token that sees every store gets the figures over all of them (``store`` null); one limited
    to some stores gets a set of lines per store it sees. ``group_by`` adds a line per store,
    marketplace or agent after each total.
    """
    at = now()
    window_start, window_end = _window(days, start, end, at=at)
    as_of = min(at, window_end)
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
