"""Admin: each store's reply templates: list, edit, save (checked by the compliance guard when saved).

A template the guard blocks is not saved; the page shows the findings marked in the text, as the
composer does. Saving a new version keeps the old ones (``services.templates``).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from sqlalchemy import select
from starlette.responses import RedirectResponse, Response

from sellerdesk.adapters.db.tables import Store
from sellerdesk.core.compliance import Finding
from sellerdesk.core.intents import INTENTS
from sellerdesk.errors import ConfigError, InputError, TemplateError
from sellerdesk.services.compliance import rule_settings
from sellerdesk.services.templates import STARTER_LANGUAGES, list_templates, save_template
from sellerdesk.web.admin import Admin
from sellerdesk.web.composer import marked_segments
from sellerdesk.web.context import SignedIn, csrf_checked, now, render, state
from sellerdesk.web.i18n import _

router = APIRouter()
Field = Annotated[str, Form(max_length=100)]
Choice = Annotated[str | None, Query(max_length=100)]


def _stores(request: Request) -> list[str]:
    with state(request).db.reading() as store:
        return list(store.session.scalars(select(Store.name).order_by(Store.name)))


def _store(request: Request, wanted: str | None) -> tuple[list[str], str | None]:
    names = _stores(request)
    if wanted and wanted not in names:
        raise HTTPException(status_code=404)
    return names, wanted or next(iter(names), None)


def _existing_store(request: Request, wanted: str | None) -> str:
    chosen = _store(request, wanted)[1]
    if chosen is None:
        raise HTTPException(status_code=404)
    return chosen


@router.get("/admin/templates")
def templates_page(request: Request, user: Admin, store: Choice = None, saved: Choice = None) -> Response:
    """The store's own templates with version, uses, last edit and whether they are stale."""
    names, chosen = _store(request, store)
    with state(request).db.reading() as repo:
        rows = list_templates(repo, store_name=chosen, now=now()) if chosen else []
    return render(request, "admin_templates.html", {"stores": names, "store": chosen, "rows": rows,
                                                    "saved": saved}, user=user)


@router.get("/admin/templates/edit")
def edit_page(request: Request, user: Admin, store: Choice = None, name: Choice = None,
              language: Choice = None) -> Response:
    """The editor: an existing template (by store, name and language) or a new one."""
    chosen = _existing_store(request, store)
    form = {"name": name or "", "language": language or "en", "intent": "order_status", "body": ""}
    with state(request).db.reading() as repo:
        for row in list_templates(repo, store_name=chosen, now=now()):
            if row["name"] == name and row["language"] == language:
                form.update(intent=row["intent"], body=row["body"])
    return _editor(request, user, store=chosen, form=form)


def _editor(request: Request, user: SignedIn, *, store: str, form: dict[str, str], error: str | None = None,
            check: dict[str, Any] | None = None, saved: int | None = None, status_code: int = 200) -> Response:
    findings = [Finding(**f) for f in check["findings"]] if check else []
    return render(request, "admin_template_edit.html", {
        "store": store, "form": form, "error": error, "intents": INTENTS, "starter_languages": STARTER_LANGUAGES,
        "result": check, "segments": marked_segments(form["body"], findings), "saved": saved},
        user=user, status_code=status_code)


@router.post("/admin/templates/save", dependencies=[Depends(csrf_checked)])
def save(request: Request, user: Admin, store: Field = "", name: Field = "", language: Field = "",
         intent: Field = "", body: Annotated[str, Form(max_length=20_000)] = "") -> Response:
    """Check the template with the guard and save it as a new version unless the guard blocks it."""
    chosen = _existing_store(request, store or None)
    app = state(request)
    form = {"name": name.strip(), "language": language.strip(), "intent": intent, "body": body}
    if not form["name"] or not body.strip():
        return _editor(request, user, store=chosen, form=form, status_code=422,
                       error=_("A template needs a name and a text."))
    try:
        with app.db.transaction() as repo:
            result = save_template(repo, store_name=chosen, name=form["name"], language=form["language"],
                                   intent=intent, body=body, actor=user.name, now=now(),
                                   settings=rule_settings(app.config, store=chosen))
    except (InputError, TemplateError, ConfigError) as exc:
        return _editor(request, user, store=chosen, form=form, error=str(exc), status_code=422)
    if not result["saved"]:
        return _editor(request, user, store=chosen, form=form, check=result["check"], status_code=422,
                       error=_("The compliance guard blocks this text, so it was not saved; fix the marked parts."))
    if result["check"]["findings"]:  # saved, with warnings worth reading
        return _editor(request, user, store=chosen, form=form, check=result["check"], saved=result["version"])
    query = urlencode({"store": chosen, "saved": form["name"]})
    return RedirectResponse(f"/admin/templates?{query}", status_code=303)
