"""``sellerdesk draft`` (contracts §3), ``sellerdesk kb import`` and ``sellerdesk templates ...``.

``draft``: a checked reply draft for each buyer message.

In, one JSON object a line: ``{"id", "text", "subject"?, "marketplace"?, "buyer_name"?, "order"?,
"store"?, "holding"?}``: ``order`` is the contracts §3 order, ``store`` is ``{"name", "signature"?}``,
``holding`` asks for a holding reply.

Out: ``{"id", "intent", "language", "template", "draft", "check": {verdict, findings}}`` and
sellerdesk's extras: ``buyer_language``, ``variant``, ``facts`` (the order facts the draft states),
``holding``, ``reply_needed`` (false for a plain thank-you), ``suspicion`` (``{"hold", "signals",
"checklist"}``) and ``note`` (why a language model's draft was not used). Consecutive drafts of one
run avoid each other's wording.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import click

from sellerdesk.adapters.llm import LlmSettings, OpenAiChatLlm
from sellerdesk.cli.base import cli, config_option, handle_errors, load
from sellerdesk.cli.jsonl import open_input, require, run_batch
from sellerdesk.cli.store_commands import database_url_option, open_configured_database
from sellerdesk.core.knowledge import KnowledgeEntry
from sellerdesk.core.templates import Library
from sellerdesk.errors import InputError
from sellerdesk.services import knowledge, templates
from sellerdesk.services.drafts import Writer, draft_message, order_from_mapping

_RECENT = 3  # the near-duplicate rule looks at three replies in a row


def _optional_str(record: Mapping[str, Any], name: str) -> str | None:
    value = record.get(name)
    if value is not None and not isinstance(value, str):
        raise InputError(f"field {name!r} must be a string, got {type(value).__name__}")
    return value


StoreParts = Callable[[str | None], tuple[Library | None, Mapping[str, KnowledgeEntry] | None]]


def _no_store_parts(_name: str | None) -> tuple[Library | None, Mapping[str, KnowledgeEntry] | None]:
    return None, None


def draft_line(record: Mapping[str, Any], *, recent: list[str], store_parts: StoreParts = _no_store_parts,
               writer: Writer | None = None) -> dict[str, Any]:
    """The output fields of one input line; *recent* holds the variants of the previous drafts, and
    *store_parts* gives a store's template library and knowledge base by the store's name."""
    text = require(record, "text")
    store = record.get("store") or {}
    if not isinstance(store, Mapping):
        raise InputError("field 'store' must be an object such as {\"name\": \"acme-us\"}")
    order = order_from_mapping(record["order"]) if record.get("order") is not None else None
    store_name = _optional_str(store, "name")
    library, kb = store_parts(store_name)
    result = draft_message(
        text, subject=_optional_str(record, "subject"), marketplace=_optional_str(record, "marketplace"),
        buyer_name=_optional_str(record, "buyer_name"), order=order, store_name=store_name,
        signature=_optional_str(store, "signature"), avoid=tuple(recent), holding=record.get("holding") is True,
        library=library, knowledge=kb, writer=writer)
    recent.append(result.draft.variant)
    del recent[:-_RECENT]
    return result.to_dict()


@cli.command("draft")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Use the stores' templates and knowledge bases from this configuration's database.")
@database_url_option
@click.option("--llm-url", default=None, metavar="URL",
              help="An OpenAI-compatible endpoint that rewrites each draft, e.g. http://127.0.0.1:11434/v1.")
@click.option("--llm-model", default=None, metavar="NAME", help="The model to ask (with --llm-url).")
@click.option("--llm-key-env", default=None, metavar="VAR", help="Environment variable holding the API key.")
@click.argument("source", metavar="FILE|-")
@handle_errors
def draft_command(config_path: str | None, database_url: str | None, llm_url: str | None, llm_model: str | None,
                  llm_key_env: str | None, source: str) -> None:
    """A reply draft for each buyer message, checked by the compliance guard.

    Reads JSON Lines {"id", "text", "subject"?, "marketplace"?, "buyer_name"?, "order"?, "store"?}
    and writes {"id", "intent", "language", "template", "draft", "check"} per line. With --config
    or --database-url, the store named in each line brings its own templates and knowledge base.
    """
    if bool(llm_url) != bool(llm_model):
        raise click.UsageError("--llm-url and --llm-model go together")
    with contextlib.ExitStack() as stack:
        writer = None
        if llm_url and llm_model:
            writer = OpenAiChatLlm(LlmSettings(base_url=llm_url, model=llm_model, api_key_env=llm_key_env))
            stack.callback(writer.close)
        parts: StoreParts = _no_store_parts
        if config_path or database_url:
            db = stack.enter_context(open_configured_database(load(config_path), database_url))
            reader = stack.enter_context(db.reading())
            cache: dict[str | None, tuple[Library | None, Mapping[str, KnowledgeEntry] | None]] = {}

            def parts(name: str | None) -> tuple[Library | None, Mapping[str, KnowledgeEntry] | None]:
                if name not in cache:
                    cache[name] = ((templates.store_library(reader, store_name=name),
                                    knowledge.knowledge_of(reader, store_name=name)) if name else (None, None))
                return cache[name]

        stream = open_input(source)
        if stream is not sys.stdin.buffer:
            stack.callback(stream.close)
        recent: list[str] = []
        status = run_batch(stream, sys.stdout,
                           lambda record: draft_line(record, recent=recent, store_parts=parts, writer=writer))
    raise SystemExit(status)


def _read_text(path: str) -> str:
    stream = open_input(path)
    try:
        raw = stream.read()
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 (byte {exc.start}); re-encode the file as UTF-8") from exc


def _print(record: Mapping[str, Any]) -> None:
    click.echo(json.dumps(record, ensure_ascii=False))


@cli.group("kb")
def kb_group() -> None:
    """The product knowledge base (sizes, compatibility, care, known issues per ASIN)."""


@kb_group.command("import")
@config_option
@database_url_option
@click.option("--store", "store_name", required=True, metavar="NAME", help="The store the entries belong to.")
@click.argument("source", metavar="FILE")
@handle_errors
def kb_import_command(config_path: str | None, database_url: str | None, store_name: str, source: str) -> None:
    """Import knowledge-base entries from a YAML or CSV file (.csv: CSV; anything else: YAML).

    Prints {"store", "added", "updated"}.
    """
    text = _read_text(source)
    with open_configured_database(load(config_path), database_url) as db, db.transaction() as store:
        counts = knowledge.import_file(store, store_name=store_name, text=text, source=source,
                                       now=datetime.now(UTC))
    _print({"store": store_name, **counts})


@cli.group("templates")
def templates_group() -> None:
    """A store's reply templates: list, add, edit, and the stale ones."""


