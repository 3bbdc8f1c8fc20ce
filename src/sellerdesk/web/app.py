"""The web app: FastAPI, server-rendered Jinja2 pages, htmx served from the package.

:func:`create_app` builds an app from a configuration, an opened database and
:class:`~sellerdesk.web.settings.WebSettings`, so every test builds its own. The shell
stays thin: routes read the request, call one service, render a template.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import RedirectResponse, Response

from sellerdesk import __version__
from sellerdesk.config import Config
from sellerdesk.errors import NotFoundError, StoreError
from sellerdesk.services.database import Database
from sellerdesk.web import (
    admin,
    admin_templates,
    admin_users,
    auth,
    cases,
    composer,
    dashboard,
    inbox,
    replacements,
    thread_actions,
    thread_page,
)
from sellerdesk.web.api import PREFIX as API_PREFIX
from sellerdesk.web.api import create_api
from sellerdesk.web.context import AppState, LoginRequired, render
from sellerdesk.web.i18n import load_catalogues
from sellerdesk.web.security import LoginLimiter, SecurityHeadersMiddleware
from sellerdesk.web.settings import WebSettings

HERE = Path(__file__).parent
SESSION_COOKIE = "sellerdesk_session"
_ERROR_TITLES = {403: "Not allowed", 404: "Not found", 429: "Too many attempts"}


def file_size(size: int) -> str:
    """A byte count for people: ``512 B``, ``1.4 KB``, ``3.2 MB``."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def make_templates() -> Jinja2Templates:
    """The page templates, autoescaping every value (buyer text is never markup)."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every value is escaped unless a template says otherwise (none does)
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["file_size"] = file_size
    return Jinja2Templates(env=environment)


def create_app(config: Config, db: Database, *, settings: WebSettings) -> FastAPI:
    """The web app over *db*.

    Args:
        config: the loaded configuration (stores, mailboxes...).
        db: the opened database (the caller closes it).
        settings: the session secret, cookie and login settings.
    """
    app = FastAPI(title="sellerdesk", version=__version__, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.sellerdesk = AppState(
        config=config, db=db, settings=settings, templates=make_templates(), catalogues=load_catalogues(),
        limiter=LoginLimiter(failures=settings.login_failures, window_seconds=settings.login_window_seconds))
    # Order matters: the session middleware must run inside the header middleware so that
    # every response, including redirects it makes, gets the security headers.
    app.add_middleware(SessionMiddleware, secret_key=settings.secret_key, session_cookie=SESSION_COOKIE,
                       max_age=settings.session_max_age, same_site="lax", https_only=settings.secure_cookies)
    app.add_middleware(SecurityHeadersMiddleware)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.mount(API_PREFIX, create_api(app.state.sellerdesk))  # the JSON API, with its own OpenAPI and errors
    app.include_router(auth.router)
    app.include_router(inbox.router)
    app.include_router(thread_page.router)
    app.include_router(thread_actions.router)
    app.include_router(composer.router)
    app.include_router(dashboard.router)
    app.include_router(admin.router)
    app.include_router(admin_users.router)
    app.include_router(admin_templates.router)
    app.include_router(cases.router)
    app.include_router(replacements.router)
    _add_error_pages(app)
    return app


def _add_error_pages(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, _exc: LoginRequired) -> Response:
        if request.headers.get("hx-request"):
            return Response(status_code=204, headers={"HX-Redirect": "/login"})
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        title = _ERROR_TITLES.get(exc.status_code, "Error")
        detail = "csrf" if exc.detail == "csrf" else None
        return render(request, "error.html", {"status": exc.status_code, "title": title, "detail": detail},
                      user=None, status_code=exc.status_code)

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, _exc: NotFoundError) -> Response:
        return render(request, "error.html", {"status": 404, "title": "Not found", "detail": None},
                      user=None, status_code=404)

    @app.exception_handler(StoreError)
    async def store_down(request: Request, _exc: StoreError) -> Response:
        return render(request, "error.html", {"status": 503, "title": "Database unavailable", "detail": "store"},
                      user=None, status_code=503)
