"""Signing in and out, and switching the UI language."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from sellerdesk.services import users
from sellerdesk.web.context import csrf_checked, now, render, state
from sellerdesk.web.i18n import LANGUAGES
from sellerdesk.web.security import rotate_csrf

router = APIRouter()


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _safe_next(target: str) -> str:
    # Only paths on this site: "//host" and "/\host" would send the user elsewhere.
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/inbox"


@router.get("/login")
def login_page(request: Request) -> Response:
    """The sign-in form."""
    return render(request, "login.html", {"error": None, "name": "", "wait": 0}, user=None)


@router.post("/login", dependencies=[Depends(csrf_checked)])
def login(request: Request, name: Annotated[str, Form(max_length=100)] = "",
          password: Annotated[str, Form(max_length=1000)] = "") -> Response:
    """Check the name and password; on success start a fresh session and open the inbox."""
    app = state(request)
    client = _client(request)
    wait = app.limiter.retry_after(client, name)
    if wait:
        response = render(request, "login.html", {"error": "too_many", "name": name, "wait": wait}, user=None,
                          status_code=429)
        response.headers["Retry-After"] = str(wait)
        return response
    if password == users.DEMO_PASSWORD and not app.settings.allow_demo_login:
        app.limiter.failed(client, name)
        return render(request, "login.html", {"error": "demo_off", "name": name, "wait": 0}, user=None,
                      status_code=401)
    with app.db.transaction() as store:
        user = users.authenticate(store, name=name, password=password, now=now())
        user_id = user.id if user is not None else None
        if user is not None:
            store.audit(user.name, "login", at=now(), detail={"client": client})
    if user_id is None:
        app.limiter.failed(client, name)
        return render(request, "login.html", {"error": "wrong", "name": name, "wait": 0}, user=None,
                      status_code=401)
    app.limiter.succeeded(client, name)
    request.session.clear()
    request.session["uid"] = user_id
    rotate_csrf(request.session)
    return RedirectResponse("/inbox", status_code=303)


@router.post("/logout", dependencies=[Depends(csrf_checked)])
def logout(request: Request) -> Response:
    """End the session."""
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.post("/language", dependencies=[Depends(csrf_checked)])
def switch_language(request: Request, language: Annotated[str, Form()] = "en",
                    next_path: Annotated[str, Form(alias="next")] = "/inbox") -> Response:
    """Switch the UI language: for the signed-in user (kept in the database), else for the session."""
    if language not in LANGUAGES:
        language = "en"
    request.session["lang"] = language
    user_id = request.session.get("uid")
    if isinstance(user_id, int):
        with state(request).db.transaction() as store:
            user = users.get_user(store, user_id)
            if user is not None:
                users.set_ui_language(store, user, language)
    return RedirectResponse(_safe_next(next_path), status_code=303)

