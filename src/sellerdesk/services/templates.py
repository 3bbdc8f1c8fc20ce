"""The template library: the starter library shipped with sellerdesk, and each store's own templates.

The starter library lives in ``sellerdesk/templates/<language>.toml`` (package data); its format
is described in ``docs/templates.md``. A store's own templates are kept in the database with
every version, a usage count and the time of the last edit, so stale templates show up; each
is checked by the compliance guard when it is saved.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

from sqlalchemy import select

from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import ReplyTemplate, TemplateVersion
from sellerdesk.core.compliance import RuleSettings, check_template
from sellerdesk.core.intents import INTENTS
from sellerdesk.core.templates import Library, Template, parse_library, variables_of
from sellerdesk.errors import InputError, NotFoundError

STARTER_LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "it", "ja")
"""The languages of the starter library."""


@lru_cache(maxsize=1)
def starter_library() -> Library:
    """The starter library written by the project: every intent in every language of :data:`STARTER_LANGUAGES`.

    Raises:
        TemplateError: a library file is invalid (a packaging mistake; the message names the file).
    """
    folder = resources.files("sellerdesk") / "templates"
    languages = {}
    for code in STARTER_LANGUAGES:
        resource = folder / f"{code}.toml"
        if resource.is_file():
            languages[code] = parse_library(resource.read_text(encoding="utf-8"), language=code,
                                            source=f"sellerdesk/templates/{code}.toml")
    return Library(languages)


STALE_AFTER = timedelta(days=180)
"""A template not edited for this long is listed by ``sellerdesk templates stale``."""


def save_template(store: SqlStore, *, store_name: str, name: str, language: str, intent: str, body: str,
                  actor: str, now: datetime, settings: RuleSettings | None = None) -> dict[str, Any]:
    """Add a template, or a new version of it, after the compliance guard checked it.

    A template with a block finding is not saved; the result says why (an expected outcome).
    Returns ``{"name", "language", "version", "saved", "check"}``.

    Raises:
        TemplateError: the text uses something other than known ``{variables}``.
        InputError: unknown intent or language.
    """
    if intent not in INTENTS:
        raise InputError(f"unknown intent {intent!r}; use one of {', '.join(INTENTS)}")
    if not re.fullmatch(r"[a-z]{2}", language):
        raise InputError(f"language must be an ISO 639-1 code such as en or de, got {language!r}")
    variables_of(body)
    result = check_template(body, settings=settings)
    store_id = store.ensure_store_named(store_name, now=now).id
    row = _find(store, store_id=store_id, name=name, language=language)
    version = (row.version + 1) if row is not None else 1
    out: dict[str, Any] = {"name": name, "language": language, "version": version, "saved": not result.blocked,
                           "check": result.to_dict()}
    if result.blocked:
        out["version"] = row.version if row is not None else None
        return out
    if row is None:
        row = ReplyTemplate(store_id=store_id, name=name, language=language, intent=intent, body=body,
                            version=1, usage_count=0, created_at=now, edited_at=now)
        store.session.add(row)
        store.session.flush()
    else:
        row.intent, row.body, row.version, row.edited_at = intent, body, version, now
    store.session.add(TemplateVersion(template_id=row.id, version=version, body=body, verdict=result.verdict,
                                      edited_by=actor, edited_at=now))
    store.session.flush()
    return out


def _find(store: SqlStore, *, store_id: int, name: str, language: str) -> ReplyTemplate | None:
    return store.session.scalars(select(ReplyTemplate).where(
        ReplyTemplate.store_id == store_id, ReplyTemplate.name == name,
        ReplyTemplate.language == language)).one_or_none()


def list_templates(store: SqlStore, *, store_name: str, now: datetime,
                   stale_after: timedelta = STALE_AFTER) -> list[dict[str, Any]]:
    """The store's templates with version, usage count, last edit and whether they are stale."""
    found = store.find_store(store_name)
    if found is None:
        return []
    rows = store.session.scalars(select(ReplyTemplate).where(ReplyTemplate.store_id == found.id)
                                 .order_by(ReplyTemplate.language, ReplyTemplate.intent, ReplyTemplate.name))
    return [{"name": r.name, "language": r.language, "intent": r.intent, "version": r.version,
             "usage_count": r.usage_count, "edited_at": r.edited_at.isoformat(),
             "last_used_at": r.last_used_at.isoformat() if r.last_used_at else None,
             "stale": now - r.edited_at >= stale_after, "body": r.body} for r in rows]


def record_use(store: SqlStore, *, store_name: str, name: str, language: str, now: datetime) -> None:
    """Count one use of a template (when a draft made from it is sent).

    Raises:
        NotFoundError: the store has no such template.
    """
    row = _find(store, store_id=store.get_store(store_name).id, name=name, language=language)
    if row is None:
        raise NotFoundError(f"store {store_name!r} has no template {name!r} in {language!r}; "
                            "see sellerdesk templates list")
    row.usage_count += 1
    row.last_used_at = now


def store_library(store: SqlStore, *, store_name: str) -> Library:
    """The starter library with the store's own templates in place of the starter bodies of their intents."""
    base = starter_library()
    found = store.find_store(store_name)
    if found is None:
        return base
    own: dict[str, dict[tuple[str, str], list[Template]]] = {}
    for row in store.session.scalars(select(ReplyTemplate).where(ReplyTemplate.store_id == found.id)
                                     .order_by(ReplyTemplate.name)):
        own.setdefault(row.language, {}).setdefault((row.intent, "any"), []).append(
            Template(f"{store_name}:{row.name}@{row.version}", row.language, row.intent, row.body))
    languages = dict(base.languages)
    for code, bodies in own.items():
        lang = languages.get(code) or languages["en"]
        merged = {key: value for key, value in lang.bodies.items() if key[0] not in {i for i, _ in bodies}}
        merged.update({key: tuple(value) for key, value in bodies.items()})
        languages[code] = replace(lang, code=code, bodies=merged)
    return Library(languages)