@templates_group.command("list")
@config_option
@database_url_option
@click.option("--store", "store_name", required=True, metavar="NAME")
@handle_errors
def templates_list_command(config_path: str | None, database_url: str | None, store_name: str) -> None:
    """One JSON line per template: name, language, intent, version, usage_count, edited_at, stale, body."""
    with open_configured_database(load(config_path), database_url) as db, db.reading() as store:
        for row in templates.list_templates(store, store_name=store_name, now=datetime.now(UTC)):
            _print(row)


@templates_group.command("stale")
@config_option
@database_url_option
@click.option("--store", "store_name", required=True, metavar="NAME")
@click.option("--days", default=templates.STALE_AFTER.days, show_default=True, help="Not edited for this many days.")
@handle_errors
def templates_stale_command(config_path: str | None, database_url: str | None, store_name: str, days: int) -> None:
    """The templates not edited for --days days, one JSON line each."""
    with open_configured_database(load(config_path), database_url) as db, db.reading() as store:
        for row in templates.list_templates(store, store_name=store_name, now=datetime.now(UTC),
                                            stale_after=timedelta(days=days)):
            if row["stale"]:
                _print(row)


def _save(config_path: str | None, database_url: str | None, *, store_name: str, name: str, language: str,
          intent: str | None, source: str, new: bool) -> None:
    body = _read_text(source).strip()
    with open_configured_database(load(config_path), database_url) as db, db.transaction() as store:
        existing = {(r["name"], r["language"]): r
                    for r in templates.list_templates(store, store_name=store_name, now=datetime.now(UTC))}
        current = existing.get((name, language))
        if new and current is not None:
            raise InputError(f"template {name!r} ({language}) exists; use sellerdesk templates edit")
        if not new and current is None:
            raise InputError(f"no template {name!r} ({language}) in store {store_name!r}; use sellerdesk templates add")
        result = templates.save_template(
            store, store_name=store_name, name=name, language=language,
            intent=intent or (current["intent"] if current else "other"), body=body,
            actor=getpass.getuser(), now=datetime.now(UTC))
    _print(result)
    if not result["saved"]:
        raise SystemExit(1)


_template_options = (
    click.option("--store", "store_name", required=True, metavar="NAME"),
    click.option("--name", required=True, help="The template's name within the store."),
    click.option("--language", required=True, metavar="CODE", help="ISO 639-1 code, e.g. de."),
)


def _with_template_options(func: Any) -> Any:
    for option in reversed(_template_options):
        func = option(func)
    return func


@templates_group.command("add")
@config_option
@database_url_option
@_with_template_options
@click.option("--intent", required=True, metavar="INTENT", help="The intent the template answers.")
@click.argument("source", metavar="FILE|-")
@handle_errors
def templates_add_command(config_path: str | None, database_url: str | None, store_name: str, name: str,
                          language: str, intent: str, source: str) -> None:
    """Add a template (its text from FILE or standard input), checked by the compliance guard.

    A template with a block finding is not saved: the findings are printed and the exit status is 1.
    """
    _save(config_path, database_url, store_name=store_name, name=name, language=language, intent=intent,
          source=source, new=True)


@templates_group.command("edit")
@config_option
@database_url_option
@_with_template_options
@click.option("--intent", default=None, metavar="INTENT", help="Change the intent the template answers.")
@click.argument("source", metavar="FILE|-")
@handle_errors
def templates_edit_command(config_path: str | None, database_url: str | None, store_name: str, name: str,
                           language: str, intent: str | None, source: str) -> None:
    """Save a new version of a template (its text from FILE or standard input), checked like add."""
    _save(config_path, database_url, store_name=store_name, name=name, language=language, intent=intent,
          source=source, new=False)
