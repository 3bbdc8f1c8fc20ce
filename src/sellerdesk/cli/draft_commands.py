"""``sellerdesk draft``: a checked reply draft for each buyer message (contracts §3).

In, one JSON object a line: ``{"id", "text", "subject"?, "marketplace"?, "buyer_name"?, "order"?,
"store"?, "holding"?}``: ``order`` is the contracts §3 order, ``store`` is ``{"name", "signature"?}``,
``holding`` asks for a holding reply.

Out: ``{"id", "intent", "language", "template", "draft", "check": {verdict, findings}}`` and
sellerdesk's extras: ``buyer_language``, ``variant``, ``facts`` (the order facts the draft states),
``holding`` and ``suspicion`` (``{"hold", "signals", "checklist"}``). Consecutive drafts of one
run avoid each other's wording.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

import click

from sellerdesk.cli.base import cli, handle_errors
from sellerdesk.cli.jsonl import open_input, require, run_batch
from sellerdesk.errors import InputError
from sellerdesk.services.drafts import draft_message, order_from_mapping

_RECENT = 3  # the near-duplicate rule looks at three replies in a row


def _optional_str(record: Mapping[str, Any], name: str) -> str | None:
    value = record.get(name)
    if value is not None and not isinstance(value, str):
        raise InputError(f"field {name!r} must be a string, got {type(value).__name__}")
    return value


def draft_line(record: Mapping[str, Any], *, recent: list[str]) -> dict[str, Any]:
    """The output fields of one input line; *recent* holds the variants of the previous drafts."""
    text = require(record, "text")
    store = record.get("store") or {}
    if not isinstance(store, Mapping):
        raise InputError("field 'store' must be an object such as {\"name\": \"acme-us\"}")
    order = order_from_mapping(record["order"]) if record.get("order") is not None else None
    result = draft_message(
        text, subject=_optional_str(record, "subject"), marketplace=_optional_str(record, "marketplace"),
        buyer_name=_optional_str(record, "buyer_name"), order=order, store_name=_optional_str(store, "name"),
        signature=_optional_str(store, "signature"), avoid=tuple(recent), holding=record.get("holding") is True)
    recent.append(result.draft.variant)
    del recent[:-_RECENT]
    return result.to_dict()


@cli.command("draft")
@click.argument("source", metavar="FILE|-")
@handle_errors
def draft_command(source: str) -> None:
    """A reply draft for each buyer message, checked by the compliance guard.

    Reads JSON Lines {"id", "text", "subject"?, "marketplace"?, "buyer_name"?, "order"?, "store"?}
    and writes {"id", "intent", "language", "template", "draft", "check"} per line.
    """
    stream = open_input(source)
    recent: list[str] = []
    try:
        status = run_batch(stream, sys.stdout, lambda record: draft_line(record, recent=recent))
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    raise SystemExit(status)
