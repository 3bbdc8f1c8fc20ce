"""Seller Support cases in the web app: the tracker's list, the composer with its checks, one case.

The composer asks for the facts of the chosen topic, shows the assembled subject and text, the
``case`` checks (missing elements, shouting, vague requests, undated evidence), the timing
advice and any open case on the same topic and reference, before anything is recorded. Admins and
agents open cases and change them; viewers read. A user sees the cases of their stores and the
cases recorded without a store.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.core.case_topics import TOPICS
from sellerdesk.core.compliance import Finding
from sellerdesk.errors import ConfigError, InputError, NotFoundError
from sellerdesk.services import cases
from sellerdesk.web.case_form import CASE_STATUS_LABELS, read_case_form
from sellerdesk.web.composer import marked_segments
from sellerdesk.web.context import SignedIn, csrf_checked, now, render, signed_in, state
from sellerdesk.web.dashboard import visible_stores

router = APIRouter()
User = Annotated[SignedIn, Depends(signed_in)]
Short = Annotated[str, Form(max_length=200)]
Long = Annotated[str, Form(max_length=5000)]


def _answering(user: SignedIn) -> None:
    if not user.can_answer:
        raise HTTPException(status_code=403)


def _visible_case(repo: SqlStore, user: SignedIn, ref: str) -> int:
    """The tracker number of case *ref* (Amazon's case ID or the tracker's number) if the user may see it."""
    row = cases.get_case(repo, ref)
    if row.store_id is not None and row.store_id not in user.store_ids:
        raise NotFoundError(f"no case {ref!r} for this user")
    return row.id


@router.get("/cases")
def cases_page(request: Request, user: User,
               status: Annotated[str | None, Query(max_length=30)] = None) -> Response:
    """Tracked cases of the user's stores, newest first, with the follow-ups that are due."""
    with state(request).db.reading() as repo:
        rows = cases.list_cases(repo, status=status or None, store_ids=user.store_ids)
    return render(request, "cases.html", {"rows": rows, "status": status or "", "statuses": CASE_STATUS_LABELS,
                                          "now": now()}, user=user)


@router.get("/cases/new")
def new_case_page(request: Request, user: User, topic: Annotated[str, Query(max_length=40)] = "other") -> Response:
    """The composer: pick a topic, fill its facts."""
    _answering(user)
    if topic not in TOPICS:
        raise HTTPException(status_code=404)
    return _composer(request, user, topic=topic, fields={})


def _composer(request: Request, user: SignedIn, *, topic: str, fields: dict[str, str],
              composed: dict[str, Any] | None = None, error: str | None = None,
              status_code: int = 200) -> Response:
    app = state(request)
    findings = [Finding(**f) for f in composed["findings"]] if composed else []
    # Missing facts get their own list; the rest are marked in the text as the reply composer does.
    missing = [f for f in findings if f.rule == "case_missing_element" and f.start is None]
    marked = [f for f in findings if f not in missing]
    with app.db.reading() as repo:
        visible, can_see_all = visible_stores(repo, user)
    try:
        policies = sorted(cases.load_policies(app.config).values(), key=lambda p: p.title)
    except ConfigError as exc:
        policies, error = [], error or str(exc)
    return render(request, "case_new.html", {
        "topics": TOPICS, "topic": TOPICS[topic], "fields": fields, "composed": composed, "error": error,
        "stores": list(visible), "any_store": can_see_all, "policies": policies, "missing": missing,
        "result": {"verdict": composed["verdict"], "findings": marked} if composed else None,
        "segments": marked_segments(composed["text"], marked) if composed else []},
        user=user, status_code=status_code)


@router.post("/cases/new", dependencies=[Depends(csrf_checked)])
async def compose_case(request: Request, user: User) -> Response:
    """Check the form (``action=check``) or record the case (``action=open``; an open duplicate must be
    confirmed first)."""
    _answering(user)
    submitted = await request.form()
    fields = {key: value for key, value in submitted.items() if isinstance(value, str) and len(value) <= 20_000}
    # The fields depend on the topic, so they are read here; the database work runs off the event loop.
    return await run_in_threadpool(_compose_or_open, request, user, fields)


