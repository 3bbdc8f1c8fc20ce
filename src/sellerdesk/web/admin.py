"""Admin pages: the stores and mailboxes of the configuration, connection tests, and the rules' tuning.

The configuration is shown read-only: it lives in the TOML file, which the admin edits and the
server reads at start. Secrets are never shown, only the names of the variables holding them and
whether they are set. Only admins reach these pages; every connection test is audited.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from starlette.responses import Response

from sellerdesk.adapters.spapi.connect import is_configured
from sellerdesk.config import Config, MailboxConfig
from sellerdesk.core.compliance import RuleSettings
from sellerdesk.errors import ConfigError, NotFoundError
from sellerdesk.services.compliance import rule_settings
from sellerdesk.services.connections import ConnectionResult, probe_mailbox, probe_spapi
from sellerdesk.web.context import SignedIn, csrf_checked, now, render, signed_in, state

router = APIRouter()


def admin_only(user: Annotated[SignedIn, Depends(signed_in)]) -> SignedIn:
    """The signed-in user when an admin (a FastAPI dependency); 403 for everyone else."""
    if user.role != "admin":
        raise HTTPException(status_code=403)
    return user


Admin = Annotated[SignedIn, Depends(admin_only)]


@dataclass(frozen=True)
class Tuning:
    """A store's effective ``[compliance]`` settings, or why they cannot be read."""

    store: str
    settings: RuleSettings | None
    error: str | None = None


def _tuning(config: Config) -> list[Tuning]:
    found = []
    for shop in config.stores:
        try:
            found.append(Tuning(shop.name, rule_settings(config, store=shop.name)))
        except ConfigError as exc:
            found.append(Tuning(shop.name, None, str(exc)))
    return found


def _secret_set(env_name: str | None) -> bool:
    return bool(env_name and os.environ.get(env_name))


def _mailbox(config: Config, index: int) -> MailboxConfig:
    if not 0 <= index < len(config.mailboxes):
        raise NotFoundError(f"no mailbox number {index}")
    return config.mailboxes[index]


def _page(request: Request, user: SignedIn, *, results: dict[str, ConnectionResult] | None = None,
          status_code: int = 200) -> Response:
    config = state(request).config
    context: dict[str, Any] = {
        "config": config, "tuning": _tuning(config), "results": results or {}, "secret_set": _secret_set,
        "spapi": {shop.name: is_configured(shop) for shop in config.stores}}
    return render(request, "admin.html", context, user=user, status_code=status_code)


@router.get("/admin")
def admin_page(request: Request, user: Admin) -> Response:
    """Stores, mailboxes and the rules' tuning, from the configuration."""
    return _page(request, user)


@router.post("/admin/mailboxes/{index}/test", dependencies=[Depends(csrf_checked)])
def mailbox_test(request: Request, user: Admin, index: int) -> Response:
    """Log in to the mailbox's IMAP server and select its folder; the page shows the result."""
    app = state(request)
    mailbox = _mailbox(app.config, index)
    result = probe_mailbox(mailbox)
    _audit(request, user, "test_mailbox", target=mailbox.label, result=result)
    return _page(request, user, results={f"mailbox-{index}": result})


@router.post("/admin/stores/{name}/test", dependencies=[Depends(csrf_checked)])
def store_test(request: Request, user: Admin, name: str) -> Response:
    """Exchange the store's SP-API refresh token for an access token; the page shows the result."""
    app = state(request)
    try:
        shop = app.config.store(name)
    except ConfigError as exc:
        raise NotFoundError(str(exc)) from exc
    result = probe_spapi(shop)
    _audit(request, user, "test_spapi", target=name, result=result)
    return _page(request, user, results={f"store-{name}": result})


def _audit(request: Request, user: SignedIn, action: str, *, target: str, result: ConnectionResult) -> None:
    with state(request).db.transaction() as store:
        store.audit(user.name, action, at=now(), detail={"target": target, "ok": result.ok})
