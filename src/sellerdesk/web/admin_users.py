"""Admin: the web app's users: list, add, change role, stores and language, disable (all audited).

Passwords are typed once when a user is added and only their argon2 hash is kept; no page shows
one. A user's own account cannot be disabled or lose its admin role from here (another admin can).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy import select
from starlette.responses import RedirectResponse, Response

from sellerdesk.adapters.db.tables import Store
from sellerdesk.errors import InputError, NotFoundError
from sellerdesk.services import users
from sellerdesk.web.admin import Admin
from sellerdesk.web.context import SignedIn, csrf_checked, now, render, state

router = APIRouter()
Name = Annotated[str, Form(max_length=100)]
# The forms always send "*" too (a hidden field), so choosing no store at all means every store.
Stores = Annotated[list[str] | None, Form(max_length=100)]


def _page(request: Request, user: SignedIn, *, error: str | None = None, status_code: int = 200) -> Response:
    with state(request).db.reading() as store:
        rows = [{"name": u.name, "role": u.role, "stores": list(u.stores or []), "ui_language": u.ui_language,
                 "active": u.active, "last_login_at": u.last_login_at} for u in users.list_users(store)]
        stores = list(store.session.scalars(select(Store.name).order_by(Store.name)))
    return render(request, "admin_users.html", {
        "rows": rows, "stores": stores, "roles": users.ROLES, "ui_languages": users.UI_LANGUAGES,
        "all_stores": users.ALL_STORES, "error": error}, user=user, status_code=status_code)


@router.get("/admin/users")
def users_page(request: Request, user: Admin) -> Response:
    """Every user with role, stores, language and last sign-in."""
    return _page(request, user)


@router.post("/admin/users", dependencies=[Depends(csrf_checked)])
def add_user(request: Request, user: Admin, name: Name = "", role: Name = "agent", ui_language: Name = "en",
             password: Annotated[str, Form(max_length=1000)] = "", stores: Stores = None) -> Response:
    """Add a user; audited as ``user_add`` (without the password)."""
    chosen = [s for s in stores or [] if s != users.ALL_STORES]
    try:
        with state(request).db.transaction() as store:
            users.add_user(store, name=name.strip(), password=password, role=role, now=now(), stores=chosen,
                           ui_language=ui_language)
            store.audit(user.name, "user_add", at=now(), detail={"user": name.strip(), "role": role,
                                                                 "stores": chosen or [users.ALL_STORES]})
    except (InputError, NotFoundError) as exc:
        return _page(request, user, error=str(exc), status_code=422)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{name}", dependencies=[Depends(csrf_checked)])
def change_user(request: Request, user: Admin, name: str, role: Name = "", ui_language: Name = "",
                stores: Stores = None, active: Name = "") -> Response:
    """Change a user's role, stores, language or whether they may sign in; audited as ``user_change``."""
    chosen = [s for s in stores or [] if s != users.ALL_STORES]
    try:
        with state(request).db.transaction() as store:
            users.change_user(store, name=name, actor=user.name, now=now(), role=role or None,
                              ui_language=ui_language or None, stores=chosen if stores is not None else None,
                              active={"yes": True, "no": False}.get(active))
    except (InputError, NotFoundError) as exc:
        return _page(request, user, error=str(exc), status_code=422)
    return RedirectResponse("/admin/users", status_code=303)
