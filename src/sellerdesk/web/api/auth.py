"""Who calls the JSON API: a bearer token, never a session cookie.

Only ``Authorization: Bearer sd_...`` is read; the web app's session cookie is ignored here, so
a page open in a browser can never make the API act (and the API needs no CSRF token). The
token acts as its user, with the role and store access the user has now.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from sellerdesk.services import api_tokens, users
from sellerdesk.web.api.errors import ApiError
from sellerdesk.web.context import SignedIn, now, state

bearer = HTTPBearer(auto_error=False, bearerFormat="sd_<prefix>_<secret>",
                    description="An API token from `sellerdesk token create NAME --user USER`.")
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="sellerdesk"'}


@dataclass(frozen=True)
class ApiCaller:
    """The token's user (role and visible stores) and the token's name."""

    user: SignedIn
    token_name: str


def unauthorized(code_message: str) -> ApiError:
    """The 401 answer, with the bearer challenge."""
    return ApiError(401, "unauthorized", code_message, headers=_CHALLENGE)


def api_caller(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
               ) -> ApiCaller:
    """The caller of this request (a FastAPI dependency).

    Raises:
        ApiError: 401 when the token is missing, malformed, unknown, revoked or expired, or its
            user is deactivated.
    """
    if credentials is None:
        raise unauthorized("send an API token as 'Authorization: Bearer sd_...'; an admin creates one with "
                           "`sellerdesk token create NAME --user USER` (session cookies are not accepted here)")
    db, at = state(request).db, now()
    with db.reading() as store:
        found = api_tokens.check_token(store, credentials.credentials, now=at)
        if found.user is None or found.token is None:
            raise unauthorized(found.message)
        user, token = found.user, found.token
        caller = ApiCaller(user=SignedIn(id=user.id, name=user.name, role=user.role, ui_language=user.ui_language,
                                         store_ids=users.visible_store_ids(store, user)), token_name=token.name)
        record = api_tokens.use_is_news(token, now=at)
    if record:  # a write at most once a minute per token: most requests only read
        with db.transaction() as store:
            api_tokens.record_use(store, token.id, now=at)
    return caller


Caller = Annotated[ApiCaller, Depends(api_caller)]
