"""The JSON API for ERPs at ``/api/v1``: threads, messages, drafts, checks, sends and metrics.

A FastAPI application of its own, mounted inside the web app by
:func:`sellerdesk.web.app.create_app`, so that it has its own OpenAPI document
(``/api/v1/openapi.json``), its own error shape (:mod:`sellerdesk.web.api.errors`) and its own
authentication (bearer API tokens only: :mod:`sellerdesk.web.api.auth`).
"""

from __future__ import annotations

from fastapi import Depends, FastAPI, Request

from sellerdesk import __version__
from sellerdesk.web.api import metrics, replies, threads
from sellerdesk.web.api.errors import ApiError, install_error_handlers
from sellerdesk.web.context import AppState

PREFIX = "/api/v1"

DESCRIPTION = """The JSON API of sellerdesk for ERPs and scripts.

Every request carries an API token: `Authorization: Bearer sd_...` (an admin creates one with
`sellerdesk token create NAME --user USER`). The token acts as its user: the stores the user
may see, and the user's role (viewers read only). Session cookies of the web app are not
accepted. Every error answer is `{"error": {"code", "message", "details"?}}`.
"""


def single_query_values(request: Request) -> None:
    """Refuse a query parameter given twice: every parameter of the API takes one value.

    Otherwise the framework would silently take the last one, and ``?store=a&store=b`` would
    mean something other than what its author meant.
    """
    keys = [key for key, _ in request.query_params.multi_items()]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise ApiError(422, "invalid", f"query parameter {', '.join(repeated)} is given more than once; "
                                       "give each parameter once")


def create_api(app_state: AppState) -> FastAPI:
    """The API application over the web app's state (mount it at :data:`PREFIX`)."""
    api = FastAPI(title="sellerdesk API", version=__version__, description=DESCRIPTION,
                  openapi_url="/openapi.json", docs_url=None, redoc_url=None,
                  dependencies=[Depends(single_query_values)])
    api.state.sellerdesk = app_state
    api.include_router(threads.router)
    api.include_router(replies.router)
    api.include_router(metrics.router)
    install_error_handlers(api)
    return api