def _compose_or_open(request: Request, user: SignedIn, fields: dict[str, str]) -> Response:
    topic = fields.get("topic", "")
    if topic not in TOPICS:
        raise HTTPException(status_code=404)
    store_name = fields.get("store") or None
    app = state(request)
    with app.db.reading() as repo:
        visible, can_see_all = visible_stores(repo, user)
    # A case without a store is seen by everyone: only users who see every store may record one.
    if (store_name is None and not can_see_all) or (store_name is not None and store_name not in visible):
        raise HTTPException(status_code=404)
    form = read_case_form(TOPICS[topic], fields)
    opening = fields.get("action") == "open"
    try:
        with app.db.transaction() as repo:
            composed = cases.compose(repo, config=app.config, topic=topic, form=form, now=now(),
                                     store_name=store_name)
            if opening and (not composed["duplicates"] or fields.get("confirm_duplicate") == "yes"):
                opened = cases.open_case(repo, config=app.config, topic=topic, form=form, now=now(),
                                         actor=user.name, amazon_case_id=fields.get("case_id", "").strip() or None,
                                         store_name=store_name)
                return RedirectResponse(f"/cases/{opened['id']}", status_code=303)
    except (InputError, ConfigError) as exc:
        return _composer(request, user, topic=topic, fields=fields, error=str(exc), status_code=422)
    return _composer(request, user, topic=topic, fields=fields, composed=composed)


@router.get("/cases/{ref}")
def case_page(request: Request, user: User, ref: str) -> Response:
    """One case: status, text, history, the chain of linked cases and the summary for the next message."""
    with state(request).db.reading() as repo:
        return _case(request, user, repo, _visible_case(repo, user, ref))


def _case(request: Request, user: SignedIn, repo: SqlStore, number: int, *, error: str | None = None) -> Response:
    return render(request, "case.html", {
        "case": cases.show(repo, f"#{number}"), "summary": cases.summary(repo, f"#{number}"),
        "statuses": CASE_STATUS_LABELS, "error": error, "now": now()},
        user=user, status_code=422 if error else 200)


@router.post("/cases/{ref}/status", dependencies=[Depends(csrf_checked)])
def change_status(request: Request, user: User, ref: str, status: Short = "", note: Long = "",
                  case_id: Short = "") -> Response:
    """Change the case's status (and record Amazon's case ID); the follow-up moves with it."""
    _answering(user)
    app = state(request)
    try:
        with app.db.transaction() as repo:
            number = _visible_case(repo, user, ref)
            cases.set_status(repo, case=f"#{number}", status=status, now=now(), actor=user.name,
                             note=note.strip() or None, amazon_case_id=case_id.strip() or None,
                             follow_up=cases.follow_up_interval(app.config))
    except (InputError, ConfigError) as exc:
        with app.db.reading() as repo:
            return _case(request, user, repo, _visible_case(repo, user, ref), error=str(exc))
    return RedirectResponse(f"/cases/{number}", status_code=303)


@router.post("/cases/{ref}/link", dependencies=[Depends(csrf_checked)])
def link_case(request: Request, user: User, ref: str, to_case: Short = "", reason: Long = "") -> Response:
    """Record that this case moved to another team as *to_case*; this one becomes ``transferred``."""
    _answering(user)
    app = state(request)
    try:
        with app.db.transaction() as repo:
            number = _visible_case(repo, user, ref)
            newer = _visible_case(repo, user, to_case.strip())
            cases.link(repo, from_case=f"#{number}", to_case=f"#{newer}",
                       reason=reason.strip() or "moved to another team", now=now(), actor=user.name)
    except (InputError, NotFoundError) as exc:
        with app.db.reading() as repo:
            return _case(request, user, repo, _visible_case(repo, user, ref), error=str(exc))
    return RedirectResponse(f"/cases/{newer}", status_code=303)
