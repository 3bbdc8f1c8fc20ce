"""``sellerdesk classify``: language and intent of each buyer message (contracts §3).

In, one JSON object a line: ``{"id", "text", "subject"?, "marketplace"?}``; ``marketplace`` (a
two-letter code such as ``DE``, or ``--marketplace`` for the whole batch) lends its language to
texts too short to tell ("Danke!").

Out: ``{"id", "intent", "confidence", "language", "intents"?, "low_confidence"}``: ``intents``
lists further intents the message also expresses (only when there are any); ``low_confidence``
is true when the intent is a guess a person should check. ``language`` is an ISO 639-1 code, or
null for a text with nothing to go on.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

import click

from sellerdesk.cli.base import cli, handle_errors
from sellerdesk.cli.jsonl import open_input, require, run_batch
from sellerdesk.core.intents import classify
from sellerdesk.core.language import detect_language
from sellerdesk.core.marketplaces import MARKETPLACES
from sellerdesk.errors import InputError


def _language_hint(code: str | None) -> str | None:
    if code is None:
        return None
    marketplace = MARKETPLACES.get(code.upper())
    if marketplace is None:
        raise InputError(f"unknown marketplace {code!r}; use a two-letter code such as "
                         f"{', '.join(sorted(MARKETPLACES)[:6])}...")
    return marketplace.language


def classify_line(record: Mapping[str, Any], *, marketplace: str | None) -> dict[str, Any]:
    """The output fields of one input line (see the module docstring)."""
    text = require(record, "text")
    subject = record.get("subject")
    if subject is not None and not isinstance(subject, str):
        raise InputError(f"field 'subject' must be a string, got {type(subject).__name__}")
    line_marketplace = record.get("marketplace")
    if line_marketplace is not None and not isinstance(line_marketplace, str):
        raise InputError(f"field 'marketplace' must be a two-letter code such as \"DE\", got {line_marketplace!r}")
    hint = _language_hint(line_marketplace or marketplace)
    language = detect_language(text, hint=hint)
    result = classify(text, subject, language=language or "en")
    out: dict[str, Any] = {"intent": result.intent, "confidence": result.confidence, "language": language}
    if result.intents:
        out["intents"] = list(result.intents)
    out["low_confidence"] = result.low_confidence
    return out


@cli.command("classify")
@click.option("--marketplace", default=None, metavar="CC",
              help="Marketplace whose language decides for texts too short to tell, e.g. DE.")
@click.argument("source", metavar="FILE|-")
@handle_errors
def classify_command(marketplace: str | None, source: str) -> None:
    """Language and intent of each buyer message.

    Reads JSON Lines {"id", "text", "subject"?, "marketplace"?} and writes
    {"id", "intent", "confidence", "language", "intents"?, "low_confidence"} per line.
    """
    if marketplace is not None and marketplace.upper() not in MARKETPLACES:
        raise click.BadParameter(f"unknown marketplace {marketplace!r}", param_hint="--marketplace")
    stream = open_input(source)
    try:
        status = run_batch(stream, sys.stdout, lambda record: classify_line(record, marketplace=marketplace))
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    raise SystemExit(status)
