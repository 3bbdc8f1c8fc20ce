"""Checking drafts in bulk: the store's tuning from the configuration and its stored reply history.

``sellerdesk check`` calls :func:`make_checker` once, then the returned function per input line.
When the configuration names a database, lines without a ``history`` field are checked against
the store's stored outgoing replies (the near-duplicate window), loaded once per run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sellerdesk.adapters.db.deliveries import DeliveryQueries
from sellerdesk.config import Config
from sellerdesk.core.compliance import (
    HistoryMessage,
    RuleSettings,
    check,
    parse_rule_settings,
    validate_kind,
)
from sellerdesk.core.compliance.records import context_from_record
from sellerdesk.errors import ConfigError, InputError
from sellerdesk.services.database import open_database

LineChecker = Callable[[Mapping[str, Any]], dict[str, Any]]


def rule_settings(config: Config, *, store: str | None = None) -> RuleSettings:
    """The store's :class:`RuleSettings`: ``[compliance]`` merged with ``[compliance.stores.<store>]``.

    Raises:
        ConfigError: the section has an unknown key or a wrong value.
    """
    return parse_rule_settings(config.extra.get("compliance"), store=store, source=f"{config.source}: [compliance]")


def pick_store(config: Config, store: str | None) -> str | None:
    """The store a run is about: *store* if given (it must exist), else the only configured store."""
    if store is not None:
        return config.store(store).name
    if len(config.stores) == 1:
        return config.stores[0].name
    return None


def stored_history(config: Config, *, store: str, settings: RuleSettings, now: datetime) -> list[HistoryMessage]:
    """The store's outgoing replies inside the near-duplicate window, oldest first.

    Raises:
        StoreError: the database cannot be read.
        ConfigError: the database URL is unusable.
    """
    database = open_database(config.database_url)
    try:
        with database.reading() as repository:
            found = repository.find_store(store)
            if found is None:
                return []
            since = now - timedelta(days=settings.near_duplicate_window_days)
            rows = DeliveryQueries(repository).recent_replies(
                found.id, since=since, limit=max(settings.near_duplicate_window_count, 1))
            return [HistoryMessage(m.text, kind=m.kind, order_id=m.order_id, sent_at=m.sent_at or m.received_at)
                    for m in rows]
    finally:
        database.close()


def make_checker(*, config: Config | None, kind: str | None, marketplace: str | None,
                 store: str | None = None, now: datetime | None = None) -> LineChecker:
    """Build the function that checks one ``sellerdesk check`` input line (contracts §3).

    Args:
        config: the loaded configuration, or None for defaults (no stored history).
        kind: the default message kind (``--kind``); a line's ``kind`` wins.
        marketplace: the default marketplace (``--marketplace``); a line's ``marketplace`` wins.
        store: the store whose tuning and history apply (default: the only configured store).
        now: the time to take as "sent now" for lines without ``replied_at`` (default: the clock).

    Raises:
        ConfigError: unknown store, bad ``[compliance]`` section, or a bad ``--kind``.
    """
    if kind is not None:
        try:
            validate_kind(kind)
        except InputError as exc:
            raise ConfigError(f"--kind: {exc}") from exc
    now = now or datetime.now(UTC)
    name = pick_store(config, store) if config is not None else None
    settings = rule_settings(config, store=name) if config is not None else RuleSettings()
    history: list[HistoryMessage] = []
    # Stored history only when a configuration file was really read (it names the database).
    if config is not None and name is not None and Path(config.source).is_file():
        history = stored_history(config, store=name, settings=settings, now=now)

    def check_line(record: Mapping[str, Any]) -> dict[str, Any]:
        text = record.get("text")
        if not isinstance(text, str):
            raise InputError("missing field 'text' (the message to check, a string)" if text is None
                             else f"field 'text' must be a string, got {type(text).__name__}")
        line_kind = record.get("kind", kind) or "reply"
        if not isinstance(line_kind, str):
            raise InputError("field 'kind' must be a string such as \"reply\"")
        context = context_from_record(record, marketplace=marketplace)
        if "history" not in record and history:
            context = replace(context, history=tuple(history), replied_at=context.replied_at or now)
        return check(text, kind=line_kind, context=context, settings=settings).to_dict()

    return check_line
