"""What after-sales work is due: for the morning digest (:mod:`sellerdesk.services.reminders`) and the web UI.

Three lists per store: cases in progress whose buyer message is due by the end of the store's day
(or overdue), replacements shipped whose tracking number is not uploaded to the order yet, and
return requests whose review deadline is less than a day away (or passed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from sqlalchemy import select

from sellerdesk.adapters.db.after_sales_tables import ReplacementCase, ReturnRequest
from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.core.after_sales.returns import NEAR
from sellerdesk.core.after_sales.states import FINISHED


@dataclass(frozen=True)
class AfterSalesDue:
    """The after-sales work due for one store."""

    cases_due: list[ReplacementCase]
    untracked: list[ReplacementCase]
    returns_near: list[ReturnRequest]

    def lines(self) -> list[str]:
        """The digest's lines (nothing when nothing is due)."""
        lines = [f"replacement case {c.id} (order {c.order_id}, {c.state}): buyer message due "
                 f"{c.due_at:%Y-%m-%d %H:%M} UTC" for c in self.cases_due if c.due_at is not None]
        lines += [f"replacement case {c.id} (order {c.order_id}) shipped with {c.carrier} {c.tracking_number}: "
                  "upload the tracking number to the order" for c in self.untracked]
        lines += [f"return request {r.id} (order {r.order_id}, {r.reason.replace('_', ' ')}): review due "
                  f"{r.review_due_at:%Y-%m-%d %H:%M} UTC" for r in self.returns_near]
        return lines


def after_sales_due(store: SqlStore, *, store_name: str, now: datetime, zone: tzinfo) -> AfterSalesDue:
    """What is due for *store_name* on the day of *now* in *zone* (the store's time zone)."""
    owner = store.find_store(store_name)
    if owner is None:
        return AfterSalesDue([], [], [])
    local = now.astimezone(zone)
    end_of_day = datetime.combine(local.date() + timedelta(days=1), time(0, 0), tzinfo=zone)
    open_cases = select(ReplacementCase).where(ReplacementCase.store_id == owner.id,
                                               ReplacementCase.state.not_in(FINISHED))
    cases_due = list(store.session.scalars(open_cases.where(
        ReplacementCase.due_at.is_not(None), ReplacementCase.due_at < end_of_day).order_by(ReplacementCase.due_at)))
    untracked = list(store.session.scalars(open_cases.where(
        ReplacementCase.shipped_at.is_not(None), ReplacementCase.tracking_uploaded.is_(False))
        .order_by(ReplacementCase.shipped_at)))
    returns_near = list(store.session.scalars(select(ReturnRequest).where(
        ReturnRequest.store_id == owner.id, ReturnRequest.state == "open", ReturnRequest.review_due_at <= now + NEAR)
        .order_by(ReturnRequest.review_due_at)))
    return AfterSalesDue(cases_due, untracked, returns_near)

