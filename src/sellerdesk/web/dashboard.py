"""The dashboard: Contact Response Time with charts, the team's workload and the review-request ledger.

Charts are SVG images served by their own route (``/dashboard/charts/NAME.svg``), so the page
itself carries no inline script or style and stays inside the strict Content-Security-Policy.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from sqlalchemy import func, select
from starlette.responses import Response

from sellerdesk.adapters import charts
from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import Store
from sellerdesk.config import Config
from sellerdesk.core.metrics import trailing_window
from sellerdesk.errors import ConfigError
from sellerdesk.services import after_sales_ledger
from sellerdesk.services.charts import CHARTS, chart_figure
from sellerdesk.services.dashboard import WINDOWS, response_overview, review_summary, workload
from sellerdesk.web.context import SignedIn, now, render, signed_in, state
from sellerdesk.web.dashboard_after_sales import after_sales_section
from sellerdesk.web.i18n import _

router = APIRouter()
User = Annotated[SignedIn, Depends(signed_in)]
Text = Annotated[str | None, Query(max_length=100)]
ALL = ""
CHART_TITLES = {"response-times": _("Response time: messages by hours to the first answer"),
                "daily-volume": _("Messages and late answers per day"),
                "agent-load": _("Messages per agent and those marked no response needed")}
REVIEW_STATES = (_("requested"), _("scheduled"), _("skipped"), _("failed"))
"""The review ledger's states as the UI shows them (marked here for the catalogue)."""


@dataclass(frozen=True)
class View:
    """What the dashboard is asked to show: a store (or every store) and a window of days."""

    store: str | None
    stores: list[str]
    store_ids: list[int]  # the stores shown: the chosen one, or every store the user may see
    can_see_all: bool
    start: datetime
    end: datetime
    days: int | None
    error: str | None

    @property
    def last_day(self) -> date:
        """The last day of the window (its end is the midnight after it)."""
        return (self.end - timedelta(microseconds=1)).date()

    @property
    def allowed(self) -> bool:
        """False when the user sees no store at all (then there is nothing to show)."""
        return self.store is not None or self.can_see_all

    def query(self) -> str:
        """The query string that asks for this view again (for the chart images)."""
        pairs = [("store", self.store or ALL)]
        if self.days is None:
            pairs += [("start", self.start.date().isoformat()), ("end", self.last_day.isoformat())]
        else:
            pairs.append(("days", str(self.days)))
        return urlencode(pairs)


def visible_stores(repo: SqlStore, user: SignedIn) -> tuple[dict[str, int], bool]:
    """The stores *user* may see (name -> id, by name) and whether that is every store."""
    ids: dict[str, int] = dict(repo.session.execute(
        select(Store.name, Store.id).where(Store.id.in_(user.store_ids)).order_by(Store.name)).all())
    total = repo.session.scalar(select(func.count()).select_from(Store)) or 0
    return ids, len(ids) == total


def _window(days: int | None, start: str | None, end: str | None, moment: datetime
            ) -> tuple[datetime, datetime, int | None, str | None]:
    """The window asked for: a range of dates (both ends included, UTC days) or trailing days."""
    if start or end:
        try:
            first, last = date.fromisoformat(start or ""), date.fromisoformat(end or "")
        except ValueError:
            return (*trailing_window(7, end=moment), 7,
                    _("The range needs a start and an end date such as 2026-11-01; showing the last 7 days."))
        if last < first:
            return (*trailing_window(7, end=moment), 7,
                    _("The range ends before it starts; showing the last 7 days."))
        return (datetime.combine(first, time(), tzinfo=UTC),
                datetime.combine(last + timedelta(days=1), time(), tzinfo=UTC), None, None)
    chosen = days if days in WINDOWS else 7
    return (*trailing_window(chosen, end=moment), chosen, None)


