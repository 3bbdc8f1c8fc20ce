"""What every request handler shares: the app's state, the signed-in user, rendering a page."""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from fastapi import HTTPException, Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from sellerdesk.config import Config
from sellerdesk.services import users
from sellerdesk.services.database import Database
from sellerdesk.web.i18n import HTML_LANG, LANGUAGES, pick_language
from sellerdesk.web.security import CSRF_FIELD, CSRF_HEADER, LoginLimiter, csrf_matches, csrf_token
from sellerdesk.web.settings import WebSettings


@dataclass
class AppState:
    """Everything the routes need, built once by :func:`sellerdesk.web.app.create_app`."""

    config: Config
    db: Database
    settings: WebSettings
    templates: Jinja2Templates
    catalogues: dict[str, gettext.NullTranslations]
    limiter: LoginLimiter


@dataclass(frozen=True)
class SignedIn:
    """The signed-in user, read once per request (a plain value: no database session behind it)."""

    id: int
    name: str
    role: str
    ui_language: str
    store_ids: list[int]

    @property
    def can_answer(self) -> bool:
        """Admins and agents answer buyers; viewers only read."""
        return self.role in ("admin", "agent")


class LoginRequired(Exception):  # noqa: N818 - a signal to the shell, not an error of sellerdesk
    """Raised by :func:`signed_in` when nobody is signed in; the app answers with the login page."""


def state(request: Request) -> AppState:
    """The app's :class:`AppState`."""
    app_state: AppState = request.app.state.sellerdesk
    return app_state


def now() -> datetime:
    """The current time (the web shell is where the clock is read)."""
    return datetime.now(UTC)


def signed_in(request: Request) -> SignedIn:
    """The signed-in user (a FastAPI dependency).

    Raises:
        LoginRequired: nobody is signed in, or the user was removed or deactivated.
    """
    user_id = request.session.get("uid")
    if not isinstance(user_id, int):
        raise LoginRequired
    with state(request).db.reading() as store:
        user = users.get_user(store, user_id)
        if user is None:
            request.session.clear()
            raise LoginRequired
        return SignedIn(id=user.id, name=user.name, role=user.role, ui_language=user.ui_language,
                        store_ids=users.visible_store_ids(store, user))


async def csrf_checked(request: Request) -> None:
    """Refuse a POST whose CSRF token (form field or ``X-CSRF-Token`` header) is missing or wrong.

    A browser's ``Origin`` header naming another site is refused too, whatever the token says.
    """
    origin = request.headers.get("origin")
    if origin is not None and origin != "null" and urlsplit(origin).netloc != request.url.netloc:
        raise HTTPException(status_code=403, detail="csrf")
    submitted = request.headers.get(CSRF_HEADER)
    if submitted is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        submitted = value if isinstance(value, str) else None
    if not csrf_matches(request.session, submitted):
        raise HTTPException(status_code=403, detail="csrf")


def language_of(request: Request, user: SignedIn | None) -> str:
    """The UI language for this request."""
    return pick_language(user_language=user.ui_language if user else None,
                         session_language=request.session.get("lang"),
                         accept_language=request.headers.get("accept-language", ""))


def render(request: Request, template: str, context: dict[str, Any], *, user: SignedIn | None,
           status_code: int = 200) -> Response:
    """Render *template* with the UI language, the user and the CSRF token added to *context*."""
    app_state = state(request)
    language = language_of(request, user)
    translations = app_state.catalogues.get(language, app_state.catalogues["en"])
    full = {
        "_": translations.gettext,
        "ngettext": translations.ngettext,
        "lang": language,
        "html_lang": HTML_LANG[language],
        "languages": LANGUAGES,
        "user": user,
        "csrf_token": csrf_token(request.session),
        "path": request.url.path,
        **context,
    }
    return app_state.templates.TemplateResponse(request, template, full, status_code=status_code)