def _view(repo: SqlStore, user: SignedIn, *, store: str | None, days: int | None, start: str | None,
          end: str | None) -> View:
    stores, can_see_all = visible_stores(repo, user)
    if store and store not in stores:
        raise HTTPException(status_code=404)
    # Contact Response Time covers one store or all of them: a user who sees only some stores picks one.
    chosen = store or (None if can_see_all else next(iter(stores), None))
    first, last, window_days, error = _window(days, start, end, now())
    return View(store=chosen, stores=list(stores), store_ids=list(stores.values()) if chosen is None
                else [stores[chosen]], can_see_all=can_see_all, start=first, end=last, days=window_days, error=error)


def store_zone(config: Config, store: str | None) -> tzinfo:
    """The time zone of the store named *store* in *config* (UTC when unknown or not named)."""
    for shop in config.stores:
        if shop.name == store:
            try:
                return zoneinfo.ZoneInfo(shop.timezone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                return UTC
    return UTC


@router.get("/dashboard")
def dashboard_page(request: Request, user: User, store: Text = None,
                   days: Annotated[int | None, Query(ge=1, le=3660)] = None, start: Text = None,
                   end: Text = None) -> Response:
    """Contact Response Time per store, marketplace and agent, charts, workload and the review ledger."""
    app = state(request)
    moment = now()
    with app.db.reading() as repo:
        view = _view(repo, user, store=store, days=days, start=start, end=end)
        overview = response_overview(repo, start=view.start, end=view.end, as_of=moment,
                                     store_name=view.store) if view.allowed else None
        context = {"view": view, "overview": overview, "windows": WINDOWS, "charts": CHART_TITLES,
                   "work": workload(repo, store_ids=view.store_ids, now=moment),
                   "ledger": review_summary(repo, store_ids=view.store_ids),
                   "after_sales": _after_sales(repo, app.config, view, moment)}
    return render(request, "dashboard.html", context, user=user)


@router.get("/dashboard/charts/{chart}.svg")
def chart_image(request: Request, user: User, chart: str, store: Text = None,
                days: Annotated[int | None, Query(ge=1, le=3660)] = None, start: Text = None,
                end: Text = None) -> Response:
    """One chart of the dashboard as an SVG image."""
    if chart not in CHARTS:
        raise HTTPException(status_code=404)
    app = state(request)
    with app.db.reading() as repo:
        view = _view(repo, user, store=store, days=days, start=start, end=end)
        if not view.allowed:
            raise HTTPException(status_code=404)
        try:
            figure = chart_figure(repo, chart, start=view.start, end=view.end, as_of=now(), store_name=view.store,
                                  zone=store_zone(app.config, view.store))
        except ConfigError as exc:
            return Response(str(exc), status_code=503, media_type="text/plain")
    return Response(charts.svg_bytes(figure), media_type="image/svg+xml")


def _after_sales(repo: SqlStore, config: Config, view: View, moment: datetime) -> dict[str, Any] | None:
    if not view.allowed:
        return None
    names = [view.store] if view.store is not None else view.stores
    return after_sales_section(repo, config, store=view.store, now=moment,
                               zones={name: store_zone(config, name) for name in names})


@router.get("/dashboard/after-sales/{chart}.svg")
def after_sales_chart(request: Request, user: User, chart: str, store: Text = None) -> Response:
    """One after-sales chart of the store (or of every store, for a user who sees them all) as an SVG image."""
    if chart not in after_sales_ledger.CHART_NAMES:
        raise HTTPException(status_code=404)
    app = state(request)
    with app.db.reading() as repo:
        visible, can_see_all = visible_stores(repo, user)
        if (store and store not in visible) or (not store and not can_see_all):
            raise HTTPException(status_code=404)
        try:
            figures = after_sales_ledger.report(repo, config=app.config, now=now(), store_name=store or None)
            figure = after_sales_ledger.report_charts(figures)[chart]
        except ConfigError as exc:
            return Response(str(exc), status_code=503, media_type="text/plain")
    return Response(charts.svg_bytes(figure), media_type="image/svg+xml")
